"""What the national pages show, built from the selectors' figures: one row per territory (a
class, a school, a département… France) with one cell per option, as each method reads best,
and the map's colours. Pure functions over tallies' results: no query here.

Per method, a cell's figure (`value`, in percent, drawn as a bar) and words (`mention`):
yes/no, scale5 and single choice: share of exprimés (blank ballots shown apart); approval: the
approval rate (of votants); majority judgment: the majority grade, with the grade shares as a
stacked bar; ranked choice: the share of the final round (« éliminée » before it)."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .. import tallies
from ..models import Level
from .francemap import france_map
from .selectors import NOT_ENOUGH, NationalComparison, NationalOverview, TerritoryFigures

TIE = "tie"
COLLECTIVITES = _("Collectivités d'outre-mer")
UNITS = {
    tallies.VotingMethod.YES_NO: _("en % des suffrages exprimés, votes blancs à part"),
    tallies.VotingMethod.SCALE5: _("en % des votants"),
    tallies.VotingMethod.SINGLE: _("en % des suffrages exprimés, votes blancs à part"),
    tallies.VotingMethod.APPROVAL: _("taux d'approbation, en % des votants"),
    tallies.VotingMethod.MAJORITY_JUDGMENT: _("mention majoritaire de chaque option"),
    tallies.VotingMethod.RANKED: _("tour final du dépouillement, en % des bulletins en jeu"),
}

# Fills of the map, each at least 3:1 against the white background and the white borders
# between départements (WCAG 1.4.11); the figures themselves are in each title and the table.
CATEGORICAL = (
    "#000091",
    "#b34000",
    "#18753c",
    "#a558a0",
    "#716043",
    "#009081",
    "#ce0500",
    "#6e445a",
)
SCALE5_FILLS = ("#000091", "#6a6af4", "#757575", "#d0571e", "#8d2f04")
GRADE_FILLS = ("#000091", "#3a3ab0", "#6a6af4", "#7b6f9a", "#757575", "#d0571e", "#8d2f04")
SHARE_FILLS = ("#8080e0", "#5757d8", "#3a3ab0", "#1f1f7a", "#0d0d4d")
SHARE_BINS = ((0, 20), (20, 40), (40, 60), (60, 80), (80, 100))
TIE_FILL = "#3a3a3a"
MISSING_FILL = "url(#hc-map-hatch)"
GRADE_LABELS = dict(tallies.Grade.choices)


@dataclass(frozen=True)
class Grade:
    key: str
    label: str
    percentage: float
    index: int  # 1 (excellent) to 7 (à rejeter), for the bar's colour


@dataclass(frozen=True)
class Cell:
    key: str
    label: str
    count: int | None
    value: float | None  # percent, for the bar and the « share of » map
    mention: str  # majority grade, « éliminée »…
    grades: tuple[Grade, ...] = ()
    grade_index: int | None = None  # majority grade's place (0 = excellent)


@dataclass(frozen=True)
class Row:
    """One territory's line. `anchor` is the id of its table row ("" when it has none)."""

    anchor: str
    name: str
    level_label: str
    shown: bool
    classes: int
    schools: int
    ballots: int
    votants: int
    blancs: int
    exprimes: int
    leader: str  # an option key, TIE, or "" (nobody ahead, or not shown)
    leader_label: str
    cells: tuple[Cell, ...]
    final_round: int | None = None
    note: str = ""  # why there are no figures
    level: str = ""

    @property
    def missing_text(self) -> str:
        return self.note or str(NOT_ENOUGH)


def _leader(result: tallies.TallyResult) -> str:
    if result.winner:
        return result.winner
    if result.tie:
        return TIE
    first = [row for row in getattr(result, "rows", ()) if row.rank == 1]
    if len(first) == 1 and getattr(first[0], "count", 1):
        return first[0].key  # a second round to hold: who came first
    return ""


def _cells(result: tallies.TallyResult, labels: Mapping[str, str]) -> tuple[Cell, ...]:
    """One cell per option, in the question's order (the table's columns)."""
    order = {key: n for n, key in enumerate(labels)}
    return tuple(sorted(_unordered_cells(result, labels), key=lambda c: order.get(c.key, 0)))


def _unordered_cells(result: tallies.TallyResult, labels: Mapping[str, str]) -> list[Cell]:
    if isinstance(result, tallies.MajorityJudgmentResult):
        cells = []
        for row in result.rows:
            index = tallies.GRADES.index(row.majority_grade) if row.majority_grade else None
            cells.append(
                Cell(
                    key=row.key,
                    label=labels.get(row.key, row.key),
                    count=None,
                    value=None,
                    mention=str(GRADE_LABELS.get(row.majority_grade, "")),
                    grades=tuple(
                        Grade(s.grade, str(GRADE_LABELS[s.grade]), s.percentage, n)
                        for n, s in enumerate(row.grades, start=1)
                    ),
                    grade_index=index,
                )
            )
        return cells
    if isinstance(result, tallies.RankedResult) and result.rounds:
        final = {row.key: row for row in result.rounds[-1].rows}
        return [
            Cell(
                key=row.key,
                label=labels.get(row.key, row.key),
                count=final[row.key].count if row.key in final else None,
                value=final[row.key].percentage if row.key in final else None,
                mention="" if row.key in final else str(_("éliminée")),
            )
            for row in result.rows
        ]
    return [
        Cell(
            key=row.key,
            label=labels.get(row.key, row.key),
            count=row.count,
            value=(row.approval_rate if isinstance(row, tallies.ApprovalRow) else row.percentage),
            mention="",
        )
        for row in result.rows
    ]


