"""Courses completed by passing their final test (CourseCompletion)."""

from school.models import Classroom

from ..models import CourseCompletion, CoursePage


def course_completion_get(*, user, course: CoursePage) -> CourseCompletion | None:
    """The user's completion of the course, if they passed its final test."""
    if not user.is_authenticated:
        return None
    return CourseCompletion.objects.filter(user=user, course=course).first()


def class_course_completions(*, classroom: Classroom) -> dict[int, list[CourseCompletion]]:
    """Pupil's user id → the courses they completed, with score and date, in one query."""
    completions: dict[int, list[CourseCompletion]] = {}
    rows = (
        CourseCompletion.objects.filter(user__pupil__classroom=classroom)
        .select_related("course")
        .only("user_id", "score", "max_score", "completed_at", "course__title", "course__path")
        .order_by("course__path")
    )
    for completion in rows:
        completions.setdefault(completion.user_id, []).append(completion)
    return completions
