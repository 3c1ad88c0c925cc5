"""Which closed classes a national question publishes, where, and when: pure planning, no I/O.

A class's contribution waits in its département until enough classes wait there with it to make
a safe batch: at least K classes of at least 2 schools with at least N ballots (settings
HEMICYCLE_NATIONAL_MIN_*). The batch is then released at once into the département and every
territory above it, and never split afterwards. Classes left waiting longer than the pooling
delay are offered to the level above (académie, then région, then métropole or outre-mer, then
France), where waiting classes of several départements may make a batch together; they then
count there and above, not in their département. Once the national question is over, nothing
waits: every level is tried at once.

Why: every published figure (a territory, at any moment) is then a sum of whole batches, each
safe. A territory's two snapshots differ by whole batches; a parent minus its published children
is the batches released at the parent itself. Neither can isolate a class or a school, whatever
the order in which classes close (tests/classroom_votes/national/test_disclosure.py plays both
attacks). A class that never finds enough company is never published beyond its own page.

A school's figures, shown to its own members only, are released the same way by school batches
of K classes and N ballots (one school, by definition).
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ..models.national_results import ETRANGER_CODE, FRANCE_CODE, Level, Zone
from ..tallies import tally_merge

Territory = tuple[str, str]  # (level, code)


@dataclass(frozen=True)
class Thresholds:
    classes: int
    schools: int
    ballots: int


@dataclass(frozen=True)
class Unit:
    """A class's contribution as the planner sees it. `path` holds its territories from the
    bottom, one per public depth (models.DEPTHS), None where it has none."""

    key: int
    school: int
    ballots: int
    path: tuple[Territory | None, ...]
    waited_days: float


def territory_path(
    *, departement: str, academie: str, region: str, zone: str
) -> tuple[Territory | None, ...]:
    """The public territories of a school, from the département up. Académie and région only
    for départements (the collectivités d'outre-mer belong to neither); abroad, one level."""
    if zone == Zone.ETRANGER:
        return (None, None, None, None, (Level.ETRANGER.value, ETRANGER_CODE))
    return (
        (Level.DEPARTEMENT.value, departement),
        (Level.ACADEMIE.value, academie) if academie else None,
        (Level.REGION.value, region) if region else None,
        (Level.ZONE.value, zone),
        (Level.FRANCE.value, FRANCE_CODE),
    )


def batch_safe(units: Sequence[Unit], thresholds: Thresholds, *, one_school: bool = False) -> bool:
    """Enough classes, schools and ballots to be published together (one_school: a school's own
    batch, where the schools rule cannot apply)."""
    schools = len({unit.school for unit in units})
    return (
        len(units) >= thresholds.classes
        and sum(unit.ballots for unit in units) >= thresholds.ballots
        and (one_school or schools >= thresholds.schools)
    )


def public_batches_plan(
    pending: Iterable[Unit], *, thresholds: Thresholds, pool_after_days: float
) -> list[tuple[Territory, list[Unit]]]:
    """The batches to release now, bottom level first. A unit is offered to its territory at a
    depth once it has waited `pool_after_days` for each level it has below it."""
    remaining = list(pending)
    plan: list[tuple[Territory, list[Unit]]] = []
    depths = max((len(unit.path) for unit in remaining), default=0)
    for depth in range(depths):
        groups: dict[Territory, list[Unit]] = defaultdict(list)
        for unit in remaining:
            territory = unit.path[depth]
            below = sum(1 for t in unit.path[:depth] if t is not None)
            if territory is not None and unit.waited_days >= below * pool_after_days:
                groups[territory].append(unit)
        released: set[int] = set()
        for territory in sorted(groups):
            units = groups[territory]
            if batch_safe(units, thresholds):
                plan.append((territory, units))
                released.update(unit.key for unit in units)
        remaining = [unit for unit in remaining if unit.key not in released]
    return plan


def school_batches_plan(
    pending: Iterable[Unit], *, thresholds: Thresholds
) -> list[tuple[Territory, list[Unit]]]:
    by_school: dict[int, list[Unit]] = defaultdict(list)
    for unit in pending:
        by_school[unit.school].append(unit)
    return [
        ((Level.SCHOOL.value, str(school)), units)
        for school, units in sorted(by_school.items())
        if batch_safe(units, thresholds, one_school=True)
    ]


def ancestors(path: Sequence[Territory | None], territory: Territory) -> list[Territory]:
    """`territory` and the territories above it on `path`."""
    depth = path.index(territory)
    return [t for t in path[depth:] if t is not None]


@dataclass
class Sums:
    """What a territory publishes: sums over its batches."""

    counts: dict[str, int]
    rankings: dict[str, int]
    classes: int = 0
    schools: int = 0
    ballots: int = 0

    def add(
        self,
        *,
        counts: Iterable[Mapping[str, int]],
        rankings: Iterable[Mapping[str, int]],
        classes: int,
        new_schools: int,
        ballots: int,
    ) -> None:
        self.counts = tally_merge(tallies=[self.counts, *counts])
        self.rankings = tally_merge(tallies=[self.rankings, *rankings])
        self.classes += classes
        self.schools += new_schools
        self.ballots += ballots
