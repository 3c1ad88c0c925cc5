"""Writes of the national picture: a closed class handed to its national question's roll-up, the
safe batches released (rollup.py says which), the territories' sums kept up to date, and the
whole recomputed from the classes' closed counts.

Each write runs in one transaction holding the national question's row, so two classes closing
at once roll up one after the other, and a roll-up that fails midway leaves nothing of itself.
The Celery task is idempotent (a class counts once: national_contribution_one_per_class, and
its link's national_rollup_at), so a retry or beat's catch-up never counts twice."""

import logging
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from school.models import Classroom

from ..consultations.selectors import consultation_class_tallies
from ..models import (
    DEPTHS,
    Consultation,
    ConsultationClassroom,
    ConsultationStatus,
    NationalContribution,
    NationalQuestion,
    ReleaseBatch,
    TerritoryResult,
    Zone,
)
from ..models.national_results import national_thresholds
from . import rollup

logger = logging.getLogger(__name__)


def thresholds() -> rollup.Thresholds:
    classes, schools, ballots = national_thresholds()
    return rollup.Thresholds(classes=classes, schools=schools, ballots=ballots)


def class_zone(classroom: Classroom) -> dict[str, str]:
    """The territory columns of a contribution, from the class's school."""
    school = classroom.school
    departement = school.departement
    if departement is None:
        return {"departement": "", "academie": "", "region": "", "zone": Zone.ETRANGER}
    overseas = departement.code.startswith(("97", "98"))
    in_region = departement.region_id is not None
    return {
        "departement": departement.code,
        # The collectivités d'outre-mer belong to no région: they count in the outre-mer and in
        # France, and in no académie either, so that every territory sits inside the one above.
        "academie": (departement.academie_id or "") if in_region else "",
        "region": departement.region_id or "",
        "zone": Zone.OUTRE_MER if overseas else Zone.METROPOLE,
    }


def counts_min_ballots(consultation: Consultation) -> int:
    """A class counts nationally only with as many ballots as its own result needs to be
    published, and at least a batch of the mixing: a smaller class's ballots stay sealed, and
    its count would come too close to each pupil's vote."""
    return max(consultation.min_ballots, settings.HEMICYCLE_BALLOT_BATCH)


def _lock(question_id: int) -> NationalQuestion:
    return NationalQuestion.objects.select_for_update().get(pk=question_id)


def national_rollup(*, consultation_id: int, now: datetime | None = None) -> int:
    """Hand a closed national consultation's classes to the roll-up (those not handed yet),
    then release what has become safe. Returns how many classes were added. Idempotent."""
    now = now or timezone.now()
    consultation = Consultation.objects.filter(
        pk=consultation_id, status=ConsultationStatus.CLOSED, national_question__isnull=False
    ).first()
    if consultation is None:
        return 0
    with transaction.atomic():
        question = _lock(consultation.national_question_id)
        links = list(
            ConsultationClassroom.objects.filter(
                consultation=consultation, national_rollup_at__isnull=True
            ).select_related("classroom__school__departement")
        )
        if not links:
            return 0
        class_tallies = consultation_class_tallies(consultation=consultation)
        closed_at = consultation.closed_at or now
        contributions = []
        for link in links:
            tally = class_tallies.get(link.classroom_id)
            if tally is None or tally.ballots < counts_min_ballots(consultation):
                continue
            contributions.append(
                NationalContribution(
                    question=question,
                    consultation=consultation,
                    classroom=link.classroom,
                    school=link.classroom.school,
                    ballots=tally.ballots,
                    counts=tally.counts,
                    rankings=tally.rankings,
                    closed_at=closed_at,
                    **class_zone(link.classroom),
                )
            )
        added = NationalContribution.objects.bulk_create(contributions, ignore_conflicts=True)
        ConsultationClassroom.objects.filter(pk__in=[link.pk for link in links]).update(
            national_rollup_at=now
        )
        national_release(question=question, now=now, schools={c.school_id for c in contributions})
    logger.info("national roll-up: consultation %s, %s classes", consultation_id, len(added))
    return len(contributions)