def table_context(method: str, labels: Mapping[str, str]) -> dict:
    """The columns of a figures table: participation, blank ballots where the method has
    them, the option ahead, then one column per option."""
    options = [(key, label) for key, label in labels.items() if key != tallies.BLANK]
    has_blank = method not in (
        tallies.VotingMethod.SCALE5,
        tallies.VotingMethod.MAJORITY_JUDGMENT,
    )
    return {
        "option_choices": options,
        "unit": UNITS.get(method, ""),
        "has_blank": has_blank,
        "colspan": len(options) + 4 + has_blank,
        "method": method,
    }


def row_build(
    *,
    name: str,
    level_label: str,
    result: tallies.TallyResult | None,
    labels: Mapping[str, str],
    classes: int = 0,
    schools: int = 0,
    ballots: int = 0,
    anchor: str = "",
    note: str = "",
    level: str = "",
) -> Row:
    if result is None:
        return Row(
            anchor=anchor,
            name=name,
            level_label=level_label,
            shown=False,
            classes=classes,
            schools=schools,
            ballots=ballots,
            votants=0,
            blancs=0,
            exprimes=0,
            leader="",
            leader_label="",
            cells=(),
            note=note,
            level=level,
        )
    leader = _leader(result)
    rounds = getattr(result, "rounds", ())
    return Row(
        anchor=anchor,
        name=name,
        level_label=level_label,
        shown=True,
        classes=classes,
        schools=schools,
        ballots=ballots,
        votants=result.votants,
        blancs=result.blancs,
        exprimes=result.exprimes,
        leader=leader,
        leader_label=str(_("Égalité")) if leader == TIE else labels.get(leader, leader),
        cells=_cells(result, labels),
        final_round=rounds[-1].number if rounds else None,
        level=level,
    )


def territory_row(
    figures: TerritoryFigures, labels: Mapping[str, str], *, anchor: str = "", name: str = ""
) -> Row:
    # France, its two zones and the schools abroad say what they are in their name.
    plain = figures.level in (Level.FRANCE, Level.ZONE, Level.ETRANGER)
    return row_build(
        name=name or figures.name,
        level_label="" if plain else figures.level_label,
        result=figures.result,
        labels=labels,
        classes=figures.classes,
        schools=figures.schools,
        ballots=figures.ballots,
        anchor=anchor,
        level=figures.level,
    )


def bars(rows: Iterable[Row], labels: Mapping[str, str]) -> list[dict]:
    """Per option, each territory's cell side by side (the bars' template reads this)."""
    rows = list(rows)
    out = []
    for key, label in labels.items():
        if key == tallies.BLANK:
            continue
        out.append(
            {
                "key": key,
                "label": label,
                "items": [
                    {"row": row, "cell": next((c for c in row.cells if c.key == key), None)}
                    for row in rows
                ],
            }
        )
    return out


def cell_of(row: Row, key: str) -> Cell | None:
    return next((c for c in row.cells if c.key == key), None)


# --- The map ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Legend:
    fill: str
    label: str
    pattern: bool = False


@dataclass(frozen=True)
class Area:
    """One département (an outline) or inset (a box) on the map."""

    code: str
    name: str
    fill: str
    title: str
    shown: bool
    d: str = ""
    inset: object = None


@dataclass(frozen=True)
class MapView:
    view_box: str
    areas: tuple[Area, ...]
    insets: tuple[Area, ...]
    legend: tuple[Legend, ...]
    option: str  # "" for « option en tête »
    option_label: str
    summary: str


def _percent(value: float) -> str:
    return f"{number_format(value, 1)} %"


def _share_bin(value: float) -> int:
    for n, (_low, high) in enumerate(SHARE_BINS):
        if value < high or n == len(SHARE_BINS) - 1:
            return n
    return len(SHARE_BINS) - 1


def _leader_fills(method: str, labels: Mapping[str, str]) -> dict[str, str]:
    keys = [key for key in labels if key != tallies.BLANK]
    if method == tallies.VotingMethod.SCALE5:
        return dict(zip(tallies.SCALE5_LEVELS, SCALE5_FILLS, strict=True))
    return {key: CATEGORICAL[n % len(CATEGORICAL)] for n, key in enumerate(keys)}


