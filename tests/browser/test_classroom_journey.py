"""A class's life in Chromium, through the UI only: a teacher signs up with a new school, confirms
the address from the e-mail, is approved by an administrator, creates a class and gives it the
real course; a pupil joins with the class code in another browser
context, does the first lesson's quiz; the teacher reads the pupil's result on the class table and
in the CSV export; the pupil logs in again with their login card. axe-core checks every page of
the journey (WCAG 2.1 A/AA), on a phone-sized viewport and on a desktop one."""

import csv
import io
import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from courses.models import LessonProgress, QuizAttempt
from courses.scores import score_text
from school.models import Classroom, School, User
from school.selectors import school_year_current
from tests.school.factories import admin_create

from .conftest import DESKTOP, MOBILE
from .test_lesson_journey import SUBMIT, answer_first_choices, axe_blocking_violations, describe

pytestmark = pytest.mark.browser

TEACHER_EMAIL = "claire.martin@example.fr"
TEACHER_PASSWORD = "Hemicycle-salle-204"
ADMIN_PASSWORD = "Hemicycle-admin-2026"
UAI = "0750655E"
CLASS_NAME = "2nde B"
JOIN_CODE = re.compile(r"^[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}$")
CSV_HEADER = [
    "Pseudonyme",
    "Leçon",
    "Statut",
    "Terminée le",
    "Score moyen (%)",
    "Exercices faits",
    "Exercices",
    "Meilleur résultat par exercice",
    "Tentatives",
    "Temps passé (minutes)",
]


class Axe:
    """Runs axe-core on pages as they are and keeps the serious or critical violations."""

    def __init__(self):
        self.found = {}

    def check(self, page, label):
        """On a phone-sized viewport, then on a desktop one (where the journey goes on)."""
        for name, viewport in (("mobile", MOBILE), ("bureau", DESKTOP)):
            page.set_viewport_size(viewport)
            if violations := axe_blocking_violations(page):
                self.found[f"{label} ({name}, {viewport['width']}×{viewport['height']})"] = (
                    violations
                )

    def assert_clean(self):
        assert not self.found, "axe-core, violations serious/critical:\n" + "\n".join(
            f"{label}:\n{describe(violations)}" for label, violations in self.found.items()
        )


def card_value(page, term):
    """What the login card says under `term` (« Pseudonyme », « Code secret »…)."""
    value = page.locator("dt", has_text=re.compile(f"^{term}$")).locator("xpath=../dd")
    expect(value).to_have_count(1)
    return value.inner_text().strip()


def administrator_approves_the_new_school(admin_page, axe):
    """The school is new: an administrator accepts its first teacher."""
    admin_create(username="admin@example.fr", password=ADMIN_PASSWORD)
    admin_page.goto("/connexion/")
    admin_page.get_by_label("Adresse électronique ou identifiant").fill("admin@example.fr")
    admin_page.get_by_label("Mot de passe").fill(ADMIN_PASSWORD)
    admin_page.get_by_role("button", name="Se connecter").click()
    admin_page.goto("/etablissements/demandes/")
    expect(admin_page.get_by_role("heading", level=1)).to_have_text("Demandes de rattachement")
    row = admin_page.get_by_role("row", name=re.compile(TEACHER_EMAIL))
    expect(row).to_contain_text("nouvel établissement")
    axe.check(admin_page, "demandes de rattachement")
    row.get_by_role("button", name=re.compile("^Accepter")).click()
    expect(admin_page.get_by_role("status")).to_contain_text("fait maintenant partie")


