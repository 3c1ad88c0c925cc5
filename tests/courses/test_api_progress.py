"""/api/progress/: one row per pupil × lesson, for a teacher's class or a pupil's own rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses.models import Assignment
from courses.services import lesson_progress_touch
from school.models import User
from school.services import pupils_bulk_create
from tests.api_pages import api_results
from tests.courses.factories import lesson_create
from tests.school.test_api import World, client_for, quiz_attempt_make, world_build


@pytest.fixture
def world(site_tree) -> World:
    return world_build(site_tree)


def _activity(world: World):
    pupil = world.users["pupil"]
    lesson_progress_touch(user=pupil, lesson=world.lesson)
    quiz_attempt_make(user=pupil, lesson=world.lesson, right=False)
    quiz_attempt_make(user=pupil, lesson=world.lesson, right=True)
    lesson_progress_touch(user=world.users["other_pupil"], lesson=world.other_lesson)


def _progress(user, classroom=None):
    path = "/api/progress/" + (f"?classroom={classroom.pk}" if classroom else "")
    return api_results(client_for(user).get(path))


def test_teacher_sees_a_row_per_pupil_and_assigned_lesson(world):
    _activity(world)
    pupils_bulk_create(classroom=world.classroom, count=2)
    rows = _progress(world.users["teacher"], world.classroom)
    # 3 pupils × the course's 2 live lessons (the draft is not given).
    assert len(rows) == 6
    assert [row["lesson"] for row in rows[:2]] == [world.lesson.pk, world.other_lesson.pk]
    mine = {row["lesson"]: row for row in rows if row["pupil"] == world.users["pupil"].pk}
    done = mine[world.lesson.pk]
    assert done["status"] == "completed" and done["completed_at"] is not None
    assert (done["attempts"], done["score_percent"]) == (2, 100)
    (quiz,) = done["exercises"]
    assert (quiz["best_score"], quiz["best_max_score"], quiz["last_score"]) == (3, 3, 3)
    assert done["pseudonym"] == world.users["pupil"].pupil.pseudonym
    assert done["classroom"] == world.classroom.pk and done["lesson_title"] == "Le Président"
    untouched = mine[world.other_lesson.pk]
    assert untouched["status"] == "todo" and untouched["attempts"] == 0
    assert untouched["score_percent"] is None and untouched["opened_at"] is None
    assert world.users["other_pupil"].pk not in {row["pupil"] for row in rows}


def test_opened_lesson_without_attempt_is_in_progress(world):
    lesson_progress_touch(user=world.users["pupil"], lesson=world.other_lesson)
    rows = _progress(world.users["teacher"], world.classroom)
    row = next(row for row in rows if row["lesson"] == world.other_lesson.pk)
    assert row["status"] == "started" and row["opened_at"] is not None


def test_only_lessons_given_to_the_class_are_listed(world):
    extra = lesson_create(course=world.course, title="Ajoutée au cours")
    lone = lesson_create(course=world.other_lesson.get_parent().specific, title="Hors devoir")
    Assignment.objects.filter(classroom=world.classroom).delete()
    Assignment.objects.create(classroom=world.classroom, lesson=extra)
    lesson_progress_touch(user=world.users["pupil"], lesson=lone)
    rows = _progress(world.users["teacher"], world.classroom)
    assert [(row["lesson"], row["status"]) for row in rows] == [(extra.pk, "todo")]


def test_pupil_sees_only_their_own_rows(world):
    _activity(world)
    pupils_bulk_create(classroom=world.classroom, count=2)
    for classroom in (None, world.classroom):
        rows = _progress(world.users["pupil"], classroom)
        assert {row["pupil"] for row in rows} == {world.users["pupil"].pk}
        assert {row["lesson"] for row in rows} == {world.lesson.pk, world.other_lesson.pk}
    other_rows = _progress(world.users["other_pupil"])
    assert [(row["lesson"], row["status"]) for row in other_rows] == [
        (world.other_lesson.pk, "started")
    ]


def test_pupil_without_a_class_gets_no_rows(world):
    lonely = User.objects.create_user(username="sans-classe", password="x-secret-1")
    assert _progress(lonely) == []
    response = client_for(lonely).get(f"/api/progress/?classroom={world.classroom.pk}")
    assert response.status_code == 404


def test_admin_sees_any_class(world):
    _activity(world)
    rows = _progress(world.users["admin"], world.other_classroom)
    assert {row["pupil"] for row in rows} == {world.users["other_pupil"].pk}


def test_query_count_does_not_grow_with_the_class(world):
    client = client_for(world.users["teacher"])
    path = f"/api/progress/?classroom={world.classroom.pk}"
    client.get(path)
    with CaptureQueriesContext(connection) as small:
        assert client.get(path).status_code == 200
    credentials = pupils_bulk_create(classroom=world.classroom, count=12)
    for pupil in credentials[:6]:
        lesson_progress_touch(user=pupil.pupil.user, lesson=world.lesson)
        quiz_attempt_make(user=pupil.pupil.user, lesson=world.lesson)
    with CaptureQueriesContext(connection) as large:
        assert len(api_results(client.get(path))) == 13 * 2
    assert len(large) == len(small)


@pytest.mark.parametrize("value", ["deux", "0", "-3", "1.5"])
def test_bad_classroom_parameter_is_a_400(world, value):
    response = client_for(world.users["teacher"]).get(f"/api/progress/?classroom={value}")
    assert response.status_code == 400 and "classroom" in response.json()["fields"]


def test_teacher_must_name_a_class(world):
    response = client_for(world.users["teacher"]).get("/api/progress/")
    assert response.status_code == 400
    assert response.json()["fields"] == {
        "classroom": ["Précisez la classe : ?classroom=<identifiant>."]
    }


def test_unknown_class_is_a_404(world):
    response = client_for(world.users["teacher"]).get("/api/progress/?classroom=999999")
    assert response.status_code == 404
