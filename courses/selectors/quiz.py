"""Quiz attempts: a learner's summary per quiz of a lesson, and a class's success per question."""

from dataclasses import dataclass

from django.db.models import OuterRef, Subquery

from school.models import Classroom, PupilProfile

from ..grading import question_choices, quiz_questions
from ..models import ExerciseKind, LessonPage, QuizAttempt
from ..progress import percentage


@dataclass(frozen=True)
class QuizAttemptSummary:
    attempts: int
    best_score: int
    last_score: int
    max_score: int


def quiz_attempt_summaries(*, user, lesson: LessonPage) -> dict[str, QuizAttemptSummary]:
    """Best and last score per quiz of a lesson for one user, in one query."""
    if not user.is_authenticated:
        return {}
    summaries: dict[str, QuizAttemptSummary] = {}
    rows = (
        QuizAttempt.objects.filter(user=user, lesson=lesson)
        .order_by("quiz_id", "-created_at", "-pk")
        .values_list("quiz_id", "score", "max_score")
    )
    for quiz_id, score, max_score in rows:
        summary = summaries.get(quiz_id)
        if summary is None:
            summaries[quiz_id] = QuizAttemptSummary(1, score, score, max_score)
        else:
            summaries[quiz_id] = QuizAttemptSummary(
                summary.attempts + 1,
                max(summary.best_score, score),
                summary.last_score,
                summary.max_score,
            )
    return summaries


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
