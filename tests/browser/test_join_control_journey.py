"""Joining under the teacher's control, in Chromium through the UI only: the teacher opens
joining for a chosen time; three pupils join, each on their own browser, and wait; the teacher
accepts them, closes joining and renames one of them; a fourth pupil is refused with the answer
an unknown code gets. axe-core checks every page of the journey (WCAG 2.1 A/AA), on a
phone-sized viewport and on a desktop one."""

import re

import pytest
from playwright.sync_api import expect

from school.models import PupilProfile
from school.services import SchoolError
from tests.conftest import wagtail_tree_ensure
from tests.school.factories import TEACHER_PASSWORD, classroom_create, teacher_create

from .test_classroom_journey import Axe, card_value

pytestmark = pytest.mark.browser

TEACHER_EMAIL = "paul.durand@example.fr"
CLASS_NAME = "1re C"
REFUSED = SchoolError("join_refused").message


@pytest.fixture
def classroom(territories):
    from content.seeding import SeedReport, site_structure_ensure

    wagtail_tree_ensure()
    site_structure_ensure(report=SeedReport())
    teacher = teacher_create(email=TEACHER_EMAIL)
    # As a teacher creates it: closed, newcomers waiting for approval.
    return classroom_create(
        teacher=teacher, name=CLASS_NAME, join_enabled=False, join_approval=True
    )


def teacher_opens_joining(page, axe):
    page.goto("/connexion/")
    page.get_by_label("Identifiant").fill(TEACHER_EMAIL)
    page.get_by_label("Mot de passe").fill(TEACHER_PASSWORD)
    page.locator("main").get_by_role("button", name="Se connecter").click()
    page.get_by_role("link", name=CLASS_NAME).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Classe {CLASS_NAME}")
    section = page.get_by_role("region", name="Code de la classe")
    expect(section).to_contain_text("Les inscriptions sont fermées.")
    join_code = section.locator(".hc-join-code").inner_text().strip()
    assert re.fullmatch(r"[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}", join_code), join_code
    axe.check(page, "page de la classe (inscriptions fermées)")

    page.get_by_label("Inscriptions ouvertes pendant").select_option(label="15 minutes")
    page.get_by_role("button", name="Ouvrir les inscriptions").click()
    expect(page.get_by_role("status")).to_contain_text("Les inscriptions sont ouvertes jusqu'au")
    expect(section).to_contain_text("/rejoindre/ avec ce code.")
    axe.check(page, "page de la classe (inscriptions ouvertes)")
    return join_code


def pupil_joins_and_waits(page, join_code, axe, *, check):
    page.goto("/rejoindre/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Rejoindre une classe")
    expect(page.get_by_label(re.compile("Pseudonyme"))).to_have_count(0)
    if check:
        axe.check(page, "rejoindre une classe")
    page.get_by_label("Code de la classe").fill(join_code.lower().replace("-", " "))
    page.get_by_role("button", name="Rejoindre la classe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Bienvenue dans la classe {CLASS_NAME} !"
    )
    assert card_value(page, "Code de la classe") == join_code
    pseudonym = card_value(page, "Pseudonyme")
    assert re.fullmatch(r"[A-Z][a-z]+-[A-Z][a-z]+-\d{2}", pseudonym), pseudonym
    if check:
        axe.check(page, "carte de connexion (en attente)")
    page.get_by_role("link", name="J'ai noté ma carte : continuer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ton inscription est en attente")
    expect(page.locator("main")).to_contain_text("Ton enseignant doit valider ton inscription")
    if check:
        axe.check(page, "inscription en attente")
    # Nothing of the class meanwhile: the pupil's pages send back to the waiting page.
    page.goto("/suivi/")
    expect(page).to_have_url(re.compile(r"/rejoindre/en-attente/$"))
    return pseudonym


def test_teacher_controls_who_joins_the_class(new_page, classroom):
    axe = Axe()
    teacher = new_page()
    join_code = teacher_opens_joining(teacher, axe)

    pupils = []
    for index in range(3):
        page = new_page()
        pupils.append((page, pupil_joins_and_waits(page, join_code, axe, check=index == 0)))
    assert PupilProfile.objects.filter(classroom=classroom, approved_at__isnull=True).count() == 3

    teacher.reload()
    waiting = teacher.get_by_role("table", name=f"Élèves en attente dans la classe {CLASS_NAME}")
    for _page, pseudonym in pupils:
        expect(waiting.get_by_role("row", name=re.compile(pseudonym))).to_be_visible()
    axe.check(teacher, "page de la classe (élèves en attente)")
    teacher.get_by_role("button", name="Accepter tous les élèves en attente").click()
    expect(teacher.get_by_role("status")).to_contain_text("3 élèves acceptés dans la classe.")
    assert not PupilProfile.objects.filter(classroom=classroom, approved_at__isnull=True).exists()

    teacher.get_by_role("button", name="Fermer les inscriptions").click()
    expect(teacher.get_by_role("status")).to_contain_text("Les inscriptions sont fermées.")

    first_page, first_pseudonym = pupils[0]
    teacher.get_by_role("link", name=f"Renommer {first_pseudonym}").click()
    expect(teacher.get_by_role("heading", level=1)).to_have_text(f"Renommer {first_pseudonym}")
    axe.check(teacher, "renommer un élève")
    taken = pupils[1][1]
    teacher.get_by_label("Nouveau pseudonyme").fill(taken.upper())
    teacher.get_by_role("button", name="Renommer").click()
    expect(teacher.get_by_role("alert")).to_contain_text("Ce pseudonyme est déjà pris")
    axe.check(teacher, "renommer un élève (erreur)")
    teacher.get_by_label("Nouveau pseudonyme").fill("Castor-Malin-12")
    teacher.get_by_role("button", name="Renommer").click()
    expect(teacher.get_by_role("status")).to_contain_text("s'appelle maintenant Castor-Malin-12")
    pupils_table = teacher.get_by_role("table", name=f"Élèves de la classe {CLASS_NAME}")
    expect(pupils_table.get_by_role("row", name=re.compile("Castor-Malin-12"))).to_be_visible()
    axe.check(teacher, "page de la classe (après)")

    # The first pupil, accepted, is led on from the waiting page to their own pages.
    first_page.get_by_role("link", name="Vérifier si je suis accepté").click()
    expect(first_page).to_have_url(re.compile(r"/mon-espace/eleve/$"))

    # A fourth pupil comes too late: the same answer as for a code that does not exist.
    fourth = new_page()
    fourth.goto("/rejoindre/")
    fourth.get_by_label("Code de la classe").fill(join_code)
    fourth.get_by_role("button", name="Rejoindre la classe").click()
    expect(fourth.get_by_role("alert")).to_contain_text(REFUSED)
    expect(fourth.get_by_label("Code de la classe")).to_have_attribute("aria-invalid", "true")
    axe.check(fourth, "rejoindre une classe (refusé)")
    assert PupilProfile.objects.filter(classroom=classroom).count() == 3
    axe.assert_clean()
