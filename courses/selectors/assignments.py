"""Assignments: what a teacher can give to a class, what a class was given and the lessons that
covers, and the classes a teacher follows."""

from dataclasses import dataclass

from django.db.models import Count, F, Q

from school.models import Classroom
from school.permissions import classrooms_managed_by, is_administrator, is_teacher
from school.selectors import classrooms_for_manager

from ..models import Assignment, CoursePage, LessonPage


@dataclass(frozen=True)
class AssignedLessons:
    """The live lessons of a class's assignments: per assignment, and as the class's list
    (lessons of assigned courses in tree order, then lessons assigned alone)."""

    assignments: tuple[Assignment, ...]
    per_assignment: dict[int, tuple[LessonPage, ...]]
    lessons: tuple[LessonPage, ...]

    def items(self) -> list[tuple[Assignment, tuple[LessonPage, ...]]]:
        return [(assignment, self.per_assignment[assignment.pk]) for assignment in self.assignments]


def assignment_list_for_classroom(*, classroom: Classroom):
    """A class's assignments, soonest due first (undated ones last), with their page."""
    return _soonest_due_first(Assignment.objects.filter(classroom=classroom))


def _soonest_due_first(assignments):
    """With their page (its heavy fields left out), soonest due first, undated ones last."""
    return (
        assignments.select_related("course", "lesson")
        .defer("lesson__body", "course__intro", "course__learning_objectives")
        .order_by(F("due_date").asc(nulls_last=True), "created_at", "pk")
    )


def _is_child_of(lesson: LessonPage, course: CoursePage) -> bool:
    return lesson.depth == course.depth + 1 and lesson.path.startswith(course.path)


def assigned_lessons(*, classroom: Classroom) -> AssignedLessons:
    """Two queries: the assignments, then every live lesson they cover."""
    assignments = tuple(assignment_list_for_classroom(classroom=classroom))
    courses = [assignment.course for assignment in assignments if assignment.course_id]
    condition = Q(
        pk__in=[assignment.lesson_id for assignment in assignments if assignment.lesson_id]
    )
    for course in courses:
        condition |= Q(path__startswith=course.path, depth=course.depth + 1)
    found = (
        list(LessonPage.objects.live().filter(condition).order_by("path")) if assignments else []
    )

    per_assignment = {}
    for assignment in assignments:
        if assignment.course_id:
            covered = [lesson for lesson in found if _is_child_of(lesson, assignment.course)]
        else:
            covered = [lesson for lesson in found if lesson.pk == assignment.lesson_id]
        per_assignment[assignment.pk] = tuple(covered)
    in_courses = [lesson for lesson in found if any(_is_child_of(lesson, c) for c in courses)]
    in_courses_ids = {lesson.pk for lesson in in_courses}
    alone = [lesson for lesson in found if lesson.pk not in in_courses_ids]
    return AssignedLessons(assignments, per_assignment, tuple(in_courses + alone))


def lessons_assigned_among(*, classroom: Classroom | None, lessons) -> set[int]:
    """The ids of `lessons` (live lesson pages, with their path) given to `classroom`, alone or
    through their course: one query on the class's assignments, whatever its number of lessons.
    The same rule as assigned_lessons, for a few lessons known already (a pupil's xAPI post)."""
    lessons = list(lessons)
    if classroom is None or not lessons:
        return set()
    steplen = LessonPage.steplen
    course_paths = {lesson.path[:-steplen] for lesson in lessons}
    given = Assignment.objects.filter(classroom=classroom).filter(
        Q(lesson_id__in=[lesson.pk for lesson in lessons]) | Q(course__path__in=course_paths)
    )
    lesson_ids, paths = set(), set()
    for lesson_id, course_path in given.values_list("lesson_id", "course__path"):
        lesson_ids.add(lesson_id)
        paths.add(course_path)
    return {
        lesson.pk
        for lesson in lessons
        if lesson.pk in lesson_ids or lesson.path[:-steplen] in paths
    }


def classroom_list_managed(*, user):
    """The classes a teacher (or an administrator) follows, as school lists them, with their
    assignments counted in the same query."""
    return classrooms_for_manager(user=user).annotate(
        assignment_count=Count("assignments", distinct=True)
    )


def assignable_pages() -> list[tuple[CoursePage, list[LessonPage]]]:
    """Every published course with its published lessons, in tree order, in two queries: what a
    teacher can give to a class."""
    fields = ("id", "title", "path", "depth")
    courses = list(CoursePage.objects.live().order_by("path").only(*fields))
    lessons = list(LessonPage.objects.live().order_by("path").only(*fields))
    return [
        (course, [lesson for lesson in lessons if _is_child_of(lesson, course)])
        for course in courses
    ]


def assignment_list_visible(*, user):
    """The assignments of every class a teacher (or an administrator) manages; a pupil's own
    class's. Each with its page, soonest due first."""
    if not user.is_authenticated:
        return Assignment.objects.none()
    if is_teacher(user) or is_administrator(user):
        scope = Q(classroom__in=classrooms_managed_by(user))
    else:
        scope = Q(classroom__pupils__user=user)
    return _soonest_due_first(Assignment.objects.filter(scope))


def lessons_given_to_pupil(*, user, lessons) -> set[int]:
    """The ids of `lessons` given to the pupil's class; none for a pupil still waiting for the
    teacher's approval (no class yet) or for any other account."""
    profile = getattr(user, "pupil_profile", None)
    if profile is None or profile.is_waiting:
        return set()
    return lessons_assigned_among(classroom=profile.classroom, lessons=lessons)


def assignments_overdue_by_classroom(*, classroom_ids, today) -> dict[int, int]:
    """For a teacher's landing page: how many assignments of each class are past their date
    (who is late is on the class's progress page). One query."""
    return dict(
        Assignment.objects.filter(classroom_id__in=classroom_ids, due_date__lt=today)
        .order_by()
        .values("classroom_id")
        .annotate(total=Count("pk"))
        .values_list("classroom_id", "total")
    )
