"""H5P activities in a lesson, played in Chromium by h5p-standalone: a pupil answers a TrueFalse
and finishes a QuestionSet, the scores reach the server through xAPI and show in the pupil's
progress and the teacher's class table, and a reload restores the saved answer."""

import copy
import json
import re
import uuid
import zipfile

import pytest
from playwright.sync_api import expect

from courses.models import ExerciseKind, H5PUserState, QuizAttempt
from tests.browser.conftest import needs_h5p_standalone, page_logged_in
from tests.conftest import h5p_fixture, wagtail_tree_ensure

pytestmark = pytest.mark.browser

SAVED = re.compile(r"Ton résultat est enregistré\s: \d+ sur \d+\.")


def short_question_set(directory):
    """The hub's QuestionSet, its own libraries untouched, cut down to two true/false questions:
    the set's Finish button appears once every question is answered, and its nine questions
    include drag-and-drop ones that are no business of this test."""
    source = h5p_fixture("H5P.QuestionSet.h5p")
    target = directory / "question-set-short.h5p"
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w") as short:
        for info in original.infolist():
            data = original.read(info)
            if info.filename == "content/content.json":
                content = json.loads(data)
                true_false = next(
                    q for q in content["questions"] if q["library"] == "H5P.TrueFalse 1.6"
                )
                second = copy.deepcopy(true_false)
                second["subContentId"] = str(uuid.uuid4())
                content["questions"] = [true_false, second]
                data = json.dumps(content).encode()
            short.writestr(info, data)
    return target


@pytest.fixture
def h5p_world(transactional_db, settings, tmp_path):
    needs_h5p_standalone()
    settings.HEMICYCLE_H5P_SAVE_SECONDS = 1
    from courses.services import assignment_create
    from tests.courses.factories import (
        course_create,
        h5p_block,
        h5p_package_upload,
        lesson_create,
    )
    from tests.courses.progress_factories import classroom_with_pupils
    from tests.school.factories import school_create, teacher_create

    wagtail_tree_ensure()
    from content.seeding import SeedReport, site_structure_ensure

    index = site_structure_ensure(report=SeedReport())
    true_false = h5p_package_upload(path=h5p_fixture("H5P.TrueFalse.h5p"), title="Oslo")
    question_set = h5p_package_upload(path=short_question_set(tmp_path), title="Série")
    course = course_create(parent=index)
    lesson = lesson_create(
        course=course,
        body=[
            h5p_block(package=true_false, title="Vrai ou faux"),
            h5p_block(package=question_set, title="Série de questions"),
        ],
    )
    # A French school abroad: the flush after a transactional test empties the territories.
    school = school_create(name="Lycée français de Madrid", country="ES")
    teacher = teacher_create(school=school)
    classroom, (pupil,) = classroom_with_pupils(teacher=teacher, school=school, pupils=1)
    assignment_create(classroom=classroom, teacher=teacher, course=course)
    true_false_id, question_set_id = lesson.h5p_activity_ids()
    return {
        "lesson": lesson,
        "classroom": classroom,
        "teacher": teacher,
        "pupil": pupil,
        "true_false": true_false_id,
        "question_set": question_set_id,
    }


def _frame(page, activity):
    return page.frame_locator(f"#h5p-player-{activity} iframe")


def _ready(page, activity):
    expect(page.locator(f"#h5p-player-{activity}[data-h5p-ready='true']")).to_be_attached(
        timeout=20_000
    )


def _status(page, activity):
    return page.locator(f"#h5p-{activity} [data-h5p-status]")


def test_pupil_plays_h5p_and_teacher_sees_the_scores(new_page, live_server, h5p_world):
    world = h5p_world
    page = page_logged_in(new_page, live_server, world["pupil"].user)
    page.goto(world["lesson"].url)
    _ready(page, world["true_false"])
    _ready(page, world["question_set"])
    frames = page.locator("iframe")
    assert frames.count() == 2
    expect(frames.first).to_have_attribute("title", "Activité interactive : Vrai ou faux")

    # TrueFalse: "Oslo is the capital of Norway." — Yes, then Check.
    true_false = _frame(page, world["true_false"])
    true_false.get_by_role("radio", name="Yes").click()
    with page.expect_request(lambda r: "/h5p/etat/" in r.url and r.method == "POST"):
        true_false.get_by_role("button", name="Check").click()
    expect(_status(page, world["true_false"])).to_have_text(SAVED)

    # QuestionSet: answer both questions, then finish the set.
    question_set = _frame(page, world["question_set"])
    for index in range(2):
        current = question_set.locator(".question-container").nth(index)
        expect(current).to_be_visible()
        current.get_by_role("radio", name="True").click()
        current.get_by_role("button", name="Check").click()
        if index == 0:
            current.locator(".h5p-question-next").click()
    question_set.get_by_role("button", name="Finish").click()
    expect(_status(page, world["question_set"])).to_have_text(SAVED, timeout=15_000)
    assert not page.js_errors, page.js_errors

    attempts = QuizAttempt.objects.filter(user=world["pupil"].user, kind=ExerciseKind.H5P)
    assert {a.quiz_id for a in attempts} == {world["true_false"], world["question_set"]}
    assert attempts.get(quiz_id=world["true_false"]).score == 1

    # The TrueFalse package's maximum came from its content; the real player agreed with it.
    assert attempts.get(quiz_id=world["true_false"]).max_score == 1

    # The pupil's own progress page lists the lesson as done, with the mean of the results.
    page.goto("/suivi/")
    expect(page.get_by_text(re.compile(r"score moyen\s: \d+ %"))).to_be_visible()

    # Reloading the lesson restores the TrueFalse answer from the saved state.
    assert H5PUserState.objects.filter(activity_id=world["true_false"]).exists()
    page.goto(world["lesson"].url)
    _ready(page, world["true_false"])
    expect(_frame(page, world["true_false"]).get_by_role("radio", name="Yes")).to_have_attribute(
        "aria-checked", "true"
    )

    # The teacher's class table shows the H5P scores.
    teacher_page = page_logged_in(new_page, live_server, world["teacher"])
    teacher_page.goto(f"/suivi/classes/{world['classroom'].pk}/")
    expect(teacher_page.locator("table")).to_contain_text(re.compile(r"Terminée · \d+ %"))
