import datetime
import io
import zipfile

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum

from classroom_votes.elections import client, parsing
from classroom_votes.elections.importing import election_import
from classroom_votes.elections.parsing import ElectionFileError
from classroom_votes.models import (
    Election,
    ElectionCandidate,
    ElectionCandidateResult,
    ElectionResult,
)
from classroom_votes.tasks import election_import as election_import_task
from tests.conftest import shared_file

from .files import FIRST_ROUND, csv_bytes, header, row, small_table, xlsx_bytes

pytestmark = pytest.mark.django_db

DATE = datetime.date(2022, 4, 24)
NAME = "Élection présidentielle 2022 — second tour"
REAL = ("data", "elections", "presidentielle-2022")


def _import(data: bytes, **extra):
    return election_import(
        data=data, name=extra.pop("name", NAME), date=DATE, round_number=2, **extra
    )


def _nothing_stored():
    assert not Election.objects.exists()
    assert not ElectionResult.objects.exists()
    assert not ElectionCandidate.objects.exists()
    assert not ElectionCandidateResult.objects.exists()


def _national(election, last_name):
    return ElectionCandidateResult.objects.filter(
        candidate__election=election, candidate__last_name=last_name
    ).aggregate(total=Sum("voix"))["total"]


@pytest.mark.parametrize("extension", ["xlsx", "csv"])
def test_import_real_second_round_2022(extension):
    path = shared_file(*REAL, f"resultats-par-niveau-dpt-t2-france-entiere.{extension}")
    outcome = _import(path.read_bytes())
    election = outcome.election
    assert outcome.created and outcome.changed
    assert election.results.count() == 107
    assert [c.label for c in election.candidates.all()] == ["Emmanuel MACRON", "Marine LE PEN"]
    assert [c.key for c in election.candidates.all()] == ["macron", "le-pen"]
    assert _national(election, "MACRON") == 18_768_639
    assert _national(election, "LE PEN") == 13_288_686
    zx = election.results.get(territory_code="ZX")
    assert zx.departement_codes == ["977", "978"]
    assert election.results.get(territory_code="ZZ").departement_codes == []
    assert election.results.get(territory_code="ZA").departement_codes == ["971"]
    assert election.results.get(territory_code="2A").departement_codes == ["2A"]


def test_reimport_same_file_changes_nothing():
    data = shared_file(*REAL, "resultats-par-niveau-dpt-t2-france-entiere.csv").read_bytes()
    first = _import(data)
    ids = set(ElectionResult.objects.values_list("pk", flat=True))
    again = _import(data)
    assert (again.created, again.changed) == (False, False)
    assert again.election.pk == first.election.pk
    assert set(ElectionResult.objects.values_list("pk", flat=True)) == ids
    assert Election.objects.count() == 1


def test_reimport_corrected_figures_replaces_results():
    rows = small_table()
    _import(csv_bytes(rows))
    rows[0] = row("01", "Ain", inscrits=1000, blancs=30, nuls=10, voix=[400, 301])
    outcome = _import(csv_bytes(rows))
    assert (outcome.created, outcome.changed) == (False, True)
    assert Election.objects.count() == 1
    assert ElectionResult.objects.count() == 4
    ain = ElectionResult.objects.get(territory_code="01")
    assert ain.exprimes == 701
    assert ain.candidate_results.get(candidate__key="macron").voix == 400


def test_refused_correction_keeps_previous_import():
    rows = small_table()
    _import(csv_bytes(rows))
    rows[1][14] += 1  # Exprimés of line 3
    with pytest.raises(ElectionFileError):
        _import(csv_bytes(rows))
    assert ElectionResult.objects.get(territory_code="2A").exprimes == 300


def test_first_round_with_twelve_candidates_imports_from_xlsx():
    rows = small_table(FIRST_ROUND)
    outcome = election_import(
        data=xlsx_bytes(rows, n_candidates=12),
        name="Élection présidentielle 2022 — premier tour",
        date=datetime.date(2022, 4, 10),
        round_number=1,
    )
    election = outcome.election
    assert election.candidates.count() == 12
    assert election.candidates.get(order=7).label == "Jean-Luc MÉLENCHON"
    assert election.candidates.get(order=7).key == "melenchon"
    assert ElectionCandidateResult.objects.filter(result__election=election).count() == 48


