"""Reads for courses. Each selector decides its own joins so templates never query in a loop."""

from dataclasses import dataclass

from .models import CoursePage, LessonPage, QuizAttempt


def course_list_published(*, within):
    return (
        CoursePage.objects.live()
        .public()
        .descendant_of(within)
        .select_related("cover_image")
        .order_by("path")
    )


def lesson_list_for_course(*, course: CoursePage):
    return LessonPage.objects.live().public().child_of(course).order_by("path")


def lesson_navigation(*, lesson: LessonPage) -> dict:
    """The lesson's course, its position and its neighbours, in two queries."""
    course = lesson.get_parent().specific_deferred
    siblings = list(
        LessonPage.objects.live()
        .public()
        .sibling_of(lesson)
        .order_by("path")
        .only("id", "title", "slug", "url_path", "path", "depth")
    )
    position = next((i for i, page in enumerate(siblings) if page.pk == lesson.pk), 0)
    return {
        "course": course,
        "lesson_position": position + 1,
        "lesson_count": len(siblings),
        "previous_lesson": siblings[position - 1] if position > 0 else None,
        "next_lesson": siblings[position + 1] if position + 1 < len(siblings) else None,
    }


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
