"""The reference-text parser and the quotation checks, on small samples in the layouts of
content/FORMAT.md (the real texts are checked in test_curriculum)."""

import pytest

from content.reference import (
    CHARTE,
    DDHC,
    PREAMBULE_1946,
    ReferenceError,
    ReferenceLibrary,
    article_block_problems,
    inline_quotation_problem,
    inline_quotations,
    reference_parse,
)

HEADER = (
    "---\ntitle: T\nsource: S\nurl: https://www.conseil-constitutionnel.fr/x\nversion: v\n"
    "licence: l\ntranscription: t\npurpose: p\n---\n\n"
)
DDHC_SAMPLE = (
    HEADER + "# Déclaration des droits de l'homme et du citoyen\n\n"
    "Les représentants du peuple français, constitués en Assemblée nationale...\n\n"
    "## Article 1er\n\nLes hommes naissent et demeurent libres et égaux en droits. Les "
    "distinctions sociales ne peuvent être fondées que sur l'utilité commune.\n\n"
    "## Article 6\n\nLa loi est l’expression de la volonté générale. Tous les citoyens ont droit "
    "de concourir personnellement, ou par leurs représentants, à sa formation.\n"
)
PREAMBULE_SAMPLE = (
    HEADER + "## Préambule\n\nAu lendemain de la victoire remportée par les peuples libres...\n\n"
    "Il réaffirme solennellement les droits et libertés de l'homme et du citoyen...\n\n"
    "Chacun a le devoir de travailler et le droit d'obtenir un emploi.\n"
)
CHARTE_SAMPLE = (
    HEADER + "## Article 1er\n\nChacun a le droit de vivre dans un environnement équilibré et "
    "respectueux de la santé.\n\n## Article 2\n\nToute personne a le devoir de prendre part à la "
    "préservation et à l'amélioration de l'environnement.\n"
)


@pytest.fixture
def library(tmp_path):
    (tmp_path / "ddhc-1789.md").write_text(DDHC_SAMPLE, encoding="utf-8")
    (tmp_path / "preambule-1946.md").write_text(PREAMBULE_SAMPLE, encoding="utf-8")
    (tmp_path / "charte-environnement-2004.md").write_text(CHARTE_SAMPLE, encoding="utf-8")
    (tmp_path / "constitution-1958.md").write_text(
        "---\ntitle: C\n---\n\n# PRÉAMBULE\n\nLe peuple français proclame.\n\n"
        "## ARTICLE PREMIER.\n\nLa France est une République.\n\nLa loi favorise.\n\n"
        "# Titre premier\n\n## ARTICLE 49.\n\nLe Premier ministre engage.\n\n"
        "L'Assemblée nationale met en cause.\n\nLe Premier ministre peut.\n",
        encoding="utf-8",
    )
    return ReferenceLibrary(tmp_path)


def test_reference_parse_reads_each_layout():
    ddhc = reference_parse(DDHC_SAMPLE)
    assert list(ddhc) == ["1", "6"]  # the preamble's paragraph is under a # title: no article
    assert ddhc["6"][0].startswith("La loi est l'expression")  # apostrophe normalised
    preambule = reference_parse(PREAMBULE_SAMPLE)
    assert list(preambule) == ["preambule"] and len(preambule["preambule"]) == 3
    assert reference_parse(CHARTE_SAMPLE)["2"][0].startswith("Toute personne")


def test_reference_parse_refuses_an_article_twice():
    with pytest.raises(ReferenceError, match="deux fois"):
        reference_parse("## Article 1er\n\nA.\n\n## Article premier\n\nB.\n")


def test_article_block_matches_named_alineas(library):
    value = {
        "number": "49",
        "alinea": "1, 3",
        "text": "Le Premier ministre engage.\nLe Premier ministre peut.",
    }
    assert article_block_problems(value, library) == []
    value["alinea"] = "2, 3"
    (problem,) = article_block_problems(value, library)
    assert "alinéa 2" in problem
    value["alinea"] = "4"
    assert "1 alinéa(s) annoncé(s), 2" in article_block_problems(value, library)[0]


