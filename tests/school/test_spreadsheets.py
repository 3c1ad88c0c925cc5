"""CSV files as French spreadsheets read them: « ; », decimal commas, UTF-8 with a BOM, and no
cell that runs as a formula (pupils type their pseudonyms, teachers their titles)."""

import csv
import io
from decimal import Decimal

from school.spreadsheets import csv_cell, csv_response


def _read_back(response) -> list[list[str]]:
    assert response.content.startswith("\ufeff".encode())
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_numbers_get_a_decimal_comma_and_integers_stay_numbers():
    assert csv_cell(77.8) == "77,8"
    assert csv_cell(Decimal("12.50")) == "12,50"
    assert csv_cell(-3.5) == "-3,5"
    assert csv_cell(42) == 42


def test_cells_that_would_run_as_formulas_are_shown_as_typed():
    for typed in ("=1+1", "+33 6", "-2", "@SUM(A1)", "\t=x"):
        assert csv_cell(typed) == f"'{typed}"
    assert csv_cell("Léa ; « vote » 1.5") == "Léa ; « vote » 1.5"
    assert csv_cell("'=déjà protégé") == "'=déjà protégé"


def test_a_response_reads_back_with_semicolons_and_decimal_commas():
    response = csv_response(
        filename="résultats.csv",
        rows=[["Ligne", "Pourcentage"], ['=HYPERLINK("x")', 66.7], ["Pour; contre", 33.3]],
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="résultats.csv"'
    rows = _read_back(response)
    assert rows == [
        ["Ligne", "Pourcentage"],
        ['\'=HYPERLINK("x")', "66,7"],
        ["Pour; contre", "33,3"],
    ]
    assert sum(float(row[1].replace(",", ".")) for row in rows[1:]) == 100.0
