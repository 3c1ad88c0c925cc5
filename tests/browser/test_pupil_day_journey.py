"""A pupil's day in Chromium, on a phone (375 px) and on a desktop: they log in from the header
of the home page and land on « Mon espace », open the vote waiting there, vote with the keyboard
only, follow the « a voté » page to the debate tied to the question, post in it; once the
teacher has closed the vote, their page shows the results as « nouveau » until they have read
them. axe-core checks every page at both sizes."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import DESKTOP, MOBILE
from .test_classroom_journey import Axe

pytestmark = pytest.mark.browser

QUESTION = "Faut-il abaisser le droit de vote à 16 ans ?"
THESIS = "À 16 ans, on est prêt à voter."
ARGUMENT = "On paie déjà des impôts sur son salaire d'apprenti."
TEACHER_EMAIL = "claire.petit@example.fr"
TEACHER_PASSWORD = "Hemicycle-salle-204"


@pytest.fixture
def world(transactional_db):
    from classroom_votes.models import Debate
    from content.seeding import SeedReport, site_structure_ensure
    from school.services import pupils_bulk_create
    from tests.classroom_votes.debate_factories import debate_create
    from tests.classroom_votes.factories import ballots_cast, consultation_create
    from tests.conftest import wagtail_tree_ensure
    from tests.school.factories import classroom_create, school_create, teacher_create

    wagtail_tree_ensure()
    site_structure_ensure(report=SeedReport())  # the home page the pupil starts from
    teacher = teacher_create(
        email=TEACHER_EMAIL, school=school_create(name="Lycée français de Madrid", country="ES")
    )
    teacher.set_password(TEACHER_PASSWORD)
    teacher.save()
    classroom = classroom_create(teacher=teacher, name="1re G2")
    cards = pupils_bulk_create(classroom=classroom, count=5)
    consultation = consultation_create(owner=teacher, classrooms=[classroom], title=QUESTION)
    debate = debate_create(
        owner=teacher, classrooms=[classroom], thesis=THESIS, consultation=consultation
    )
    # Four classmates have voted already; the pupil's ballot is the fifth, the minimum.
    ballots_cast(
        consultation=consultation,
        voters=[card.pupil.user for card in cards[1:]],
        contents=[{"choice": "pour"}, {"choice": "contre"}, {"choice": "pour"}, {"choice": "pour"}],
    )
    assert isinstance(debate, Debate)
    return {
        "teacher": teacher,
        "cards": cards,
        "card": cards[0],
        "consultation": consultation,
        "debate": debate,
    }


def _header_link(page, name):
    """A link of the header's tools: in the « Menu » dialog on a phone."""
    if page.viewport_size["width"] < 992:
        page.get_by_role("button", name="Menu").click()
        return page.locator("#header-menu-modal").get_by_role("link", name=name, exact=True)
    return page.locator(".fr-header__tools-links").get_by_role("link", name=name, exact=True)


def _press(locator, key="Enter"):
    locator.focus()
    locator.press(key)