def test_article_block_without_alinea_needs_whole_alineas(library):
    assert article_block_problems({"number": "1er", "text": "La loi favorise."}, library) == []
    (problem,) = article_block_problems({"number": "1", "text": "La France est"}, library)
    assert "aucun alinéa" in problem


def test_article_block_of_other_texts(library):
    assert not article_block_problems(
        {"source": DDHC, "number": "6", "alinea": "1", "text": DDHC_SAMPLE.split("\n")[-2]},
        library,
    )
    assert not article_block_problems(
        {
            "source": PREAMBULE_1946,
            "number": "preambule",
            "alinea": "3",
            "text": "Chacun a le devoir de travailler et le droit d’obtenir un emploi.",
        },
        library,
    )
    (problem,) = article_block_problems({"source": CHARTE, "number": "7", "text": "x"}, library)
    assert "pas d'article « 7 »" in problem


def test_a_missing_reference_file_is_a_problem_not_a_pass(tmp_path):
    library = ReferenceLibrary(tmp_path)
    (problem,) = article_block_problems({"source": DDHC, "number": "1", "text": "x"}, library)
    assert "texte de référence manquant : ddhc-1789.md" in problem


def test_inline_quotations_in_each_shape(library):
    text = (
        "Il « engage devant l'Assemblée nationale » (article 49, alinéa 1)... faux : "
        "« la loi favorise » (article 1er).\n"
        "« La loi est l'expression de la volonté générale » (article 6 de la Déclaration de 1789)"
        " ; « le droit d'obtenir un emploi » (alinéa 3 du Préambule de 1946) ; "
        "« Chacun a le droit de vivre […] respectueux de la santé » (article 1er de la Charte de "
        "l'environnement). Un « mot » (selon lui) et « Le Premier ministre » (article 49 alinéa 3)."
    )
    quotations = inline_quotations(text)
    assert [(q.source, q.number, q.alinea) for q in quotations] == [
        ("constitution", "49", 1),
        ("constitution", "1", None),
        (DDHC, "6", None),
        (PREAMBULE_1946, "preambule", 3),
        (CHARTE, "1", None),
    ]
    problems = [inline_quotation_problem(q, library) for q in quotations]
    assert problems[0] is not None and "introuvable" in problems[0]  # alinéa 1 says « engage. »
    assert problems[1:] == [None, None, None, None]
    assert quotations[2].line == 2


def test_inline_quotation_wrong_alinea_or_article(library):
    (quotation,) = inline_quotations("« Le Premier ministre peut » (article 49, alinéa 2)")
    assert "introuvable" in inline_quotation_problem(quotation, library)
    (quotation,) = inline_quotations("« x » (article 49, alinéa 9)")
    assert "pas d'alinéa 9" in inline_quotation_problem(quotation, library)
    (quotation,) = inline_quotations("« x » (article 12 de la Déclaration de 1789)")
    assert "pas d'article" in inline_quotation_problem(quotation, library)


def test_short_reference_forms_are_checked_too(library):
    text = (
        "« La France est une République » (art. 1er). « La loi est l'expression de la volonté "
        "générale » (DDHC, art. 6). « le droit d'obtenir un emploi » (Préambule de 1946, "
        "alinéa 3). « Toute personne a le devoir » (Charte de l'environnement, art. 2). "
        "« Le Premier ministre peut » (art. 49, al. 3)."
    )
    quotations = inline_quotations(text)
    assert [(q.source, q.number, q.alinea) for q in quotations] == [
        ("constitution", "1", None),
        (DDHC, "6", None),
        (PREAMBULE_1946, "preambule", 3),
        (CHARTE, "2", None),
        ("constitution", "49", 3),
    ]
    assert [inline_quotation_problem(q, library) for q in quotations] == [None] * 5
