"""Reads for consultations. Each selector makes a fixed number of queries, whatever the size of
the classes.

What may be shown, by whom, is the secret ballot's other half: participation says who voted and
never what; results come from the counters (ranked choice alone reads the urne, which holds no
pupil) and are published only when the vote is closed (or the teacher chose live results) and
enough ballots hide each pupil's in the count."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from school.models import Classroom
from school.permissions import is_pupil_account

from .. import tallies
from ..components import components_visible_to
from ..models import (
    Ballot,
    Consultation,
    ConsultationClassroom,
    ConsultationStatus,
    NationalQuestion,
    Participation,
    ResultsSeen,
    ResultsVisibility,
    SealedBallot,
    Tally,
)
from . import sealing

RESULTS_NOT_CLOSED = "results_not_closed"
RESULTS_TOO_FEW_BALLOTS = "results_too_few_ballots"
RESULTS_CLASS_TOO_FEW_BALLOTS = "results_class_too_few_ballots"

RESULTS_MESSAGES = {
    RESULTS_NOT_CLOSED: _("Les résultats seront publiés à la clôture du vote."),
    RESULTS_TOO_FEW_BALLOTS: _(
        "Trop peu de bulletins pour publier les résultats sans trahir le secret du vote."
    ),
    RESULTS_CLASS_TOO_FEW_BALLOTS: _(
        "Une des classes a trop peu de bulletins : les résultats par classe ne sont pas publiés, "
        "car on pourrait deviner les siens par différence."
    ),
}


# --- Lists ------------------------------------------------------------------------------------


def consultations_visible_to(*, user) -> QuerySet[Consultation]:
    """What permissions.can_view_consultation allows, as a queryset for lists: pupils see
    none of the drafts."""
    consultations = components_visible_to(Consultation.objects.select_related("owner"), user=user)
    if is_pupil_account(user):
        consultations = consultations.exclude(status=ConsultationStatus.DRAFT)
    return consultations


def pupil_participations_export(user) -> list[dict]:
    """For the pupil's data export (school.privacy): the consultations they took part in and
    when, never what they voted: the urne holds nothing of theirs."""
    return [
        {"consultation": title, "a_vote_le": voted_on.isoformat()}
        for title, voted_on in Participation.objects.filter(user=user)
        .order_by("voted_on", "consultation__title")
        .values_list("consultation__title", "voted_on")
    ]


def results_seen_export(user) -> list[str]:
    """For the pupil's data export: the consultations whose results they have opened (what
    the « nouveau » badge is taken off by), nothing more."""
    return list(
        ResultsSeen.objects.filter(user=user)
        .order_by("consultation__title", "consultation_id")
        .values_list("consultation__title", flat=True)
    )


# --- Participation ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ClassParticipation:
    """One class on the liste d'émargement. `inscrits` are the pupils of the class now, or when
    the vote closed; `voters` are pseudonyms, sorted; an erased pupil's line still counts in
    `votants` but has no name any more. `voters_hidden`: the names wait for the close (see
    voters_hidden_while_open)."""

    classroom: Classroom
    inscrits: int
    votants: int
    voters: tuple[str, ...]
    voters_hidden: bool = False


def voters_hidden_while_open(consultation: Consultation) -> bool:
    """With live results, the names of the voters wait for the close: whoever watched both the
    liste d'émargement and the results change would see what each newcomer voted. The count
    still moves, and the results then hide who made them move."""
    return (
        consultation.results_visibility == ResultsVisibility.LIVE
        and consultation.status != ConsultationStatus.CLOSED
    )


def _links(consultation: Consultation) -> list[ConsultationClassroom]:
    return list(
        ConsultationClassroom.objects.filter(consultation=consultation)
        .select_related("classroom__school")
        .annotate(pupils_now=Count("classroom__pupils"))
        .order_by("classroom__name", "classroom_id")
    )


def _inscrits(link: ConsultationClassroom) -> int:
    if link.registered_count is not None:
        return link.registered_count
    return link.pupils_now


def consultation_participation(*, consultation: Consultation) -> list[ClassParticipation]:
    """Per class: inscrits, votants and who voted (never what; the names only once they
    cannot be set beside live results, voters_hidden_while_open). Two queries."""
    hidden = voters_hidden_while_open(consultation)
    voters: dict[int, list[str]] = defaultdict(list)
    votants: dict[int, int] = defaultdict(int)
    for classroom_id, pseudonym in Participation.objects.filter(
        consultation=consultation
    ).values_list("classroom_id", "user__pupil__pseudonym"):
        votants[classroom_id] += 1
        if pseudonym and not hidden:
            voters[classroom_id].append(pseudonym)
    return [
        ClassParticipation(
            classroom=link.classroom,
            inscrits=_inscrits(link),
            votants=votants[link.classroom_id],
            voters=tuple(sorted(voters[link.classroom_id], key=str.casefold)),
            voters_hidden=hidden,
        )
        for link in _links(consultation)
    ]


# --- Results ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConsultationResults:
    """`ballots` is always given (the participation shows it anyway). `result` (tallies'
    result for the method) only when `published`; otherwise `reason` says why not."""

    consultation: Consultation
    classroom: Classroom | None
    ballots: int
    published: bool
    reason: str
    result: tallies.TallyResult | None

    @property
    def message(self) -> str:
        return str(RESULTS_MESSAGES[self.reason]) if self.reason else ""


def _counters_by_class(consultation: Consultation) -> dict[int, dict[str, int]]:
    counters: dict[int, dict[str, int]] = defaultdict(dict)
    for classroom_id, key, count in Tally.objects.filter(consultation=consultation).values_list(
        "classroom_id", "key", "count"
    ):
        counters[classroom_id][key] = count
    return counters


def _sealed_by_class(consultation: Consultation) -> dict[int, list[dict]]:
    """The ballots still sealed, opened in memory only: after the close, those of the classes
    with fewer than a batch of ballots (services: the close keeps them sealed). One query."""
    sealed: dict[int, list[dict]] = defaultdict(list)
    for classroom_id, blob in SealedBallot.objects.filter(consultation=consultation).values_list(
        "classroom_id", "sealed"
    ):
        sealed[classroom_id].append(
            sealing.ballot_unseal(blob, consultation_id=consultation.pk, classroom_id=classroom_id)
        )
    return sealed


def _counted(consultation: Consultation) -> tuple[dict[int, dict[str, int]], dict[int, list]]:
    """Per class, the counters, and the ballots only memory counts (see _sealed_by_class) added
    to them once the vote is closed: while it is open, results move with the mixing alone, a
    batch at a time. Also the sealed ballots themselves, for the methods that read ballots."""
    counters = _counters_by_class(consultation)
    if consultation.status != ConsultationStatus.CLOSED:
        return counters, {}
    sealed = _sealed_by_class(consultation)
    options = consultation.option_keys() if sealed else ()
    for classroom_id, ballots in sealed.items():
        for content in ballots:
            for key, step in tallies.tally_counts(
                method=consultation.method, options=options, content=content
            ).items():
                counters[classroom_id][key] = counters[classroom_id].get(key, 0) + step
    return counters, sealed


@dataclass(frozen=True)
class ClassTally:
    """A closed class's count as the urn holds it: counters, ballots, and for ranked choice how
    many ballots gave each ranking (tallies.rankings_count). No pupil in it."""

    counts: dict[str, int]
    ballots: int
    rankings: dict[str, int]


def consultation_class_tallies(*, consultation: Consultation) -> dict[int, ClassTally]:
    """Per class of a closed consultation, its whole count (counters, plus the ballots kept
    sealed, opened in memory; the urn's ballots for ranked choice). Two or three queries."""
    if consultation.status != ConsultationStatus.CLOSED:
        raise ValueError("a class's count is whole only once the consultation is closed")
    counters, sealed = _counted(consultation)
    ranked: dict[int, list[dict]] = defaultdict(list)
    if consultation.method in tallies.METHODS_NEEDING_BALLOTS:
        for classroom_id, content in Ballot.objects.filter(consultation=consultation).values_list(
            "classroom_id", "content"
        ):
            ranked[classroom_id].append(content)
        for classroom_id, contents in sealed.items():
            ranked[classroom_id].extend(contents)
    options = consultation.option_keys()
    return {
        classroom_id: ClassTally(
            counts=dict(counts),
            ballots=tallies.tally_ballot_total(method=consultation.method, counts=counts),
            rankings=(
                tallies.rankings_count(options=options, ballots=ranked[classroom_id])
                if consultation.method in tallies.METHODS_NEEDING_BALLOTS
                else {}
            ),
        )
        for classroom_id, counts in counters.items()
    }


def _unpublished_reason(
    *,
    consultation: Consultation,
    classroom: Classroom | None,
    ballots_by_class: dict[int, int],
) -> str:
    shown = consultation.status == ConsultationStatus.CLOSED or (
        consultation.status == ConsultationStatus.OPEN
        and consultation.results_visibility == ResultsVisibility.LIVE
    )
    if not shown:
        return RESULTS_NOT_CLOSED
    if sum(ballots_by_class.values()) < consultation.min_ballots:
        return RESULTS_TOO_FEW_BALLOTS
    if classroom is not None:
        # Published per class only when every class is: otherwise the total minus the others
        # would give away the small class's count.
        if ballots_by_class.get(classroom.pk, 0) < consultation.min_ballots:
            return RESULTS_TOO_FEW_BALLOTS
        if any(count < consultation.min_ballots for count in ballots_by_class.values()):
            return RESULTS_CLASS_TOO_FEW_BALLOTS
    return ""


def consultation_results(
    *, consultation: Consultation, classroom: Classroom | None = None
) -> ConsultationResults:
    """The consultation's result, or one class's, when it may be published. Two queries, one
    more once closed (the ballots kept sealed), one more for ranked choice (which reads the
    ballots of the consultation or class)."""
    counters, sealed = _counted(consultation)
    ballots_by_class = {
        classroom_id: tallies.tally_ballot_total(method=consultation.method, counts=counts)
        for classroom_id, counts in counters.items()
    }
    ballots = (
        ballots_by_class.get(classroom.pk, 0)
        if classroom is not None
        else sum(ballots_by_class.values())
    )
    reason = _unpublished_reason(
        consultation=consultation, classroom=classroom, ballots_by_class=ballots_by_class
    )
    if reason:
        return ConsultationResults(consultation, classroom, ballots, False, reason, None)
    options = consultation.option_keys()
    if consultation.method in tallies.METHODS_NEEDING_BALLOTS:
        urne = Ballot.objects.filter(consultation=consultation)
        kept = sealed.values()
        if classroom is not None:
            urne = urne.filter(classroom=classroom)
            kept = [sealed.get(classroom.pk, [])]
        result = tallies.result_compute(
            method=consultation.method,
            options=options,
            ballots=[*urne.values_list("content", flat=True), *(b for bs in kept for b in bs)],
        )
    else:
        counts = (
            counters.get(classroom.pk, {})
            if classroom is not None
            else tallies.tally_merge(tallies=counters.values())
        )
        result = tallies.result_compute(
            method=consultation.method,
            options=options,
            counts=counts,
            second_round=consultation.second_round,
        )
    return ConsultationResults(consultation, classroom, ballots, True, "", result)


# --- Procès-verbal ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PvRow:
    """`count`: votes, approvals or first preferences; for majority judgment, None and the
    option's `mention` instead."""

    key: str
    label: str
    count: int | None
    percentage: float | None
    mention: str | None = None


@dataclass(frozen=True)
class ProcesVerbal:
    """The class's procès-verbal. Counts per option (and blancs, exprimés) only when the
    results are published for this class; inscrits and votants always."""

    consultation: Consultation
    classroom: Classroom
    school_name: str
    school_commune: str
    school_uai: str
    inscrits: int
    votants: int
    blancs: int | None
    exprimes: int | None
    rows: tuple[PvRow, ...]
    opened_at: datetime | None
    closed_at: datetime | None
    published: bool
    reason: str
    result: tallies.TallyResult | None


def _pv_rows(result: tallies.TallyResult, labels: dict[str, str]) -> tuple[PvRow, ...]:
    if isinstance(result, tallies.MajorityJudgmentResult):
        return tuple(
            PvRow(
                key=row.key,
                label=labels.get(row.key, row.key),
                count=None,
                percentage=None,
                mention=row.majority_grade,
            )
            for row in result.rows
        )
    return tuple(
        PvRow(
            key=row.key,
            label=labels.get(row.key, row.key),
            count=row.count,
            percentage=row.percentage,
        )
        for row in result.rows
    )


def consultation_pv(*, consultation: Consultation, classroom: Classroom) -> ProcesVerbal:
    """Raises ConsultationClassroom.DoesNotExist when the class did not take part."""
    link = (
        ConsultationClassroom.objects.select_related("classroom__school")
        .annotate(pupils_now=Count("classroom__pupils"))
        .get(consultation=consultation, classroom=classroom)
    )
    votants = Participation.objects.filter(consultation=consultation, classroom=classroom).count()
    results = consultation_results(consultation=consultation, classroom=link.classroom)
    result = results.result
    school = link.classroom.school
    return ProcesVerbal(
        consultation=consultation,
        classroom=link.classroom,
        school_name=school.name,
        school_commune=school.commune,
        school_uai=school.uai,
        inscrits=_inscrits(link),
        votants=votants,
        blancs=result.blancs if result else None,
        exprimes=result.exprimes if result else None,
        rows=_pv_rows(result, consultation.option_labels()) if result else (),
        opened_at=consultation.opened_at,
        closed_at=consultation.closed_at,
        published=results.published,
        reason=results.reason,
        result=result,
    )


# --- Invariant --------------------------------------------------------------------------------


def consultation_invariant(*, consultation: Consultation) -> tuple[int, int, int]:
    """(participations, ballots, ballots counted): the three are equal in a sound consultation,
    at every moment. Ballots are those of the urn and those still sealed; counted, what the
    counters record (every class's read with the method's rule, tally_ballot_total) and the
    sealed ballots that open and count (a ballot that would not open would fail here)."""
    participations = Participation.objects.filter(consultation=consultation).count()
    ballots = (
        Ballot.objects.filter(consultation=consultation).count()
        + SealedBallot.objects.filter(consultation=consultation).count()
    )
    options = consultation.option_keys()
    counted = sum(
        tallies.tally_ballot_total(method=consultation.method, counts=counts)
        for counts in _counters_by_class(consultation).values()
    ) + sum(
        tallies.tally_ballot_total(
            method=consultation.method,
            counts=tallies.tally_counts(
                method=consultation.method, options=options, content=content
            ),
        )
        for ballots in _sealed_by_class(consultation).values()
        for content in ballots
    )
    return participations, ballots, counted


# --- Pages ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PupilConsultation:
    """One line of a pupil's list: where the vote stands and whether they have voted (their
    own participation, which they know anyway)."""

    consultation: Consultation
    phase: str
    voted: bool


def consultations_for_pupil(*, user, now: datetime) -> list[PupilConsultation]:
    """The opened consultations of the pupil's class, newest first. One query."""
    rows = consultations_visible_to(user=user).annotate(
        voted=Exists(Participation.objects.filter(consultation=OuterRef("pk"), user_id=user.pk))
    )
    return [
        PupilConsultation(consultation=row, phase=row.phase(now=now), voted=row.voted)
        for row in rows
    ]


def consultations_for_manager(*, user) -> QuerySet[Consultation]:
    """A teacher's consultations with their classes and how many have voted. Two queries."""
    return (
        consultations_visible_to(user=user)
        .annotate(votants=Count("participations", distinct=True))
        .prefetch_related("classrooms")
    )


def national_questions_runnable(*, now: datetime) -> QuerySet[NationalQuestion]:
    """The published national questions that classes may launch now."""
    return (
        NationalQuestion.objects.filter(live=True)
        .filter(Q(opens_at__isnull=True) | Q(opens_at__lte=now))
        .filter(Q(closes_at__isnull=True) | Q(closes_at__gt=now))
        .order_by("closes_at", "-pk")
    )


def consultation_for_page(*, pk: int) -> Consultation | None:
    """A consultation with what its pages show (options, panels), or None."""
    return (
        Consultation.objects.select_related("owner", "national_question")
        .prefetch_related("options", "sources", "classrooms")
        .filter(pk=pk)
        .first()
    )


# --- Rounds -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConsultationRounds:
    """A two-round vote's other round, seen from either: `first` when the consultation is a
    second round, `second` when it has one (services.consultation_second_round_create)."""

    first: Consultation | None
    second: Consultation | None


def consultation_rounds(*, consultation: Consultation) -> ConsultationRounds:
    """One query (none for a consultation that cannot be part of two rounds)."""
    if consultation.method != tallies.VotingMethod.SINGLE:
        return ConsultationRounds(None, None)
    first = second = None
    for other in Consultation.objects.filter(
        Q(pk=consultation.first_round_id) | Q(first_round=consultation)
    ):
        if other.pk == consultation.first_round_id:
            first = other
        else:
            second = other
    return ConsultationRounds(first, second)


def teacher_consultations_export(user) -> list[dict]:
    """The consultations a teacher created, for their own export (school.teachers): the question
    and its state, never a ballot nor who voted."""
    return [
        {
            "question": consultation.title,
            "etat": consultation.get_status_display(),
            "creee_le": consultation.created_at.isoformat(),
        }
        for consultation in Consultation.objects.filter(owner=user).order_by("created_at", "pk")
    ]