def test_cp1252_file_with_comma_decimals_is_accepted():
    data = csv_bytes(small_table(), encoding="cp1252", decimal=",")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    outcome = _import(data)
    assert outcome.election.results.get(territory_code="ZZ").label == (
        "Français établis hors de France"
    )


def test_header_naming_only_first_block_is_accepted():
    outcome = _import(csv_bytes(small_table(), head=header(2, all_blocks=False)))
    assert outcome.election.candidates.count() == 2


def _mutated(mutate):
    rows = small_table()
    mutate(rows)
    return csv_bytes(rows)


def _set(line, index, value):
    def mutate(rows):
        rows[line - 2][index] = value

    return mutate


REFUSALS = {
    "wrong sum": (_set(3, 20, 999), parsing.SUM_MISMATCH, "Ligne 3", "Exprimés"),
    "unknown territory": (_set(4, 0, "ZQ"), parsing.TERRITORY_UNKNOWN, "Ligne 4", "Code"),
    "overseas INSEE code": (_set(2, 0, "971"), parsing.TERRITORY_UNKNOWN, "Ligne 2", "Code"),
    "not an integer": (_set(5, 3, "12a"), parsing.CELL_NOT_INTEGER, "Ligne 5", "Inscrits"),
    "decimal count": (_set(2, 8, "3.5"), parsing.CELL_NOT_INTEGER, "Ligne 2", "Blancs"),
    "negative count": (_set(2, 11, "-1"), parsing.CELL_NOT_INTEGER, "Ligne 2", "Nuls"),
    "bad percentage": (_set(2, 5, "beaucoup"), parsing.CELL_NOT_NUMBER, "Ligne 2", "% Abs/Ins"),
    "votants below exprimés": (
        _set(3, 6, 10),
        parsing.COUNTS_ORDER,
        "Ligne 3",
        "Votants",
    ),
    "votants not the sum": (_set(3, 8, 6), parsing.VOTANTS_SUM, "Ligne 3", "Votants"),
    "abstentions": (_set(2, 4, 1), parsing.ABSTENTIONS_MISMATCH, "Ligne 2", "Abstentions"),
    "truncated row": (
        lambda rows: rows[2].__delitem__(slice(-4, None)),
        parsing.ROW_TRUNCATED,
        "Ligne 4",
        "Prénom (candidat 2)",
    ),
    "duplicate territory": (_set(4, 0, "01"), parsing.TERRITORY_DUPLICATE, "Ligne 4", "ligne 2"),
    "candidates differ": (_set(5, 25, "Martine"), parsing.CANDIDATES_DIFFER, "Ligne 5", "Nom"),
    "candidates reordered": (
        lambda rows: rows[1].__setitem__(slice(17, 29), rows[1][23:29] + rows[1][17:23]),
        parsing.CANDIDATES_DIFFER,
        "Ligne 3",
        "ligne 2",
    ),
    "formula": (_set(2, 1, '=HYPERLINK("x")'), parsing.CELL_FORMULA, "Ligne 2", "Libellé"),
    "huge cell": (_set(3, 1, "A" * 100_000), parsing.CELL_TOO_LONG, "Ligne 3", "Libellé"),
    "empty label": (_set(3, 1, ""), parsing.CELL_EMPTY, "Ligne 3", "Libellé"),
    "sex unknown": (_set(2, 17, "X"), parsing.CANDIDATE_SEX_UNKNOWN, "Ligne 2", "Sexe"),
}


@pytest.mark.parametrize("case", REFUSALS.keys())
def test_bad_file_is_refused_naming_line_and_column(case):
    mutate, code, line, column = REFUSALS[case]
    with pytest.raises(ElectionFileError) as refused:
        _import(_mutated(mutate))
    assert refused.value.code == code
    assert line in refused.value.message
    assert column in refused.value.message
    _nothing_stored()


