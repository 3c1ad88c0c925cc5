"""A lesson of a new course, as written in content/data (« L'État de droit », course « Libertés,
droits et État de droit »), in Chromium: a pupil of a class the course is given to reads
« L'essentiel », the diagram of the hierarchy of norms with its long description, plays an H5P
activity added to the lesson, and answers its quiz, whose questions put cases, whose choices
come shuffled and whose wrong choices explain themselves; axe-core finds no serious violation,
on a phone and on a desktop (issue 23)."""

import re
import shutil

import pytest
from playwright.sync_api import expect

from courses.models import ExerciseKind, QuizAttempt
from tests.browser.conftest import needs_h5p_standalone, page_logged_in
from tests.browser.test_lesson_journey import axe_at_both_sizes, describe
from tests.conftest import ROOT, h5p_fixture, wagtail_tree_ensure

pytestmark = pytest.mark.browser

COURSE = "libertes-droits-et-etat-de-droit"
LESSON_FILE = "03-l-etat-de-droit.md"
SAVED = re.compile(r"Ton résultat est enregistré\s: \d+ sur \d+\.")
H5P_BLOCK = "\n```h5p\npackage: media/activite.h5p\ntitle: Vrai ou faux\n```\n"
WRONG = "Saisir le Conseil constitutionnel"
WRONG_FEEDBACK = "Le Conseil constitutionnel contrôle les lois, pas les arrêtés municipaux."
# The right answers of the other questions, by the start of their prompt.
RIGHT = {
    "Un arrêté municipal": [WRONG],
    "Quels principes": [
        "La hiérarchie des normes",
        "L'indépendance des juges",
        "La séparation des pouvoirs",
    ],
    "Une loi votée en 2026": ["Faux"],
    "Une personne est placée": ["La présomption d'innocence"],
    "Selon l'article 55": ["Au-dessus des lois, sous la Constitution"],
    "Une loi prévoit": [
        "Elle peut être admise si elle répond à un motif d'intérêt général, comme l'accès des "
        "jeunes à la culture"
    ],
}


@pytest.fixture
def new_lesson_world(transactional_db, tmp_path):
    needs_h5p_standalone()
    from content.loader import load_courses, load_glossary
    from content.seeding import content_seed
    from courses.models import CoursePage, LessonPage
    from courses.services import assignment_create
    from tests.courses.progress_factories import classroom_with_pupils
    from tests.school.factories import school_create, teacher_create

    data = ROOT / "content" / "data"
    shutil.copy(data / "glossary.yaml", tmp_path / "glossary.yaml")
    course_dir = shutil.copytree(data / "courses" / COURSE, tmp_path / "courses" / COURSE)
    shutil.copy(h5p_fixture("H5P.TrueFalse.h5p"), course_dir / "media" / "activite.h5p")
    lesson_file = course_dir / "lessons" / LESSON_FILE
    lesson_file.write_text(lesson_file.read_text(encoding="utf-8") + H5P_BLOCK, encoding="utf-8")

    wagtail_tree_ensure()
    content_seed(courses=load_courses(tmp_path), glossary=load_glossary(tmp_path))
    lesson = LessonPage.objects.get(slug="l-etat-de-droit")
    school = school_create(name="Lycée français de Lisbonne", country="PT")
    teacher = teacher_create(school=school)
    classroom, (pupil,) = classroom_with_pupils(teacher=teacher, school=school, pupils=1)
    assignment_create(classroom=classroom, teacher=teacher, course=CoursePage.objects.get())
    (activity,) = lesson.h5p_activity_ids()
    (quiz_id,) = lesson.quiz_blocks()
    return {"lesson": lesson, "pupil": pupil, "activity": activity, "quiz_id": quiz_id}


def test_pupil_goes_through_a_lesson_of_a_new_course(new_page, live_server, new_lesson_world):
    world = new_lesson_world
    found = {}

    page = page_logged_in(new_page, live_server, world["pupil"].user)
    # The site scrolls smoothly; a long lesson would move under the pointer between scrolling
    # a label into view and clicking it (a pupil waits; a test asks for reduced motion).
    page.emulate_media(reduced_motion="reduce")
    page.goto(world["lesson"].url)
    main = page.locator("main")
    expect(main.get_by_role("heading", name="L'essentiel", level=2)).to_be_visible()
    expect(main.get_by_role("heading", name="Pour aller plus loin", level=2)).to_be_visible()
    expect(main.get_by_text(re.compile(r"Vérifié le \d"))).to_be_visible()

    diagram = main.get_by_role("img", name=re.compile(r"^La hiérarchie des normes en France"))
    expect(diagram).to_have_attribute("src", re.compile(r"^/media/images/.+\.svg$"))
    expect(diagram).to_be_visible()
    assert diagram.evaluate("img => img.naturalWidth") > 0  # the SVG was served and drawn
    axe_at_both_sizes(page, "leçon", found)

    expect(page.locator(f"#h5p-player-{world['activity']}[data-h5p-ready='true']")).to_be_attached(
        timeout=20_000
    )
    frame = page.frame_locator(f"#h5p-player-{world['activity']} iframe")
    frame.get_by_role("radio", name="Yes").click()
    frame.get_by_role("button", name="Check").click()
    expect(page.locator(f"#h5p-{world['activity']} [data-h5p-status]")).to_have_text(
        SAVED, timeout=15_000
    )

    quiz = page.locator(f"#quiz-{world['quiz_id']}")
    questions = quiz.locator("[data-question]")
    expect(questions).to_have_count(len(RIGHT))
    expect(quiz.locator("[data-case]")).to_have_count(4)  # « Cas pratique », on 4 of 6
    for index in range(len(RIGHT)):
        question = questions.nth(index)
        text = question.inner_text()
        (start,) = [start for start in RIGHT if start in text]
        for answer in RIGHT[start]:
            choice = question.get_by_label(answer, exact=True)
            label = question.locator(f"label[for='{choice.get_attribute('id')}']")
            label.scroll_into_view_if_needed()
            label.click()
            expect(choice).to_be_checked()
    quiz.get_by_role("button", name="Valider mes réponses").click()
    expect(quiz.locator("[data-quiz-score]")).to_have_text(re.compile(r"^Ton score\s: 5 sur 6"))
    # The wrong choice the pupil made says why it is wrong.
    expect(quiz.get_by_text(WRONG_FEEDBACK)).to_be_visible()
    axe_at_both_sizes(page, "leçon après le quiz", found)
    assert not page.js_errors, page.js_errors

    attempts = QuizAttempt.objects.filter(user=world["pupil"].user, lesson=world["lesson"])
    assert {a.kind for a in attempts} == {ExerciseKind.QUIZ, ExerciseKind.H5P}
    assert attempts.get(quiz_id=world["quiz_id"]).score == 5

    assert not found, "axe-core, violations serious/critical:\n" + "\n".join(
        f"{label}:\n{describe(violations)}" for label, violations in found.items()
    )