def teacher_signs_up_and_creates_the_class(page, axe, admin_page):
    page.goto("/inscription/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Créer un compte enseignant")
    axe.check(page, "inscription enseignant")

    page.get_by_label("Adresse électronique").fill(TEACHER_EMAIL)
    page.get_by_label("Nom affiché (facultatif)").fill("Mme Martin")
    page.get_by_label(re.compile(r"^Mot de passe")).fill(TEACHER_PASSWORD)
    page.get_by_label("Confirmation du mot de passe").fill(TEACHER_PASSWORD)
    page.get_by_label("Code UAI de l'établissement").fill(UAI.lower())
    page.get_by_label("Nom de l'établissement").fill("Lycée Jean-Jaurès")
    page.get_by_label("Commune").fill("Paris")
    expect(page.get_by_label("En France", exact=True)).to_be_checked()
    page.get_by_label("Département").select_option(label="Paris (75)")
    page.get_by_role("button", name="Créer mon compte").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Vérifiez votre messagerie")
    axe.check(page, "inscription envoyée")
    link = re.search(r"https?://[^/\s]+(/inscription/confirmer/\S+/)", mail.outbox[-1].body)
    page.goto(link.group(1))
    axe.check(page, "confirmer l'adresse")
    page.get_by_role("button", name="Confirmer mon adresse").click()
    expect(page).to_have_url(re.compile(r"/classes/$"))
    expect(page.locator("main")).to_contain_text("En attente de rattachement")
    axe.check(page, "mes classes (en attente)")

    administrator_approves_the_new_school(admin_page, axe)
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes classes")
    expect(page.locator("main")).to_contain_text("Vous n'avez pas encore de classe en cours.")
    axe.check(page, "mes classes (vide)")

    page.locator("main").get_by_role("link", name="Créer une classe").click()
    expect(page).to_have_url(re.compile(r"/classes/nouvelle/$"))
    expect(page.get_by_label("Établissement")).to_have_value(str(School.objects.get(uai=UAI).pk))
    page.get_by_label("Nom de la classe").fill(CLASS_NAME)
    page.get_by_label("Niveau").select_option(label="2nde")
    year = school_year_current()
    page.get_by_label("Année scolaire").select_option(label=f"{year}-{year + 1}")
    page.get_by_role("button", name="Créer la classe").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Classe {CLASS_NAME}")
    expect(page.get_by_role("status")).to_contain_text(f"La classe « {CLASS_NAME} » est créée.")
    join_section = page.get_by_role("region", name="Code de la classe")
    code_text = join_section.get_by_text(JOIN_CODE)
    expect(code_text).to_have_count(1)
    join_code = code_text.inner_text().strip()
    expect(join_section).to_contain_text("Les inscriptions sont fermées.")
    # This class's pupils come in without waiting for the teacher (see the join-control
    # journey for approval), for a day.
    approval = join_section.get_by_label("Valider chaque nouvel élève")
    join_section.locator('label[for="id_approval"]').click()  # the DSFR draws the box on it
    expect(approval).not_to_be_checked()
    join_section.get_by_role("button", name="Enregistrer les réglages").click()
    expect(page.get_by_role("status")).to_contain_text("Les réglages des inscriptions")
    join_section.get_by_label("Inscriptions ouvertes pendant").select_option(label="1 jour")
    join_section.get_by_role("button", name="Ouvrir les inscriptions").click()
    expect(join_section).to_contain_text("/rejoindre/ avec ce code.")
    axe.check(page, "page de la classe")

    page.get_by_role("link", name="Mes classes").first.click()
    row = page.get_by_role("row", name=re.compile(CLASS_NAME))
    expect(row).to_contain_text(join_code)
    expect(row).to_contain_text(f"2nde {year}-{year + 1} Lycée Jean-Jaurès 0")
    axe.check(page, "mes classes")
    row.get_by_role("link", name=CLASS_NAME).click()

    page.get_by_role("navigation", name=f"Pages de la classe {CLASS_NAME}").get_by_role(
        "link", name="Devoirs"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Devoirs de la classe {CLASS_NAME}")
    expect(page.locator("main")).to_contain_text("Aucun cours ni aucune leçon n'est encore donné")
    axe.check(page, "devoirs (aucun)")
    return join_code


def teacher_assigns_the_course(page, seeded, axe):
    course = seeded["course_title"]
    page.get_by_label("Cours ou leçon à donner").select_option(label=f"Tout le cours « {course} »")
    page.get_by_role("button", name="Donner à la classe").click()
    expect(page.get_by_role("status")).to_have_text(
        f"« {course} » est ajouté aux devoirs de la classe."
    )
    row = page.get_by_role("table", name=re.compile("Devoirs de la classe")).get_by_role(
        "row", name=re.compile(re.escape(course))
    )
    expect(row).to_contain_text("Cours entier")
    expect(row).to_contain_text("pas de date")
    axe.check(page, "devoirs")


def pupil_joins(page, join_code, axe):
    page.goto("/rejoindre/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Rejoindre une classe")
    axe.check(page, "rejoindre une classe")
    page.get_by_label("Code de la classe").fill(join_code.lower())
    page.get_by_role("button", name="Rejoindre la classe").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Bienvenue dans la classe {CLASS_NAME} !"
    )
    assert card_value(page, "Code de la classe") == join_code
    pseudonym = card_value(page, "Pseudonyme")
    secret = card_value(page, "Code secret")
    assert re.fullmatch(r"[A-Z][a-z]+-[A-Z][a-z]+-\d{2}", pseudonym), pseudonym
    assert re.fullmatch(r"[a-z]+-[a-z]+-\d{2}", secret), secret
    expect(page.locator(".hc-login-card__url")).to_have_text(re.compile(r"/connexion-eleve/$"))
    axe.check(page, "carte de connexion")
    return pseudonym, secret


