"""A lesson's teacher's guide (« Fiche enseignant ») and its ready-made question: for teachers,
editors and administrators only, never for a pupil or a visitor, and launched in two requests
into the teacher's own class only."""

import html

import pytest
from django.urls import reverse

from tests.school.factories import (
    admin_create,
    classroom_create,
    editor_create,
    pupil_create,
    school_create,
    teacher_create,
)

from .factories import (
    course_create,
    lesson_create,
    teacher_guide_create,
)

SECRET = "réponse secrète"


@pytest.fixture
def world(site_tree):
    lesson = lesson_create(course=course_create(parent=site_tree))
    guide = teacher_guide_create(lesson=lesson)
    teacher = teacher_create()
    classroom = classroom_create(teacher=teacher, name="2nde A")
    other_teacher = teacher_create(school=school_create())
    other_classroom = classroom_create(teacher=other_teacher, name="2nde B")
    users = {
        "pupil": pupil_create(classroom=classroom).user,
        "other_pupil": pupil_create(classroom=other_classroom).user,
        "teacher": teacher,
        "other_teacher": other_teacher,
        "editor": editor_create(),
        "admin": admin_create(),
    }
    return lesson, guide, classroom, other_classroom, users


def _client(client, users, role):
    if role != "anonymous":
        client.force_login(users[role])
    return client


@pytest.mark.parametrize(
    ("role", "reads"),
    [
        ("anonymous", False),
        ("pupil", False),
        ("other_pupil", False),
        ("teacher", True),
        ("other_teacher", True),  # a teacher of another school: the guide is not a class's
        ("editor", True),
        ("admin", True),
    ],
)
def test_guide_is_for_teachers_and_editors_only(client, world, role, reads):
    lesson, _guide, _classroom, _other, users = world
    client = _client(client, users, role)
    response = client.get(reverse("courses:teacher_guide", args=[lesson.pk]))
    if reads:
        page = html.unescape(response.content.decode())
        assert response.status_code == 200 and SECRET in page and "EMC 2nde" in page
    else:
        assert response.status_code in (302, 404)
        assert SECRET not in response.content.decode()
    lesson_page = html.unescape(client.get(lesson.url).content.decode())
    assert SECRET not in lesson_page
    assert ("data-teacher-tools" in lesson_page) is reads
    assert (reverse("courses:teacher_guide", args=[lesson.pk]) in lesson_page) is reads


def test_lesson_page_offers_the_launch_to_teachers_not_to_editors(client, world):
    lesson, _guide, _classroom, _other, users = world
    launch = reverse("content:ready_made_launch", args=[lesson.pk])
    assert launch in _client(client, users, "teacher").get(lesson.url).content.decode()
    client.logout()
    assert launch not in _client(client, users, "editor").get(lesson.url).content.decode()


def test_a_guide_of_an_unpublished_lesson_is_not_shown(client, world):
    lesson, _guide, _classroom, _other, users = world
    lesson.unpublish()
    response = _client(client, users, "teacher").get(
        reverse("courses:teacher_guide", args=[lesson.pk])
    )
    assert response.status_code == 404


def test_the_api_never_serves_the_guide(client, world):
    lesson, _guide, _classroom, _other, users = world
    _client(client, users, "pupil")
    response = client.get(f"/api/v2/pages/{lesson.pk}/")
    assert SECRET not in response.content.decode()


def test_a_teacher_account_no_school_accepted_cannot_read_the_guide(client, world):
    """Anyone can sign up as a teacher (a pupil after the corrections too): until a school
    accepts the account, the guide does not exist for it."""
    from tests.school.factories import user_create

    lesson, _guide, _classroom, _other, _users = world
    newcomer = user_create(role="teacher")
    client.force_login(newcomer)
    response = client.get(reverse("courses:teacher_guide", args=[lesson.pk]))
    assert response.status_code == 404 and SECRET not in response.content.decode()
    assert "data-teacher-tools" not in client.get(lesson.url).content.decode()


def test_editors_manage_guides_and_final_tests_in_the_admin(client, world):
    from django.contrib.auth.models import Group

    from school.models import User

    lesson, guide, _classroom, _other, _users = world
    editor = User.objects.create_user(username="redaction", password="x-secret-1", role="editor")
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    listing = client.get("/admin/snippets/courses/lessonteacherguide/")
    assert listing.status_code == 200 and lesson.title in listing.content.decode()
    edit = client.get(f"/admin/snippets/courses/lessonteacherguide/edit/{guide.pk}/")
    assert edit.status_code == 200 and "ready_made" in edit.content.decode()
    course = lesson.get_parent()
    form = client.get(f"/admin/pages/add/courses/finaltestpage/{course.pk}/")
    assert form.status_code == 200 and "Cas pratique" in form.content.decode()
    lesson_form = client.get(f"/admin/pages/{lesson.pk}/edit/").content.decode()
    # Block definitions travel as JSON (accents escaped): the choice's feedback field is there.
    assert "Pourquoi cette r" in lesson_form
