"""A national question in Chromium: three classes of two lycées in Paris vote and close (through
the services, as their own browsers would), so that Paris, Île-de-France and France show
figures. A pupil of the first class signs in, sees her class beside the country on the results
page, opens « Résultats nationaux »: the map is there and a département is reached with Tab.
axe-core checks both pages on a phone and on a desktop."""

import pytest
from django.test import TestCase
from playwright.sync_api import expect

from classroom_votes.consultations import services

from .test_classroom_journey import Axe

pytestmark = pytest.mark.browser

QUESTION = "Faut-il rendre le vote obligatoire ?"
TAB_LIMIT = 80


@pytest.fixture
def world(transactional_db, territories):
    from school.services import pupils_bulk_create
    from tests.classroom_votes.factories import ballots_cast, national_question_create
    from tests.classroom_votes.national.factories import national_class_close
    from tests.school.factories import classroom_create, school_create, teacher_create

    question = national_question_create(title=QUESTION)
    lycee_a, lycee_b = school_create(departement="75"), school_create(departement="75")
    national_class_close(question=question, school=lycee_b, contents=[{"choice": "contre"}] * 10)
    national_class_close(question=question, school=lycee_b, contents=[{"choice": "pour"}] * 10)

    teacher = teacher_create(school=lycee_a)
    classroom = classroom_create(teacher=teacher, school=lycee_a, name="1re G3")
    cards = pupils_bulk_create(classroom=classroom, count=10)
    consultation = services.consultation_create_from_national(
        owner=teacher, national_question=question, classrooms=[classroom]
    )
    ballots_cast(
        consultation=consultation,
        voters=[card.pupil.user for card in cards],
        contents=[{"choice": "pour"}] * 7 + [{"choice": "contre"}] * 3,
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.consultation_close(consultation=consultation, by=teacher)
    return {"consultation": consultation, "card": cards[0], "question": question}


def _pupil_signs_in(page, card):
    page.goto("/connexion-eleve/")
    page.get_by_label("Code de la classe").fill(card.join_code)
    page.get_by_label("Pseudonyme").fill(card.pseudonym)
    page.get_by_label("Code secret").fill(card.secret)
    page.get_by_role("button", name="Me connecter").click()


def _tab_to_map(page) -> str:
    """Press Tab until a link of the map has the focus; returns where it leads."""
    for _ in range(TAB_LIMIT):
        page.keyboard.press("Tab")
        href = page.evaluate(
            "() => { const el = document.activeElement;"
            " return el && el.closest('.hc-map__links') ? el.getAttribute('href') : null; }"
        )
        if href:
            return href
    pytest.fail(f"no link of the map reached with {TAB_LIMIT} presses of Tab")


def test_pupil_compares_her_class_and_reaches_the_map_with_the_keyboard(new_page, world):
    axe = Axe()
    page = new_page()
    _pupil_signs_in(page, world["card"])
    page.goto(f"/consultations/{world['consultation'].pk}/resultats/")
    comparison = page.get_by_role("region", name="Comparaison avec les autres classes du pays")
    expect(comparison).to_be_visible()
    table = comparison.get_by_role("table")
    expect(table.get_by_role("rowheader", name="Ma classe")).to_be_visible()
    expect(table.get_by_role("rowheader", name="France entière")).to_be_visible()
    expect(table).to_contain_text("70,0 %")  # the class: 7 pour of 10
    expect(table).to_contain_text("56,7 %")  # Paris and above: 17 pour of 30
    axe.check(page, "résultats de la classe avec la comparaison")

    comparison.get_by_role("link", name="Voir les résultats nationaux").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Résultats nationaux")
    expect(page.get_by_role("img", name="Carte de France par département")).to_be_visible()
    axe.check(page, "résultats nationaux")

    page.set_viewport_size({"width": 375, "height": 812})
    href = _tab_to_map(page)
    assert href == "#dep-75"
    page.keyboard.press("Enter")
    expect(page.locator("#dep-75")).to_contain_text("Paris")
    axe.assert_clean()
    assert not page.js_errors