def pupil_does_the_first_lesson(page, seeded, axe):
    page.get_by_role("link", name="J'ai noté ma carte : aller à mon espace").click()
    expect(page).to_have_url(re.compile(r"/mon-espace/eleve/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon espace")
    expect(page.locator("[data-landing=assignments]")).to_contain_text(seeded["course_title"])
    page.get_by_role("link", name="Tous mes devoirs").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes devoirs")
    expect(page.get_by_role("heading", name=seeded["course_title"])).to_be_visible()
    axe.check(page, "mes devoirs (élève)")

    page.get_by_role("link", name=f"À faire ensuite : {seeded['lesson_title']}").click()
    expect(page).to_have_url(re.compile(re.escape(seeded["lesson_url"]) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(seeded["lesson_title"])

    quiz = page.locator(f"#quiz-{seeded['quiz_id']}")
    count = answer_first_choices(page, seeded["quiz_id"])
    with page.expect_response(lambda r: "/quiz/" in r.url and r.request.method == "POST"):
        quiz.get_by_role("button", name=SUBMIT).click()
    score = quiz.locator("[data-quiz-score]")
    expect(score).to_have_text(re.compile(rf"^Ton score\s: [\d,]+ sur {count} \(enregistré\)\.$"))
    expect(page).to_have_url(re.compile(re.escape(seeded["lesson_url"]) + "$"))

    page.get_by_role("link", name="Mes devoirs").first.click()
    item = page.locator("main li", has=page.get_by_role("link", name=seeded["lesson_title"]))
    expect(item).to_contain_text("Terminée")
    expect(item).to_contain_text("score moyen :")
    axe.check(page, "mes devoirs après une leçon (élève)")


def teacher_reads_the_results(page, seeded, pupil_user, pseudonym, axe):
    attempt = QuizAttempt.objects.get(user=pupil_user, lesson=seeded["lesson"])
    from courses.scores import percent_of, score_ratio

    percent = percent_of(score_ratio(attempt.score, attempt.max_score))

    page.goto("/connexion/")
    page.get_by_label("Identifiant").fill(TEACHER_EMAIL.upper())
    page.get_by_label("Mot de passe").fill(TEACHER_PASSWORD)
    page.locator("main").get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(re.compile(r"/mon-espace/enseignant/$"))

    page.get_by_role("link", name=CLASS_NAME).click()
    expect(page.get_by_role("heading", name="1 élève")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile(pseudonym))).to_be_visible()
    page.get_by_role("navigation", name=f"Pages de la classe {CLASS_NAME}").get_by_role(
        "link", name="Suivi"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Suivi de la classe {CLASS_NAME}")
    table = page.get_by_role("table", name="Progression des élèves, leçon par leçon")
    lesson_columns = table.get_by_role("columnheader").filter(has=page.get_by_role("link"))
    expect(lesson_columns.first).to_contain_text(seeded["lesson_title"])
    row = table.get_by_role("row", name=re.compile(re.escape(pseudonym)))
    expect(row.get_by_role("cell").first).to_have_text(f"Terminée · {percent} %")
    expect(row.get_by_role("cell").last).to_have_text(re.compile(rf"^1/{lesson_columns.count()}$"))
    axe.check(page, "tableau de la classe")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Exporter la progression (CSV)").click()
    download = download_info.value
    year = school_year_current()
    assert download.suggested_filename == f"suivi-2nde-b-{year}-{year + 1}.csv"
    with open(download.path(), encoding="utf-8") as file:
        content = file.read()
    assert content.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(content.removeprefix("\ufeff")), delimiter=";"))
    assert rows[0] == CSV_HEADER
    pupil_rows = [r for r in rows[1:] if r[0] == pseudonym]
    assert len(pupil_rows) == len(rows) - 1 == lesson_columns.count()
    first = next(r for r in pupil_rows if r[1] == seeded["lesson_title"])
    assert first[2] == "Terminée"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", first[3]), first
    assert first[4:7] == [str(percent), "1", "1"]
    best = f"{score_text(attempt.score)}/{score_text(attempt.max_score)}"
    assert first[7].endswith(f" : {best}"), first
    assert first[8] == "1"
    assert pupil_user.username not in content
    assert all(r[2] == "À faire" for r in pupil_rows if r is not first)


def test_teacher_creates_a_class_and_follows_a_pupil(new_page, seeded, territories):
    axe = Axe()

    teacher = new_page()
    join_code = teacher_signs_up_and_creates_the_class(teacher, axe, new_page())
    school = School.objects.get(uai=UAI)
    assert (school.commune, school.departement.code) == ("Paris", "75")
    classroom = Classroom.objects.get(name=CLASS_NAME)
    assert classroom.school == school and classroom.join_code_display == join_code
    assert (classroom.level, classroom.school_year) == ("2nde", school_year_current())
    assert classroom.teachers.filter(username=TEACHER_EMAIL, role=User.Role.TEACHER).exists()
    teacher_assigns_the_course(teacher, seeded, axe)
    teacher.get_by_role("button", name=f"Se déconnecter ({TEACHER_EMAIL})").click()
    expect(teacher.get_by_role("link", name="Se connecter").first).to_be_visible()

    # The pupil, on their own browser.
    pupil = new_page()
    pseudonym, secret = pupil_joins(pupil, join_code, axe)
    pupil_user = User.objects.get(pupil__pseudonym=pseudonym)
    assert pupil_user.pupil.classroom == classroom
    pupil_does_the_first_lesson(pupil, seeded, axe)
    progress = LessonProgress.objects.get(user=pupil_user, lesson=seeded["lesson"])
    assert progress.completed_at is not None

    teacher_reads_the_results(teacher, seeded, pupil_user, pseudonym, axe)

    # Next lesson, next day: the pupil logs in again with the login card.
    pupil.get_by_role("button", name="Se déconnecter", exact=True).click()
    expect(pupil.get_by_role("link", name="Connexion élève").first).to_be_visible()
    pupil.goto("/connexion-eleve/")
    axe.check(pupil, "connexion élève")
    pupil.get_by_label("Code de la classe").fill(join_code)
    # Typed as read off the card, in capitals and with spaces: still the same pupil.
    pupil.get_by_label("Pseudonyme").fill(pseudonym.upper().replace("-", " "))
    secret_field = pupil.get_by_label("Code secret")
    secret_field.fill(secret)
    expect(secret_field).to_have_attribute("type", "password")
    # « Afficher » (the DSFR's password component), from the keyboard: the secret shows.
    pupil.get_by_role("checkbox", name="Afficher le texte saisi").press("Space")
    expect(secret_field).to_have_attribute("type", "text")
    expect(secret_field).to_have_value(secret)
    pupil.get_by_role("button", name="Me connecter").click()
    expect(pupil).to_have_url(re.compile(r"/mon-espace/eleve/$"))
    expect(pupil.get_by_role("heading", level=1)).to_have_text("Mon espace")
    expect(pupil.get_by_role("button", name="Se déconnecter", exact=True)).to_be_visible()

    assert teacher.js_errors == [] and pupil.js_errors == []
    axe.assert_clean()
