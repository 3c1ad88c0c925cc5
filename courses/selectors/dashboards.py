"""A pupil's « Mes devoirs »: their class's assignments, each lesson's status and what to do
next."""

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from school.models import Classroom

from ..models import Assignment
from .assignments import assigned_lessons
from .progress import LessonCell, pupil_lesson_cells


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
    cells = pupil_lesson_cells(user_id=user.pk, lessons=assigned.lessons)
    today = timezone.localdate()
    return PupilDashboard(
        profile.classroom,
        tuple(
            AssignmentProgress(
                assignment,
                tuple(cells[lesson.pk] for lesson in assigned.per_assignment[assignment.pk]),
                today,
            )
            for assignment in assigned.assignments
        ),
    )
