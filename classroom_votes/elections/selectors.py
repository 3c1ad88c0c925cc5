"""A closed mock election beside the real one: the class's result (only when published, as
consultation_results decides), the official result of the school's territory, and France."""

from dataclasses import dataclass

from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from school.models import Classroom

from ..consultations.selectors import consultation_results
from ..models import (
    Consultation,
    ConsultationClassroom,
    ConsultationStatus,
    ElectionCandidateResult,
    ElectionResult,
)
from ..models.elections import ABROAD_CODE

COUNT_FIELDS = ("inscrits", "abstentions", "votants", "blancs", "nuls", "exprimes")


def _percent(part: int | None, whole: int | None) -> float | None:
    if part is None or not whole:
        return None
    return round(100 * part / whole, 2)


@dataclass(frozen=True)
class Figures:
    """One column of the comparison: counts, and per candidate key its voix."""

    label: str
    inscrits: int | None
    votants: int
    blancs: int
    nuls: int | None
    exprimes: int
    voix: dict[str, int]

    @property
    def abstentions(self) -> int | None:
        return None if self.inscrits is None else self.inscrits - self.votants

    @property
    def abstention_percentage(self) -> float | None:
        return _percent(self.abstentions, self.inscrits)

    @property
    def blancs_percentage(self) -> float | None:
        return _percent(self.blancs, self.votants)

    @property
    def nuls_percentage(self) -> float | None:
        return _percent(self.nuls, self.votants)


@dataclass(frozen=True)
class Cell:
    count: int | None
    percentage: float | None


@dataclass(frozen=True)
class CandidateRow:
    key: str
    label: str
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class ElectionComparison:
    """`columns`: the class (when published), the school's territory (when known), France
    entière (every row of the file, the French abroad included), France without the French
    abroad. `rows`: one per candidate, a Cell per column (percentages of exprimés)."""

    election_name: str
    licence: str
    source_url: str
    class_published: bool
    class_message: str
    columns: tuple[Figures, ...]
    rows: tuple[CandidateRow, ...]


def _territory_row(results: list[ElectionResult], classrooms: list[Classroom]):
    """The row of the classes' territory: by INSEE code (ZX covers 977 and 978), ZZ for a
    school abroad; None when the classes are in different territories."""
    wanted = set()
    for classroom in classrooms:
        school = classroom.school
        wanted.add(school.departement_id or None)
    if len(wanted) != 1:
        return None
    (code,) = wanted
    for row in results:
        if (code is None and row.territory_code == ABROAD_CODE) or (
            code is not None and code in row.departement_codes
        ):
            return row
    return None


def election_comparison(
    *, consultation: Consultation, classroom: Classroom | None
) -> ElectionComparison | None:
    """None unless `consultation` is a closed mock election. `classroom` None: all its classes
    (their territory column only when they share one). Five queries, whatever the size of the
    class or of the file."""
    election = consultation.election
    if election is None or consultation.status != ConsultationStatus.CLOSED:
        return None
    candidates = list(election.candidates.all())
    results = list(ElectionResult.objects.filter(election=election))
    if not candidates or not results:
        return None
    links = list(
        ConsultationClassroom.objects.filter(consultation=consultation)
        .select_related("classroom__school")
        .order_by("classroom__name")
    )
    if classroom is not None:
        links = [link for link in links if link.classroom_id == classroom.pk]
    columns: list[Figures] = []

    class_results = consultation_results(consultation=consultation, classroom=classroom)
    result = class_results.result
    if class_results.published and result is not None:
        registered = [link.registered_count for link in links]
        columns.append(
            Figures(
                label=(
                    _("Votre classe (%(name)s)") % {"name": classroom.name}
                    if classroom is not None
                    else _("Vos classes")
                ),
                inscrits=None if None in registered else sum(registered),
                votants=result.votants,
                blancs=result.blancs,
                nuls=None,
                exprimes=result.exprimes,
                voix={row.key: row.count for row in result.rows},
            )
        )

    territory = _territory_row(results, [link.classroom for link in links])
    voix_by_row: dict[int, dict[str, int]] = {}
    if territory is not None:
        for key, voix in ElectionCandidateResult.objects.filter(result=territory).values_list(
            "candidate__key", "voix"
        ):
            voix_by_row.setdefault(territory.pk, {})[key] = voix
        columns.append(
            Figures(
                label=territory.label,
                voix=voix_by_row.get(territory.pk, {}),
                **{
                    field: getattr(territory, field)
                    for field in COUNT_FIELDS
                    if field != "abstentions"
                },
            )
        )

    in_france = ~Q(result__territory_code=ABROAD_CODE)
    national = {
        key: (everywhere, metropolis_and_overseas)
        for key, everywhere, metropolis_and_overseas in (
            ElectionCandidateResult.objects.filter(result__election=election)
            .values("candidate__key")
            .annotate(everywhere=Sum("voix"), france=Sum("voix", filter=in_france))
            .values_list("candidate__key", "everywhere", "france")
        )
    }
    has_abroad = any(row.territory_code == ABROAD_CODE for row in results)

    def total(rows, label, index):
        return Figures(
            label=label,
            voix={key: values[index] or 0 for key, values in national.items()},
            **{
                field: sum(getattr(row, field) for row in rows)
                for field in COUNT_FIELDS
                if field != "abstentions"
            },
        )

    columns.append(
        total(
            results,
            _("France entière, Français de l'étranger compris") if has_abroad else _("France"),
            0,
        )
    )
    if has_abroad:
        columns.append(
            total(
                [row for row in results if row.territory_code != ABROAD_CODE],
                _("France, sans les Français de l'étranger"),
                1,
            )
        )

    rows = tuple(
        CandidateRow(
            key=candidate.key,
            label=candidate.label,
            cells=tuple(
                Cell(
                    count=column.voix.get(candidate.key),
                    percentage=_percent(column.voix.get(candidate.key), column.exprimes),
                )
                for column in columns
            ),
        )
        for candidate in candidates
    )
    return ElectionComparison(
        election_name=election.name,
        licence=election.licence,
        source_url=election.source_url,
        class_published=class_results.published,
        class_message=class_results.message,
        columns=tuple(columns),
        rows=rows,
    )
