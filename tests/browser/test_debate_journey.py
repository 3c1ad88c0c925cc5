"""A class debate in Chromium, through the UI only: the teacher opens a pre-moderated debate;
pupils log in with their cards in their own browser contexts and post arguments pour and
contre, which wait for the teacher; the teacher approves them; two pupils report one argument,
which is hidden automatically; the teacher confirms the hiding with a reason, then restores it
with a reason, and the class sees it again. axe-core checks the tree, the two columns, the
moderation queue and the summary, on a phone and on a desktop."""

import re

import pytest
from playwright.sync_api import expect

from classroom_votes.models import Argument, ArgumentStatus, ModerationEvent

from .test_classroom_journey import Axe

pytestmark = pytest.mark.browser

TEACHER_EMAIL = "nadia.benali@example.fr"
TEACHER_PASSWORD = "Hemicycle-salle-305"
THESIS = "Faut-il abaisser le droit de vote à 16 ans ?"
POUR = "À 16 ans on paie déjà des impôts sur son salaire d'apprenti."
CONTRE = "À 16 ans on découvre à peine les institutions."


@pytest.fixture
def world(transactional_db):
    from school.services import pupils_bulk_create
    from tests.school.factories import classroom_create, school_create, teacher_create

    teacher = teacher_create(
        email=TEACHER_EMAIL, school=school_create(name="Lycée français de Madrid", country="ES")
    )
    teacher.set_password(TEACHER_PASSWORD)
    teacher.save()
    classroom = classroom_create(teacher=teacher, name="1re G2")
    return {"classroom": classroom, "cards": pupils_bulk_create(classroom=classroom, count=3)}


def _teacher_logs_in(page):
    page.goto("/connexion/")
    page.get_by_label("Adresse électronique").fill(TEACHER_EMAIL)
    page.get_by_label("Mot de passe").fill(TEACHER_PASSWORD)
    page.locator("main").get_by_role("button", name="Se connecter").click()


def _pupil_opens_the_debate(page, card):
    page.goto("/connexion-eleve/")
    page.get_by_label("Code de la classe").fill(card.join_code)
    page.get_by_label("Pseudonyme").fill(card.pseudonym)
    page.get_by_label("Code secret").fill(card.secret)
    page.get_by_role("button", name="Me connecter").click()
    page.get_by_role("link", name="Débats").first.click()
    page.get_by_role("link", name=THESIS).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(THESIS)


def _pupil_posts(page, position, text):
    page.locator("label.fr-label", has_text=re.compile(f"^{position}$")).click()
    expect(page.get_by_label(position, exact=True)).to_be_checked()
    page.get_by_role("textbox", name=re.compile("^Ton message")).fill(text)
    page.get_by_role("button", name="Publier", exact=True).click()
    expect(
        page.get_by_text("Ton argument sera visible après validation par ton professeur.")
    ).to_be_visible()
    post = page.locator(".hc-post", has_text=text)
    expect(post.get_by_text("En attente de validation")).to_be_visible()


def _pupil_reports(page, argument_id, reason):
    page.reload()
    post = page.locator(f"#argument-{argument_id}")
    post.locator("summary", has_text="Signaler").click()
    post.locator("label.fr-label", has_text=reason).click()
    post.get_by_role("button", name="Envoyer le signalement").click()


def _moderation_with_reason(scope, action, reason):
    scope.locator("summary", has_text=action).first.click()
    scope.get_by_label("Raison (gardée dans le journal de modération)").first.fill(reason)
    scope.get_by_role("button", name=action, exact=True).click()


