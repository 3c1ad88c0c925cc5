"""Reads for courses. Each selector decides its own joins so templates never query in a loop."""

from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property

from django.db import models
from django.db.models import Count, F, Max, OuterRef, Q, Subquery
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from school.models import Classroom, PupilProfile
from school.permissions import classrooms_managed_by, is_administrator, is_teacher

from .grading import question_choices, quiz_questions
from .models import (
    Assignment,
    CoursePage,
    ExerciseKind,
    H5PPackage,
    H5PUserState,
    LessonPage,
    LessonProgress,
    QuizAttempt,
)


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


# Progress of pupils through the lessons assigned to their class. Every selector below runs a
# fixed number of queries whatever the number of pupils, lessons and attempts: attempts are
# aggregated per (pupil, lesson, quiz) in the database, progress rows come in one query, and
# the cells are assembled in Python.


class LessonStatus(models.TextChoices):
    TODO = "todo", _("À faire")
    STARTED = "started", _("Commencée")
    COMPLETED = "completed", _("Terminée")


@dataclass(frozen=True)
class QuizProgress:
    """One exercise of a lesson for one pupil: a native quiz, or an H5P activity (whose maximum
    is only known once the player has reported a score)."""

    quiz_id: str
    title: str
    attempts: int
    best_score: int | None
    last_score: int | None
    max_score: int
    kind: str = ExerciseKind.QUIZ

    @property
    def is_h5p(self) -> bool:
        return self.kind == ExerciseKind.H5P


@dataclass(frozen=True)
class LessonCell:
    """One pupil on one lesson: the completion rule's status and the exercises' scores, quizzes
    and H5P activities apart.

    Derived values are cached: a class table reads several of them in each of its cells."""

    lesson: LessonPage
    status: str
    status_label: str
    opened_at: datetime | None
    completed_at: datetime | None
    time_spent_seconds: int
    quizzes: tuple[QuizProgress, ...]

    @property
    def is_completed(self) -> bool:
        return self.status == LessonStatus.COMPLETED

    @cached_property
    def attempts(self) -> int:
        return sum(quiz.attempts for quiz in self.quizzes)

    @cached_property
    def _native(self) -> tuple[QuizProgress, ...]:
        return tuple(quiz for quiz in self.quizzes if not quiz.is_h5p)

    @cached_property
    def _h5p_done(self) -> tuple[QuizProgress, ...]:
        return tuple(quiz for quiz in self.quizzes if quiz.is_h5p and quiz.attempts)

    @cached_property
    def max_score(self) -> int:
        """Of the native quizzes: one point per question."""
        return sum(quiz.max_score for quiz in self._native)

    @cached_property
    def best_score(self) -> int | None:
        """The sum over the lesson's quizzes of each one's best score (0 for a quiz not done)."""
        if not any(quiz.attempts for quiz in self._native):
            return None
        return sum(quiz.best_score or 0 for quiz in self._native)

    @cached_property
    def last_score(self) -> int | None:
        if not any(quiz.attempts for quiz in self._native):
            return None
        return sum(quiz.last_score or 0 for quiz in self._native)

    @cached_property
    def score_label(self) -> str:
        if self.best_score is None:
            return ""
        return f"{self.best_score}/{self.max_score}"

    @cached_property
    def h5p_best_score(self) -> int | None:
        """The sum of the best scores of the H5P activities done (None when none is)."""
        if not self._h5p_done:
            return None
        return sum(quiz.best_score for quiz in self._h5p_done)

    @cached_property
    def h5p_max_score(self) -> int | None:
        if not self._h5p_done:
            return None
        return sum(quiz.max_score for quiz in self._h5p_done)

    @cached_property
    def h5p_score_label(self) -> str:
        if self.h5p_best_score is None:
            return ""
        return f"{self.h5p_best_score}/{self.h5p_max_score}"

    @property
    def label(self) -> str:
        """« Terminée · 4/5 · H5P 3/4 »: what a teacher reads in a cell of the class table."""
        parts = [self.status_label]
        if self.score_label:
            parts.append(self.score_label)
        if self.h5p_score_label:
            parts.append(f"H5P {self.h5p_score_label}")
        return " · ".join(parts)

    @property
    def time_spent_minutes(self) -> int:
        return (self.time_spent_seconds + 30) // 60


