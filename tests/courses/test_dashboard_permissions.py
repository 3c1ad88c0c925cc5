"""Every progress page against every role: anonymous, the class's pupil, another class's pupil,
the class's teacher, another teacher, a content editor and an administrator."""

import pytest

from courses.models import Assignment
from courses.services import assignment_create
from school.models import User

from .factories import course_create, lesson_create
from .progress_factories import classroom_with_pupils, school_create, teacher_create

ROLES = ["anonymous", "pupil", "other_pupil", "teacher", "other_teacher", "editor", "admin"]


@pytest.fixture
def world(site_tree):
    school = school_create()
    teacher = teacher_create(school=school)
    other_teacher = teacher_create(school=school)  # same school, not this class's teacher
    classroom, (pupil,) = classroom_with_pupils(teacher=teacher, school=school, pupils=1)
    _other, (other_pupil,) = classroom_with_pupils(teacher=other_teacher, school=school, pupils=1)
    course = course_create(parent=site_tree, title="Les institutions")
    lesson = lesson_create(course=course)
    assignment = assignment_create(classroom=classroom, teacher=teacher, course=course)
    users = {
        "anonymous": None,
        "pupil": pupil.user,
        "other_pupil": other_pupil.user,
        "teacher": teacher,
        "other_teacher": other_teacher,
        "editor": User.objects.create_user(
            username="redaction", password="x-secret-1", role="editor"
        ),
        "admin": User.objects.create_superuser(
            username="admin", password="x-secret-1", email="admin@example.org"
        ),
    }
    return {
        "users": users,
        "classroom": classroom,
        "pupil": pupil,
        "lesson": lesson,
        "assignment": assignment,
    }


def _client_as(client, world, role):
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    return client


TEACHER_PAGES = {
    "class": "/suivi/classes/{c}/",
    "csv": "/suivi/classes/{c}/export.csv",
    "assignments": "/suivi/classes/{c}/devoirs/",
    "pupil": "/suivi/classes/{c}/eleves/{p}/",
    "lesson": "/suivi/classes/{c}/lecons/{l}/",
}
TEACHER_PAGE_STATUS = {
    "anonymous": 302,
    "pupil": 404,
    "other_pupil": 404,
    "teacher": 200,
    "other_teacher": 404,
    "editor": 404,
    "admin": 200,
}


def _format(url, world):
    return url.format(c=world["classroom"].pk, p=world["pupil"].user_id, l=world["lesson"].pk)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", list(TEACHER_PAGES))
def test_teacher_pages_allow_only_who_manages_the_class(client, world, role, page):
    url = _format(TEACHER_PAGES[page], world)
    response = _client_as(client, world, role).get(url)
    assert response.status_code == TEACHER_PAGE_STATUS[role]
    if role == "anonymous":
        assert response["Location"].startswith("/connexion/?next=/suivi/classes/")


@pytest.mark.parametrize("role", ROLES)
def test_assignment_add_allowed_only_to_who_manages_the_class(client, world, role):
    Assignment.objects.all().delete()
    url = _format(TEACHER_PAGES["assignments"], world)
    response = _client_as(client, world, role).post(url, {"target": f"lesson:{world['lesson'].pk}"})
    allowed = role in ("teacher", "admin")
    assert response.status_code == (302 if allowed or role == "anonymous" else 404)
    assert Assignment.objects.exists() == allowed


@pytest.mark.parametrize("role", ROLES)
def test_assignment_remove_allowed_only_to_who_manages_the_class(client, world, role):
    url = _format(TEACHER_PAGES["assignments"], world) + f"{world['assignment'].pk}/retirer/"
    response = _client_as(client, world, role).post(url)
    allowed = role in ("teacher", "admin")
    assert response.status_code == (302 if allowed or role == "anonymous" else 404)
    assert Assignment.objects.exists() != allowed
    if role == "anonymous":
        assert response["Location"].startswith("/connexion/")


@pytest.mark.parametrize(
    ("role", "status", "location"),
    [
        ("anonymous", 302, "/connexion/?next=/suivi/"),
        ("pupil", 200, None),
        ("other_pupil", 200, None),
        ("teacher", 302, "/suivi/classes/"),
        ("other_teacher", 302, "/suivi/classes/"),
        ("editor", 302, "/"),
        ("admin", 302, "/suivi/classes/"),
    ],
)
def test_pupil_dashboard_is_for_pupils_and_redirects_others(client, world, role, status, location):
    response = _client_as(client, world, role).get("/suivi/")
    assert response.status_code == status
    if location:
        assert response["Location"] == location


def test_pupil_dashboard_shows_only_the_pupils_own_class(client, world):
    html = _client_as(client, world, "pupil").get("/suivi/").content.decode()
    assert "Les institutions" in html
    client.logout()
    html = _client_as(client, world, "other_pupil").get("/suivi/").content.decode()
    assert "Les institutions" not in html and "Rien à faire pour l'instant" in html


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("pupil", 404),
        ("other_pupil", 404),
        ("teacher", 200),
        ("other_teacher", 200),
        ("editor", 404),
        ("admin", 200),
    ],
)
def test_classroom_list_is_for_teachers_and_admins(client, world, role, status):
    response = _client_as(client, world, role).get("/suivi/classes/")
    assert response.status_code == status


def test_classroom_list_shows_only_the_teachers_classes(client, world):
    classroom = world["classroom"]
    html = _client_as(client, world, "teacher").get("/suivi/classes/").content.decode()
    assert f"/suivi/classes/{classroom.pk}/" in html
    client.logout()
    html = _client_as(client, world, "other_teacher").get("/suivi/classes/").content.decode()
    assert f"/suivi/classes/{classroom.pk}/" not in html


def test_unknown_class_is_not_found_even_for_an_admin(client, world):
    response = _client_as(client, world, "admin").get("/suivi/classes/999999/")
    assert response.status_code == 404
