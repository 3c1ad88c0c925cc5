"""French typography on the site's pages: text set, markup, raw elements and other responses
left as they are."""

from django.http import FileResponse, HttpResponse, JsonResponse
from django.test import RequestFactory

from config.middleware import FrenchTypographyMiddleware
from config.typography import NARROW_NBSP, NBSP, french_html, french_text


def test_text_gets_no_break_spaces_where_french_wants_them():
    assert french_text("Pourquoi ? Oui ! Note : bien ; fin") == (
        f"Pourquoi{NARROW_NBSP}? Oui{NARROW_NBSP}! Note{NARROW_NBSP}: bien{NARROW_NBSP}; fin"
    )
    assert french_text("« Oui »") == f"«{NBSP}Oui{NBSP}»"
    assert french_text("«Oui»") == f"«{NBSP}Oui{NBSP}»"
    assert french_text("pour / contre") == f"pour{NBSP}/{NBSP}contre"
    assert french_text("Pourquoi\n   ?") == f"Pourquoi{NARROW_NBSP}?"


def test_what_is_not_french_punctuation_is_left_alone():
    for text in ("10:30", "https://exemple.fr/a?b=1", "07/12/2026", "Note: English", "1/2"):
        assert french_text(text) == text
    assert french_text(french_text("Pourquoi ? « Oui »")) == french_text("Pourquoi ? « Oui »")


def test_html_markup_and_raw_elements_stay_as_they_are():
    html = (
        '<p title="Pourquoi ?" data-x="a : b">Pourquoi ?</p><!-- a ? -->'
        '<script src="/s.js">if (a ? b : c) {}</script><style>a::before { x: y }</style>'
        "<pre>x ; y</pre><code>a ?</code><textarea>Ah ?</textarea><p>fin !</p>"
    )
    assert french_html(html) == (
        f'<p title="Pourquoi ?" data-x="a : b">Pourquoi{NARROW_NBSP}?</p><!-- a ? -->'
        '<script src="/s.js">if (a ? b : c) {}</script><style>a::before { x: y }</style>'
        f"<pre>x ; y</pre><code>a ?</code><textarea>Ah ?</textarea><p>fin{NARROW_NBSP}!</p>"
    )
    # An attribute holding « > » does not end its tag.
    assert french_html('<a title="a > b ?">c ?</a>') == f'<a title="a > b ?">c{NARROW_NBSP}?</a>'


def _through_middleware(response, path="/"):
    return FrenchTypographyMiddleware(lambda request: response)(RequestFactory().get(path))


def test_middleware_sets_html_pages_only(tmp_path):
    page = _through_middleware(HttpResponse("<p>Pourquoi ?</p>", headers={"Content-Length": "1"}))
    assert page.content.decode() == f"<p>Pourquoi{NARROW_NBSP}?</p>"
    assert page["Content-Length"] == str(len(page.content))
    json = _through_middleware(JsonResponse({"detail": "Pourquoi ?"}))
    assert json.content == JsonResponse({"detail": "Pourquoi ?"}).content
    admin = _through_middleware(HttpResponse("<p>Pourquoi ?</p>"), path="/admin/pages/")
    assert admin.content == b"<p>Pourquoi ?</p>"
    english = HttpResponse("<p>Why ?</p>", headers={"Content-Language": "en"})
    assert _through_middleware(english).content == b"<p>Why ?</p>"
    (tmp_path / "h5p.html").write_text("<p>Pourquoi ?</p>")
    streamed = _through_middleware(FileResponse((tmp_path / "h5p.html").open("rb")))
    assert b"".join(streamed.streaming_content) == b"<p>Pourquoi ?</p>"


def test_a_large_table_is_set_like_the_same_text_piece_by_piece():
    # A class table's shape: thousands of tags, text mostly whitespace or without punctuation;
    # the few pieces with French punctuation are set, the rest comes back unchanged.
    cell = '<td><span class="fr-badge">Terminée</span> · <span data-score>87 %</span></td>\n'
    row = f'<tr><th scope="row"><a href="/a/?b=1">Élève : Zoé</a></th>{cell * 20}</tr>\n'
    html = f"<table><caption>Pourquoi ? « Oui »</caption>{row * 45}</table>"
    expected_row = row.replace("Élève : Zoé", f"Élève{NARROW_NBSP}: Zoé")
    assert french_html(html) == (
        f"<table><caption>Pourquoi{NARROW_NBSP}? «{NBSP}Oui{NBSP}»</caption>"
        f"{expected_row * 45}</table>"
    )
    for text in ("\n   ", f"a{NBSP}b\tc", "Terminée · 87 %", ""):
        assert french_text(text) == text