@pytest.mark.parametrize("viewport", [MOBILE, DESKTOP], ids=["telephone", "bureau"])
def test_pupil_logs_in_votes_debates_and_reads_new_results(new_page, world, viewport):
    from classroom_votes.consultations import services
    from classroom_votes.consultations.selectors import consultation_invariant
    from classroom_votes.models import Argument, ResultsSeen

    axe = Axe()
    card = world["card"]
    page = new_page(viewport=viewport)

    page.goto("/")
    login = _header_link(page, "Connexion élève")
    # From the home page, the login does not come back to it.
    expect(login).to_have_attribute("href", "/connexion-eleve/")
    login.click()
    page.get_by_label("Code de la classe").fill(card.join_code)
    page.get_by_label("Pseudonyme").fill(card.pseudonym)
    page.get_by_label("Code secret").fill(card.secret)
    page.get_by_role("button", name="Me connecter").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Mon espace")
    votes = page.locator("[data-landing=votes]")
    expect(votes.get_by_text("À toi de voter")).to_be_visible()
    expect(page.locator("[data-landing=debates]").get_by_role("link", name=THESIS)).to_be_visible()
    expect(page.locator("[data-new-results]")).to_have_count(0)
    axe.check(page, "mon espace, vote à faire")
    page.set_viewport_size(viewport)

    # The vote with the keyboard only: the link, the answer, the check, the confirmation.
    _press(votes.get_by_role("link", name=QUESTION))
    expect(page.get_by_role("heading", level=1)).to_have_text(QUESTION)
    axe.check(page, "bulletin")
    page.set_viewport_size(viewport)
    _press(page.get_by_label("Pour", exact=True), "Space")
    expect(page.get_by_label("Pour", exact=True)).to_be_checked()
    _press(page.get_by_role("button", name="Vérifier mon vote"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirmer mon vote")
    _press(page.get_by_role("button", name="Confirmer mon vote"))
    expect(page.get_by_role("heading", level=1)).to_have_text("A voté !")
    expect(page.get_by_text("Les résultats seront publiés à la clôture du vote.")).to_be_visible()
    debate_link = page.get_by_role("region", name="Le débat lié à ce vote").get_by_role(
        "link", name=THESIS
    )
    axe.check(page, "a voté, lien vers le débat")
    page.set_viewport_size(viewport)

    _press(debate_link)
    expect(page.get_by_role("heading", level=1)).to_have_text(THESIS)
    expect(page.get_by_role("link", name=re.compile("^Consultation liée"))).to_have_attribute(
        "href", f"/consultations/{world['consultation'].pk}/"
    )
    page.locator("label.fr-label", has_text=re.compile("^Un argument pour$")).click()
    page.get_by_role("textbox", name=re.compile("^Ton message")).fill(ARGUMENT)
    page.get_by_role("button", name="Publier", exact=True).click()
    expect(
        page.get_by_text("Ton argument sera visible après validation par ton professeur.")
    ).to_be_visible()
    axe.check(page, "débat, message envoyé")
    page.set_viewport_size(viewport)
    assert Argument.objects.filter(text=ARGUMENT, author=card.pupil.user).exists()

    # Back on « Mon espace »: voted, and nothing said of what.
    _header_link(page, "Mon espace").click()
    expect(votes.get_by_text("Tu as voté")).to_be_visible()
    expect(votes).not_to_contain_text("Pour")

    # The teacher closes the vote: five ballots, the results are out.
    services.consultation_close(consultation=world["consultation"], by=world["teacher"])
    page.reload()
    results = page.locator("[data-landing=results]")
    expect(results.locator("[data-new-results]")).to_have_text("Nouveau")
    axe.check(page, "mon espace, nouveaux résultats")
    page.set_viewport_size(viewport)
    _press(results.get_by_role("link", name=re.compile("^Résultats : ")))
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("^Résultats\\s+Nouveau$"))
    expect(page.get_by_role("region", name="Le débat lié à ce vote")).to_be_visible()
    axe.check(page, "résultats")
    page.set_viewport_size(viewport)

    _header_link(page, "Mon espace").click()
    expect(page.locator("[data-landing=results]").get_by_role("link")).to_have_count(1)
    expect(page.locator("[data-new-results]")).to_have_count(0)
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon espace")

    axe.assert_clean()
    assert ResultsSeen.objects.filter(user=card.pupil.user).count() == 1
    assert consultation_invariant(consultation=world["consultation"]) == (5, 5, 5)
    assert not page.js_errors


@pytest.mark.parametrize("viewport", [MOBILE, DESKTOP], ids=["telephone", "bureau"])
def test_teacher_logs_in_and_sees_what_waits_in_their_class(new_page, world, viewport):
    from tests.classroom_votes.debate_factories import post

    post(author=world["cards"][1].pupil.user, debate=world["debate"])  # pre-moderated: waits
    axe = Axe()
    page = new_page(viewport=viewport)
    page.goto("/")
    login = _header_link(page, "Se connecter")
    expect(login).to_have_attribute("href", "/connexion/")
    login.click()
    page.get_by_label("Adresse électronique").fill(TEACHER_EMAIL)
    page.get_by_label("Mot de passe").fill(TEACHER_PASSWORD)
    page.locator("main").get_by_role("button", name="Se connecter").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Mon espace")
    section = page.get_by_role("region", name="1re G2")
    expect(section).to_contain_text(re.compile(r"participation\s: 4 sur 5"))
    expect(section).to_contain_text("1 message en attente")
    axe.check(page, "mon espace de l'enseignant")
    page.set_viewport_size(viewport)
    _press(section.get_by_role("link", name=THESIS))
    expect(page.get_by_role("heading", name="En attente de validation (1)")).to_be_visible()
    axe.assert_clean()
    assert not page.js_errors
