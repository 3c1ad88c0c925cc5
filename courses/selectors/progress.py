"""Progress of pupils through the lessons assigned to their class: the class table, one pupil's
detail and the cells both are made of. Every selector here runs a fixed number of queries
whatever the number of pupils, lessons and attempts: attempts are aggregated per (pupil, lesson,
quiz) in the database, progress rows come in one query, and the cells are assembled in Python."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import cached_property

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from school.models import Classroom, PupilProfile

from ..models import Assignment, ExerciseKind, H5PPackage, LessonPage, LessonProgress, QuizAttempt
from ..progress import percentage
from ..scores import mean_ratio, percent_label, percent_of
from .assignments import assigned_lessons
from .quiz import ExerciseResult, exercise_results


class LessonStatus(models.TextChoices):
    TODO = "todo", _("À faire")
    STARTED = "started", _("Commencée")
    COMPLETED = "completed", _("Terminée")


@dataclass(frozen=True)
class QuizProgress:
    """One exercise of a lesson for one pupil: a native quiz, or an H5P activity. `max_score` is
    the exercise's scale as the server knows it (a quiz's questions, the package's maximum; None
    for an H5P activity whose maximum is unknown); `result` the pupil's (selectors.quiz)."""

    quiz_id: str
    title: str
    max_score: Decimal | int | None
    kind: str = ExerciseKind.QUIZ
    result: ExerciseResult | None = None

    @property
    def is_h5p(self) -> bool:
        return self.kind == ExerciseKind.H5P

    @property
    def attempts(self) -> int:
        return self.result.attempts if self.result else 0

    @property
    def best_label(self) -> str:
        """« 2,6/3 »: the best attempt on its own scale."""
        return self.result.best_label if self.result else ""

    @property
    def last_label(self) -> str:
        return self.result.last_label if self.result else ""

    @property
    def best_ratio(self) -> Decimal | None:
        return self.result.best_ratio if self.result else None

    @property
    def best_percent(self) -> int | None:
        return self.result.best_percent if self.result else None


@dataclass(frozen=True)
class LessonCell:
    """One pupil on one lesson: the completion rule's status and the exercises' results.

    The lesson's score is the mean, over the exercises done, of each one's best result as a share
    of its own maximum (courses.scores): a 3-point activity and a 10-point quiz weigh the same,
    and points of different scales are never added. Derived values are cached: a class table
    reads several of them in each of its cells."""

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
    def done(self) -> tuple[QuizProgress, ...]:
        return tuple(quiz for quiz in self.quizzes if quiz.attempts)

    @property
    def exercises_done(self) -> int:
        return len(self.done)

    @property
    def exercise_count(self) -> int:
        return len(self.quizzes)

    @cached_property
    def score_ratio(self) -> Decimal | None:
        return mean_ratio(quiz.best_ratio for quiz in self.done)

    @cached_property
    def score_percent(self) -> int | None:
        """The lesson's score in whole percents (None before any exercise is done)."""
        return percent_of(self.score_ratio)

    @cached_property
    def score_label(self) -> str:
        """« 87 % »."""
        return percent_label(self.score_percent)

    @cached_property
    def scores_detail(self) -> str:
        """« Quiz : 2/3 ; Vrai ou faux : 2,6/3 »: each exercise done, its best on its scale."""
        return " ; ".join(f"{quiz.title} : {quiz.best_label}" for quiz in self.done)

    @property
    def label(self) -> str:
        """« Terminée · 87 % »: what a teacher reads in a cell of the class table."""
        parts = [self.status_label]
        if self.score_label:
            parts.append(self.score_label)
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


def _progress_rows(progress) -> dict[tuple[int, int], tuple]:
    """(user id, lesson id) → (opened_at, completed_at, time_spent_seconds), in one query."""
    rows = progress.values_list(
        "user_id", "lesson_id", "opened_at", "completed_at", "time_spent_seconds"
    )
    return {(user_id, lesson_id): rest for user_id, lesson_id, *rest in rows}


def _h5p_titles(lessons) -> dict[int, tuple[str, Decimal | None]]:
    """Package id → (title, maximum score) for the H5P blocks of these lessons: one query, none
    without H5P."""
    package_ids = {
        block["value"].get("package")
        for lesson in lessons
        for block in lesson.body.raw_data
        if block["type"] == "h5p"
    }
    package_ids.discard(None)
    if not package_ids:
        return {}
    rows = H5PPackage.objects.filter(pk__in=package_ids).values_list("pk", "title", "max_score")
    return {pk: (title, maximum) for pk, title, maximum in rows}


