"""French done right on every page, for every role: 0 and 1 take the singular (« 0 élève »), and
no « ? », « ! », « : », « ; » or « / » sits after a breaking space, where a phone would send it
alone to the next line. Pages are those of the permission matrix's world (with an empty class,
an open consultation without a ballot, a debate, real course content) plus every page of the
site they link to; each GET that answers an HTML 200 is checked on its visible text."""

import re
from html import unescape
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from tests.school.factories import classroom_create
from tests.test_permission_matrix import _allowed, _url_names, world_build

ROLES = ["anonymous", "pupil", "teacher", "editor", "admin"]
MAX_PAGES = 250
# Not pages, or not ours: Wagtail's admin (its own catalogue), APIs, files, downloads.
SKIPPED = re.compile(r"^/(admin|api|static|media|django-admin)/|\.(csv|json|js|css|h5p|svg|png)$")

_HIDDEN = re.compile(
    r"<(script|style|pre|code|kbd|samp|textarea|template)\b.*?</\1\s*>|<!--.*?-->",
    re.DOTALL | re.IGNORECASE,
)
_TAG = re.compile(r"<(?:[^>\"']|\"[^\"]*\"|'[^']*')*>")
_HREF = re.compile(r"""<a\b[^>]*?\bhref=["']([^"'#]+)""", re.IGNORECASE)
# A number 0 or 1 (not the end of 10, 2,0 or 3.1), then a word in the plural. Words that end
# in s or x in the singular too are not plurals.
_ZERO_OR_ONE = re.compile(r"(?<![\d,.\u202f\u00a0])\b([01])[ \u00a0\u202f]+([a-zà-ÿœ]+[sx])\b")
INVARIABLE = {
    "fois",
    "mois",
    "voix",
    "choix",
    "temps",
    "pas",
    "plus",
    "cas",
    "avis",
    "prix",
    "corps",
    "sous",
    "dans",
    "vers",
    "mars",
    "après",
    "depuis",
    "très",
    "jusqu",
}
# A « / » between words (not the end of a URL: .../rejoindre/ avec) is spaced on both sides.
_BREAKING_SPACE_BEFORE = re.compile(r"[ \t\r\n]+[?!:;/]|(?<=[ \u00a0\u202f])/[ \t\r\n]")


def visible_text(html: str) -> str:
    """The page's text as read: no script, style, code or form field content, no markup."""
    return unescape(_TAG.sub("", _HIDDEN.sub("", html)))


def french_faults(text: str) -> list[str]:
    faults = []
    for match in _ZERO_OR_ONE.finditer(text):
        if match.group(2) not in INVARIABLE:
            faults.append(f"plural after {match.group(1)}: «{_around(text, match)}»")
    for match in _BREAKING_SPACE_BEFORE.finditer(text):
        faults.append(f"breaking space at « {match.group().strip()} »: «{_around(text, match)}»")
    return faults


def _around(text, match) -> str:
    return " ".join(text[max(0, match.start() - 40) : match.end() + 20].split())


def _links(html: str, base: str) -> set[str]:
    found = set()
    for href in _HREF.findall(html):
        parts = urlsplit(urljoin(base, unescape(href)))
        ours = parts.scheme in ("", "http") and parts.netloc in ("", "testserver")
        if ours and not SKIPPED.search(parts.path):
            found.add(parts.path)
    return found


@pytest.fixture
def world(site_tree):
    call_command("seed_content", verbosity=0)
    world = world_build(site_tree)
    # Zero counts to write: a class without a pupil (the open consultation has no ballot yet).
    classroom_create(teacher=world.users["teacher"], name="1re vide")
    return world


def _start_urls(world, role) -> set[str]:
    urls = {"/", world.lesson.url, world.lesson.get_parent().url, reverse("login")}
    for name, kwarg_names in _url_names():
        if _allowed(name, role) and "_api:" not in name:
            urls.add(reverse(name, kwargs=world.kwargs_for(name, kwarg_names)))
    return {url for url in urls if not SKIPPED.search(url)}


def pages_faults(client: Client, start: set[str]) -> tuple[int, list[str]]:
    """Crawls the site from `start` (same site, GET only): how many HTML pages, what is wrong."""
    queue, seen, checked, faults = sorted(start), set(start), 0, []
    while queue and checked < MAX_PAGES:
        url = queue.pop(0)
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        checked += 1
        faults += [f"{url}: {fault}" for fault in french_faults(visible_text(html))]
        for link in sorted(_links(html, url) - seen):
            seen.add(link)
            queue.append(link)
    return checked, faults


@pytest.mark.parametrize("role", ROLES)
def test_every_page_writes_french_plurals_and_typography(world, role):
    client = Client()
    if world.users[role] is not None:
        client.force_login(world.users[role])
    checked, faults = pages_faults(client, _start_urls(world, role))
    assert checked >= 5, f"only {checked} pages answered for {role}: the crawl is broken"
    assert not faults, f"{len(faults)} faults on {checked} pages:\n" + "\n".join(
        sorted(set(faults))
    )


def test_the_checks_catch_what_they_are_for():
    """The checks themselves, on text written wrong and right."""
    wrong = "Votants : 0 sur 1 inscrits. 0 élèves ; Pourquoi ? Oui ! Pour / contre"
    found = french_faults(wrong)
    assert sum("plural" in fault for fault in found) == 2
    assert sum("breaking space" in fault for fault in found) == 5
    right = (
        "Votants\u202f: 0 sur 1 inscrit. 10 élèves, 2,0 points, 1 fois\u202f; "
        "Pourquoi\u202f? 10:30, https://exemple.fr/a/ ici, 07/12/2026, pour\u00a0/\u00a0contre"
    )
    assert french_faults(right) == []
    assert visible_text('<p title="Pourquoi ?">a</p><script>x ? y : z</script>b') == "ab"
