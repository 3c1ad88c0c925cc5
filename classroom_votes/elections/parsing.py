"""Reading the Ministry of the Interior's per-département results file (pure: bytes in, checked
rows out, no database). Format: ../shared/data/elections/presidentielle-2022/SOURCE.txt — xlsx or
';' CSV (UTF-8 or cp1252/latin-1, CRLF, '.' or ',' decimals), 17 fixed columns then one 6-column
block per candidate (Sexe; Nom; Prénom; Voix; % Voix/Ins; % Voix/Exp), the header naming only
the first block or all of them.

Every refusal is an ElectionFileError with a code (the constants below, reused by tests) and a
French message naming the line (as a spreadsheet numbers it: the header is line 1) and the
column."""

import csv
import io
import math
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from ..models.elections import ABROAD_CODE
from ..tallies import MAX_OPTIONS

FILE_EMPTY = "file_empty"
FILE_TOO_LARGE = "file_too_large"
FILE_NOT_SPREADSHEET = "file_not_spreadsheet"
FILE_TOO_MANY_ROWS = "file_too_many_rows"
COLUMN_MISSING = "column_missing"
ROW_TRUNCATED = "row_truncated"
ROW_TOO_LONG = "row_too_long"
CELL_NOT_INTEGER = "cell_not_integer"
CELL_NOT_NUMBER = "cell_not_number"
CELL_FORMULA = "cell_formula"
CELL_TOO_LONG = "cell_too_long"
CELL_EMPTY = "cell_empty"
SUM_MISMATCH = "sum_mismatch"
COUNTS_ORDER = "counts_order"
VOTANTS_SUM = "votants_sum"
ABSTENTIONS_MISMATCH = "abstentions_mismatch"
TERRITORY_UNKNOWN = "territory_unknown"
TERRITORY_DUPLICATE = "territory_duplicate"
CANDIDATES_DIFFER = "candidates_differ"
CANDIDATE_SEX_UNKNOWN = "candidate_sex_unknown"

# The Ministry's codes for the territories outside metropolitan France, which are not INSEE
# codes, and the INSEE département or collectivité codes each one covers (ZZ: the French
# established abroad, no département).
Z_CODES: dict[str, tuple[str, ...]] = {
    "ZA": ("971",),
    "ZB": ("972",),
    "ZC": ("973",),
    "ZD": ("974",),
    "ZM": ("976",),
    "ZN": ("988",),
    "ZP": ("987",),
    "ZS": ("975",),
    "ZW": ("986",),
    "ZX": ("977", "978"),
    ABROAD_CODE: (),
}

CODE = "Code du département"
LABEL = "Libellé du département"
INSCRITS = "Inscrits"
ABSTENTIONS = "Abstentions"
VOTANTS = "Votants"
BLANCS = "Blancs"
NULS = "Nuls"
EXPRIMES = "Exprimés"
COUNT_COLUMNS = (INSCRITS, ABSTENTIONS, VOTANTS, BLANCS, NULS, EXPRIMES)
REQUIRED_COLUMNS = (CODE, LABEL, *COUNT_COLUMNS)
# The candidate block, in its fixed order; the first "Sexe" of the header starts the blocks.
BLOCK = ("Sexe", "Nom", "Prénom", "Voix", "% Voix/Ins", "% Voix/Exp")
BLOCK_SEX, BLOCK_LAST, BLOCK_FIRST, BLOCK_VOIX = 0, 1, 2, 3
BLOCK_PERCENTS = (4, 5)

MAX_CELL_CHARS = 200
MAX_CANDIDATES = MAX_OPTIONS
MAX_COLUMNS = len(REQUIRED_COLUMNS) + 20 + len(BLOCK) * MAX_CANDIDATES
XLSX_MAGIC = b"PK\x03\x04"
# Spreadsheet formula triggers: such a cell is refused rather than stored and exported again.
FORMULA_PREFIXES = ("=", "+", "@")
_INTEGER = re.compile(r"[0-9]+")
_THOUSANDS = re.compile(r"[\s\u00a0\u202f]")


