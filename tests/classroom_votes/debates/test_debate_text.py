"""The pure text functions of debates (classroom_votes.debates.moderation): sanitizing against
markup and script injection, links, contact details, and the word filter. No database."""

import re
import unicodedata

import pytest
from django.conf import settings
from hypothesis import given
from hypothesis import strategies as st

from classroom_votes.debates import moderation
from classroom_votes.debates.moderation import (
    TextRefused,
    contact_details_find,
    links_find,
    text_fold,
    text_sanitize,
    word_list_load,
    words_clean,
    words_find,
)

TAG_OPENING = re.compile(r"<[A-Za-z/!?]")


def _clean(text: str, **options) -> str:
    return text_sanitize(text, max_length=options.pop("max_length", 1000), **options)


# --- Markup and script injection --------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("<b>gras</b> et <i>italique</i>", "gras et italique"),
        ("<script>alert(1)</script>Bonjour", "Bonjour"),
        ("<ScRiPt>alert(1)</sCrIpT>après", "après"),
        ("<style>body{display:none}</style>texte", "texte"),
        ("<img src=x onerror=alert(1)>salut", "salut"),
        ("<a href='javascript:alert(1)'>clique</a>", "clique"),
        ('"><script>alert(document.cookie)</script>', '">'),
        ("&lt;script&gt;alert(1)&lt;/script&gt;ok", "ok"),  # encoded once
        ("&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;ok", "ok"),  # twice
        ("&#60;script&#62;alert(1)&#60;/script&#62;ok", "ok"),
        ("&#x3C;img src=x onerror=alert(1)&#x3E;ok", "ok"),
        ("<scr<script>x</script>ipt>alert(1)</script>", "xipt>alert(1)"),
        ("<<b>b>x", "x"),
        ("a <!-- commentaire --> b", "a b"),
        ("<p>Un</p><p>Deux</p>", "Un\n\nDeux"),
        ("ligne<br>suivante", "ligne\nsuivante"),
        ("<textarea><script>x</script></textarea>ok", "ok"),
    ],
)
def test_sanitize_removes_markup_and_scripts(raw, clean):
    assert _clean(raw) == clean


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("a < b et b > c", "a < b et b > c"),
        ("j'aime les maths <3", "j'aime les maths <3"),
        ("1<2 et 3>2", "1<2 et 3>2"),
        ("AT&T & co", "AT&T & co"),
        ("x <b", "x < b"),  # could open a tag: spaced out
        ("fin </", "fin < /"),
        ("<!-- pas fermé", "< !-- pas fermé"),
    ],
)
def test_sanitize_keeps_ordinary_signs_and_never_leaves_a_tag_opening(raw, clean):
    assert _clean(raw) == clean


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("  trop    d'espaces  ", "trop d'espaces"),
        ("a\r\nb\rc", "a\nb\nc"),
        ("un\n\n\n\n\ndeux", "un\n\ndeux"),
        ("tab\tulé", "tab ulé"),
        ("insécable\u00a0:\u202fici", "insécable : ici"),
        ("zéro\u200blargeur", "zérolargeur"),
        ("\u202eesrever", "esrever"),  # bidirectional override
        ("nul\x00caractère\x07", "nulcaractère"),
        ("\ufeffBOM", "BOM"),
        ("e\u0301te\u0301", "été"),  # NFC
        ("famille 👨\u200d👩\u200d👧", "famille 👨\u200d👩\u200d👧"),  # emoji joiner kept
    ],
)
def test_sanitize_normalises_whitespace_and_removes_invisible_characters(raw, clean):
    assert _clean(raw) == clean


def test_sanitize_single_line_for_reasons():
    assert _clean("un\n\ndeux", multiline=False) == "un deux"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", moderation.TEXT_EMPTY),
        (" \n ", moderation.TEXT_EMPTY),
        ("<b> </b>", moderation.TEXT_EMPTY),
        ("<![CDATA[<script>x</script>]]>", moderation.TEXT_EMPTY),
        ("x" * 11, moderation.TEXT_TOO_LONG),
        ("<i></i>" * 20, moderation.TEXT_TOO_LONG),  # more than 10 × the limit, even if empty
        (b"bytes", moderation.TEXT_NOT_TEXT),
        (42, moderation.TEXT_NOT_TEXT),
    ],
)
def test_sanitize_refusals(value, code):
    with pytest.raises(TextRefused) as error:
        text_sanitize(value, max_length=10)
    assert error.value.code == code
    assert error.value.message


def test_sanitize_length_is_counted_on_the_clean_text():
    assert text_sanitize("<b>" + "x" * 10 + "</b>", max_length=10) == "x" * 10
    with pytest.raises(TextRefused) as error:
        text_sanitize("x" * 11, max_length=10)
    assert "10 caractères" in error.value.message