def national_rollup_pending(*, now: datetime | None = None) -> list[int]:
    """Beat's catch-up: the closed national consultations whose roll-up was lost (broker or
    worker down at the close), then the waiting classes of every open question, offered to the
    level above once they have waited long enough."""
    now = now or timezone.now()
    consultation_ids = list(
        ConsultationClassroom.objects.filter(
            national_rollup_at__isnull=True,
            consultation__status=ConsultationStatus.CLOSED,
            consultation__national_question__isnull=False,
        )
        .values_list("consultation_id", flat=True)
        .distinct()
    )
    for consultation_id in consultation_ids:
        national_rollup(consultation_id=consultation_id, now=now)
    question_ids = (
        NationalContribution.objects.filter(public_batch__isnull=True)
        .values_list("question_id", flat=True)
        .distinct()
    )
    for question_id in question_ids:
        with transaction.atomic():
            national_release(question=_lock(question_id), now=now)
    return consultation_ids


# --- Release ----------------------------------------------------------------------------------


def _units(contributions: Iterable[NationalContribution], *, now: datetime, over: bool):
    return [
        rollup.Unit(
            key=c.pk,
            school=c.school_id,
            ballots=c.ballots,
            path=rollup.territory_path(
                departement=c.departement, academie=c.academie, region=c.region, zone=c.zone
            ),
            waited_days=math.inf if over else (now - c.closed_at).total_seconds() / 86400,
        )
        for c in contributions
    ]


def _question_over(question: NationalQuestion, now: datetime) -> bool:
    return question.closes_at is not None and question.closes_at <= now


@dataclass
class _Rows:
    """The territory rows a release touches, loaded once and written once."""

    question: NationalQuestion
    now: datetime
    rows: dict[rollup.Territory, TerritoryResult] = field(default_factory=dict)

    def load(self, territories: Iterable[rollup.Territory]) -> None:
        """Read the rows of `territories` not read yet, in one query."""
        wanted = {territory for territory in territories if territory not in self.rows}
        if not wanted:
            return
        for row in TerritoryResult.objects.filter(
            question=self.question,
            level__in={level for level, _code in wanted},
            code__in={code for _level, code in wanted},
        ):
            if (row.level, row.code) in wanted:
                self.rows[(row.level, row.code)] = row
        for level, code in wanted - set(self.rows):
            self.rows[(level, code)] = TerritoryResult(
                question=self.question, level=level, code=code
            )

    def get(self, territory: rollup.Territory) -> TerritoryResult:
        self.load([territory])
        return self.rows[territory]

    def save(self) -> None:
        for row in self.rows.values():
            row.updated_at = self.now
        # Split before creating: bulk_create gives the new rows their pk.
        new = [row for row in self.rows.values() if row.pk is None]
        old = [row for row in self.rows.values() if row.pk is not None]
        TerritoryResult.objects.bulk_create(new, batch_size=1000)
        TerritoryResult.objects.bulk_update(
            old,
            ["counts", "rankings", "classes", "schools", "ballots", "updated_at"],
            batch_size=500,
        )


def _apply(
    rows: _Rows,
    *,
    territories: Sequence[rollup.Territory],
    contributions: Sequence[NationalContribution],
    school_depths: dict[int, float],
    depth: float,
) -> None:
    """Add a batch to `territories` (the batch's and those above it). A school counts once in a
    territory: `school_depths` holds, per school, the lowest depth it was released at before."""
    for territory in territories:
        row = rows.get(territory)
        territory_depth = DEPTHS.get(territory[0], -1)
        new_schools = {
            c.school_id
            for c in contributions
            if school_depths.get(c.school_id, math.inf) > territory_depth
        }
        sums = rollup.Sums(
            counts=row.counts,
            rankings=row.rankings,
            classes=row.classes,
            schools=row.schools,
            ballots=row.ballots,
        )
        sums.add(
            counts=[c.counts for c in contributions],
            rankings=[c.rankings for c in contributions],
            classes=len(contributions),
            new_schools=len(new_schools),
            ballots=sum(c.ballots for c in contributions),
        )
        row.counts, row.rankings = sums.counts, sums.rankings
        row.classes, row.schools, row.ballots = sums.classes, sums.schools, sums.ballots
    for c in contributions:
        school_depths[c.school_id] = min(school_depths.get(c.school_id, math.inf), depth)


def _school_depths(question: NationalQuestion, schools: Iterable[int], *, public: bool):
    batch = "public_batch" if public else "school_batch"
    depths: dict[int, float] = {}
    for school_id, level in NationalContribution.objects.filter(
        question=question, school_id__in=set(schools), **{f"{batch}__isnull": False}
    ).values_list("school_id", f"{batch}__level"):
        depths[school_id] = min(depths.get(school_id, math.inf), DEPTHS.get(level, -1))
    return depths


