"""Reads of the national picture, from the territories' sums only (TerritoryResult): never a
pupil, a participation or a class's own row. A fixed number of queries, whatever the number of
classes.

A territory with no row has no released batch: « pas encore assez de classes ». A school's row
is for its own members (national_comparison); the public reads (national_overview, the open-data
API) never include schools."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Max, QuerySet
from django.utils.translation import gettext_lazy as _

from school.models import Academie, Classroom, Departement, Region

from .. import tallies
from ..consultations.selectors import ConsultationResults, consultation_results
from ..models import (
    ETRANGER_CODE,
    FRANCE_CODE,
    Consultation,
    Level,
    NationalQuestion,
    TerritoryResult,
    Zone,
)
from .services import class_zone

NOT_ENOUGH = _("Pas encore assez de classes")
PUBLIC_LEVELS = tuple(level for level in Level.values if level != Level.SCHOOL)
FRANCE_NAME = _("France entière")
ZONE_NAMES = {
    Zone.METROPOLE.value: _("France métropolitaine"),
    Zone.OUTRE_MER.value: _("Outre-mer"),
}
ETRANGER_NAME = _("Établissements français à l'étranger")


@dataclass(frozen=True)
class TerritoryFigures:
    """One territory's published figures; `result` is None (and the counts 0) until enough
    classes count there."""

    level: str
    code: str
    name: str
    classes: int
    schools: int
    ballots: int
    result: tallies.TallyResult | None
    updated_at: datetime | None

    @property
    def shown(self) -> bool:
        return self.result is not None

    @property
    def level_label(self) -> str:
        return str(Level(self.level).label)

    @property
    def key(self) -> str:
        return f"{self.level}:{self.code}"


def _result(question: NationalQuestion, row: TerritoryResult) -> tallies.TallyResult:
    return tallies.result_compute(
        method=question.method,
        options=question.option_keys(),
        counts=row.counts,
        rankings=row.rankings,
        second_round=question.second_round,
    )


def _figures(
    question: NationalQuestion, level: str, code: str, name: str, row: TerritoryResult | None
) -> TerritoryFigures:
    if row is None or row.classes == 0:
        return TerritoryFigures(level, code, str(name), 0, 0, 0, None, None)
    return TerritoryFigures(
        level,
        code,
        str(name),
        row.classes,
        row.schools,
        row.ballots,
        _result(question, row),
        row.updated_at,
    )


def _rows(question: NationalQuestion, *, public: bool) -> dict[tuple[str, str], TerritoryResult]:
    rows = TerritoryResult.objects.filter(question=question)
    if public:
        # Named, not excluded: the unique index (question, level, code) then reads the ~150
        # public rows only, not the schools' (tens of thousands over the country).
        rows = rows.filter(level__in=PUBLIC_LEVELS)
    return {(row.level, row.code): row for row in rows}


@dataclass(frozen=True)
class NationalOverview:
    question: NationalQuestion
    labels: dict[str, str]
    france: TerritoryFigures
    zones: tuple[TerritoryFigures, ...]
    etranger: TerritoryFigures
    regions: tuple[TerritoryFigures, ...]
    academies: tuple[TerritoryFigures, ...]
    departements: tuple[TerritoryFigures, ...]
    updated_at: datetime | None

    @property
    def departements_shown(self) -> int:
        return sum(1 for d in self.departements if d.shown)


def national_overview(*, question: NationalQuestion) -> NationalOverview:
    """Every public territory of the question, shown or not (the map and the table list them
    all). Five queries."""
    rows = _rows(question, public=True)
    labels = question.option_labels()

    def figures(level: str, code: str, name: str) -> TerritoryFigures:
        return _figures(question, level, code, name, rows.get((level, code)))

    return NationalOverview(
        question=question,
        labels=labels,
        france=figures(Level.FRANCE, FRANCE_CODE, FRANCE_NAME),
        zones=tuple(figures(Level.ZONE, code, name) for code, name in ZONE_NAMES.items()),
        etranger=figures(Level.ETRANGER, ETRANGER_CODE, ETRANGER_NAME),
        regions=tuple(figures(Level.REGION, r.code, r.name) for r in Region.objects.all()),
        academies=tuple(figures(Level.ACADEMIE, a.code, a.name) for a in Academie.objects.all()),
        departements=tuple(
            figures(Level.DEPARTEMENT, d.code, d.name) for d in Departement.objects.order_by("code")
        ),
        updated_at=max((row.updated_at for row in rows.values()), default=None),
    )


def national_updated_at(*, question: NationalQuestion) -> datetime | None:
    """When the question's public figures last moved (for ETag and Last-Modified). One query."""
    return TerritoryResult.objects.filter(question=question, level__in=PUBLIC_LEVELS).aggregate(
        latest=Max("updated_at")
    )["latest"]


def national_questions_published() -> QuerySet[NationalQuestion]:
    """The published (live) national questions with their options, newest first: what the
    open-data API lists, whatever their period (a closed question's figures stay public). Two
    queries."""
    return NationalQuestion.objects.filter(live=True).prefetch_related("options")


@dataclass(frozen=True)
class NationalComparison:
    """A class beside its school and its territories, from the bottom up. `classroom` is the
    class's own result (published or not, as on its results page)."""

    question: NationalQuestion
    labels: dict[str, str]
    classroom: ConsultationResults
    territories: tuple[TerritoryFigures, ...]
    france: TerritoryFigures
    departements_shown: int


def national_comparison(
    *, consultation: Consultation, classroom: Classroom
) -> NationalComparison | None:
    """For a class of a closed national consultation (its members and teachers only: the
    school's figures are theirs): ma classe, then the school, département, académie, région,
    zone and France (or the French schools abroad). None for another consultation."""
    question = consultation.national_question
    if question is None:
        return None
    rows = _rows(question, public=False)
    zone = class_zone(classroom)
    school = classroom.school
    departement = school.departement
    wanted: list[tuple[str, str, str]] = [(Level.SCHOOL, str(school.pk), school.name)]
    if zone["zone"] == Zone.ETRANGER:
        wanted.append((Level.ETRANGER, ETRANGER_CODE, ETRANGER_NAME))
    else:
        wanted.append((Level.DEPARTEMENT, departement.code, departement.name))
        if zone["academie"]:
            wanted.append((Level.ACADEMIE, zone["academie"], departement.academie.name))
        if zone["region"]:
            wanted.append((Level.REGION, zone["region"], departement.region.name))
        wanted.append((Level.ZONE, zone["zone"], ZONE_NAMES[zone["zone"]]))
    territories = tuple(
        _figures(question, level, code, name, rows.get((level, code)))
        for level, code, name in wanted
    )
    france = _figures(
        question, Level.FRANCE, FRANCE_CODE, FRANCE_NAME, rows.get((Level.FRANCE, FRANCE_CODE))
    )
    return NationalComparison(
        question=question,
        labels=question.option_labels(),
        classroom=consultation_results(consultation=consultation, classroom=classroom),
        territories=territories,
        france=france,
        departements_shown=sum(
            1 for (level, _code), row in rows.items() if level == Level.DEPARTEMENT and row.classes
        ),
    )
