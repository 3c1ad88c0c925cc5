"""Every HTML page's tab title names the page, then the site: « <page> — Hémicycle », never
empty (« — Hémicycle ») nor repeated (« Hémicycle — Hémicycle », the home page's title being
the site's name); the home page reads « Hémicycle — <tagline> » (issue 22)."""

import html
import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.test_permission_matrix import _client, _url_names, world_build

SITE = settings.HEMICYCLE_SITE_TITLE
TITLE = re.compile(r"<title>(.*?)</title>", re.S)
# Documents that are never a tab: the H5P player only lives in the lesson's sandboxed frame,
# titled by the activity.
FRAMES = {"courses:h5p_player"}


def _title(response) -> str | None:
    """The page's <title> (whitespace collapsed), or None if the response is not an HTML page."""
    if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
        return None
    found = TITLE.search(response.content.decode())
    assert found, f"an HTML page without <title>: {response.request['PATH_INFO']}"
    return " ".join(html.unescape(found.group(1)).split())


def _title_problem(url: str, title: str, *, home: bool = False) -> str | None:
    parts = title.split(" — ")
    if not title or any(not part for part in parts) or title.startswith("—"):
        return f"{url}: empty part in « {title} »"
    if len(set(parts)) != len(parts):
        return f"{url}: repeated part in « {title} »"
    if home:
        return None if parts[0] == SITE else f"{url}: « {title} » does not start with {SITE}"
    if len(parts) < 2 or parts[-1] != SITE:
        return f"{url}: « {title} » does not end with « — {SITE} »"
    return None


@pytest.fixture
def world(site_tree):
    return world_build(site_tree)


def test_home_page_title_is_the_site_and_its_tagline(client, site_tree):
    title = _title(client.get("/"))
    assert title == f"{SITE} — {settings.HEMICYCLE_SITE_TAGLINE}"
    assert _title_problem("/", title, home=True) is None


def test_public_pages_have_a_title_of_their_own(world):
    lesson = world.lesson
    urls = [
        lesson.get_parent().get_parent().url,  # the course index
        lesson.get_parent().url,  # a course
        lesson.url,
        reverse("login"),
        reverse("school:pupil_login"),
        reverse("school:pupil_join"),
        reverse("legal"),
        reverse("accessibility"),
        reverse("content:glossary"),
    ]
    client = Client()
    problems = []
    for url in urls:
        title = _title(client.get(url))
        assert title is not None, f"{url} is not an HTML page"
        problems.append(_title_problem(url, title))
    assert [problem for problem in problems if problem] == []


@pytest.mark.parametrize("role", ["teacher", "pupil"])
def test_every_page_of_the_matrix_has_a_title_of_its_own(world, role):
    client = _client(world, role)
    problems, checked = [], 0
    for name, kwarg_names in _url_names():
        if name in FRAMES:
            continue
        url = reverse(name, kwargs=world.kwargs_for(name, kwarg_names))
        title = _title(client.get(url))
        if title is None:
            continue
        checked += 1
        problems.append(_title_problem(url, title))
    assert checked > 10  # the walk did reach pages
    assert [problem for problem in problems if problem] == []


def test_a_page_without_a_title_is_caught():
    assert _title_problem("/x/", f"— {SITE}")
    assert _title_problem("/x/", f"{SITE} — {SITE}")
    assert _title_problem("/", f"{SITE} — {SITE}", home=True)
    assert _title_problem("/x/", "Connexion") is not None
    assert _title_problem("/x/", f"Connexion — {SITE}") is None
