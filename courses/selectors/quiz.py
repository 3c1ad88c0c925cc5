"""Exercise attempts: a learner's result per exercise (ExerciseResult, the one definition of
it), and a class's success per question of the quizzes."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Subquery,
    Window,
)
from django.db.models.functions import Cast, FirstValue

from school.models import Classroom, PupilProfile

from ..grading import question_choices, quiz_questions
from ..models import ExerciseKind, LessonPage, QuizAttempt
from ..progress import percentage
from ..scores import percent_of, score_label, score_ratio


@dataclass(frozen=True)
class ExerciseResult:
    """One user's result at one exercise (a native quiz or an H5P activity), the one definition
    every page, table, export and API answer shows: the BEST attempt, the one with the highest
    share of its maximum (the latest of equals), shown on its own scale (« 2,6/3 »); the last
    attempt beside it. Never a sum of raw points: across exercises, see courses.scores."""

    attempts: int
    best_score: Decimal
    best_max: Decimal
    last_score: Decimal
    last_max: Decimal

    @property
    def max_score(self) -> Decimal:
        return self.best_max

    @property
    def best_label(self) -> str:
        return score_label(self.best_score, self.best_max)

    @property
    def last_label(self) -> str:
        return score_label(self.last_score, self.last_max)

    @property
    def best_ratio(self) -> Decimal | None:
        return score_ratio(self.best_score, self.best_max)

    @property
    def best_percent(self) -> int | None:
        return percent_of(self.best_ratio)


# The lesson page's name for it.
QuizAttemptSummary = ExerciseResult


# As floats: SQLite keeps whole decimals as integers and would divide 7 by 10 as 0.
_RATIO = ExpressionWrapper(
    Cast("score", FloatField()) / Cast("max_score", FloatField()), output_field=FloatField()
)
_EXERCISE = ("user_id", "lesson_id", "quiz_id")
_BEST = (_RATIO.desc(), F("created_at").desc(), F("pk").desc())
_LAST = (F("created_at").desc(), F("pk").desc())


def _first(field: str, order: tuple) -> Window:
    """The field of the exercise's first attempt in this order."""
    return Window(FirstValue(field), partition_by=[F(name) for name in _EXERCISE], order_by=order)


def exercise_results(attempts) -> dict[tuple[int, int, str], ExerciseResult]:
    """(user id, lesson id, exercise id) → ExerciseResult, for these attempts, in one query: each
    attempt row carries its exercise's count, best and last (window functions over the
    exercise's attempts, one sort), and DISTINCT keeps one row per exercise. Correlated
    subqueries per exercise cost a class table several times more."""
    rows = (
        attempts.order_by()
        .annotate(
            count=Window(Count("pk"), partition_by=[F(name) for name in _EXERCISE]),
            best=_first("score", _BEST),
            best_max=_first("max_score", _BEST),
            last=_first("score", _LAST),
            last_max=_first("max_score", _LAST),
        )
        .values_list(*_EXERCISE, "count", "best", "best_max", "last", "last_max")
        .distinct()
    )
    return {
        (user_id, lesson_id, quiz_id): ExerciseResult(*rest)
        for user_id, lesson_id, quiz_id, *rest in rows
    }


def quiz_attempt_summaries(*, user, lesson: LessonPage) -> dict[str, ExerciseResult]:
    """Exercise id → the user's result at each exercise of a lesson, in one query."""
    if not user.is_authenticated:
        return {}
    results = exercise_results(QuizAttempt.objects.filter(user=user, lesson=lesson))
    return {quiz_id: result for (_user, _lesson, quiz_id), result in results.items()}


@dataclass(frozen=True)
class QuestionSuccess:
    quiz_title: str
    position: int
    prompt: str
    answered: int
    right: int

    @property
    def rate(self) -> int | None:
        """Percentage of the pupils who answered whose latest attempt got it right."""
        return percentage(self.right, self.answered)


@dataclass(frozen=True)
class LessonQuestionStats:
    lesson: LessonPage
    pupils: int
    questions: tuple[QuestionSuccess, ...]


def _expected_answer(question) -> set[str]:
    return {choice_id for choice_id, _text, is_correct in question_choices(question) if is_correct}


def lesson_question_stats(*, classroom: Classroom, lesson: LessonPage) -> LessonQuestionStats:
    """Per question of the lesson's quizzes, how many of the class's pupils got it right in
    their latest attempt; the most missed first. Two queries."""
    latest = (
        QuizAttempt.objects.filter(
            user_id=OuterRef("user_id"),
            lesson_id=OuterRef("lesson_id"),
            quiz_id=OuterRef("quiz_id"),
        )
        .order_by("-created_at", "-pk")
        .values("pk")[:1]
    )
    answers_by_quiz: dict[str, list[dict]] = {}
    rows = (
        QuizAttempt.objects.filter(
            lesson=lesson, user__pupil__classroom=classroom, kind=ExerciseKind.QUIZ
        )
        .filter(pk=Subquery(latest))
        .values_list("quiz_id", "answers")
    )
    for quiz_id, answers in rows:
        answers_by_quiz.setdefault(quiz_id, []).append(answers or {})

    questions = []
    for quiz_id, quiz in lesson.quiz_blocks().items():
        latest_answers = answers_by_quiz.get(quiz_id, [])
        for position, (question_id, question) in enumerate(quiz_questions(quiz), start=1):
            expected = _expected_answer(question)
            given = [answers[question_id] for answers in latest_answers if question_id in answers]
            questions.append(
                QuestionSuccess(
                    quiz_title=quiz["title"],
                    position=position,
                    prompt=question["prompt"],
                    answered=len(given),
                    right=sum(1 for choices in given if set(choices) == expected),
                )
            )
    # Most missed first; questions nobody answered yet at the end.
    questions.sort(key=lambda q: (q.rate is None, q.rate if q.rate is not None else 0))
    pupils = PupilProfile.objects.filter(classroom=classroom).count()
    return LessonQuestionStats(lesson, pupils, tuple(questions))
