"""A pupil's data export: everything the apps hold about them, and nothing about anyone else."""

import json

import pytest

from courses.services import lesson_progress_touch
from school.privacy import pupil_data_export
from tests.courses.factories import course_create, lesson_create
from tests.school.factories import classroom_create, pupil_create, school_create, teacher_create
from tests.school.test_api import quiz_attempt_make


@pytest.fixture
def pupils(site_tree):
    teacher = teacher_create(school=school_create(name="Lycée Simone-Veil"))
    classroom = classroom_create(teacher=teacher, name="Tle A", level="terminale")
    pupil = pupil_create(classroom=classroom, pseudonym="Lynx-Ocre-41")
    other = pupil_create(classroom=classroom, pseudonym="Orque-Azur-58")
    course = course_create(parent=site_tree)
    shared = lesson_create(course=course, title="Le Parlement")
    own = lesson_create(course=course, title="Le Président de la République")
    private = lesson_create(course=course, title="Les collectivités territoriales")
    for lesson in (shared, own):
        lesson_progress_touch(user=pupil.user, lesson=lesson)
    quiz_attempt_make(user=pupil.user, lesson=shared, right=False)
    quiz_attempt_make(user=pupil.user, lesson=shared)
    lesson_progress_touch(user=other.user, lesson=shared)
    lesson_progress_touch(user=other.user, lesson=private)
    quiz_attempt_make(user=other.user, lesson=shared)
    quiz_attempt_make(user=other.user, lesson=private, right=False)
    return pupil, other


def test_export_holds_the_pupils_account_attempts_and_progress(pupils):
    pupil, _other = pupils
    data = pupil_data_export(user=pupil.user)
    assert data["compte"]["pseudonyme"] == "Lynx-Ocre-41"
    assert data["compte"]["etablissement"] == "Lycée Simone-Veil"
    attempts = data["cours"]["tentatives_de_quiz"]
    assert sorted((a["lecon"], a["score"], a["score_maximal"]) for a in attempts) == [
        ("Le Parlement", 2, 3),
        ("Le Parlement", 3, 3),
    ]
    progress = data["cours"]["progression"]
    assert sorted(p["lecon"] for p in progress) == ["Le Parlement", "Le Président de la République"]
    assert next(p for p in progress if p["lecon"] == "Le Parlement")["terminee_le"] is not None
    json.dumps(data)  # serialisable as it is


def test_export_holds_nothing_of_another_pupil(pupils):
    pupil, other = pupils
    text = json.dumps(pupil_data_export(user=pupil.user), ensure_ascii=False)
    assert other.pseudonym not in text and other.user.username not in text
    assert "Les collectivités territoriales" not in text  # only the other pupil's lesson
    other_export = pupil_data_export(user=other.user)
    assert len(other_export["cours"]["tentatives_de_quiz"]) == 2
    assert "Lynx-Ocre-41" not in json.dumps(other_export, ensure_ascii=False)
