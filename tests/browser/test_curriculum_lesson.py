"""A lesson in seed format v2, seeded from a small course folder through the real loader and
seeding: a pupil of a class the course is assigned to reads « L'essentiel », the diagram with its
long description, plays the H5P activity and answers a case-based quiz; axe-core finds no serious
violation, on a phone and on a desktop."""

import re

import pytest
from playwright.sync_api import expect

from courses.models import ExerciseKind, QuizAttempt
from tests.browser.conftest import needs_h5p_standalone, page_logged_in
from tests.browser.test_lesson_journey import axe_at_both_sizes, describe
from tests.conftest import h5p_fixture, wagtail_tree_ensure

pytestmark = pytest.mark.browser

SAVED = re.compile(r"Ton résultat est enregistré : \d+ sur \d+\.")
QUIZ = """
```quiz
title: Vérifie ta compréhension
questions:
  - kind: single
    case: true
    prompt: >-
      Les deux assemblées n'arrivent pas à voter le même texte après deux lectures.
      Qui peut réunir une commission mixte paritaire ?
    choices:
      - text: Le Président de la République
        feedback: Il promulgue la loi, mais la navette ne dépend pas de lui.
      - text: Le Premier ministre
        correct: true
      - text: Le président du Sénat seul
        feedback: >-
          Pour une proposition de loi, les présidents des deux assemblées peuvent la réunir,
          mais ensemble.
    explanation: >-
      Article 45, alinéa 2 : le Premier ministre peut provoquer la réunion d'une commission
      mixte paritaire.
  - kind: true_false
    case: true
    prompt: >-
      Un texte adopté par l'Assemblée nationale seule, sans le Sénat, peut devenir loi dans
      certains cas.
    answer: true
    feedback: >-
      Après une commission mixte paritaire sans accord, le Gouvernement peut demander à
      l'Assemblée nationale de statuer définitivement.
    explanation: Article 45, alinéa 4.
```
"""


@pytest.fixture
def curriculum_world(transactional_db, tmp_path):
    needs_h5p_standalone()
    from content.loader import load_courses, load_glossary
    from content.seeding import content_seed
    from courses.models import CoursePage, LessonPage
    from courses.services import assignment_create
    from tests.content.v2_seed import v2_course_write
    from tests.courses.progress_factories import classroom_with_pupils
    from tests.school.factories import school_create, teacher_create

    wagtail_tree_ensure()
    v2_course_write(tmp_path, h5p_package=h5p_fixture("H5P.TrueFalse.h5p"), extra=QUIZ)
    content_seed(courses=load_courses(tmp_path), glossary=load_glossary(tmp_path))
    lesson = LessonPage.objects.get(slug="le-parlement-en-action")
    # A French school abroad: the flush after a transactional test empties the territories.
    school = school_create(name="Lycée français de Lisbonne", country="PT")
    teacher = teacher_create(school=school)
    classroom, (pupil,) = classroom_with_pupils(teacher=teacher, school=school, pupils=1)
    assignment_create(classroom=classroom, teacher=teacher, course=CoursePage.objects.get())
    (activity,) = lesson.h5p_activity_ids()
    (quiz_id,) = lesson.quiz_blocks()
    return {"lesson": lesson, "pupil": pupil, "activity": activity, "quiz_id": quiz_id}


def test_pupil_goes_through_a_v2_lesson(new_page, live_server, curriculum_world):
    world = curriculum_world
    found = {}

    page = page_logged_in(new_page, live_server, world["pupil"].user)
    # The site scrolls smoothly: the page would move under the pointer between scrolling a
    # label into view and clicking it (a pupil waits; a test asks for reduced motion).
    page.emulate_media(reduced_motion="reduce")
    page.goto(world["lesson"].url)
    main = page.locator("main")
    expect(main.get_by_role("heading", name="L'essentiel", level=2)).to_be_visible()
    expect(main.get_by_role("heading", name="Pour aller plus loin", level=2)).to_be_visible()
    expect(main.get_by_text("Vérifié le 1er décembre 2026")).to_be_visible()
    expect(main.get_by_role("link", name="navette")).to_have_attribute(
        "href", "/glossaire/#navette-parlementaire"
    )

    # The diagram: an <img> with its text alternative, its long description behind <details>.
    diagram = main.get_by_role("img", name="Schéma des deux assemblées du Parlement")
    expect(diagram).to_have_attribute("src", re.compile(r"^/media/images/.+\.svg$"))
    description = main.locator("details.hc-diagram__description")
    expect(description.get_by_text("À gauche l'Assemblée nationale")).to_be_hidden()
    description.locator("summary").click()
    expect(description.get_by_text("À gauche l'Assemblée nationale")).to_be_visible()
    axe_at_both_sizes(page, "leçon", found)

    # The H5P activity seeded from the course folder plays and reports its score.
    expect(page.locator(f"#h5p-player-{world['activity']}[data-h5p-ready='true']")).to_be_attached(
        timeout=20_000
    )
    frame = page.frame_locator(f"#h5p-player-{world['activity']} iframe")
    frame.get_by_role("radio", name="Yes").click()
    frame.get_by_role("button", name="Check").click()
    expect(page.locator(f"#h5p-{world['activity']} [data-h5p-status]")).to_have_text(
        SAVED, timeout=15_000
    )

    # The case-based quiz.
    quiz = page.locator(f"#quiz-{world['quiz_id']}")
    questions = quiz.locator("[data-question]")
    expect(questions).to_have_count(2)
    # DSFR's radios are drawn by their labels: a pupil clicks the label.
    for index, answer in ((0, "Le Premier ministre"), (1, "Vrai")):
        question = questions.nth(index)
        choice = question.get_by_label(answer, exact=True)
        label = question.locator(f"label[for='{choice.get_attribute('id')}']")
        label.scroll_into_view_if_needed()
        label.click()
        expect(choice).to_be_checked()
    quiz.get_by_role("button", name="Valider mes réponses").click()
    expect(quiz.locator("[data-quiz-score]")).to_contain_text("Ton score")
    axe_at_both_sizes(page, "leçon après le quiz", found)
    assert not page.js_errors, page.js_errors

    attempts = QuizAttempt.objects.filter(user=world["pupil"].user, lesson=world["lesson"])
    assert {a.kind for a in attempts} == {ExerciseKind.QUIZ, ExerciseKind.H5P}
    assert attempts.get(quiz_id=world["quiz_id"]).score >= 1

    assert not found, "axe-core, violations serious/critical:\n" + "\n".join(
        f"{label}:\n{describe(violations)}" for label, violations in found.items()
    )
