"""A national question run in class, in Chromium, through the UI only: the teacher launches it
in their class in two clicks, five pupils log in with their cards in their own browser contexts,
read the panels and vote with the confirmation step, while the teacher's page counts them
without a reload (htmx); the teacher closes the vote, then reads the results and the
procès-verbal. axe-core checks every page of the journey, on a phone and on a desktop."""

import re

import pytest
from playwright.sync_api import expect

from classroom_votes.consultations.selectors import consultation_invariant
from classroom_votes.models import Ballot, Consultation, Participation, SealedBallot

from .test_classroom_journey import Axe

pytestmark = pytest.mark.browser

TEACHER_EMAIL = "paul.durand@example.fr"
TEACHER_PASSWORD = "Hemicycle-salle-112"
QUESTION = "Faut-il rendre le vote obligatoire ?"
CHOICES = ["Pour", "Pour", "Contre", "Pour", "Contre"]


@pytest.fixture
def world(transactional_db):
    from school.services import pupils_bulk_create
    from tests.classroom_votes.factories import national_question_create
    from tests.school.factories import classroom_create, school_create, teacher_create

    teacher = teacher_create(
        email=TEACHER_EMAIL, school=school_create(name="Lycée français de Madrid", country="ES")
    )
    teacher.set_password(TEACHER_PASSWORD)
    teacher.save()
    classroom = classroom_create(teacher=teacher, name="1re G2")
    cards = pupils_bulk_create(classroom=classroom, count=len(CHOICES))
    national_question_create(title=QUESTION, min_ballots=5)
    return {"classroom": classroom, "cards": cards}


def _teacher_logs_in(page):
    page.goto("/connexion/")
    page.get_by_label("Adresse électronique").fill(TEACHER_EMAIL)
    page.get_by_label("Mot de passe").fill(TEACHER_PASSWORD)
    page.locator("main").get_by_role("button", name="Se connecter").click()


def _pupil_votes(page, card, choice, axe, *, check):
    page.goto("/connexion-eleve/")
    page.get_by_label("Code de la classe").fill(card.join_code)
    page.get_by_label("Pseudonyme").fill(card.pseudonym)
    page.get_by_label("Code secret").fill(card.secret)
    page.get_by_role("button", name="Me connecter").click()
    page.get_by_role("link", name="Consultations").first.click()
    expect(page.get_by_text("À toi de voter")).to_be_visible()
    if check:
        axe.check(page, "consultations de l'élève")
    page.get_by_role("link", name=QUESTION).click()
    for panel in ("Les médias en parlent", "Ils sont pour", "Ils sont contre"):
        expect(page.get_by_role("heading", name=panel)).to_be_visible()
    if check:
        axe.check(page, "panneaux et bulletin")
    page.locator("label.fr-label", has_text=re.compile(f"^{choice}$")).click()
    expect(page.get_by_label(choice, exact=True)).to_be_checked()
    page.get_by_role("button", name="Vérifier mon vote").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirmer mon vote")
    expect(page.locator("dd")).to_have_text(choice)
    if check:
        axe.check(page, "confirmation du vote")
    page.get_by_role("button", name="Confirmer mon vote").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("A voté !")
    if check:
        axe.check(page, "a voté")


def test_national_question_in_class(new_page, world):
    axe = Axe()
    teacher = new_page()
    _teacher_logs_in(teacher)
    teacher.get_by_role("link", name="Consultations").first.click()
    expect(teacher.get_by_role("heading", name=QUESTION)).to_be_visible()
    axe.check(teacher, "consultations de l'enseignant")
    # Click one was the menu; the only class is ticked: click two launches the vote.
    expect(teacher.get_by_label(re.compile("^1re G2"))).to_be_checked()
    teacher.get_by_role("button", name=re.compile("Lancer le vote en classe")).click()
    expect(teacher.get_by_text("Le vote est ouvert : vos élèves peuvent voter.")).to_be_visible()
    expect(teacher.get_by_text("Votants : 0 sur 5 inscrits")).to_be_visible()
    axe.check(teacher, "vote ouvert, participation")
    consultation = Consultation.objects.get()
    assert consultation.national_question is not None

    for n, (card, choice) in enumerate(zip(world["cards"], CHOICES, strict=True)):
        _pupil_votes(new_page(), card, choice, axe, check=n == 0)
    # The teacher's page was not reloaded: htmx brought the count.
    expect(teacher.get_by_text("Votants : 5 sur 5 inscrits")).to_be_visible(timeout=15_000)
    for card in world["cards"]:
        expect(
            teacher.get_by_role("cell", name=re.compile(re.escape(card.pseudonym)))
        ).to_be_visible()

    teacher.get_by_role("link", name="Clore le vote").click()
    axe.check(teacher, "clôture")
    teacher.get_by_role("button", name="Clore le vote").click()
    expect(
        teacher.get_by_text("Le vote est clos. Tous les bulletins reçus sont comptés.")
    ).to_be_visible()

    teacher.get_by_role("link", name="Résultats", exact=True).click()
    expect(teacher.get_by_role("heading", level=1)).to_have_text("Résultats")
    expect(teacher.get_by_text("En tête : Pour.")).to_be_visible()
    expect(teacher.get_by_role("row", name=re.compile(r"^Pour 3 60,0 %"))).to_be_visible()
    axe.check(teacher, "résultats")

    teacher.get_by_role("link", name="Retour à la consultation").click()
    teacher.get_by_role("link", name="Procès-verbal de la classe 1re G2").click()
    expect(teacher.get_by_role("heading", level=1)).to_have_text(
        "Procès-verbal des opérations de vote"
    )
    for label, value in (("Inscrits", "5"), ("Votants", "5"), ("Blancs", "0"), ("Exprimés", "5")):
        expect(teacher.get_by_role("row", name=f"{label} {value}")).to_be_visible()
    expect(teacher.locator("dl").get_by_text("Lycée français de Madrid")).to_be_visible()
    # A national question: the procès-verbal sets the class beside its school and the country.
    expect(
        teacher.get_by_role("region", name="Comparaison avec les autres classes du pays")
    ).to_be_visible()
    axe.check(teacher, "procès-verbal")

    axe.assert_clean()
    assert consultation_invariant(consultation=consultation) == (5, 5, 5)
    # The close mixed the class's five sealed ballots into the urn: none waits sealed.
    assert Participation.objects.count() == Ballot.objects.count() == 5
    assert not SealedBallot.objects.exists()
    assert not teacher.js_errors
