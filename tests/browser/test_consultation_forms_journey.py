"""The consultation forms in Chromium. A teacher creates one consultation of each method, on a
phone and on a desktop: the method first, then only its fields, a source added in place, a
panel renamed; without JavaScript the same form works in steps and lands on its errors. A pupil
fills a majority-judgment ballot with the keyboard and leaves an option ungraded: the browser
asks for it first, and when the server answers instead the error summary takes the focus and
leads to each missing grade. axe-core checks every page."""

import re

import pytest
from playwright.sync_api import expect

from classroom_votes.models import Consultation, Participation, SealedBallot
from classroom_votes.tallies import VotingMethod

from .conftest import DESKTOP, MOBILE, page_logged_in
from .test_lesson_journey import axe_blocking_violations, describe

pytestmark = pytest.mark.browser

QUESTION = "Qui représentera la classe au conseil de la vie lycéenne ?"
OPTIONS = ["Alice Martin", "Bruno Petit", "Chloé Durand"]
METHOD_LABELS = {
    VotingMethod.YES_NO: "Pour, contre ou vote blanc",
    VotingMethod.SCALE5: "Échelle à cinq niveaux",
    VotingMethod.SINGLE: "Choix unique",
    VotingMethod.APPROVAL: "Vote par approbation",
    VotingMethod.MAJORITY_JUDGMENT: "Jugement majoritaire",
    VotingMethod.RANKED: "Vote par classement (second tour instantané)",
}
WITH_OPTIONS = {
    VotingMethod.SINGLE,
    VotingMethod.APPROVAL,
    VotingMethod.MAJORITY_JUDGMENT,
    VotingMethod.RANKED,
}


def _axe_clean(page, label):
    violations = axe_blocking_violations(page)
    assert not violations, f"axe-core, {label}:\n{describe(violations)}"


def _focused_id(page) -> str:
    return page.evaluate("() => document.activeElement && document.activeElement.id")


@pytest.fixture
def teacher(transactional_db, territories):
    from tests.school.factories import classroom_create, teacher_create

    user = teacher_create()
    classroom_create(teacher=user, name="Terminale 3")
    return user


# Every method on a phone; two of them on a desktop too.
CASES = [(method, MOBILE) for method in VotingMethod.values] + [
    (VotingMethod.SINGLE, DESKTOP),
    (VotingMethod.MAJORITY_JUDGMENT, DESKTOP),
]


