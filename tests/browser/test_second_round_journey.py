"""A two-round majority vote in Chromium: the teacher's class votes (one pupil through the UI,
the others through the service, as their own browsers would), nobody gets a majority, the
teacher closes the vote, opens the results, reaches « Organiser le second tour » with the
keyboard and lands on the new draft, which has exactly the two qualified options and links back
to the first round. axe-core checks the results page and the new consultation's page, on a
phone and on a desktop."""

import re

import pytest
from playwright.sync_api import expect

from classroom_votes.consultations import services
from classroom_votes.models import Consultation

from .test_classroom_journey import Axe

pytestmark = pytest.mark.browser

TEACHER_EMAIL = "ines.moreau@example.fr"
TEACHER_PASSWORD = "Hemicycle-salle-108"
QUESTION = "Qui sera délégué de classe ?"
# Alice 3, Bruno 2, Chloé 1 of 6 exprimés: nobody has more than half, Alice and Bruno go on.
SERVICE_CHOICES = ["alice", "alice", "alice", "bruno", "bruno"]
UI_CHOICE = "Chloé Durand"
TAB_LIMIT = 80


@pytest.fixture
def world(transactional_db):
    from school.services import pupils_bulk_create
    from tests.classroom_votes.factories import CANDIDATES, SOURCES
    from tests.school.factories import classroom_create, school_create, teacher_create

    teacher = teacher_create(
        email=TEACHER_EMAIL, school=school_create(name="Lycée français de Madrid", country="ES")
    )
    teacher.set_password(TEACHER_PASSWORD)
    teacher.save()
    classroom = classroom_create(teacher=teacher, name="1re G2")
    cards = pupils_bulk_create(classroom=classroom, count=6)
    consultation = services.consultation_create(
        owner=teacher,
        classrooms=[classroom],
        title=QUESTION,
        context="Élection du délégué, comme à la présidentielle : deux tours.",
        method="single",
        options=CANDIDATES,
        sources=SOURCES,
        second_round=True,
        min_ballots=5,
    )
    services.consultation_open(consultation=consultation, by=teacher)
    for card, choice in zip(cards[1:], SERVICE_CHOICES, strict=True):
        services.ballot_check_and_cast(
            user=card.pupil.user, consultation_id=consultation.pk, content={"choice": choice}
        )
    return {"consultation": consultation, "card": cards[0]}


def _pupil_votes(page, card):
    page.goto("/connexion-eleve/")
    page.get_by_label("Code de la classe").fill(card.join_code)
    page.get_by_label("Pseudonyme").fill(card.pseudonym)
    page.get_by_label("Code secret").fill(card.secret)
    page.get_by_role("button", name="Me connecter").click()
    page.get_by_role("link", name="Consultations").first.click()
    page.get_by_role("link", name=QUESTION).click()
    page.locator("label.fr-label", has_text=re.compile(f"^{UI_CHOICE}$")).click()
    page.get_by_role("button", name="Vérifier mon vote").click()
    page.get_by_role("button", name="Confirmer mon vote").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("A voté !")


def _tab_to(page, name: str) -> None:
    """Press Tab until the focused element is the button `name`: it is in the keyboard's
    path, not only clickable."""
    for _ in range(TAB_LIMIT):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => document.activeElement && document.activeElement.textContent.trim()"
        )
        if focused == name:
            return
    pytest.fail(f"« {name} » not reached with {TAB_LIMIT} presses of Tab")


def test_teacher_organises_the_second_round_with_the_keyboard(new_page, world):
    axe = Axe()
    _pupil_votes(new_page(), world["card"])

    teacher = new_page()
    teacher.goto("/connexion/")
    teacher.get_by_label("Adresse électronique").fill(TEACHER_EMAIL)
    teacher.get_by_label("Mot de passe").fill(TEACHER_PASSWORD)
    teacher.locator("main").get_by_role("button", name="Se connecter").click()
    teacher.get_by_role("link", name="Consultations").first.click()
    teacher.get_by_role("link", name=QUESTION).click()
    expect(teacher.get_by_text("Votants : 6 sur 6 inscrits")).to_be_visible()
    teacher.get_by_role("link", name="Clore le vote").click()
    teacher.get_by_role("button", name="Clore le vote").click()
    expect(
        teacher.get_by_text("Le vote est clos. Tous les bulletins reçus sont comptés.")
    ).to_be_visible()

    teacher.get_by_role("link", name="Résultats", exact=True).click()
    expect(teacher.get_by_role("heading", level=1)).to_have_text("Résultats")
    expect(
        teacher.get_by_text(
            "Personne n'a la majorité absolue des suffrages exprimés : second tour entre "
            "Alice Martin et Bruno Petit."
        )
    ).to_be_visible()
    axe.check(teacher, "résultats du premier tour")

    _tab_to(teacher, "Organiser le second tour")
    teacher.keyboard.press("Enter")

    expect(teacher.get_by_role("heading", level=1)).to_have_text(f"{QUESTION} — second tour")
    expect(
        teacher.get_by_text("Le second tour est créé, avec les deux options qualifiées.")
    ).to_be_visible()
    options = teacher.get_by_role("region", name="Options soumises au vote").get_by_role("listitem")
    expect(options).to_have_count(2)
    expect(options.nth(0)).to_contain_text("Alice Martin")
    expect(options.nth(1)).to_have_text("Bruno Petit")
    expect(teacher.get_by_role("link", name=f"« {QUESTION} »")).to_be_visible()
    axe.check(teacher, "second tour (brouillon)")

    axe.assert_clean()
    second = Consultation.objects.get(first_round=world["consultation"])
    assert teacher.url.endswith(second.get_absolute_url())
    assert [option.key for option in second.options.all()] == ["alice", "bruno"]
    assert not teacher.js_errors