# Above this many batches at once (a first release, a catch-up), one statement per batch or
# Django's bulk_update (a CASE per row, compiled in Python) costs minutes: see _batches_assign.
_FEW_BATCHES = 20
_ASSIGN_CHUNK = 5000


def _batches_assign(batch_field: str, contributions: Sequence[NationalContribution]) -> None:
    """Store each contribution's batch (already set on the instances)."""
    column = NationalContribution._meta.get_field(batch_field).column
    by_batch: dict[int, list[int]] = {}
    for c in contributions:
        by_batch.setdefault(getattr(c, column), []).append(c.pk)
    if len(by_batch) <= _FEW_BATCHES:
        for batch_id, pks in by_batch.items():
            NationalContribution.objects.filter(pk__in=pks).update(**{column: batch_id})
        return
    # One UPDATE … FROM (VALUES (pk, batch), …) per chunk (PostgreSQL, SQLite ≥ 3.33), whose
    # columns both name column1 and column2.
    pairs = [(pk, batch_id) for batch_id, pks in by_batch.items() for pk in pks]
    table = connection.ops.quote_name(NationalContribution._meta.db_table)
    column = connection.ops.quote_name(column)
    with connection.cursor() as cursor:
        for start in range(0, len(pairs), _ASSIGN_CHUNK):
            chunk = pairs[start : start + _ASSIGN_CHUNK]
            values = ", ".join(["(%s, %s)"] * len(chunk))
            cursor.execute(
                f"UPDATE {table} SET {column} = v.column2 FROM (VALUES {values}) AS v "  # noqa: S608
                f"WHERE {table}.id = v.column1",
                [value for pair in chunk for value in pair],
            )


def national_release(
    *, question: NationalQuestion, now: datetime, schools: Iterable[int] | None = None
) -> list[ReleaseBatch]:
    """Release every batch that has become safe (the caller holds the question's row).

    `schools`: the schools whose classes were just added, when the caller knows them (a
    close). A school's batch depends on its own waiting classes only, never on time, so only
    those schools can have a new one; the schools of a whole country keep many classes waiting
    for company, which each close then need not read again."""
    limits = thresholds()
    over = _question_over(question, now)
    released: list[ReleaseBatch] = []
    rows = _Rows(question=question, now=now)
    for public in (True, False):
        batch_field = "public_batch" if public else "school_batch"
        waiting = NationalContribution.objects.filter(
            question=question, **{f"{batch_field}__isnull": True}
        )
        if not public and schools is not None:
            waiting = waiting.filter(school_id__in=set(schools))
        pending = {c.pk: c for c in waiting}
        units = _units(pending.values(), now=now, over=over)
        if public:
            plan = rollup.public_batches_plan(
                units,
                thresholds=limits,
                pool_after_days=settings.HEMICYCLE_NATIONAL_POOL_AFTER_DAYS,
            )
        else:
            plan = rollup.school_batches_plan(units, thresholds=limits)
        if not plan:
            continue
        school_depths = _school_depths(
            question, (u.school for _, batch in plan for u in batch), public=public
        )
        rows.load(
            t
            for territory, batch_units in plan
            for t in (rollup.ancestors(batch_units[0].path, territory) if public else [territory])
        )
        batches = ReleaseBatch.objects.bulk_create(
            [
                ReleaseBatch(
                    question=question,
                    level=territory[0],
                    code=territory[1],
                    released_at=now,
                    classes=len(batch_units),
                    schools=len({u.school for u in batch_units}),
                    ballots=sum(u.ballots for u in batch_units),
                )
                for territory, batch_units in plan
            ]
        )
        members = []
        for (territory, batch_units), batch in zip(plan, batches, strict=True):
            contributions = [pending[u.key] for u in batch_units]
            for c in contributions:
                setattr(c, batch_field, batch)
            members.extend(contributions)
            territories = (
                rollup.ancestors(batch_units[0].path, territory) if public else [territory]
            )
            _apply(
                rows,
                territories=territories,
                contributions=contributions,
                school_depths=school_depths,
                depth=DEPTHS.get(territory[0], -1),
            )
            released.append(batch)
        _batches_assign(batch_field, members)
    rows.save()
    return released


# --- Recompute --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecomputeReport:
    question_id: int
    classes: int
    territories: int
    # Human-readable lines, one per figure that the recompute changed (empty when all agreed).
    differences: tuple[str, ...]


