"""Pure quiz grading: a quiz block's value and the submitted answers in, a result out.

Scoring (PARTIAL_CREDIT_RULE, shown to pupils and teachers). Every question is worth one point.
A single choice or true/false question gives 1 when the answer is right, 0 otherwise. A multiple
choice question gives partial credit: (right choices ticked − wrong choices ticked) / number of
right choices, never below 0, rounded down to the thousandth (scores are stored with three
decimals, courses.scores: 2 of 3 right is 0,666, never more than earned). Ticking every choice
therefore scores 0 unless the question has no wrong choice, and a question counts as « right »
(QuestionResult.correct, the class statistics) only when exactly the right choices are ticked.

Order. The choices of single and multiple choice questions are shuffled for each attempt
(quiz_choice_order): the form names choices by their position in the order shown, and the order
comes from a seed the server signed into the form (courses.ordering), so the server maps the
positions back to choices itself and never takes an order from the client. True/false questions
keep « Vrai » then « Faux »."""

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from django.utils.translation import gettext_lazy as _

QUIZ_UNKNOWN_QUESTION = "unknown_question"
QUIZ_UNKNOWN_CHOICE = "unknown_choice"
QUIZ_MISSING_ANSWER = "missing_answer"
QUIZ_TOO_MANY_ANSWERS = "too_many_answers"
QUIZ_TOO_LARGE = "too_large"
QUIZ_ORDER_INVALID = "order_invalid"

PARTIAL_CREDIT_RULE = _(
    "Chaque question vaut un point. Une question à choix multiple rapporte une partie du point : "
    "(bonnes réponses cochées − mauvaises réponses cochées) ÷ nombre de bonnes réponses, jamais "
    "moins de 0, arrondi au millième inférieur. Tout cocher rapporte donc 0."
)

