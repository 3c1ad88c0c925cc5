"""Every project template stays free of hard-coded section paths and of role checks: URLs come
from {% url %}, {% pageurl %} or the view, and who sees what is decided by the views and by
config.navigation, which hand the templates flags and links."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_DIRS = [
    ROOT / "config" / "templates",
    *sorted(ROOT.glob("*/templates")),
]
TEMPLATES = sorted(
    {path for folder in TEMPLATE_DIRS for path in folder.rglob("*.html")},
)

# A path the router owns, written out instead of asked for.
HARD_CODED_PATHS = re.compile(r"""["'](/suivi/|/cours/|/admin/)""")
# A decision about who the user is, taken in a template.
ROLE_CHECKS = re.compile(
    r"""\bis_pupil\b|\bis_teacher\b|\.role\b|\bis_staff\b|\bis_superuser\b"""
    r"""|\bhas_perm\b|\bperms\.|\brequest\.user\b"""
)


def _name(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_every_app_template_folder_is_scanned():
    names = {_name(path).split("/")[0] for path in TEMPLATES}
    assert {"config", "school", "courses", "classroom_votes"} <= names


@pytest.mark.parametrize("path", TEMPLATES, ids=_name)
def test_template_asks_for_urls_and_leaves_roles_to_the_views(path):
    text = path.read_text()
    paths = HARD_CODED_PATHS.findall(text)
    assert not paths, f"{_name(path)} writes out {paths}: use {{% url %}} or {{% pageurl %}}"
    checks = ROLE_CHECKS.findall(text)
    assert not checks, f"{_name(path)} checks roles ({checks}): let the view pass a flag"


@pytest.mark.parametrize(
    "text",
    [
        '<a href="/suivi/">',
        "<a href='/admin/'>",
        '<a href="/cours/{{ slug }}/">',
        "{% if user.is_pupil %}",
        '{% if user.role == "teacher" %}',
        "{% if user.is_staff %}",
        "{% if request.user.is_authenticated %}",
    ],
)
def test_the_scan_catches_what_it_forbids(text):
    assert HARD_CODED_PATHS.search(text) or ROLE_CHECKS.search(text)
