"""Builders of election results files in the Ministry's format (written in tmp_path or kept in
memory): 17 fixed columns, then a 6-column block per candidate."""

import csv
import io

import openpyxl

FIXED = [
    "Code du département",
    "Libellé du département",
    "Etat saisie",
    "Inscrits",
    "Abstentions",
    "% Abs/Ins",
    "Votants",
    "% Vot/Ins",
    "Blancs",
    "% Blancs/Ins",
    "% Blancs/Vot",
    "Nuls",
    "% Nuls/Ins",
    "% Nuls/Vot",
    "Exprimés",
    "% Exp/Ins",
    "% Exp/Vot",
]
BLOCK = ["Sexe", "Nom", "Prénom", "Voix", "% Voix/Ins", "% Voix/Exp"]

SECOND_ROUND = [("M", "MACRON", "Emmanuel"), ("F", "LE PEN", "Marine")]
FIRST_ROUND = [
    ("F", "ARTHAUD", "Nathalie"),
    ("M", "ROUSSEL", "Fabien"),
    ("M", "MACRON", "Emmanuel"),
    ("M", "LASSALLE", "Jean"),
    ("F", "LE PEN", "Marine"),
    ("M", "ZEMMOUR", "Éric"),
    ("M", "MÉLENCHON", "Jean-Luc"),
    ("F", "HIDALGO", "Anne"),
    ("M", "JADOT", "Yannick"),
    ("F", "PÉCRESSE", "Valérie"),
    ("M", "POUTOU", "Philippe"),
    ("M", "DUPONT-AIGNAN", "Nicolas"),
]


def pct(part: int, whole: int) -> float:
    return round(100 * part / whole, 2) if whole else 0.0


def row(code, label, *, inscrits, blancs, nuls, voix, candidates=SECOND_ROUND):
    exprimes = sum(voix)
    votants = exprimes + blancs + nuls
    cells = [
        code,
        label,
        "Complet",
        inscrits,
        inscrits - votants,
        pct(inscrits - votants, inscrits),
        votants,
        pct(votants, inscrits),
        blancs,
        pct(blancs, inscrits),
        pct(blancs, votants),
        nuls,
        pct(nuls, inscrits),
        pct(nuls, votants),
        exprimes,
        pct(exprimes, inscrits),
        pct(exprimes, votants),
    ]
    for (sex, last, first), count in zip(candidates, voix, strict=True):
        cells += [sex, last, first, count, pct(count, inscrits), pct(count, exprimes)]
    return cells


def small_table(candidates=SECOND_ROUND):
    """Four rows: a metropolitan département, Corsica, Saint-Martin/Saint-Barthélemy, abroad."""
    n = len(candidates)

    def voix(total):
        return [total // n + (1 if i < total % n else 0) for i in range(n)]

    return [
        row("01", "Ain", inscrits=1000, blancs=30, nuls=10, voix=voix(700), candidates=candidates),
        row(
            "2A",
            "Corse-du-Sud",
            inscrits=500,
            blancs=5,
            nuls=5,
            voix=voix(300),
            candidates=candidates,
        ),
        row(
            "ZX",
            "Saint-Martin/Saint-Barthélemy",
            inscrits=300,
            blancs=2,
            nuls=1,
            voix=voix(100),
            candidates=candidates,
        ),
        row(
            "ZZ",
            "Français établis hors de France",
            inscrits=2000,
            blancs=10,
            nuls=3,
            voix=voix(600),
            candidates=candidates,
        ),
    ]


def header(n_candidates: int, *, all_blocks: bool = True) -> list[str]:
    return FIXED + BLOCK * (n_candidates if all_blocks else 1)


def csv_bytes(rows, *, n_candidates=2, encoding="utf-8", decimal=".", head=None) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(head if head is not None else header(n_candidates))
    for cells in rows:
        writer.writerow(
            [str(c).replace(".", decimal) if isinstance(c, float) else c for c in cells]
        )
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows, *, n_candidates=2, head=None) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(head if head is not None else header(n_candidates, all_blocks=False))
    for cells in rows:
        sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