@pytest.mark.parametrize("column", ["Inscrits", "Exprimés", "Code du département", "Voix"])
def test_missing_or_renamed_column_is_refused(column):
    head = [name if name != column else f"{column} (total)" for name in header(2)]
    with pytest.raises(ElectionFileError) as refused:
        _import(csv_bytes(small_table(), head=head))
    assert refused.value.code == parsing.COLUMN_MISSING
    assert "Ligne 1" in refused.value.message and column in refused.value.message
    _nothing_stored()


@pytest.mark.parametrize(
    "data, code",
    [
        (b"", parsing.FILE_EMPTY),
        (b"\r\n\r\n", parsing.FILE_EMPTY),
        (";".join(header(2)).encode() + b"\r\n", parsing.FILE_EMPTY),
        (b"%PDF-1.7 \x00\x01 binary", parsing.FILE_NOT_SPREADSHEET),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", parsing.FILE_NOT_SPREADSHEET),
        (b"PK\x03\x04 not really a zip", parsing.FILE_NOT_SPREADSHEET),
        (b"<html><body>Not found</body></html>", parsing.COLUMN_MISSING),
    ],
)
def test_not_a_results_file_is_refused(data, code):
    with pytest.raises(ElectionFileError) as refused:
        _import(data)
    assert refused.value.code == code
    _nothing_stored()


def test_zip_of_another_kind_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "bonjour")
    with pytest.raises(ElectionFileError) as refused:
        _import(out.getvalue())
    assert refused.value.code == parsing.FILE_NOT_SPREADSHEET


def test_file_too_large_is_refused(settings):
    settings.HEMICYCLE_ELECTION_MAX_BYTES = 200
    with pytest.raises(ElectionFileError) as refused:
        _import(csv_bytes(small_table()))
    assert refused.value.code == parsing.FILE_TOO_LARGE


def test_xlsx_zip_bomb_is_refused_before_inflating(settings):
    settings.HEMICYCLE_ELECTION_MAX_UNPACKED_BYTES = 1024 * 1024
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * (20 * 1024 * 1024))
    assert len(out.getvalue()) < 100_000
    with pytest.raises(ElectionFileError) as refused:
        _import(out.getvalue())
    assert refused.value.code == parsing.FILE_TOO_LARGE
    _nothing_stored()


def test_xlsx_formula_cell_is_refused():
    rows = small_table()
    rows[0][3] = "=SUM(1,2)"
    with pytest.raises(ElectionFileError) as refused:
        _import(xlsx_bytes(rows))
    assert refused.value.code == parsing.CELL_FORMULA
    assert "Ligne 2" in refused.value.message and "Inscrits" in refused.value.message


def test_too_many_rows_is_refused(settings):
    settings.HEMICYCLE_ELECTION_MAX_ROWS = 3
    with pytest.raises(ElectionFileError) as refused:
        _import(csv_bytes(small_table()))
    assert refused.value.code == parsing.FILE_TOO_MANY_ROWS
    _nothing_stored()


def test_name_of_another_election_is_refused():
    _import(csv_bytes(small_table()))
    with pytest.raises(ElectionFileError):
        election_import(data=csv_bytes(small_table()), name=NAME, date=DATE, round_number=1)
    assert Election.objects.count() == 1


def test_command_imports_a_file(tmp_path):
    path = tmp_path / "resultats.csv"
    path.write_bytes(csv_bytes(small_table()))
    out = io.StringIO()
    call_command(
        "import_election",
        str(path),
        "--name",
        NAME,
        "--date",
        "2022-04-24",
        "--round",
        "2",
        stdout=out,
    )
    assert "importée (4 territoires)" in out.getvalue()
    call_command(
        "import_election",
        str(path),
        "--name",
        NAME,
        "--date",
        "2022-04-24",
        "--round",
        "2",
        stdout=out,
    )
    assert "rien n'a changé" in out.getvalue()
    assert Election.objects.get().round_number == 2


def test_command_reports_a_refused_file(tmp_path):
    rows = small_table()
    rows[2][20] += 1
    path = tmp_path / "resultats.csv"
    path.write_bytes(csv_bytes(rows))
    with pytest.raises(CommandError, match="Ligne 4"):
        call_command("import_election", str(path), "--name", NAME, "--date", "2022-04-24")
    _nothing_stored()


