"""Writes for exercises, progress and assignments."""

from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from school.errors import DomainError, ErrorKind
from school.models import Classroom

from ..grading import QuizResult, quiz_answers_from_form, quiz_answers_from_positions, quiz_grade
from ..models import (
    Assignment,
    CourseCompletion,
    CoursePage,
    LessonPage,
    LessonProgress,
    QuizAttempt,
)
from ..ordering import ORDER_FIELD, quiz_order_seed
from ..progress import final_test_passed, lesson_is_completed, time_increment
from ..scores import score_ratio


def quiz_submission_grade(*, page_id: int, quiz_id: str, quiz, data) -> QuizResult:
    """Grade a quiz form: answers by position in the order the signed seed of the form gives
    (courses.ordering), mapped back to choices here. Raises QuizSubmissionError on a form that
    is too large, a missing or altered seed, and tampered or incomplete answers."""
    positions = quiz_answers_from_form(data, max_fields=settings.HEMICYCLE_QUIZ_MAX_FIELDS)
    seed = quiz_order_seed(data.get(ORDER_FIELD), page_id=page_id, quiz_id=quiz_id)
    return quiz_grade(quiz, quiz_answers_from_positions(quiz, positions, seed=seed), seed=seed)


def quiz_attempt_check_and_record(*, user, lesson: LessonPage, quiz_id: str, data) -> QuizResult:
    """Grade a submission and, for a logged-in user, store it as a new attempt.

    Raises QuizSubmissionError (nothing stored) on tampered or incomplete input, KeyError when the
    lesson has no such quiz."""
    quiz = lesson.quiz_blocks()[quiz_id]
    result = quiz_submission_grade(page_id=lesson.pk, quiz_id=quiz_id, quiz=quiz, data=data)
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


@transaction.atomic(savepoint=False)
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
            .order_by()
            .values_list("quiz_id", flat=True)
            .distinct()
        )
        if lesson_is_completed(
            opened=True, quiz_ids=lesson.exercise_ids(), attempted_quiz_ids=attempted
        ):
            progress.completed_at = now
            LessonProgress.objects.filter(pk=progress.pk).update(completed_at=now)
    return progress


ASSIGNMENT_TARGET_MISSING = "assignment_target_missing"
ASSIGNMENT_TARGET_AMBIGUOUS = "assignment_target_ambiguous"
ASSIGNMENT_NOT_PUBLISHED = "assignment_not_published"
ASSIGNMENT_ALREADY_EXISTS = "assignment_already_exists"
ASSIGNMENT_DUE_DATE_PAST = "assignment_due_date_past"
ASSIGNMENT_CLASSROOM_ARCHIVED = "assignment_classroom_archived"

ASSIGNMENT_ERROR_MESSAGES = {
    ASSIGNMENT_TARGET_MISSING: _("Choisissez un cours ou une leçon à donner à la classe."),
    ASSIGNMENT_TARGET_AMBIGUOUS: _(
        "Choisissez soit un cours entier, soit une seule leçon, pas les deux."
    ),
    ASSIGNMENT_NOT_PUBLISHED: _(
        "Ce cours ou cette leçon n'est pas publié : les élèves ne pourraient pas l'ouvrir."
    ),
    ASSIGNMENT_ALREADY_EXISTS: _("Ce cours ou cette leçon est déjà donné à cette classe."),
    ASSIGNMENT_DUE_DATE_PAST: _("La date limite est déjà passée : choisissez une date à venir."),
    ASSIGNMENT_CLASSROOM_ARCHIVED: _(
        "Cette classe est archivée : on ne peut plus lui donner de devoirs."
    ),
}


class AssignmentError(DomainError):
    messages = ASSIGNMENT_ERROR_MESSAGES
    kinds = {
        ASSIGNMENT_ALREADY_EXISTS: ErrorKind.CONFLICT,
        ASSIGNMENT_CLASSROOM_ARCHIVED: ErrorKind.CONFLICT,
    }


def assignment_create(
    *,
    classroom: Classroom,
    teacher,
    course: CoursePage | None = None,
    lesson: LessonPage | None = None,
    due_date: date | None = None,
) -> Assignment:
    """Give a published course, or a single published lesson, to a class.

    The caller has checked school.permissions.can_manage_classroom(teacher, classroom). Raises
    AssignmentError (nothing stored) when the target is missing, ambiguous, unpublished or
    already given to the class, or when the due date has passed."""
    if course is None and lesson is None:
        raise AssignmentError(ASSIGNMENT_TARGET_MISSING)
    if course is not None and lesson is not None:
        raise AssignmentError(ASSIGNMENT_TARGET_AMBIGUOUS)
    if classroom.is_archived:
        raise AssignmentError(ASSIGNMENT_CLASSROOM_ARCHIVED)
    target = course if course is not None else lesson
    if not target.live:
        raise AssignmentError(ASSIGNMENT_NOT_PUBLISHED)
    if due_date is not None and due_date < timezone.localdate():
        raise AssignmentError(ASSIGNMENT_DUE_DATE_PAST)
    try:
        # The database's unique constraints decide, even for two teachers clicking at once.
        with transaction.atomic():
            return Assignment.objects.create(
                classroom=classroom,
                course=course,
                lesson=lesson,
                due_date=due_date,
                assigned_by=teacher,
            )
    except IntegrityError:
        raise AssignmentError(ASSIGNMENT_ALREADY_EXISTS) from None


def assignment_delete(*, assignment: Assignment) -> None:
    """Take an assignment back. Pupils' attempts and progress stay: they belong to the pupils."""
    assignment.delete()


def course_completion_record(
    *, user, course: CoursePage, result: QuizResult, pass_mark: int
) -> CourseCompletion | None:
    """A pupil's graded final test: when its score reaches the pass mark, the course is
    completed (the row is made at the first pass); a better score later replaces the one kept,
    a worse one changes nothing. Nothing for anyone but a pupil, nor for a score below the pass
    mark. Exact: the pass mark is compared with the score as a fraction, never rounded."""
    if not _tracks_progress(user) or not final_test_passed(
        score=result.score, max_score=result.max_score, pass_mark=pass_mark
    ):
        return None
    now = timezone.now()
    fields = {"score": result.score, "max_score": result.max_score, "best_at": now}
    with transaction.atomic():
        completion = (
            CourseCompletion.objects.select_for_update().filter(user=user, course=course).first()
        )
        if completion is None:
            try:
                # The unique constraint decides between two submissions at once.
                with transaction.atomic():
                    return CourseCompletion.objects.create(
                        user=user, course=course, completed_at=now, **fields
                    )
            except IntegrityError:
                completion = CourseCompletion.objects.select_for_update().get(
                    user=user, course=course
                )
        if score_ratio(result.score, result.max_score) > score_ratio(
            completion.score, completion.max_score
        ):
            for name, value in fields.items():
                setattr(completion, name, value)
            completion.save(update_fields=list(fields))
    return completion
