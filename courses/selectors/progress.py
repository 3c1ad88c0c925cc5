"""Progress of pupils through the lessons assigned to their class: the class table, one pupil's
detail and the cells both are made of. Every selector here runs a fixed number of queries
whatever the number of pupils, lessons and attempts: attempts are aggregated per (pupil, lesson,
quiz) in the database, progress rows come in one query, and the cells are assembled in Python."""

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from django.db import models
from django.db.models import Count, Max, OuterRef, Q, Subquery
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from school.models import Classroom, PupilProfile

from ..models import Assignment, ExerciseKind, H5PPackage, LessonPage, LessonProgress, QuizAttempt
from ..progress import percentage
from .assignments import assigned_lessons


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
        return percentage(self.completed, self.pupils)


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
    lessons = assigned_lessons(classroom=pupil.classroom).lessons
    cells = pupil_lesson_cells(user_id=pupil.user_id, lessons=lessons)
    return PupilProgressDetail(pupil, tuple(cells[lesson.pk] for lesson in lessons))


def pupil_lesson_cells(*, user_id: int, lessons) -> dict[int, LessonCell]:
    """Lesson id → one pupil's cell on each of these lessons, in two queries (three with H5P
    activities)."""
    stats, progress = _progress_data(user_filter=Q(user_id=user_id), lessons=lessons)
    h5p_titles = _h5p_titles(lessons)
    labels = _status_labels()
    return {
        lesson.pk: _lesson_cell(
            user_id=user_id,
            lesson=lesson,
            definitions=_quiz_definitions(lesson, h5p_titles),
            stats=stats,
            progress=progress,
            labels=labels,
        )
        for lesson in lessons
    }
