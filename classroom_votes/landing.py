"""What the landing pages after login (config.landing) need from classroom_votes: for a pupil,
the votes, debates and results of their class; for a teacher, what waits for them in each class
they teach. Reads only, each in a fixed number of queries whatever the number of classes,
pupils, votes or posts.

A pupil's page says whether they voted (they know it anyway), never anything about what; a
teacher's counts are those of their own classes, never a colleague's."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from school.permissions import is_administrator

from .consultations.selectors import consultations_visible_to
from .debates.selectors import debates_visible_to
from .models import (
    Argument,
    ArgumentReport,
    ArgumentStatus,
    Consultation,
    ConsultationClassroom,
    ConsultationStatus,
    Debate,
    DebateClassroom,
    DebateStatus,
    Participation,
    Phase,
    ResultsSeen,
)

# How many results a pupil's page lists besides the new ones.
RESULTS_SEEN_SHOWN = 3


def _participations_count(**filters) -> Coalesce:
    """Participations of the outer row's consultation (and class, when asked), as a subquery:
    counted apart, so that no join multiplies the rows around it."""
    counted = (
        Participation.objects.filter(**filters)
        .order_by()
        .values("consultation")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(counted), 0)


# --- A pupil's page ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PupilVote:
    consultation: Consultation
    voted: bool


@dataclass(frozen=True)
class PupilResults:
    consultation: Consultation
    new: bool  # published since the pupil last opened them: the « nouveau » badge


@dataclass(frozen=True)
class PupilClasswork:
    votes: list[PupilVote] = field(default_factory=list)  # open now, not voted first
    debates: list[Debate] = field(default_factory=list)  # open, newest first
    results: list[PupilResults] = field(default_factory=list)  # new first, then newest

    @property
    def new_results(self) -> int:
        return sum(1 for item in self.results if item.new)

    @property
    def votes_waiting(self) -> int:
        return sum(1 for item in self.votes if not item.voted)


def pupil_classwork(*, user, now: datetime) -> PupilClasswork:
    """The votes open now in the pupil's class, its open debates and the consultations whose
    results are published (closed, with at least its minimum of ballots). Two queries."""
    rows = (
        consultations_visible_to(user=user)
        .filter(status__in=[ConsultationStatus.OPEN, ConsultationStatus.CLOSED])
        .annotate(
            voted=Exists(
                Participation.objects.filter(consultation=OuterRef("pk"), user_id=user.pk)
            ),
            seen=Exists(ResultsSeen.objects.filter(consultation=OuterRef("pk"), user_id=user.pk)),
            ballot_count=_participations_count(consultation=OuterRef("pk")),
        )
        .order_by("-closed_at", "-opened_at", "-pk")
    )
    votes, new, seen = [], [], []
    for row in rows:
        if row.status == ConsultationStatus.OPEN:
            if row.phase(now=now) == Phase.OPEN:
                votes.append(PupilVote(row, row.voted))
        elif row.ballot_count >= row.min_ballots:
            (seen if row.seen else new).append(PupilResults(row, not row.seen))
    votes.sort(key=lambda item: item.voted)  # stable: newest first within each group
    debates = list(
        debates_visible_to(user=user)
        .filter(status=DebateStatus.OPEN)
        .select_related("consultation")
        .order_by("-created_at", "-pk")
    )
    return PupilClasswork(votes, debates, new + seen[:RESULTS_SEEN_SHOWN])


# --- A teacher's page -------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenVote:
    consultation: Consultation
    voters: int  # pupils of this class who voted (who, never what: that is on its page)


@dataclass(frozen=True)
class DebateToModerate:
    debate: Debate
    waiting: int  # posts waiting for approval (pre-moderation, word filter)
    reported: int  # posts hidden by reports or with open reports


@dataclass
class ClassVotesWork:
    open_votes: list[OpenVote] = field(default_factory=list)
    to_moderate: list[DebateToModerate] = field(default_factory=list)

    @property
    def waiting(self) -> int:
        return sum(item.waiting for item in self.to_moderate)

    @property
    def reported(self) -> int:
        return sum(item.reported for item in self.to_moderate)


def debates_managed_by(*, user) -> QuerySet[Debate]:
    """The debates a teacher moderates (permissions.can_moderate_debate, as a queryset): theirs,
    and those of which they teach every class; every one for administrators."""
    if is_administrator(user):
        return Debate.objects.all()
    links = DebateClassroom.objects.filter(debate=OuterRef("pk"))
    return Debate.objects.filter(
        Q(owner_id=user.pk) | (Exists(links) & ~Exists(links.exclude(classroom__teachers=user.pk)))
    )


def teacher_classwork(*, user, classroom_ids: list[int]) -> dict[int, ClassVotesWork]:
    """For each of these classes (which the caller has checked `user` teaches): its open votes
    with how many of its pupils voted, and the debates of the class that `user` moderates with
    what waits in their queue. Three queries."""
    work = {classroom_id: ClassVotesWork() for classroom_id in classroom_ids}
    if not classroom_ids:
        return work
    links = (
        ConsultationClassroom.objects.filter(
            classroom_id__in=classroom_ids, consultation__status=ConsultationStatus.OPEN
        )
        .select_related("consultation")
        .annotate(
            voters=_participations_count(
                consultation=OuterRef("consultation_id"), classroom=OuterRef("classroom_id")
            )
        )
        .order_by("consultation__closes_at", "-consultation__opened_at", "pk")
    )
    for link in links:
        work[link.classroom_id].open_votes.append(OpenVote(link.consultation, link.voters))

    open_reports = ArgumentReport.objects.filter(argument=OuterRef("pk"), resolved_at__isnull=True)
    debate_ids = debates_managed_by(user=user).filter(
        debate_classrooms__classroom_id__in=classroom_ids, archived_at__isnull=True
    )
    counts = {
        row["debate_id"]: row
        for row in Argument.objects.filter(debate_id__in=debate_ids.values("pk"))
        .filter(
            Q(status=ArgumentStatus.PENDING)
            | Q(status=ArgumentStatus.HIDDEN, auto_hidden=True)
            | Q(Exists(open_reports), status=ArgumentStatus.PUBLISHED)
        )
        .order_by()
        .values("debate_id")
        .annotate(
            waiting=Count("pk", filter=Q(status=ArgumentStatus.PENDING)),
            reported=Count("pk", filter=~Q(status=ArgumentStatus.PENDING)),
        )
    }
    if counts:
        for link in (
            DebateClassroom.objects.filter(classroom_id__in=classroom_ids, debate_id__in=counts)
            .select_related("debate")
            .order_by("debate__created_at", "pk")
        ):
            row = counts[link.debate_id]
            work[link.classroom_id].to_moderate.append(
                DebateToModerate(link.debate, row["waiting"], row["reported"])
            )
    return work