def test_debate_with_premoderation_reports_and_moderation(new_page, world, settings):
    # The class was made for this test: its pupils' reports count at once, and two of them
    # reach the debate's threshold (classroom_votes.debates.reports weighs who reports).
    settings.HEMICYCLE_DEBATE_REPORT_STANDING_HOURS = 0
    settings.HEMICYCLE_DEBATE_REPORT_THRESHOLD_MIN = 2
    axe = Axe()
    teacher = new_page()
    _teacher_logs_in(teacher)
    teacher.get_by_role("link", name="Débats").first.click()
    teacher.get_by_role("link", name="Nouveau débat").click()
    expect(teacher.get_by_label(re.compile("^1re G2"))).to_be_checked()
    expect(teacher.get_by_label(re.compile("^Pré-modération"))).to_be_checked()
    teacher.get_by_label(re.compile("^Thèse")).fill(THESIS)
    teacher.get_by_label(re.compile("^Nombre de signalements")).fill("2")
    teacher.get_by_role("button", name="Ouvrir le débat").click()
    expect(teacher.get_by_role("heading", level=1)).to_have_text(THESIS)
    expect(teacher.get_by_text("Le débat est ouvert")).to_be_visible()
    debate_url = teacher.url

    cards = world["cards"]
    pupils = [new_page() for _card in cards]
    for page, card in zip(pupils, cards, strict=True):
        _pupil_opens_the_debate(page, card)
    _pupil_posts(pupils[0], "Un argument pour", POUR)
    axe.check(pupils[0], "arbre du débat (élève)")
    _pupil_posts(pupils[1], "Un argument contre", CONTRE)
    # Nothing reaches the class before the teacher approves.
    pupils[2].reload()
    expect(pupils[2].get_by_text(POUR)).to_have_count(0)

    teacher.goto(debate_url)
    teacher.get_by_role("link", name=re.compile("^Modération")).click()
    expect(teacher.get_by_role("heading", name="En attente de validation (2)")).to_be_visible()
    axe.check(teacher, "file de modération")
    pour = Argument.objects.get(text=POUR)
    contre = Argument.objects.get(text=CONTRE)
    for argument in (pour, contre):
        teacher.locator(f"#queue-{argument.pk}").get_by_role("button", name="Valider").click()
        expect(teacher.get_by_text("Message validé : la classe le voit.")).to_be_visible()
    expect(teacher.get_by_text("Rien à traiter pour l'instant.")).to_be_visible()

    pupils[2].reload()
    expect(pupils[2].get_by_text(POUR)).to_be_visible()
    expect(pupils[2].get_by_text(cards[0].pseudonym, exact=True)).to_be_visible()
    axe.check(pupils[2], "arbre publié (élève)")

    # Two reports (the debate's threshold) hide the argument at once.
    _pupil_reports(pupils[1], pour.pk, "Hors sujet")
    expect(pupils[1].get_by_text("Merci : ton signalement est transmis")).to_be_visible()
    _pupil_reports(pupils[2], pour.pk, "Insulte ou propos blessant")
    expect(pupils[2].get_by_text("il est masqué en attendant")).to_be_visible()
    expect(pupils[2].get_by_text(POUR)).to_have_count(0)
    pour.refresh_from_db()
    assert (pour.status, pour.auto_hidden) == (ArgumentStatus.HIDDEN, True)

    teacher.reload()
    expect(teacher.get_by_role("heading", name="Masqués par les signalements (1)")).to_be_visible()
    _moderation_with_reason(
        teacher.locator(f"#queue-{pour.pk}"), "Confirmer le masquage", "À reformuler"
    )
    expect(teacher.get_by_text("Message masqué.")).to_be_visible()

    teacher.goto(debate_url)
    expect(
        teacher.locator(f"#argument-{pour.pk}").get_by_text("Masqué", exact=True)
    ).to_be_visible()
    axe.check(teacher, "arbre du débat (enseignant)")
    _moderation_with_reason(
        teacher.locator(f"#argument-{pour.pk} > article"), "Rétablir", "Reformulé en classe"
    )
    expect(teacher.get_by_text("Message rétabli : la classe le voit de nouveau.")).to_be_visible()

    pupils[2].reload()
    expect(pupils[2].get_by_text(POUR)).to_be_visible()
    pupils[0].reload()
    expect(pupils[0].get_by_text(POUR)).to_be_visible()

    teacher.get_by_role("link", name="Pour / contre en deux colonnes").click()
    expect(teacher.get_by_role("heading", name=re.compile("Pour"))).to_be_visible()
    expect(teacher.locator(".hc-column--contre").get_by_text(CONTRE, exact=True)).to_be_visible()
    axe.check(teacher, "deux colonnes")
    pupils[1].get_by_role("link", name="Pour / contre en deux colonnes").click()
    axe.check(pupils[1], "deux colonnes (élève)")

    teacher.get_by_role("link", name="Synthèse").click()
    expect(teacher.get_by_role("heading", level=1)).to_have_text("Synthèse du débat")
    expect(teacher.get_by_role("cell", name="Lycée")).to_have_count(0)
    axe.check(teacher, "synthèse")

    teacher.get_by_role("link", name=re.compile("^Modération")).click()
    for reason in ("À reformuler", "Reformulé en classe", "2 signalements"):
        expect(teacher.get_by_role("cell", name=reason)).to_be_visible()
    axe.check(teacher, "journal de modération")
    teacher.get_by_role("link", name="Débats").first.click()
    expect(teacher.get_by_role("cell", name=THESIS)).to_be_visible()
    axe.check(teacher, "débats de l'enseignant")

    axe.assert_clean()
    actions = list(ModerationEvent.objects.order_by("pk").values_list("action", flat=True))
    assert actions == ["approve", "approve", "auto_hide", "hide", "restore"]
    for page in (teacher, *pupils):
        assert not page.js_errors
