"""CSV downloads that open cleanly in French spreadsheets (Excel, LibreOffice set to French):
UTF-8 with a BOM, semicolons, decimal commas, and no cell that a spreadsheet would run as a
formula."""

import csv
from collections.abc import Iterable
from decimal import Decimal

from django.http import HttpResponse

# Spreadsheets run a cell starting with one of these as a formula.
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value) -> str:
    """A text cell that a spreadsheet shows as typed. Numbers are passed as numbers instead."""
    text = str(value)
    return f"'{text}" if text.startswith(_FORMULA_PREFIXES) else text


def csv_cell(value):
    """A number as a French spreadsheet reads one (77,8: a « . » would make it text); any
    other value as text that never runs as a formula."""
    if isinstance(value, bool):
        return csv_text(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float | Decimal):
        return str(value).replace(".", ",")
    return csv_text(value)


def csv_response(*, filename: str, rows: Iterable[Iterable]) -> HttpResponse:
    response = HttpResponse(
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
    response.write("\ufeff")  # BOM: Excel then reads the file as UTF-8
    writer = csv.writer(response, delimiter=";")
    writer.writerows([csv_cell(value) for value in row] for row in rows)
    return response