def test_task_imports_a_file(tmp_path):
    path = tmp_path / "resultats.xlsx"
    path.write_bytes(xlsx_bytes(small_table()))
    result = election_import_task.delay(
        source=str(path), name=NAME, date="2022-04-24", round_number=2
    ).get()
    assert result["created"] and result["changed"]
    assert Election.objects.get().results.count() == 4


# Downloads: https only, public addresses only (item 6 of the module docstring).


@pytest.mark.parametrize(
    "url, code",
    [
        ("http://www.data.gouv.fr/fichier.csv", client.URL_SCHEME_REFUSED),
        ("file:///etc/passwd", client.URL_SCHEME_REFUSED),
        ("ftp://example.org/x.csv", client.URL_SCHEME_REFUSED),
        ("https://user:secret@example.org/x.csv", client.URL_SCHEME_REFUSED),
        ("https://127.0.0.1/x.csv", client.URL_ADDRESS_REFUSED),
        ("https://localhost:8000/x.csv", client.URL_ADDRESS_REFUSED),
        ("https://10.1.2.3/x.csv", client.URL_ADDRESS_REFUSED),
        ("https://169.254.169.254/latest/meta-data", client.URL_ADDRESS_REFUSED),
        ("https://[::1]/x.csv", client.URL_ADDRESS_REFUSED),
    ],
)
def test_download_refuses_scheme_or_private_address(url, code, monkeypatch):
    def no_connection(*args, **kwargs):
        raise AssertionError("no connection may be attempted")

    monkeypatch.setattr(client.socket, "create_connection", no_connection)
    with pytest.raises(ElectionFileError) as refused:
        election_import_task.delay(source=url, name=NAME, date="2022-04-24").get()
    assert refused.value.code == code
    _nothing_stored()


def test_download_refuses_a_name_resolving_to_a_private_address(monkeypatch):
    monkeypatch.setattr(
        client.socket,
        "getaddrinfo",
        lambda *a, **k: [
            (None, None, None, "", ("93.184.216.34", 443)),
            (None, None, None, "", ("192.168.0.10", 443)),
        ],
    )
    with pytest.raises(ElectionFileError) as refused:
        client.election_file_read("https://resultats.example.org/t2.csv")
    assert refused.value.code == client.URL_ADDRESS_REFUSED


def test_download_follows_a_redirect_but_not_to_a_private_address(monkeypatch):
    real_get = client._https_get
    calls = []

    def fake_get(url, **kwargs):
        calls.append(url)
        if len(calls) == 1:
            return 302, "https://127.0.0.1/admin", b""
        return real_get(url, **kwargs)

    monkeypatch.setattr(client, "_https_get", fake_get)
    with pytest.raises(ElectionFileError) as refused:
        client.election_file_read("https://www.data.gouv.fr/fr/datasets/r/abc")
    assert refused.value.code == client.URL_ADDRESS_REFUSED
    assert calls == ["https://www.data.gouv.fr/fr/datasets/r/abc", "https://127.0.0.1/admin"]


def test_download_imports_a_public_file(monkeypatch):
    data = csv_bytes(small_table())
    answers = [
        (302, "https://static.data.gouv.fr/resources/t2.csv", b""),
        (200, None, data),
    ]
    monkeypatch.setattr(client, "_https_get", lambda url, **kwargs: answers.pop(0))
    url = "https://www.data.gouv.fr/fr/datasets/r/abc"
    result = election_import_task.delay(source=url, name=NAME, date="2022-04-24").get()
    assert result["created"]
    assert Election.objects.get().source_url == url


def test_download_too_large_is_refused(monkeypatch, settings):
    settings.HEMICYCLE_ELECTION_MAX_BYTES = 100
    monkeypatch.setattr(client, "_https_get", lambda url, **kwargs: (200, None, b"x" * 101))
    with pytest.raises(ElectionFileError) as refused:
        client.election_file_read("https://www.data.gouv.fr/x.csv")
    assert refused.value.code == parsing.FILE_TOO_LARGE
