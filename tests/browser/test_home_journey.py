"""A visitor's first page in Chromium, on a phone and on a desktop: the home page says what
Hémicycle is for (learn, vote, debate, compare with the country), shows a start for teachers and
one for pupils with a class code without opening any menu, reaches both with the keyboard, and
axe-core finds no serious WCAG 2.1 A/AA violation (issue 22, part 4)."""

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from .conftest import DESKTOP, MOBILE
from .test_lesson_journey import axe_blocking_violations, describe

pytestmark = pytest.mark.browser

VERBS = ["Apprendre", "Voter", "Débattre", "Comparer avec le pays"]


@pytest.mark.parametrize("viewport", [MOBILE, DESKTOP], ids=["phone", "desktop"])
def test_a_visitor_sees_what_hemicycle_is_for_and_where_to_start(new_page, seeded, viewport):
    page = new_page(viewport=viewport)
    page.goto("/")
    expect(page).to_have_title(
        f"{settings.HEMICYCLE_SITE_TITLE} — {settings.HEMICYCLE_SITE_TAGLINE}"
    )
    main = page.locator("main")
    for verb in VERBS:
        expect(main.get_by_role("heading", name=verb, exact=True)).to_be_visible()
    expect(main.get_by_role("link", name=seeded["course_title"])).to_be_visible()

    # Both starts are on the page itself, not behind « Se connecter » or the phone's menu.
    teacher = main.get_by_role("link", name="Créer un compte enseignant")
    pupil = main.get_by_role("link", name="J'ai un code de classe")
    expect(teacher).to_be_visible()
    expect(pupil).to_be_visible()
    violations = axe_blocking_violations(page)
    assert not violations, describe(violations)

    # With the keyboard only: Tab until the pupil's start has the focus, then Enter.
    for _ in range(60):
        page.keyboard.press("Tab")
        if (
            page.evaluate("() => document.activeElement.textContent.trim()")
            == "J'ai un code de classe"
        ):
            break
    else:
        pytest.fail("the pupil's start cannot be reached with the Tab key")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/rejoindre/$"))

    page.goto("/")
    teacher.click()
    expect(page).to_have_url(re.compile(r"/inscription/$"))
    expect(page.locator("h1")).to_be_visible()

    # « Comparer avec le pays » leads to the national results, open to visitors.
    page.goto("/")
    main.get_by_role("link", name="Comparer avec le pays").click()
    expect(page).to_have_url(re.compile(r"/consultations/nationales/resultats/$"))
    assert not page.js_errors, page.js_errors
