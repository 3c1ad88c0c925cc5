"""The only code that writes courses' domain state."""

from django.conf import settings
from django.db import transaction

from .grading import QuizResult, quiz_answers_from_form, quiz_grade
from .models import LessonPage, QuizAttempt


def quiz_attempt_check_and_record(*, user, lesson: LessonPage, quiz_id: str, data) -> QuizResult:
    """Grade a submission and, for a logged-in user, store it as a new attempt.

    Raises QuizSubmissionError (nothing stored) on tampered or incomplete input, KeyError when the
    lesson has no such quiz."""
    quiz = lesson.quiz_blocks()[quiz_id]
    answers = quiz_answers_from_form(data, max_fields=settings.HEMICYCLE_QUIZ_MAX_FIELDS)
    result = quiz_grade(quiz, answers)
    if user.is_authenticated:
        quiz_attempt_record(user=user, lesson=lesson, quiz_id=quiz_id, result=result)
    return result


@transaction.atomic
def quiz_attempt_record(
    *, user, lesson: LessonPage, quiz_id: str, result: QuizResult
) -> QuizAttempt:
    """Store a graded attempt. Attempts are never updated nor merged."""
    return QuizAttempt.objects.create(
        user=user,
        lesson=lesson,
        quiz_id=quiz_id,
        score=result.score,
        max_score=result.max_score,
        answers=result.answers(),
    )
