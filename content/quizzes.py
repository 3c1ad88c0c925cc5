"""The ```quiz``` blocks of lessons and the questions of final tests (content/FORMAT.md, seed
format v2): plain YAML data in, a QuizBlock's raw StreamField value out, or SeedFormatError
naming the file and the question.

Rules checked here, for every question: a known `kind`; a prompt and an explanation; `case`, if
given, true or false. Single choice: at least two choices, exactly one right. Multiple choice: at
least one right and one wrong choice. Every wrong choice has its `feedback` (why it is wrong).
True/false: an `answer` (true or false) and the `feedback` for the wrong answer, no choices.
Editors may leave feedback empty in Wagtail; seed files may not."""

KINDS = {"single", "multiple", "true_false"}
DEFAULT_TITLE = "Vérifie tes connaissances"


def _text(value) -> str:
    return str(value).strip() if isinstance(value, str | int | float) else ""


def _question_value(question, *, number: int, key: str, fail) -> dict:
    from .loader import _items

    if not isinstance(question, dict):
        fail(number, "une question est une liste de champs (kind, prompt, …)")
    kind = question.get("kind")
    if kind not in KINDS:
        fail(number, f"« kind » doit valoir single, multiple ou true_false (pas {kind!r})")
    prompt, explanation = _text(question.get("prompt")), _text(question.get("explanation"))
    if not prompt:
        fail(number, "« prompt » (l'énoncé) manque")
    if not explanation:
        fail(number, "« explanation » (l'explication montrée après la réponse) manque")
    case = question.get("case", False)
    if not isinstance(case, bool):
        fail(number, "« case » vaut true ou false")
    value = {
        "kind": kind,
        "case": case,
        "prompt": prompt,
        "choices": [],
        "true_false_answer": False,
        "true_false_feedback": "",
        "explanation": explanation,
    }
    if kind == "true_false":
        if "choices" in question:
            fail(number, "une question true_false n'a pas de « choices » (elle a « answer »)")
        if not isinstance(question.get("answer"), bool):
            fail(number, "une question true_false a « answer: true » ou « answer: false »")
        feedback = _text(question.get("feedback"))
        if not feedback:
            fail(number, "une question true_false a un « feedback » (pourquoi l'autre est faux)")
        value["true_false_answer"] = question["answer"]
        value["true_false_feedback"] = feedback
        return value
    choices = question.get("choices")
    if not isinstance(choices, list) or len(choices) < 2:
        fail(number, "il faut au moins deux « choices »")
    cleaned = []
    for position, choice in enumerate(choices, start=1):
        if not isinstance(choice, dict) or not _text(choice.get("text")):
            fail(number, f"la réponse {position} n'a pas de « text »")
        correct = choice.get("correct", False)
        if not isinstance(correct, bool):
            fail(number, f"la réponse {position} : « correct » vaut true ou false")
        feedback = _text(choice.get("feedback"))
        if not correct and not feedback:
            fail(
                number,
                f"la mauvaise réponse {position} (« {_text(choice['text'])} ») n'a pas de "
                "« feedback » (pourquoi elle est fausse)",
            )
        cleaned.append(
            {
                "text": _text(choice["text"]),
                "correct": correct,
                "feedback": "" if correct else feedback,
            }
        )
    right = sum(1 for choice in cleaned if choice["correct"])
    if kind == "single" and right != 1:
        fail(number, f"une question single a exactement une bonne réponse (ici {right})")
    if kind == "multiple" and not 1 <= right < len(cleaned):
        fail(number, "une question multiple a au moins une bonne et une mauvaise réponse")
    value["choices"] = _items(cleaned, f"{key}/q{number - 1}", lambda choice, _index: choice)
    return value


def quiz_value(data, *, key: str, source) -> dict:
    """A quiz's raw block value. Ids derive from `key` and positions (content.loader._block_id),
    so re-seeding keeps question and choice ids, and attempts stay attached."""
    from .loader import SeedFormatError, _items

    def fail(number, message):
        where = f"question {number}" if number else "quiz"
        raise SeedFormatError(f"{source}: {where} : {message}.")

    if not isinstance(data, dict):
        fail(0, "le bloc est une liste de champs (title, questions)")
    questions = data.get("questions")
    if not isinstance(questions, list) or not questions:
        fail(0, "« questions » doit être une liste non vide")
    values = [
        _question_value(question, number=index + 1, key=key, fail=fail)
        for index, question in enumerate(questions)
    ]
    return {
        "title": _text(data.get("title")) or DEFAULT_TITLE,
        "questions": _items(values, key, lambda value, _index: value),
    }