def _percentage(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


@dataclass(frozen=True)
class LessonColumn:
    """A lesson of the class table, with how many pupils completed it."""

    lesson: LessonPage
    pupils: int
    started: int
    completed: int

    @property
    def completion_rate(self) -> int | None:
        """Percentage of the class's pupils who completed the lesson, rounded."""
        return _percentage(self.completed, self.pupils)


@dataclass(frozen=True)
class PupilRow:
    pupil: PupilProfile
    cells: tuple[LessonCell, ...]

    @property
    def completed(self) -> int:
        return sum(1 for cell in self.cells if cell.is_completed)


@dataclass(frozen=True)
class ClassProgressSummary:
    classroom: Classroom
    assignments: tuple[Assignment, ...]
    lessons: tuple[LessonColumn, ...]
    rows: tuple[PupilRow, ...]


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
    return (
        Assignment.objects.filter(classroom=classroom)
        .select_related("course", "lesson")
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


def _attempt_stats(attempts) -> dict[tuple[int, int, str], tuple[int, int, int, int]]:
    """(user id, lesson id, quiz id) → (attempts, best score, last score, max score), in one
    query grouped in the database."""
    latest_score = (
        QuizAttempt.objects.filter(
            user_id=OuterRef("user_id"),
            lesson_id=OuterRef("lesson_id"),
            quiz_id=OuterRef("quiz_id"),
        )
        .order_by("-created_at", "-pk")
        .values("score")[:1]
    )
    rows = (
        attempts.order_by()
        .values("user_id", "lesson_id", "quiz_id")
        .annotate(
            count=Count("pk"),
            best=Max("score"),
            maximum=Max("max_score"),
            last=Subquery(latest_score),
        )
        .values_list("user_id", "lesson_id", "quiz_id", "count", "best", "last", "maximum")
    )
    return {(u, lesson, quiz): (n, best, last, top) for u, lesson, quiz, n, best, last, top in rows}


def _progress_rows(progress) -> dict[tuple[int, int], tuple]:
    """(user id, lesson id) → (opened_at, completed_at, time_spent_seconds), in one query."""
    rows = progress.values_list(
        "user_id", "lesson_id", "opened_at", "completed_at", "time_spent_seconds"
    )
    return {(user_id, lesson_id): rest for user_id, lesson_id, *rest in rows}


def _h5p_titles(lessons) -> dict[int, str]:
    """Package id → title for the H5P blocks of these lessons: one query, none without H5P."""
    package_ids = {
        block["value"].get("package")
        for lesson in lessons
        for block in lesson.body.raw_data
        if block["type"] == "h5p"
    }
    package_ids.discard(None)
    if not package_ids:
        return {}
    return dict(H5PPackage.objects.filter(pk__in=package_ids).values_list("pk", "title"))


def _quiz_definitions(lesson: LessonPage, h5p_titles: dict[int, str]) -> list[tuple]:
    """(exercise id, title, maximum, kind) of each exercise of the lesson, in order. Read from
    the stored JSON: turning every block of every lesson into Python values would cost more
    than the rest of a class table. An H5P activity's maximum is 0 until a score comes in."""
    definitions = []
    for block in lesson.body.raw_data:
        value = block["value"]
        if block["type"] == "quiz":
            questions = len(value.get("questions", []))
            definitions.append((block["id"], value.get("title", ""), questions, ExerciseKind.QUIZ))
        elif block["type"] == "h5p":
            title = value.get("title") or h5p_titles.get(value.get("package"), "")
            definitions.append((block["id"], title, 0, ExerciseKind.H5P))
    return definitions


def _status_labels() -> dict[str, str]:
    """Translated once per selector call rather than once per cell."""
    return {status: str(status.label) for status in LessonStatus}


def _lesson_cell(*, user_id, lesson, definitions, stats, progress, labels) -> LessonCell:
    quizzes = []
    for quiz_id, title, question_count, kind in definitions:
        found = stats.get((user_id, lesson.pk, quiz_id))
        if found is None:
            quizzes.append(QuizProgress(quiz_id, title, 0, None, None, question_count, kind))
        else:
            count, best, last, maximum = found
            quizzes.append(QuizProgress(quiz_id, title, count, best, last, maximum, kind))
    row = progress.get((user_id, lesson.pk))
    if row is None:
        opened_at, completed_at, seconds = None, None, 0
        status = LessonStatus.TODO
    else:
        opened_at, completed_at, seconds = row
        status = LessonStatus.COMPLETED if completed_at else LessonStatus.STARTED
    return LessonCell(
        lesson, status, labels[status], opened_at, completed_at, seconds, tuple(quizzes)
    )


def _progress_data(*, user_filter: Q, lessons) -> tuple[dict, dict]:
    """Two queries: the users' attempts (aggregated) and progress rows on these lessons."""
    lesson_ids = [lesson.pk for lesson in lessons]
    if not lesson_ids:
        return {}, {}
    stats = _attempt_stats(QuizAttempt.objects.filter(user_filter, lesson_id__in=lesson_ids))
    progress = _progress_rows(LessonProgress.objects.filter(user_filter, lesson_id__in=lesson_ids))
    return stats, progress


def class_progress_summary(*, classroom: Classroom) -> ClassProgressSummary:
    """The pupils × lessons table of a class, in five queries whatever its size."""
    assigned = assigned_lessons(classroom=classroom)
    pupils = list(
        PupilProfile.objects.filter(classroom=classroom)
        .only("user_id", "classroom_id", "pseudonym")
        .order_by(Lower("pseudonym"), "pk")
    )
    stats, progress = _progress_data(
        user_filter=Q(user__pupil__classroom=classroom), lessons=assigned.lessons
    )
    h5p_titles = _h5p_titles(assigned.lessons)
    definitions = {lesson.pk: _quiz_definitions(lesson, h5p_titles) for lesson in assigned.lessons}
    labels = _status_labels()
    rows = tuple(
        PupilRow(
            pupil,
            tuple(
                _lesson_cell(
                    user_id=pupil.user_id,
                    lesson=lesson,
                    definitions=definitions[lesson.pk],
                    stats=stats,
                    progress=progress,
                    labels=labels,
                )
                for lesson in assigned.lessons
            ),
        )
        for pupil in pupils
    )
    columns = tuple(
        LessonColumn(
            lesson,
            pupils=len(rows),
            started=sum(1 for row in rows if row.cells[index].status != LessonStatus.TODO),
            completed=sum(1 for row in rows if row.cells[index].is_completed),
        )
        for index, lesson in enumerate(assigned.lessons)
    )
    return ClassProgressSummary(classroom, assigned.assignments, columns, rows)


@dataclass(frozen=True)
class PupilProgressDetail:
    pupil: PupilProfile
    cells: tuple[LessonCell, ...]


def pupil_progress_detail(*, pupil: PupilProfile) -> PupilProgressDetail:
    """One pupil on each lesson assigned to their class, quiz by quiz, in four queries."""
    assigned = assigned_lessons(classroom=pupil.classroom)
    stats, progress = _progress_data(user_filter=Q(user_id=pupil.user_id), lessons=assigned.lessons)
    h5p_titles = _h5p_titles(assigned.lessons)
    labels = _status_labels()
    cells = tuple(
        _lesson_cell(
            user_id=pupil.user_id,
            lesson=lesson,
            definitions=_quiz_definitions(lesson, h5p_titles),
            stats=stats,
            progress=progress,
            labels=labels,
        )
        for lesson in assigned.lessons
    )
    return PupilProgressDetail(pupil, cells)


@dataclass(frozen=True)
class AssignmentProgress:
    """One assignment as its pupil sees it."""

    assignment: Assignment
    cells: tuple[LessonCell, ...]
    today: date

    @property
    def title(self) -> str:
        return self.assignment.page.title

    @property
    def completed(self) -> int:
        return sum(1 for cell in self.cells if cell.is_completed)

    @property
    def is_done(self) -> bool:
        return bool(self.cells) and self.completed == len(self.cells)

    @property
    def is_late(self) -> bool:
        due = self.assignment.due_date
        return due is not None and due < self.today and not self.is_done

    @property
    def is_due_today(self) -> bool:
        return self.assignment.due_date == self.today and not self.is_done

    @property
    def next_cell(self) -> LessonCell | None:
        """The first lesson not completed yet, in the course's order."""
        return next((cell for cell in self.cells if not cell.is_completed), None)


@dataclass(frozen=True)
class PupilDashboard:
    classroom: Classroom | None
    assignments: tuple[AssignmentProgress, ...]

    @property
    def next_cell(self) -> LessonCell | None:
        """What to do next: the first unfinished lesson of the soonest unfinished assignment."""
        for assignment in self.assignments:
            if assignment.next_cell is not None:
                return assignment.next_cell
        return None


def pupil_dashboard(*, user) -> PupilDashboard:
    """A pupil's assignments with each lesson's status and best score, in four queries besides
    the pupil's profile (which the request reads once, see User.pupil_profile)."""
    profile = user.pupil_profile
    if profile is None:
        return PupilDashboard(None, ())
    assigned = assigned_lessons(classroom=profile.classroom)
    stats, progress = _progress_data(user_filter=Q(user_id=user.pk), lessons=assigned.lessons)
    h5p_titles = _h5p_titles(assigned.lessons)
    definitions = {lesson.pk: _quiz_definitions(lesson, h5p_titles) for lesson in assigned.lessons}
    labels = _status_labels()
    today = timezone.localdate()
    return PupilDashboard(
        profile.classroom,
        tuple(
            AssignmentProgress(
                assignment,
                tuple(
                    _lesson_cell(
                        user_id=user.pk,
                        lesson=lesson,
                        definitions=definitions[lesson.pk],
                        stats=stats,
                        progress=progress,
                        labels=labels,
                    )
                    for lesson in assigned.per_assignment[assignment.pk]
                ),
                today,
            )
            for assignment in assigned.assignments
        ),
    )


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
        return _percentage(self.right, self.answered)


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


def classroom_list_managed(*, user):
    """The classes a teacher (or an administrator) follows, with their pupils and assignments
    counted in the same query."""
    return (
        classrooms_managed_by(user)
        .select_related("school")
        .annotate(
            pupil_count=Count("pupils", distinct=True),
            assignment_count=Count("assignments", distinct=True),
        )
        .order_by(F("archived_at").asc(nulls_first=True), "-school_year", "name")
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
    return (
        Assignment.objects.filter(scope)
        .select_related("course", "lesson")
        .defer("lesson__body", "course__intro", "course__learning_objectives")
        .order_by(F("due_date").asc(nulls_last=True), "created_at", "pk")
    )


def h5p_states_for_lesson(*, user, lesson: LessonPage) -> dict[str, str]:
    """Activity id → the user's saved main state, for every H5P activity of a lesson, in one
    query: H5P core restores a state only if the page hands it over with the player."""
    if not user.is_authenticated:
        return {}
    return dict(
        H5PUserState.objects.filter(
            user=user, lesson=lesson, data_type="state", sub_content_id="0"
        ).values_list("activity_id", "data")
    )


def h5p_state_get(
    *, user, lesson: LessonPage, activity_id: str, data_type: str, sub_content_id: str
) -> str | None:
    """A user's saved state in an H5P activity, as the content-user-data protocol returns it."""
    return (
        H5PUserState.objects.filter(
            user=user,
            lesson=lesson,
            activity_id=activity_id,
            data_type=data_type,
            sub_content_id=sub_content_id,
        )
        .values_list("data", flat=True)
        .first()
    )
