"""The landing pages' reads, each the sum of its apps' fixed numbers of queries."""

from dataclasses import dataclass
from datetime import date, datetime

from classroom_votes.landing import (
    ClassVotesWork,
    PupilClasswork,
    pupil_classwork,
    teacher_classwork,
)
from courses.selectors.assignments import assignments_overdue_by_classroom
from courses.selectors.dashboards import PupilDashboard, pupil_dashboard
from school.models import Classroom
from school.selectors import classrooms_taught_active
from school.teachers import membership_requests_to_decide


@dataclass(frozen=True)
class PupilHome:
    dashboard: PupilDashboard  # assignments, from courses
    classwork: PupilClasswork  # votes, debates and results, from classroom_votes

    @property
    def assignments_open(self):
        """The assignments not finished yet, soonest due first."""
        return [item for item in self.dashboard.assignments if not item.is_done]


def pupil_home(*, user, now: datetime) -> PupilHome:
    """Six queries besides the pupil's profile: four for the assignments, two for the rest."""
    return PupilHome(pupil_dashboard(user=user), pupil_classwork(user=user, now=now))


@dataclass(frozen=True)
class ClassHome:
    classroom: Classroom  # with pupil_count and waiting_count
    votes: ClassVotesWork
    overdue_assignments: int

    @property
    def needs_nothing(self) -> bool:
        return not (
            self.classroom.waiting_count
            or self.votes.open_votes
            or self.votes.to_moderate
            or self.overdue_assignments
        )


@dataclass(frozen=True)
class TeacherHome:
    classes: list[ClassHome]
    requests_to_decide: int  # colleagues asking to join a school of theirs


def teacher_home(*, user, today: date) -> TeacherHome:
    """The classes `user` teaches, none archived, each with what waits for them, and the
    requests to join their school. Six queries, whatever the number of classes."""
    classrooms = list(classrooms_taught_active(user=user))
    ids = [classroom.pk for classroom in classrooms]
    votes = teacher_classwork(user=user, classroom_ids=ids)
    overdue = assignments_overdue_by_classroom(classroom_ids=ids, today=today) if ids else {}
    return TeacherHome(
        [
            ClassHome(classroom, votes[classroom.pk], overdue.get(classroom.pk, 0))
            for classroom in classrooms
        ],
        membership_requests_to_decide(user=user).count(),
    )