class ElectionFileError(Exception):
    def __init__(self, code: str, message: str, *, line: int | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.line = line

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class ParsedCandidate:
    sex: str
    last_name: str
    first_name: str


@dataclass(frozen=True)
class ParsedRow:
    line: int
    territory_code: str
    label: str
    departement_codes: tuple[str, ...]
    inscrits: int
    abstentions: int
    votants: int
    blancs: int
    nuls: int
    exprimes: int
    voix: tuple[int, ...]


@dataclass(frozen=True)
class ParsedFile:
    candidates: tuple[ParsedCandidate, ...]
    rows: tuple[ParsedRow, ...]


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_unpacked_bytes: int
    max_rows: int


def _error(code: str, message: str, *, line: int | None = None, column: str | None = None):
    if line is not None and column is not None:
        prefix = _("Ligne %(line)s, colonne « %(column)s » : ") % {"line": line, "column": column}
    elif line is not None:
        prefix = _("Ligne %(line)s : ") % {"line": line}
    else:
        prefix = ""
    return ElectionFileError(code, prefix + message, line=line)


def _normalise(header: object) -> str:
    text = "" if header is None else str(header)
    return unicodedata.normalize("NFC", " ".join(text.split())).casefold()


def _trim(cells: Sequence[object]) -> list[object]:
    cells = list(cells)
    while cells and (cells[-1] is None or (isinstance(cells[-1], str) and not cells[-1].strip())):
        cells.pop()
    return cells


# Reading: bytes → numbered rows of cells.


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    # Five bytes cp1252 leaves undefined: latin-1 decodes everything.
    return data.decode("latin-1")


def _csv_rows(data: bytes, limits: Limits) -> Iterator[tuple[int, list[object]]]:
    if b"\x00" in data[:4096]:
        raise _error(FILE_NOT_SPREADSHEET, _("Ce fichier n'est pas un tableur (xlsx ou CSV)."))
    reader = csv.reader(io.StringIO(_decode(data), newline=""), delimiter=";")
    try:
        for count, cells in enumerate(reader, start=1):
            if count > limits.max_rows + 1:
                raise _error(FILE_TOO_MANY_ROWS, _too_many_rows(limits))
            if len(cells) > MAX_COLUMNS:
                raise _error(ROW_TOO_LONG, _("trop de colonnes."), line=reader.line_num)
            yield reader.line_num, cells
    except csv.Error as error:
        raise _error(
            FILE_NOT_SPREADSHEET,
            _("CSV illisible (%(error)s).") % {"error": error},
            line=reader.line_num,
        ) from error


def _too_many_rows(limits: Limits) -> str:
    return _("Le fichier a plus de %(max)s lignes : ce n'est pas un fichier par département.") % {
        "max": limits.max_rows
    }


def _xlsx_check_archive(data: bytes, limits: Limits) -> None:
    """Refuse a zip bomb before openpyxl inflates anything: the declared sizes are checked here,
    and zipfile stops reading a member past its declared size."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError) as error:
        raise _error(FILE_NOT_SPREADSHEET, _("Ce fichier xlsx est corrompu.")) from error
    if len(members) > 1000 or sum(m.file_size for m in members) > limits.max_unpacked_bytes:
        raise _error(
            FILE_TOO_LARGE,
            _("Ce fichier xlsx décompressé dépasse %(max)s Mo.")
            % {"max": limits.max_unpacked_bytes // (1024 * 1024)},
        )


def _xlsx_rows(data: bytes, limits: Limits) -> Iterator[tuple[int, list[object]]]:
    import openpyxl  # noqa: PLC0415 (heavy import, only for xlsx files)

    _xlsx_check_archive(data, limits)
    try:
        # read_only streams the sheet; data_only=False shows formulas as "=..." text, which the
        # cell checks refuse (a cached value could say anything). openpyxl parses with
        # defusedxml when it is installed (it is a dependency): no entity expansion.
        workbook = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=False, keep_links=False
        )
    except Exception as error:  # openpyxl raises anything from KeyError to XML errors
        raise _error(FILE_NOT_SPREADSHEET, _("Ce fichier xlsx est illisible.")) from error
    try:
        if not workbook.worksheets:
            raise _error(FILE_EMPTY, _("Le fichier est vide."))
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS + 1)
        for line, cells in enumerate(rows, start=1):
            if line > limits.max_rows + 1:
                raise _error(FILE_TOO_MANY_ROWS, _too_many_rows(limits))
            cells = _trim(cells)
            if len(cells) > MAX_COLUMNS:
                raise _error(ROW_TOO_LONG, _("trop de colonnes."), line=line)
            yield line, cells
    finally:
        workbook.close()


def _rows(data: bytes, limits: Limits) -> Iterator[tuple[int, list[object]]]:
    if not data.strip():
        raise _error(FILE_EMPTY, _("Le fichier est vide."))
    if len(data) > limits.max_bytes:
        raise _error(
            FILE_TOO_LARGE,
            _("Le fichier dépasse %(max)s Mo.") % {"max": limits.max_bytes // (1024 * 1024)},
        )
    if data.startswith(XLSX_MAGIC):
        return _xlsx_rows(data, limits)
    if data.startswith(b"\xd0\xcf\x11\xe0") or data.startswith(b"%PDF"):
        raise _error(
            FILE_NOT_SPREADSHEET,
            _(
                "Ce fichier n'est pas un tableur xlsx ou CSV (un ancien .xls ? Enregistrez-le en "
                "xlsx)."
            ),
        )
    return _csv_rows(data, limits)


# Cells.


def _text(value: object, *, line: int, column: str, required: bool = True) -> str:
    if value is None:
        text = ""
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))
    else:
        text = str(value)
    if len(text) > MAX_CELL_CHARS:
        raise _error(
            CELL_TOO_LONG,
            _("cellule trop longue (plus de %(max)s caractères).") % {"max": MAX_CELL_CHARS},
            line=line,
            column=column,
        )
    text = " ".join(text.split())
    if text.startswith(FORMULA_PREFIXES):
        raise _error(
            CELL_FORMULA, _("les formules ne sont pas acceptées."), line=line, column=column
        )
    if required and not text:
        raise _error(CELL_EMPTY, _("cellule vide."), line=line, column=column)
    return text


def _integer(value: object, *, line: int, column: str) -> int:
    if isinstance(value, bool):
        pass
    elif isinstance(value, int) and value >= 0:
        return value
    elif isinstance(value, float) and math.isfinite(value) and value.is_integer() and value >= 0:
        return int(value)
    elif isinstance(value, str) or value is None:
        text = _THOUSANDS.sub("", _text(value, line=line, column=column))
        if _INTEGER.fullmatch(text):
            return int(text)
    raise _error(
        CELL_NOT_INTEGER,
        _("« %(value)s » n'est pas un nombre entier positif.") % {"value": _shown(value)},
        line=line,
        column=column,
    )


def _number(value: object, *, line: int, column: str) -> None:
    """A percentage: checked ('.' or ',' decimals), not stored (we compute our own)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if math.isfinite(value):
            return
    elif value is None or isinstance(value, str):
        text = _text(value, line=line, column=column, required=False).replace(",", ".")
        if not text:
            return
        try:
            if Decimal(text).is_finite():
                return
        except InvalidOperation:
            pass
    raise _error(
        CELL_NOT_NUMBER,
        _("« %(value)s » n'est pas un nombre.") % {"value": _shown(value)},
        line=line,
        column=column,
    )


def _shown(value: object) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= 40 else text[:40] + "…"


# The table.


@dataclass(frozen=True)
class _Layout:
    columns: dict[str, int]
    percent_columns: dict[str, int]
    blocks_start: int
    candidates: int

    @property
    def width(self) -> int:
        return self.blocks_start + len(BLOCK) * self.candidates


def _layout(header: list[object], width: int) -> _Layout:
    names = [_normalise(cell) for cell in header]
    columns: dict[str, int] = {}
    for column in REQUIRED_COLUMNS:
        try:
            columns[column] = names.index(_normalise(column))
        except ValueError:
            raise _error(
                COLUMN_MISSING,
                _("la colonne « %(column)s » manque (ou a été renommée).") % {"column": column},
                line=1,
            ) from None
    try:
        start = names.index(_normalise(BLOCK[0]))
    except ValueError:
        raise _error(
            COLUMN_MISSING,
            _("la colonne « %(column)s » du premier candidat manque (ou a été renommée).")
            % {"column": BLOCK[0]},
            line=1,
        ) from None
    for offset, column in enumerate(BLOCK):
        if start + offset >= len(names) or names[start + offset] != _normalise(column):
            raise _error(
                COLUMN_MISSING,
                _(
                    "la colonne « %(column)s » du premier candidat manque (ou a été renommée) : "
                    "attendu %(block)s."
                )
                % {"column": column, "block": " ; ".join(BLOCK)},
                line=1,
            )
    if max(columns.values()) > start:
        raise _error(
            COLUMN_MISSING,
            _("les colonnes des candidats doivent venir après « %(column)s ».")
            % {"column": EXPRIMES},
            line=1,
        )
    percents = {
        " ".join(str(name).split()): index
        for index, name in enumerate(header[:start])
        if _normalise(name).startswith("%")
    }
    candidates = math.ceil((max(width, len(header)) - start) / len(BLOCK))
    if candidates > MAX_CANDIDATES:
        raise _error(
            ROW_TOO_LONG,
            _("plus de %(max)s candidats.") % {"max": MAX_CANDIDATES},
            line=1,
        )
    return _Layout(columns, percents, start, candidates)


def _block_column(layout: _Layout, index: int) -> str:
    block, offset = divmod(index - layout.blocks_start, len(BLOCK))
    return _("%(column)s (candidat %(number)s)") % {"column": BLOCK[offset], "number": block + 1}


def _candidate(cells: list[object], layout: _Layout, number: int, line: int) -> ParsedCandidate:
    base = layout.blocks_start + len(BLOCK) * number

    def column(offset: int) -> str:
        return _block_column(layout, base + offset)

    sex = _text(cells[base + BLOCK_SEX], line=line, column=column(BLOCK_SEX)).upper()
    if sex not in ("F", "M"):
        raise _error(
            CANDIDATE_SEX_UNKNOWN,
            _("« %(value)s » : F ou M attendu.") % {"value": _shown(sex)},
            line=line,
            column=column(BLOCK_SEX),
        )
    return ParsedCandidate(
        sex=sex,
        last_name=_text(cells[base + BLOCK_LAST], line=line, column=column(BLOCK_LAST)),
        first_name=_text(cells[base + BLOCK_FIRST], line=line, column=column(BLOCK_FIRST)),
    )


def _territory(
    value: object, *, line: int, known_departement_codes: frozenset[str]
) -> tuple[str, tuple[str, ...]]:
    if isinstance(value, int | float) and not isinstance(value, bool):
        # A spreadsheet that turned "01" into 1.
        value = f"{int(value):02d}" if float(value).is_integer() else value
    code = _text(value, line=line, column=CODE).upper()
    if code in Z_CODES:
        return code, Z_CODES[code]
    if code in known_departement_codes and not code.startswith(("97", "98")):
        return code, (code,)
    raise _error(
        TERRITORY_UNKNOWN,
        _(
            "territoire inconnu « %(code)s » (attendu un code de département métropolitain ou un "
            "code ZA…ZZ du ministère)."
        )
        % {"code": _shown(code)},
        line=line,
        column=CODE,
    )


def _row(
    line: int, cells: list[object], layout: _Layout, known_departement_codes: frozenset[str]
) -> tuple[ParsedRow, tuple[ParsedCandidate, ...]]:
    if len(cells) < layout.width:
        raise _error(
            ROW_TRUNCATED,
            _("ligne incomplète : %(found)s cellules au lieu de %(expected)s.")
            % {"found": len(cells), "expected": layout.width},
            line=line,
            column=(
                _block_column(layout, len(cells))
                if len(cells) >= layout.blocks_start
                else next(
                    (name for name, index in layout.columns.items() if index >= len(cells)),
                    BLOCK[0],
                )
            ),
        )
    code, departements = _territory(
        cells[layout.columns[CODE]], line=line, known_departement_codes=known_departement_codes
    )
    counts = {
        column: _integer(cells[layout.columns[column]], line=line, column=column)
        for column in COUNT_COLUMNS
    }
    for name, index in layout.percent_columns.items():
        _number(cells[index], line=line, column=name)
    candidates = tuple(_candidate(cells, layout, n, line) for n in range(layout.candidates))
    voix = []
    for number in range(layout.candidates):
        base = layout.blocks_start + len(BLOCK) * number
        voix.append(
            _integer(
                cells[base + BLOCK_VOIX], line=line, column=_block_column(layout, base + BLOCK_VOIX)
            )
        )
        for offset in BLOCK_PERCENTS:
            _number(cells[base + offset], line=line, column=_block_column(layout, base + offset))
    row = ParsedRow(
        line=line,
        territory_code=code,
        label=_text(cells[layout.columns[LABEL]], line=line, column=LABEL),
        departement_codes=departements,
        inscrits=counts[INSCRITS],
        abstentions=counts[ABSTENTIONS],
        votants=counts[VOTANTS],
        blancs=counts[BLANCS],
        nuls=counts[NULS],
        exprimes=counts[EXPRIMES],
        voix=tuple(voix),
    )
    _row_check(row)
    return row, candidates


def _row_check(row: ParsedRow) -> None:
    line = row.line
    if not row.inscrits >= row.votants >= row.exprimes:
        raise _error(
            COUNTS_ORDER,
            _("il faut inscrits (%(inscrits)s) ≥ votants (%(votants)s) ≥ exprimés (%(exprimes)s).")
            % {"inscrits": row.inscrits, "votants": row.votants, "exprimes": row.exprimes},
            line=line,
            column=VOTANTS,
        )
    if row.votants != row.exprimes + row.blancs + row.nuls:
        raise _error(
            VOTANTS_SUM,
            _("votants (%(votants)s) ≠ exprimés + blancs + nuls (%(total)s).")
            % {"votants": row.votants, "total": row.exprimes + row.blancs + row.nuls},
            line=line,
            column=VOTANTS,
        )
    if row.abstentions != row.inscrits - row.votants:
        raise _error(
            ABSTENTIONS_MISMATCH,
            _("abstentions (%(abstentions)s) ≠ inscrits − votants (%(expected)s).")
            % {"abstentions": row.abstentions, "expected": row.inscrits - row.votants},
            line=line,
            column=ABSTENTIONS,
        )
    if sum(row.voix) != row.exprimes:
        raise _error(
            SUM_MISMATCH,
            _("la somme des voix des candidats (%(total)s) ≠ exprimés (%(exprimes)s).")
            % {"total": sum(row.voix), "exprimes": row.exprimes},
            line=line,
            column=EXPRIMES,
        )


def election_file_parse(
    *, data: bytes, known_departement_codes: Iterable[str], limits: Limits
) -> ParsedFile:
    """Every row of the file, checked; the first problem raises ElectionFileError."""
    known = frozenset(known_departement_codes)
    numbered = [(line, cells) for line, cells in _rows(data, limits) if _trim(cells)]
    if not numbered:
        raise _error(FILE_EMPTY, _("Le fichier est vide."))
    header_line, header = numbered[0]
    body = [(line, _trim(cells)) for line, cells in numbered[1:]]
    layout = _layout(_trim(header), max((len(cells) for _line, cells in body), default=0))
    if not body:
        raise _error(FILE_EMPTY, _("Le fichier n'a pas de ligne de résultats."))
    rows: list[ParsedRow] = []
    seen: dict[str, int] = {}
    candidates: tuple[ParsedCandidate, ...] | None = None
    for line, cells in body:
        row, row_candidates = _row(line, cells, layout, known)
        if row.territory_code in seen:
            raise _error(
                TERRITORY_DUPLICATE,
                _("le territoire « %(code)s » figure déjà ligne %(first)s.")
                % {"code": row.territory_code, "first": seen[row.territory_code]},
                line=line,
                column=CODE,
            )
        seen[row.territory_code] = line
        if candidates is None:
            candidates = row_candidates
        elif _names(row_candidates) != _names(candidates):
            raise _error(
                CANDIDATES_DIFFER,
                _(
                    "les candidats ne sont pas les mêmes, ou pas dans le même ordre, qu'à la "
                    "ligne %(first)s."
                )
                % {"first": body[0][0]},
                line=line,
                column=BLOCK[1],
            )
        rows.append(row)
    assert candidates is not None
    return ParsedFile(candidates=candidates, rows=tuple(rows))


def _names(candidates: Sequence[ParsedCandidate]) -> list[tuple[str, str]]:
    return [(_normalise(c.last_name), _normalise(c.first_name)) for c in candidates]