@pytest.mark.parametrize(("method", "viewport"), CASES, ids=[f"{m}-{v['width']}" for m, v in CASES])
def test_teacher_creates_a_consultation_of_each_method(
    new_page, live_server, teacher, method, viewport
):
    page = page_logged_in(new_page, live_server, teacher)
    page.set_viewport_size(viewport)
    page.goto("/consultations/nouvelle/")
    expect(page.get_by_text("Étape 1 sur 2")).to_be_visible()
    expect(page.get_by_label("Question", exact=True)).to_have_count(0)
    _axe_clean(page, "étape 1")
    page.locator("label.fr-label", has_text=METHOD_LABELS[method]).first.click()
    page.get_by_role("button", name="Continuer").click()

    expect(page.get_by_text("Étape 2 sur 2")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"\?method={method}"))
    options = page.get_by_label(re.compile("^Options ou candidats"))
    expect(options).to_have_count(1 if method in WITH_OPTIONS else 0)
    second_round = page.get_by_label(re.compile("^Second tour entre les deux premiers"))
    expect(second_round).to_have_count(1 if method == VotingMethod.SINGLE else 0)
    expect(page.locator("fieldset.hc-source")).to_have_count(1)
    expect(page.get_by_label("Titre du panneau des arguments pour")).to_have_value("Ils sont pour")

    page.get_by_label("Question", exact=True).fill(QUESTION)
    if method in WITH_OPTIONS:
        options.fill("\n".join(OPTIONS))
    if method == VotingMethod.SINGLE:
        page.locator("label.fr-label", has_text="Second tour entre les deux premiers").click()
    page.get_by_label("Titre du panneau des arguments pour").fill("  Les arguments pour  ")

    first = page.locator("#source-1")
    first.get_by_label("Titre").fill("Le CVL, comment ça marche ?")
    first.get_by_label(re.compile("^Lien")).fill("https://www.example.fr/cvl")
    # With JavaScript the block comes in place, takes the focus, and suggests the next panel.
    url = page.url
    page.get_by_role("button", name="Ajouter une source").click()
    second = page.locator("#source-2")
    expect(second).to_be_focused()
    assert page.url == url
    expect(second.get_by_label("Panneau")).to_have_value("pour")
    second.get_by_label("Titre").fill("Une voix pour la classe")
    expect(first.get_by_label("Titre")).to_have_value("Le CVL, comment ça marche ?")
    _axe_clean(page, "étape 2")

    page.get_by_role("button", name="Créer la consultation").click()
    expect(page.get_by_text("La consultation est créée.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(QUESTION)
    expect(page.get_by_role("heading", name="Les arguments pour")).to_be_visible()
    expect(page.get_by_role("heading", name="Les médias en parlent")).to_be_visible()
    _axe_clean(page, "consultation créée")

    consultation = Consultation.objects.get()
    assert consultation.method == method
    assert consultation.second_round is (method == VotingMethod.SINGLE)
    labels = [option.label for option in consultation.options.all()]
    assert labels == (OPTIONS if method in WITH_OPTIONS else [])
    assert consultation.panel_title_pour == "Les arguments pour"
    assert sorted(consultation.sources.values_list("panel", flat=True)) == ["medias", "pour"]
    assert not page.js_errors


def test_without_javascript_the_form_goes_in_steps_and_lands_on_its_errors(
    new_page, live_server, teacher
):
    from django.test import Client

    client = Client()
    client.force_login(teacher)
    page = new_page(java_script_enabled=False, viewport=MOBILE)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto("/consultations/nouvelle/")
    page.locator("label.fr-label", has_text="Vote par classement").click()
    page.get_by_role("button", name="Continuer").click()
    expect(page.get_by_text("Étape 2 sur 2")).to_be_visible()

    page.locator("#source-1").get_by_label("Titre").fill("Un article sans lien")
    page.get_by_role("button", name="Ajouter une source").click()
    # The page came back with one more block, what was typed kept, and no error yet.
    expect(page).to_have_url(re.compile(r"/consultations/nouvelle/#source-2$"))
    expect(page.locator("fieldset.hc-source")).to_have_count(2)
    expect(page.locator("#source-1").get_by_label("Titre")).to_have_value("Un article sans lien")
    expect(page.locator("#resume-erreurs")).to_have_count(0)

    page.get_by_role("button", name="Créer la consultation").click()
    summary = page.locator("#resume-erreurs")
    expect(summary).to_be_visible()
    # No script runs here: the action's fragment brings the summary into view, and its
    # `autofocus` asks for the focus (the page's scripts cannot be evaluated to check it).
    expect(page).to_have_url(re.compile(r"#resume-erreurs$"))
    expect(summary).to_have_attribute("autofocus", "")
    expect(summary.get_by_role("heading")).to_have_text("Le formulaire contient 3 erreurs")
    expect(summary.get_by_role("link", name=re.compile("^Question"))).to_have_attribute(
        "href", "#id_title"
    )
    expect(summary.get_by_role("link", name=re.compile("^Source 1 — Lien"))).to_be_visible()

    page.get_by_label("Question", exact=True).fill(QUESTION)
    page.get_by_label(re.compile("^Options ou candidats")).fill("\n".join(OPTIONS))
    page.locator("#source-1").get_by_label(re.compile("^Lien")).fill("https://example.fr/a")
    page.get_by_role("button", name="Créer la consultation").click()
    expect(page.get_by_text("La consultation est créée.")).to_be_visible()
    consultation = Consultation.objects.get()
    assert consultation.method == VotingMethod.RANKED
    assert consultation.sources.count() == 1


@pytest.fixture
def ballot_world(transactional_db, territories):
    from classroom_votes.consultations import services
    from tests.school.factories import classroom_create, pupil_create, teacher_create

    owner = teacher_create()
    classroom = classroom_create(teacher=owner)
    consultation = services.consultation_create(
        owner=owner,
        classrooms=[classroom],
        title=QUESTION,
        context="",
        method=VotingMethod.MAJORITY_JUDGMENT,
        options=[
            {"key": "alice", "label": OPTIONS[0]},
            {"key": "bruno", "label": OPTIONS[1]},
            {"key": "chloe", "label": OPTIONS[2]},
        ],
        sources=[],
    )
    services.consultation_open(consultation=consultation, by=owner)
    return {"consultation": consultation, "pupil": pupil_create(classroom=classroom).user}


def test_invalid_majority_judgment_ballot_puts_the_focus_on_its_error_summary(
    new_page, live_server, ballot_world
):
    consultation = ballot_world["consultation"]
    page = page_logged_in(new_page, live_server, ballot_world["pupil"])
    page.set_viewport_size(MOBILE)
    page.goto(f"/consultations/{consultation.pk}/")
    _axe_clean(page, "bulletin")

    # With the keyboard: the first option gets « Très bien », the others nothing.
    page.locator("#id_grade_alice_0").focus()
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    expect(page.locator("#id_grade_alice_1")).to_be_checked()
    page.get_by_role("button", name="Vérifier mon vote").click()
    # The browser's own check comes first: no request, the first missing grade asked for.
    expect(page).to_have_url(re.compile(rf"/consultations/{consultation.pk}/$"))
    assert page.evaluate("() => document.querySelector('#id_grade_bruno_0').validity.valueMissing")

    # The server's answer, for a browser that would not check: the summary takes the focus.
    page.evaluate(
        "() => document.querySelectorAll('input[required]').forEach("
        "(input) => input.removeAttribute('required'))"
    )
    page.get_by_role("button", name="Vérifier mon vote").click()
    summary = page.locator("#resume-erreurs")
    expect(summary).to_be_visible()
    expect(page).to_have_url(re.compile(r"/voter/#resume-erreurs$"))
    expect(summary).to_be_focused()
    assert _focused_id(page) == "resume-erreurs"
    expect(summary.get_by_role("heading")).to_have_text("Le formulaire contient 2 erreurs")
    expect(summary.get_by_role("link")).to_have_text(
        [
            "Bruno Petit : Donne une mention à cette option.",
            "Chloé Durand : Donne une mention à cette option.",
        ]
    )
    # The summary is at the top of a phone's screen, before the panels.
    box = summary.bounding_box()
    assert box is not None and 0 <= box["y"] < MOBILE["height"]
    _axe_clean(page, "bulletin incomplet")
    assert not Participation.objects.exists() and not SealedBallot.objects.exists()

    # From the summary, the keyboard leads to the missing grade and fills it.
    page.keyboard.press("Tab")
    expect(summary.get_by_role("link").first).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#id_grade_bruno$"))
    expect(page.locator("#id_grade_alice_1")).to_be_checked()
    page.locator("#id_grade_bruno_2").focus()
    page.keyboard.press("Space")
    page.locator("#id_grade_chloe_6").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Vérifier mon vote").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirmer mon vote")
    page.get_by_role("button", name="Confirmer mon vote").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("A voté !")
    assert Participation.objects.count() == 1
    assert not page.js_errors