def _quiz_definitions(lesson: LessonPage, h5p_titles: dict) -> list[tuple]:
    """(exercise id, title, maximum, kind) of each exercise of the lesson, in order. Read from
    the stored JSON: turning every block of every lesson into Python values would cost more
    than the rest of a class table. An H5P activity's maximum is its package's (None if
    unknown)."""
    definitions = []
    for block in lesson.body.raw_data:
        value = block["value"]
        if block["type"] == "quiz":
            questions = len(value.get("questions", []))
            definitions.append((block["id"], value.get("title", ""), questions, ExerciseKind.QUIZ))
        elif block["type"] == "h5p":
            package_title, maximum = h5p_titles.get(value.get("package"), ("", None))
            title = value.get("title") or package_title
            definitions.append((block["id"], title, maximum, ExerciseKind.H5P))
    return definitions


def _status_labels() -> dict[str, str]:
    """Translated once per selector call rather than once per cell."""
    return {status: str(status.label) for status in LessonStatus}


def _lesson_cell(*, user_id, lesson, definitions, stats, progress, labels) -> LessonCell:
    quizzes = []
    for quiz_id, title, maximum, kind in definitions:
        result = stats.get((user_id, lesson.pk, quiz_id))
        quizzes.append(QuizProgress(quiz_id, title, maximum, kind, result))
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
    stats = exercise_results(QuizAttempt.objects.filter(user_filter, lesson_id__in=lesson_ids))
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
class TableRow:
    """A pupil's line of the class table: per lesson, its status and score label only."""

    pupil: PupilProfile
    cells: tuple[tuple[str, str], ...]  # (LessonStatus, « 87 % » or "")
    completed: int


@dataclass(frozen=True)
class ClassProgressTable:
    """What the class page shows, with the cells and columns of ClassProgressSummary (the same
    rules) but none of its per-exercise objects: a page of 45 pupils × 20 lessons."""

    classroom: Classroom
    lessons: tuple[LessonColumn, ...]
    rows: tuple[TableRow, ...]


def _exercise_ids(lesson: LessonPage) -> tuple[str, ...]:
    """The ids of the lesson's exercises, as _quiz_definitions lists them."""
    return tuple(block["id"] for block in lesson.body.raw_data if block["type"] in ("quiz", "h5p"))


def class_progress_table(*, classroom: Classroom) -> ClassProgressTable:
    """The pupils × lessons table of the class page in six queries whatever its size: the same
    statuses and scores as class_progress_summary, built in one pass over pupils × lessons
    from the class's results per exercise (one grouped query) and progress rows."""
    assigned = assigned_lessons(classroom=classroom)
    pupils = list(
        PupilProfile.objects.filter(classroom=classroom)
        .only("user_id", "classroom_id", "pseudonym")
        .order_by(Lower("pseudonym"), "pk")
    )
    lessons = assigned.lessons
    user_filter = Q(user__pupil__classroom=classroom)
    lesson_ids = [lesson.pk for lesson in lessons]
    results, finished = {}, {}
    if lesson_ids:
        results = exercise_results(
            QuizAttempt.objects.filter(user_filter, lesson_id__in=lesson_ids)
        )
        finished = {
            (user_id, lesson_id): completed_at is not None
            for user_id, lesson_id, completed_at in LessonProgress.objects.filter(
                user_filter, lesson_id__in=lesson_ids
            ).values_list("user_id", "lesson_id", "completed_at")
        }
    exercises = [(lesson.pk, _exercise_ids(lesson)) for lesson in lessons]
    started = [0] * len(lessons)
    completed = [0] * len(lessons)
    score_labels: dict[int | None, str] = {}
    rows = []
    for pupil in pupils:
        user_id = pupil.user_id
        cells = []
        for index, (lesson_id, quiz_ids) in enumerate(exercises):
            is_completed = finished.get((user_id, lesson_id))
            if is_completed is None:
                status = LessonStatus.TODO
            else:
                started[index] += 1
                status = LessonStatus.STARTED
                if is_completed:
                    completed[index] += 1
                    status = LessonStatus.COMPLETED
            done = [
                results[key]
                for key in ((user_id, lesson_id, quiz_id) for quiz_id in quiz_ids)
                if key in results
            ]
            percent = percent_of(mean_ratio(result.best_ratio for result in done))
            if percent not in score_labels:  # translated once per value, not once per cell
                score_labels[percent] = percent_label(percent)
            cells.append((status, score_labels[percent]))
        rows.append(
            TableRow(
                pupil,
                tuple(cells),
                sum(1 for status, _score in cells if status == LessonStatus.COMPLETED),
            )
        )
    columns = tuple(
        LessonColumn(lesson, pupils=len(rows), started=started[index], completed=completed[index])
        for index, lesson in enumerate(lessons)
    )
    return ClassProgressTable(classroom, columns, tuple(rows))


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
