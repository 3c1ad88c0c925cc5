"""A mock election in Chromium: the 2022 second round, imported from the project's copy of the
official results, is launched by a teacher of a Gironde school from the consultations page; the
class votes (through the service, as the pupils' own browsers would), the teacher closes the vote
and reads the class beside the real result of the Gironde and of France, with blancs, nuls and
abstention explained. axe-core checks the list and the results page, on a phone and a desktop."""

import datetime

import pytest
from playwright.sync_api import expect

from classroom_votes.consultations import services
from classroom_votes.models import Consultation

from .test_classroom_journey import Axe

pytestmark = pytest.mark.browser

TEACHER_EMAIL = "louise.garnier@example.fr"
TEACHER_PASSWORD = "Hemicycle-salle-214"
CLASS_NAME = "1re STMG 2"
ELECTION_NAME = "Élection présidentielle 2022 — second tour"
# Four for Macron, two for Le Pen, one blank: 66.67 % and 33.33 % of six exprimés.
CHOICES = ["macron"] * 4 + ["le-pen"] * 2 + ["blanc"]


@pytest.fixture
def world(territories):
    from classroom_votes.elections.importing import election_import
    from content.demo_national import ELECTION_FILE
    from school.services import pupils_bulk_create
    from tests.school.factories import classroom_create, school_create, teacher_create

    election = election_import(
        data=ELECTION_FILE.read_bytes(),
        name=ELECTION_NAME,
        date=datetime.date(2022, 4, 24),
        round_number=2,
    ).election
    teacher = teacher_create(
        email=TEACHER_EMAIL, school=school_create(name="Lycée Montesquieu", departement="33")
    )
    teacher.set_password(TEACHER_PASSWORD)
    teacher.save()
    classroom = classroom_create(teacher=teacher, name=CLASS_NAME)
    cards = pupils_bulk_create(classroom=classroom, count=len(CHOICES))
    return {"election": election, "teacher": teacher, "cards": cards}


def test_a_mock_election_is_read_beside_the_real_result(new_page, world):
    axe = Axe()
    teacher = new_page()
    teacher.goto("/connexion/")
    teacher.get_by_label("Adresse électronique").fill(TEACHER_EMAIL)
    teacher.get_by_label("Mot de passe").fill(TEACHER_PASSWORD)
    teacher.locator("main").get_by_role("button", name="Se connecter").click()
    teacher.get_by_role("link", name="Consultations").first.click()
    section = teacher.get_by_role("region", name="Élections réelles : votes simulés")
    expect(section.get_by_role("heading", name=ELECTION_NAME)).to_be_visible()
    axe.check(teacher, "liste des consultations")
    section.get_by_label(CLASS_NAME).check()
    section.get_by_role("button", name=f"Lancer le vote simulé : {ELECTION_NAME}").click()

    consultation = Consultation.objects.get(election=world["election"])
    assert [o.key for o in consultation.options.all()] == ["macron", "le-pen"]
    for card, choice in zip(world["cards"], CHOICES, strict=True):
        services.ballot_check_and_cast(
            user=card.pupil.user, consultation_id=consultation.pk, content={"choice": choice}
        )
    teacher.goto(consultation.get_absolute_url())
    teacher.get_by_role("link", name="Clore le vote").click()
    teacher.get_by_role("button", name="Clore le vote").click()
    teacher.get_by_role("link", name="Résultats", exact=True).click()

    comparison = teacher.get_by_role("region", name="Comparer avec l'élection réelle")
    table = comparison.get_by_role("table")
    headers = table.get_by_role("columnheader")
    expect(headers.nth(1)).to_contain_text("classe")
    expect(headers.nth(2)).to_contain_text("Gironde")
    expect(headers.nth(3)).to_contain_text("France")
    macron = table.get_by_role("row", name="Emmanuel MACRON")
    # The class, then the Gironde's official 61.37 %, as the Ministry published it.
    expect(macron.get_by_role("cell").nth(0)).to_contain_text("66,67")
    expect(macron.get_by_role("cell").nth(1)).to_contain_text("61,37")
    expect(comparison.get_by_text("Abstention = inscrits − votants", exact=False)).to_be_visible()
    axe.check(teacher, "résultats du vote simulé")
    axe.assert_clean()
    assert not teacher.js_errors
