"""Properties of the roll-up for any set of closed classes, in any order (hypothesis):

- the incremental roll-up gives the same figures as the full recompute, and as an independent
  sum over the released classes, for every voting method a national question allows;
- no published figure, nor any difference of published figures (a territory's two snapshots
  around a close, a parent minus its published children), isolates fewer than K classes of
  2 schools with N ballots: the smallest sets an attacker can separate (the atoms of all the
  published sets) are each safe.

Classes are handed to the roll-up as a close hands them (NationalContribution rows), each from
random valid ballots; the database is PostgreSQL in CI, SQLite on a first run."""

from collections import defaultdict
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from classroom_votes import tallies
from classroom_votes.models import NationalContribution, ReleaseBatch, TerritoryResult
from classroom_votes.national import rollup, services
from classroom_votes.tallies import VotingMethod
from tests.classroom_votes.factories import national_question_create
from tests.school.factories import school_create

from .factories import contribution_add

pytestmark = pytest.mark.django_db

# Départements chosen to share académies and régions, plus the outre-mer and abroad:
# 75 (académie de Paris), 92 (Versailles) in Île-de-France; 13, 84 (Aix-Marseille) and 83 (Nice)
# in Provence-Alpes-Côte d'Azur; 971 (Guadeloupe); None: a school abroad.
PLACES = ("75", "92", "13", "84", "83", "971", None)
KEYS = ("alice", "bruno", "chloe")


def _ballot(method: str):
    if method == VotingMethod.YES_NO:
        return st.sampled_from([{"choice": c} for c in ("pour", "contre", "blanc")])
    if method == VotingMethod.SCALE5:
        return st.sampled_from([{"choice": c} for c in tallies.SCALE5_LEVELS])
    if method == VotingMethod.SINGLE:
        return st.sampled_from([{"choice": c} for c in (*KEYS, "blanc")])
    if method == VotingMethod.APPROVAL:
        return st.lists(st.sampled_from(KEYS), unique=True).map(lambda a: {"approved": a})
    if method == VotingMethod.MAJORITY_JUDGMENT:
        grades = st.sampled_from(tallies.GRADES)
        return st.fixed_dictionaries(dict.fromkeys(KEYS, grades)).map(lambda g: {"grades": g})
    return st.lists(st.sampled_from(KEYS), unique=True).map(lambda r: {"ranking": r})


@st.composite
def scenarios(draw):
    method = draw(st.sampled_from(list(VotingMethod)))
    classes = draw(
        st.lists(
            st.tuples(
                st.integers(0, 5),  # which school of its place
                st.sampled_from(PLACES),
                st.lists(_ballot(method), min_size=5, max_size=16),
                st.integers(0, 9),  # days since the previous close
            ),
            min_size=1,
            max_size=18,
        )
    )
    over_after = draw(st.none() | st.integers(0, 40))
    return method, classes, over_after


def _published() -> dict[tuple[str, str], frozenset[int]]:
    """The classes behind each public figure now: those of the batches released at the
    territory or below it."""
    members: dict[tuple[str, str], set[int]] = defaultdict(set)
    for c in NationalContribution.objects.filter(public_batch__isnull=False).select_related(
        "public_batch"
    ):
        path = rollup.territory_path(
            departement=c.departement, academie=c.academie, region=c.region, zone=c.zone
        )
        for territory in rollup.ancestors(path, (c.public_batch.level, c.public_batch.code)):
            members[territory].add(c.pk)
    return {territory: frozenset(ids) for territory, ids in members.items()}


def _safe(ids, contributions, limits) -> bool:
    chosen = [contributions[i] for i in ids]
    return (
        len(chosen) >= limits.classes
        and len({c.school_id for c in chosen}) >= limits.schools
        and sum(c.ballots for c in chosen) >= limits.ballots
    )


def _oracle(contributions, published, method) -> dict[tuple[str, str], tuple]:
    figures = {}
    for territory, ids in published.items():
        chosen = [contributions[i] for i in ids]
        figures[territory] = (
            tallies.tally_merge(tallies=[c.counts for c in chosen]),
            tallies.tally_merge(tallies=[c.rankings for c in chosen]),
            len(chosen),
            len({c.school_id for c in chosen}),
            sum(c.ballots for c in chosen),
        )
    return figures