def _fill_and_words(row: Row, *, method: str, option: str, fills: Mapping[str, str]):
    if not row.shown:
        return MISSING_FILL, str(NOT_ENOUGH)
    if not option:
        if row.leader == TIE:
            return TIE_FILL, str(_("égalité"))
        if not row.leader:
            return TIE_FILL, str(_("aucune option en tête"))
        cell = cell_of(row, row.leader)
        words = row.leader_label
        if cell is not None and cell.value is not None:
            words = f"{words}, {_percent(cell.value)}"
        elif cell is not None and cell.mention:
            words = f"{words}, {cell.mention}"
        return fills.get(row.leader, TIE_FILL), str(_("en tête : %(words)s") % {"words": words})
    cell = cell_of(row, option)
    if cell is None:
        return MISSING_FILL, str(NOT_ENOUGH)
    if method == tallies.VotingMethod.MAJORITY_JUDGMENT:
        if cell.grade_index is None:
            return TIE_FILL, "—"
        return GRADE_FILLS[cell.grade_index], cell.mention
    if cell.value is None:
        return SHARE_FILLS[0], cell.mention
    return SHARE_FILLS[_share_bin(cell.value)], _percent(cell.value)


def map_view(
    overview: NationalOverview, *, option: str, departement_names: Mapping[str, str]
) -> MapView:
    """The map's areas, coloured by the option ahead, or by the share (or, in majority
    judgment, the majority grade) of `option`."""
    question = overview.question
    method = question.method
    labels = overview.labels
    if option not in labels or option == tallies.BLANK:
        option = ""
    fills = _leader_fills(method, labels)
    rows = {
        f.code: territory_row(f, labels, name=departement_names.get(f.code, f.name))
        for f in overview.departements
    }
    rows["ETR"] = territory_row(overview.etranger, labels)
    base = france_map()

    def area(code: str, name: str, **extra) -> Area:
        row = rows.get(code) or row_build(name=name, level_label="", result=None, labels=labels)
        fill, words = _fill_and_words(row, method=method, option=option, fills=fills)
        return Area(code, name, fill, f"{name} : {words}", row.shown, **extra)

    areas = tuple(area(s.code, departement_names.get(s.code, s.name), d=s.d) for s in base.shapes)
    insets = tuple(
        area(i.code, departement_names.get(i.code, i.name), inset=i) for i in base.insets
    )
    if not option:
        legend = [Legend(fills[key], labels[key]) for key in fills if key in labels] + [
            Legend(TIE_FILL, str(_("Égalité ou aucune option en tête")))
        ]
    elif method == tallies.VotingMethod.MAJORITY_JUDGMENT:
        legend = [
            Legend(fill, str(GRADE_LABELS[grade]))
            for grade, fill in zip(tallies.GRADES, GRADE_FILLS, strict=True)
        ]
    else:
        legend = [
            Legend(fill, str(_("de %(low)s à %(high)s %%") % {"low": low, "high": high}))
            for (low, high), fill in zip(SHARE_BINS, SHARE_FILLS, strict=True)
        ]
    legend.append(Legend(MISSING_FILL, str(NOT_ENOUGH), pattern=True))
    shown = sum(1 for a in (*areas, *insets) if a.shown)
    option_label = labels.get(option, "")
    total = len(areas) + len(insets)
    what = (
        _("part de « %(option)s » dans chaque territoire") % {"option": labels.get(option, "")}
        if option
        else _("option en tête dans chaque territoire")
    )
    summary = ngettext(
        "Carte de France par département : %(what)s. %(shown)s territoire sur %(total)s a assez "
        "de classes pour afficher un résultat. Les mêmes chiffres sont dans le tableau qui suit.",
        "Carte de France par département : %(what)s. %(shown)s territoires sur %(total)s ont "
        "assez de classes pour afficher un résultat. Les mêmes chiffres sont dans le tableau qui "
        "suit.",
        shown,
    ) % {"what": what, "shown": shown, "total": total}
    return MapView(
        view_box=base.view_box,
        areas=areas,
        insets=insets,
        legend=tuple(legend),
        option=option,
        option_label=option_label,
        summary=summary,
    )


# --- A class beside its territories -----------------------------------------------------------


def comparison_view(comparison: NationalComparison, *, class_label: str) -> dict:
    """« Ma classe » (or the class's name, for its teacher), its school and territories, and
    France: rows for the table and the bars, and the participation behind them."""
    labels = comparison.labels
    own = comparison.classroom
    rows = [
        row_build(
            name=class_label,
            level_label="",
            result=own.result,
            labels=labels,
            classes=1,
            schools=1,
            ballots=own.ballots,
            note=own.message,
            level="classroom",
        ),
        *(territory_row(t, labels) for t in comparison.territories),
    ]
    if all(t.level != comparison.france.level for t in comparison.territories):
        rows.append(territory_row(comparison.france, labels))
    return {
        "question": comparison.question,
        "classroom": own.classroom,
        "id_prefix": f"comparison-{own.classroom.pk}" if own.classroom else "comparison",
        "rows": rows,
        "groups": [{"name": "", "rows": rows}],
        "bars": bars(rows, labels),
        "france": comparison.france,
        "departements_shown": comparison.departements_shown,
        **table_context(comparison.question.method, labels),
    }