def _contributions_refresh(question: NationalQuestion) -> list[str]:
    """Each contribution read again from its class's closed count; differences fixed and said."""
    differences = []
    by_consultation: dict[int, list[NationalContribution]] = {}
    for c in NationalContribution.objects.filter(
        question=question, consultation__isnull=False, classroom__isnull=False
    ):
        by_consultation.setdefault(c.consultation_id, []).append(c)
    for consultation_id, contributions in by_consultation.items():
        consultation = Consultation.objects.get(pk=consultation_id)
        class_tallies = consultation_class_tallies(consultation=consultation)
        for c in contributions:
            tally = class_tallies.get(c.classroom_id)
            if tally is None:
                continue
            fresh = (tally.ballots, rollup.tally_merge(tallies=[tally.counts]), tally.rankings)
            stored = (c.ballots, rollup.tally_merge(tallies=[c.counts]), c.rankings)
            if fresh != stored:
                differences.append(f"class {c.classroom_id}: stored {stored}, counted {fresh}")
                c.ballots, c.counts, c.rankings = tally.ballots, tally.counts, tally.rankings
                c.save(update_fields=["ballots", "counts", "rankings"])
    return differences


def national_recompute(*, question_id: int, now: datetime | None = None) -> RecomputeReport:
    """Every territory's figures of one question recomputed from scratch: the classes' closed
    counts read again, then the released batches added up again in their order of release (the
    batches themselves are the publication's history, kept as they are: re-forming them would
    publish new differences). Rows that disagree are replaced and reported."""
    now = now or timezone.now()
    with transaction.atomic():
        question = _lock(question_id)
        differences = _contributions_refresh(question)
        before = {
            (row.level, row.code): row for row in TerritoryResult.objects.filter(question=question)
        }
        rows = _Rows(question=question, now=now)
        rows.rows = {}
        contributions = list(
            NationalContribution.objects.filter(question=question).select_related(
                "public_batch", "school_batch"
            )
        )
        for public in (True, False):
            batches: dict[int, list[NationalContribution]] = {}
            for c in contributions:
                batch = c.public_batch if public else c.school_batch
                if batch is not None:
                    batches.setdefault(batch.pk, []).append(c)
            ordered = sorted(
                ReleaseBatch.objects.filter(pk__in=batches), key=lambda b: (b.released_at, b.pk)
            )
            school_depths: dict[int, float] = {}
            for batch in ordered:
                members = batches[batch.pk]
                territory = (batch.level, batch.code)
                first = members[0]
                path = rollup.territory_path(
                    departement=first.departement,
                    academie=first.academie,
                    region=first.region,
                    zone=first.zone,
                )
                _apply(
                    _FreshRows(rows),
                    territories=rollup.ancestors(path, territory) if public else [territory],
                    contributions=members,
                    school_depths=school_depths,
                    depth=DEPTHS.get(batch.level, -1),
                )
        created, updated = [], []
        for territory, row in rows.rows.items():
            old = before.pop(territory, None)
            if old is None:
                differences.append(f"{territory[0]}:{territory[1]} was missing")
                row.updated_at = now
                created.append(row)
            elif _figures(old) != _figures(row):
                differences.append(f"{territory[0]}:{territory[1]} differed")
                for name in _FIGURES:
                    setattr(old, name, getattr(row, name))
                old.updated_at = now
                updated.append(old)
        # Rows that agree are left alone: their updated_at, hence the API's ETag, stays.
        TerritoryResult.objects.bulk_create(created)
        TerritoryResult.objects.bulk_update(updated, [*_FIGURES, "updated_at"])
        for territory in before:
            differences.append(f"{territory[0]}:{territory[1]} had no batch")
        TerritoryResult.objects.filter(pk__in=[row.pk for row in before.values()]).delete()
        national_release(question=question, now=now)
    return RecomputeReport(
        question_id=question_id,
        classes=len(contributions),
        territories=len(rows.rows),
        differences=tuple(differences),
    )


_FIGURES = ("counts", "rankings", "classes", "schools", "ballots")


def _figures(row: TerritoryResult) -> tuple:
    return tuple(getattr(row, name) for name in _FIGURES)


class _FreshRows:
    """_Rows for the recompute: every territory starts from nothing."""

    def __init__(self, rows: _Rows):
        self._rows = rows

    def get(self, territory: rollup.Territory) -> TerritoryResult:
        if territory not in self._rows.rows:
            self._rows.rows[territory] = TerritoryResult(
                question=self._rows.question, level=territory[0], code=territory[1]
            )
        return self._rows.rows[territory]