ERROR_MESSAGES = {
    QUIZ_UNKNOWN_QUESTION: _("Le formulaire contient une question qui n'existe pas dans ce quiz."),
    QUIZ_UNKNOWN_CHOICE: _(
        "Le formulaire contient une réponse qui n'existe pas pour cette question."
    ),
    QUIZ_MISSING_ANSWER: _("Réponds à toutes les questions avant de valider."),
    QUIZ_TOO_MANY_ANSWERS: _("Une seule réponse est possible pour cette question."),
    QUIZ_TOO_LARGE: _("Le formulaire envoyé est trop grand."),
    QUIZ_ORDER_INVALID: _(
        "Ce formulaire de quiz n'est plus valable : recharge la page et réponds à nouveau."
    ),
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


_THOUSANDTH = Decimal("0.001")


@dataclass(frozen=True)
class ChoiceFeedback:
    id: str
    text: str
    is_correct: bool
    chosen: bool
    # Why this choice is wrong (empty for a right one).
    feedback: str = ""
    # Its position in the order the pupil was shown ("" when graded without one).
    position: str = ""

    @property
    def wrongly_chosen(self) -> bool:
        return self.chosen and not self.is_correct


@dataclass(frozen=True)
class QuestionResult:
    id: str
    prompt: str
    kind: str
    correct: bool
    explanation: str
    choices: tuple[ChoiceFeedback, ...]
    answer: tuple[str, ...]
    credit: Decimal = Decimal(0)
    case: bool = False

    @property
    def partial(self) -> bool:
        return not self.correct and self.credit > 0

    @property
    def wrong_choices_chosen(self) -> tuple[ChoiceFeedback, ...]:
        """The wrong choices the pupil picked, each with why it is wrong."""
        return tuple(choice for choice in self.choices if choice.wrongly_chosen)


@dataclass(frozen=True)
class QuizResult:
    questions: tuple[QuestionResult, ...]

    @property
    def score(self) -> Decimal:
        """Exact: a sum of credits with at most three decimals (PARTIAL_CREDIT_RULE)."""
        return sum((question.credit for question in self.questions), Decimal(0))

    @property
    def max_score(self) -> int:
        return len(self.questions)

    def answers(self) -> dict[str, list[str]]:
        return {question.id: list(question.answer) for question in self.questions}


def question_choices(question) -> list[tuple[str, str, bool]]:
    """(id, text, is_correct) for each choice, true/false questions included, in stored order."""
    if question["kind"] == "true_false":
        truth = bool(question["true_false_answer"])
        return [("true", str(_("Vrai")), truth), ("false", str(_("Faux")), not truth)]
    return [
        (child.id, child.value["text"], bool(child.value["correct"]))
        for child in question["choices"].bound_blocks
    ]


def question_feedbacks(question) -> dict[str, str]:
    """Choice id → why that choice is wrong; for true/false, the wrong answer's."""
    if question["kind"] == "true_false":
        wrong = "false" if question["true_false_answer"] else "true"
        return {wrong: (question.get("true_false_feedback") or "").strip()}
    return {
        child.id: (child.value.get("feedback") or "").strip()
        for child in question["choices"].bound_blocks
        if not child.value["correct"]
    }


def quiz_choice_order(question_id: str, question, seed: str) -> list[tuple[str, str, bool]]:
    """The choices in the order shown for this seed: shuffled for single and multiple choice
    questions (the same seed always gives the same order), Vrai then Faux for true/false."""
    choices = question_choices(question)
    if question["kind"] != "true_false":
        # A str seed is hashed with SHA-512 (random.seed version 2): stable across processes.
        random.Random(f"{seed}/{question_id}").shuffle(choices)
    return choices


def question_credit(*, kind: str, chosen: set[str], expected: set[str]) -> Decimal:
    """A question's points out of 1 (PARTIAL_CREDIT_RULE)."""
    if kind != "multiple":
        return Decimal(1) if chosen == expected else Decimal(0)
    if not expected:
        return Decimal(0)
    net = len(chosen & expected) - len(chosen - expected)
    if net <= 0:
        return Decimal(0)
    return (Decimal(net) / Decimal(len(expected))).quantize(_THOUSANDTH, rounding=ROUND_DOWN)


def quiz_questions(quiz) -> list[tuple[str, object]]:
    """(question id, question value) pairs of a quiz block value, in order."""
    return [(child.id, child.value) for child in quiz["questions"].bound_blocks]


def quiz_public_questions(quiz, *, seed: str = "") -> list[dict]:
    """What a pupil may see of the questions before answering, in the order of this seed: never
    which choice is right, nor the feedback. A choice's form value is its position."""
    return [
        {
            "id": question_id,
            "kind": question["kind"],
            "case": bool(question.get("case")),
            "prompt": question["prompt"],
            "choices": [
                {"id": choice_id, "position": str(position), "text": text}
                for position, (choice_id, text, _ok) in enumerate(
                    quiz_choice_order(question_id, question, seed)
                )
            ],
        }
        for question_id, question in quiz_questions(quiz)
    ]


def quiz_answers_from_positions(
    quiz, positions: Mapping[str, Sequence[str]], *, seed: str
) -> dict[str, list[str]]:
    """Answers by choice id from answers by position in the order this seed gives. A position
    that is not one of the question's (a forged or tampered value) is refused; unknown
    questions are passed through for quiz_grade to refuse."""
    questions = dict(quiz_questions(quiz))
    answers = {}
    for question_id, values in positions.items():
        question = questions.get(question_id)
        if question is None:
            answers[question_id] = list(values)
            continue
        shown = quiz_choice_order(question_id, question, seed)
        order = [choice_id for choice_id, _text, _ok in shown]
        mapped = []
        for value in values:
            if value == "":
                continue
            if not (value.isascii() and value.isdigit()) or int(value) >= len(order):
                raise QuizSubmissionError(QUIZ_UNKNOWN_CHOICE, question_id)
            mapped.append(order[int(value)])
        answers[question_id] = mapped
    return answers


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


def quiz_grade(
    quiz, answers: Mapping[str, Sequence[str]], *, seed: str | None = None
) -> QuizResult:
    """Grade a whole submission (answers by choice id), or raise QuizSubmissionError without
    partial results. With the seed of the order shown, the result lists the choices in that
    order, each with its position."""
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
        if seed is None:
            choices = question_choices(question)
        else:
            choices = quiz_choice_order(question_id, question, seed)
        choice_ids = {choice_id for choice_id, _text, _ok in choices}
        if any(value not in choice_ids for value in chosen):
            raise QuizSubmissionError(QUIZ_UNKNOWN_CHOICE, question_id)
        if question["kind"] != "multiple" and len(set(chosen)) > 1:
            raise QuizSubmissionError(QUIZ_TOO_MANY_ANSWERS, question_id)
        chosen_set = set(chosen)
        expected = {choice_id for choice_id, _text, ok in choices if ok}
        feedbacks = question_feedbacks(question)
        results.append(
            QuestionResult(
                id=question_id,
                prompt=question["prompt"],
                kind=question["kind"],
                correct=chosen_set == expected,
                explanation=question["explanation"],
                choices=tuple(
                    ChoiceFeedback(
                        id=cid,
                        text=text,
                        is_correct=ok,
                        chosen=cid in chosen_set,
                        feedback="" if ok else feedbacks.get(cid, ""),
                        position="" if seed is None else str(position),
                    )
                    for position, (cid, text, ok) in enumerate(choices)
                ),
                answer=tuple(sorted(chosen_set)),
                credit=question_credit(kind=question["kind"], chosen=chosen_set, expected=expected),
                case=bool(question.get("case")),
            )
        )
    return QuizResult(questions=tuple(results))
