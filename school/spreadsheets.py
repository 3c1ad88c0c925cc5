"""CSV downloads that open cleanly in spreadsheets (Excel, LibreOffice): UTF-8 with a BOM,
semicolons, and no cell that a spreadsheet would run as a formula."""

import csv
from collections.abc import Iterable

from django.http import HttpResponse

# Spreadsheets run a cell starting with one of these as a formula.
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value) -> str:
    """A text cell that a spreadsheet shows as typed. Numbers are passed as numbers instead."""
    text = str(value)
    return f"'{text}" if text.startswith(_FORMULA_PREFIXES) else text


def csv_response(*, filename: str, rows: Iterable[Iterable]) -> HttpResponse:
    response = HttpResponse(
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
    response.write("\ufeff")  # BOM: Excel then reads the file as UTF-8
    csv.writer(response, delimiter=";").writerows(rows)
    return response
