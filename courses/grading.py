"""Pure quiz grading: a quiz block's value and the submitted answers in, a result out.

A question is worth one point and counts only when the answer is exactly right (for a multiple
choice question, exactly the set of correct choices)."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

QUIZ_UNKNOWN_QUESTION = "unknown_question"
QUIZ_UNKNOWN_CHOICE = "unknown_choice"
QUIZ_MISSING_ANSWER = "missing_answer"
QUIZ_TOO_MANY_ANSWERS = "too_many_answers"
QUIZ_TOO_LARGE = "too_large"

ERROR_MESSAGES = {
    QUIZ_UNKNOWN_QUESTION: _("Le formulaire contient une question qui n'existe pas dans ce quiz."),
    QUIZ_UNKNOWN_CHOICE: _(
        "Le formulaire contient une réponse qui n'existe pas pour cette question."
    ),
    QUIZ_MISSING_ANSWER: _("Réponds à toutes les questions avant de valider."),
    QUIZ_TOO_MANY_ANSWERS: _("Une seule réponse est possible pour cette question."),
    QUIZ_TOO_LARGE: _("Le formulaire envoyé est trop grand."),
}

TRUE_FALSE_VALUES = {"true": True, "false": False}
FIELD_PREFIX = "q-"


class QuizSubmissionError(ValueError):
    def __init__(self, code: str, question_id: str | None = None):
        self.code = code
        self.question_id = question_id
        super().__init__(str(ERROR_MESSAGES[code]))

    @property
    def message(self) -> str:
        return str(ERROR_MESSAGES[self.code])


@dataclass(frozen=True)
class ChoiceFeedback:
    id: str
    text: str
    is_correct: bool
    chosen: bool


@dataclass(frozen=True)
class QuestionResult:
    id: str
    prompt: str
    kind: str
    correct: bool
    explanation: str
    choices: tuple[ChoiceFeedback, ...]
    answer: tuple[str, ...]


@dataclass(frozen=True)
class QuizResult:
    questions: tuple[QuestionResult, ...]

    @property
    def score(self) -> int:
        return sum(1 for question in self.questions if question.correct)

    @property
    def max_score(self) -> int:
        return len(self.questions)

    def answers(self) -> dict[str, list[str]]:
        return {question.id: list(question.answer) for question in self.questions}


def question_choices(question) -> list[tuple[str, str, bool]]:
    """(id, text, is_correct) for each choice, true/false questions included."""
    if question["kind"] == "true_false":
        truth = bool(question["true_false_answer"])
        return [("true", str(_("Vrai")), truth), ("false", str(_("Faux")), not truth)]
    return [
        (child.id, child.value["text"], bool(child.value["correct"]))
        for child in question["choices"].bound_blocks
    ]


def quiz_questions(quiz) -> list[tuple[str, object]]:
    """(question id, question value) pairs of a quiz block value, in order."""
    return [(child.id, child.value) for child in quiz["questions"].bound_blocks]


def quiz_public_questions(quiz) -> list[dict]:
    """What a pupil may see of the questions before answering: never which choice is right."""
    return [
        {
            "id": question_id,
            "kind": question["kind"],
            "prompt": question["prompt"],
            "choices": [
                {"id": choice_id, "text": text}
                for choice_id, text, _ok in question_choices(question)
            ],
        }
        for question_id, question in quiz_questions(quiz)
    ]


def quiz_answers_from_form(data: Mapping, *, max_fields: int) -> dict[str, list[str]]:
    """Submitted answers keyed by question id, from a QueryDict-like mapping (q-<id> fields)."""
    keys = [key for key in data if key.startswith(FIELD_PREFIX)]
    if len(keys) > max_fields:
        raise QuizSubmissionError(QUIZ_TOO_LARGE)
    getlist = getattr(data, "getlist", None)
    answers = {}
    for key in keys:
        values = getlist(key) if getlist else data[key]
        if isinstance(values, str):
            values = [values]
        if len(values) > max_fields:
            raise QuizSubmissionError(QUIZ_TOO_LARGE)
        answers[key[len(FIELD_PREFIX) :]] = [str(value) for value in values]
    return answers


def quiz_grade(quiz, answers: Mapping[str, Sequence[str]]) -> QuizResult:
    """Grade a whole submission, or raise QuizSubmissionError without partial results."""
    questions = quiz_questions(quiz)
    known = {question_id for question_id, _value in questions}
    for question_id in answers:
        if question_id not in known:
            raise QuizSubmissionError(QUIZ_UNKNOWN_QUESTION, question_id)

    results = []
    for question_id, question in questions:
        chosen = [value for value in answers.get(question_id, []) if value != ""]
        if not chosen:
            raise QuizSubmissionError(QUIZ_MISSING_ANSWER, question_id)
        choices = question_choices(question)
        choice_ids = {choice_id for choice_id, _text, _ok in choices}
        if any(value not in choice_ids for value in chosen):
            raise QuizSubmissionError(QUIZ_UNKNOWN_CHOICE, question_id)
        if question["kind"] != "multiple" and len(set(chosen)) > 1:
            raise QuizSubmissionError(QUIZ_TOO_MANY_ANSWERS, question_id)
        chosen_set = set(chosen)
        expected = {choice_id for choice_id, _text, ok in choices if ok}
        results.append(
            QuestionResult(
                id=question_id,
                prompt=question["prompt"],
                kind=question["kind"],
                correct=chosen_set == expected,
                explanation=question["explanation"],
                choices=tuple(
                    ChoiceFeedback(id=cid, text=text, is_correct=ok, chosen=cid in chosen_set)
                    for cid, text, ok in choices
                ),
                answer=tuple(sorted(chosen_set)),
            )
        )
    return QuizResult(questions=tuple(results))
