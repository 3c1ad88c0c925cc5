"""The only code that writes courses' domain state."""

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .grading import QuizResult, quiz_answers_from_form, quiz_grade
from .models import LessonPage, LessonProgress, QuizAttempt
from .progress import lesson_is_completed, time_increment


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
    """Store a graded attempt (never updated nor merged) and update the lesson's progress."""
    attempt = QuizAttempt.objects.create(
        user=user,
        lesson=lesson,
        quiz_id=quiz_id,
        score=result.score,
        max_score=result.max_score,
        answers=result.answers(),
    )
    if getattr(user, "is_pupil", False):
        lesson_progress_touch(user=user, lesson=lesson)
    return attempt


def _tracks_progress(user) -> bool:
    return bool(user.is_authenticated and getattr(user, "is_pupil", False))


@transaction.atomic
def lesson_progress_touch(*, user, lesson: LessonPage) -> LessonProgress | None:
    """A pupil opened the lesson or did one of its exercises: record it, add the coarse time
    since the last action and apply the completion rule (courses.progress)."""
    if not _tracks_progress(user):
        return None
    now = timezone.now()
    progress, created = LessonProgress.objects.select_for_update().get_or_create(
        user=user, lesson=lesson
    )
    if not created:
        increment = time_increment(last_seen=progress.last_seen_at, now=now)
        LessonProgress.objects.filter(pk=progress.pk).update(
            last_seen_at=now,
            time_spent_seconds=F("time_spent_seconds") + int(increment.total_seconds()),
        )
    if progress.completed_at is None:
        attempted = set(
            QuizAttempt.objects.filter(user=user, lesson=lesson)
            .values_list("quiz_id", flat=True)
            .distinct()
        )
        if lesson_is_completed(
            opened=True, quiz_ids=set(lesson.quiz_blocks()), attempted_quiz_ids=attempted
        ):
            progress.completed_at = now
            LessonProgress.objects.filter(pk=progress.pk).update(completed_at=now)
    return progress