def _stored(public_only=True) -> dict[tuple[str, str], tuple]:
    rows = TerritoryResult.objects.all()
    if public_only:
        rows = rows.exclude(level="school")
    return {
        (r.level, r.code): (
            tallies.tally_merge(tallies=[r.counts]),
            r.rankings,
            r.classes,
            r.schools,
            r.ballots,
        )
        for r in rows
    }


@hypothesis_settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(scenario=scenarios())
def test_any_closes_roll_up_as_the_recompute_and_reveal_no_small_set(scenario, settings):
    # Fewer ballots than the default 30 make small batches as likely as large ones here.
    settings.HEMICYCLE_NATIONAL_MIN_BALLOTS = 20
    method, classes, over_after = scenario
    limits = services.thresholds()
    with transaction.atomic():
        start = timezone.now()
        question = national_question_create(
            method=method,
            closes_at=None if over_after is None else start + timedelta(days=over_after),
            opens_at=start - timedelta(days=1) if over_after is not None else None,
        )
        options = question.option_keys()
        schools = {}
        now = start
        snapshots: list[dict] = []
        for school_index, place, ballots, days in classes:
            now += timedelta(days=days)
            key = (place, school_index)
            if key not in schools:
                schools[key] = (
                    school_create(country="ES")
                    if place is None
                    else school_create(departement=place)
                )
            contribution_add(question=question, school=schools[key], ballots=ballots, now=now)
            services.national_release(question=question, now=now)
            snapshots.append(_published())
            contributions = {c.pk: c for c in NationalContribution.objects.all()}
            # The incremental sums are the independent sums of the classes released.
            assert _stored() == _oracle(contributions, snapshots[-1], method)
        # Whatever the order: the full recompute agrees, figure for figure.
        before = _stored(public_only=False)
        report = services.national_recompute(question_id=question.pk, now=now)
        assert report.differences == ()
        assert _stored(public_only=False) == before
        # Every published figure yields a result of its method.
        for row in TerritoryResult.objects.all():
            tallies.result_compute(
                method=method,
                options=options,
                counts=row.counts,
                rankings=row.rankings,
                second_round=question.second_round,
            )
        _assert_nothing_small_derivable(snapshots, contributions, limits)
        transaction.set_rollback(True)


def _assert_nothing_small_derivable(snapshots, contributions, limits):
    published_sets = {ids for snapshot in snapshots for ids in snapshot.values()}
    # Atoms: classes that belong to exactly the same published sets cannot be told apart by
    # any sum or difference of published figures. Each must be safe.
    signature: dict[int, tuple[bool, ...]] = {}
    ordered = sorted(published_sets, key=sorted)
    for pk in contributions:
        signature[pk] = tuple(pk in ids for ids in ordered)
    atoms: dict[tuple[bool, ...], list[int]] = defaultdict(list)
    for pk, sig in signature.items():
        if any(sig):
            atoms[sig].append(pk)
    for atom in atoms.values():
        assert _safe(atom, contributions, limits), f"atom of {len(atom)} classes"
    # The two attacks the issue names, directly.
    for before, after in zip(snapshots, snapshots[1:], strict=False):
        for territory, ids in after.items():
            added = ids - before.get(territory, frozenset())
            assert not added or _safe(added, contributions, limits)
    for snapshot in snapshots:
        for parent, ids in snapshot.items():
            children = [
                other
                for territory, other in snapshot.items()
                if territory != parent and other < ids
            ]
            rest = ids - frozenset().union(*children) if children else ids
            assert not rest or _safe(rest, contributions, limits)


def test_batches_are_released_whole_and_once():
    """ReleaseBatch rows agree with their members (classes, schools, ballots)."""
    question = national_question_create()
    now = timezone.now()
    schools = [school_create(departement="75") for _ in range(2)]
    for n in range(7):
        contribution_add(
            question=question, school=schools[n % 2], ballots=[{"choice": "pour"}] * 10, now=now
        )
        services.national_release(question=question, now=now)
    batches = list(ReleaseBatch.objects.filter(question=question, level="departement"))
    assert [b.classes for b in batches] == [3, 3]  # the seventh class waits
    for batch in batches:
        members = NationalContribution.objects.filter(public_batch=batch)
        assert members.count() == batch.classes
        assert sum(m.ballots for m in members) == batch.ballots