def test_sanitize_optional_text_may_be_empty():
    assert text_sanitize("  ", max_length=10, required=False) == ""


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
def test_sanitized_text_never_holds_a_tag_or_a_control_character(raw):
    try:
        clean = text_sanitize(raw, max_length=1000, links_allowed=True)
    except TextRefused as error:
        assert error.code == moderation.TEXT_EMPTY
        return
    assert not TAG_OPENING.search(clean)
    assert clean == clean.strip() and "\r" not in clean and "\n\n\n" not in clean
    assert not any(
        unicodedata.category(char) in {"Cc", "Cs", "Co"} and char != "\n" for char in clean
    )
    assert clean == unicodedata.normalize("NFC", clean)


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_characters="<&"), max_size=300))
def test_sanitizing_twice_changes_nothing(raw):
    try:
        clean = text_sanitize(raw, max_length=1000, links_allowed=True)
    except TextRefused:
        return
    assert text_sanitize(clean, max_length=1000, links_allowed=True) == clean


# --- Links and contact details ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "https://www.lemonde.fr/politique",
        "voir http://exemple.com",
        "WWW.EXEMPLE.ORG",
        "cf. vie-publique.fr/fiches",
        "lien bit.ly/abc",
        "ｗｗｗ.exemple.fr",  # full-width letters
        "javascript:alert(1)",
        "data:text/html,<script>",
    ],
)
def test_links_are_found(text):
    assert links_find(text)
    with pytest.raises(TextRefused) as error:
        _clean(text)
    assert error.value.code == moderation.TEXT_LINK_REFUSED


@pytest.mark.parametrize(
    "text",
    [
        "C'est vrai.De plus, c'est juste.",  # a missing space is not an address
        "Il a dit : bien.ça suffit",
        "M.Macron et Mme.Borne",
        "3.5 millions d'électeurs",
        "Écris-moi : camille@exemple.fr",  # contact details, not a link
        "Je ne suis pas d'accord: voilà pourquoi",
    ],
)
def test_ordinary_text_is_not_a_link(text):
    assert links_find(text) == []


def test_links_are_kept_when_allowed():
    assert _clean("https://www.insee.fr", links_allowed=True) == "https://www.insee.fr"


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Écris-moi à camille.d@exemple.fr", ["camille.d@exemple.fr"]),
        ("mon 06 12 34 56 78", ["06 12 34 56 78"]),
        ("appelle le 06.12.34.56.78", ["06.12.34.56.78"]),
        ("+33 6 12 34 56 78", ["+33 6 12 34 56 78"]),
        ("0612345678", ["0612345678"]),
        ("En 2024, 67 millions d'habitants", []),
        ("Article 49 alinéa 3", []),
    ],
)
def test_contact_details_are_found(text, found):
    assert contact_details_find(text) == found


# --- Word filter ------------------------------------------------------------------------------


@pytest.fixture
def site_words():
    return word_list_load(settings.HEMICYCLE_DEBATE_WORD_LIST)


def test_default_list_is_french_and_loads(site_words):
    assert "con" in site_words and "connard*" in site_words and "fils de pute" in site_words
    assert all(word == text_fold(word) for word in site_words)  # stored folded


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("quel con", ["con"]),
        ("QUEL CON !", ["con"]),
        ("quel cön", ["con"]),  # accents do not matter
        ("l'con", ["con"]),
        ("con-con", ["con"]),
        ("Ｃon", ["con"]),  # full-width
        ("c\u200bon", ["con"]),  # zero-width space inside
        ("Ces connards", ["connards"]),  # entry with *
        ("ENCULÉ", ["encule"]),
        ("Pétasse", ["petasse"]),
        ("nique   ta\nmère", ["nique ta mere"]),  # a phrase, the longest entry wins
        ("t’es un bâtard", ["batard"]),
    ],
)
def test_word_filter_finds_watched_words_whatever_the_case_and_accents(site_words, text, found):
    assert words_find(text, words=site_words) == found


@pytest.mark.parametrize(
    "text",
    [
        "Je suis contre",
        "Les conséquences",
        "Un contrat",
        "la technique",
        "Une constitution",
        "Il déconne",
        "con_",  # not a word boundary
        "rébus de la conscience",
    ],
)
def test_word_filter_matches_whole_words_only(site_words, text):
    assert words_find(text, words=site_words) == []


def test_word_filter_reports_each_passage_once_in_order(site_words):
    assert words_find("con, CON, merde, con", words=site_words) == ["con", "merde"]


def test_words_clean_folds_splits_and_deduplicates():
    assert words_clean("Boloss, TOCARD*\n# une note\n\n  Tête   de  Mule ,boloss") == (
        "boloss",
        "tocard*",
        "tete de mule",
    )
    assert words_clean("") == ()


@pytest.mark.parametrize(
    "value",
    ["a", "mot*fin", "mot**", "<script>", "mot_souligné", "x" * 51, ["liste"], None],
)
def test_words_clean_refuses_what_is_not_a_word(value):
    with pytest.raises(TextRefused) as error:
        words_clean(value)
    assert error.value.code == moderation.WORDS_INVALID


def test_words_clean_refuses_too_many_words():
    with pytest.raises(TextRefused):
        words_clean("\n".join(f"mot{number}" for number in range(301)))


def test_words_find_with_regex_characters_is_literal():
    assert words_find("a.b", words=("a-b",)) == []
    assert words_find("c'est a-b", words=("a-b",)) == ["a-b"]
