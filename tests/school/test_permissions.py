"""Every page of the school app against every role. Anonymous visitors are redirected to the login
page; signed-in users without the role get 403; another teacher's class or pupil is a 404."""

import pytest
from django.urls import reverse

from school.models import Classroom, PupilProfile

ROLES = ["anonymous", "pupil", "other_pupil", "teacher", "other_teacher", "editor", "admin"]
LOGIN = "login"

TEACHER_AREA = {
    "anonymous": LOGIN,
    "pupil": 403,
    "other_pupil": 403,
    "teacher": 200,
    "other_teacher": 200,
    "editor": 403,
    "admin": 200,
}
TEACHER_OBJECT = {**TEACHER_AREA, "other_teacher": 404}
PUPIL_AREA = {
    "anonymous": LOGIN,
    "pupil": 200,
    "other_pupil": 200,
    "teacher": 403,
    "other_teacher": 403,
    "editor": 403,
    "admin": 403,
}
PUBLIC = dict.fromkeys(ROLES, 200)


def _class_args(cast):
    return [cast.classroom.pk]


def _pupil_args(cast):
    return [cast.classroom.pk, cast.pupil.user_id]


# (url name, method, args, expected by role)
PAGES = [
    ("teacher_signup", "get", None, PUBLIC),
    ("pupil_join", "get", None, PUBLIC),
    ("pupil_login", "get", None, PUBLIC),
    ("classroom_list", "get", None, TEACHER_AREA),
    ("classroom_create", "get", None, TEACHER_AREA),
    ("classroom_detail", "get", _class_args, TEACHER_OBJECT),
    ("classroom_archive", "get", _class_args, TEACHER_OBJECT),
    ("pupils_bulk_create", "get", _class_args, TEACHER_OBJECT),
    ("pupil_move", "get", _pupil_args, TEACHER_OBJECT),
    ("pupil_delete", "get", _pupil_args, TEACHER_OBJECT),
    ("classroom_code", "post", _class_args, {**TEACHER_OBJECT, "teacher": 302, "admin": 302}),
    ("classroom_code", "get", _class_args, {**TEACHER_OBJECT, "teacher": 405, "admin": 405}),
    ("classroom_join_set", "post", _class_args, {**TEACHER_OBJECT, "teacher": 302, "admin": 302}),
    ("pupil_secret_reset", "post", _pupil_args, TEACHER_OBJECT),
    ("pupil_secret_reset", "get", _pupil_args, {**TEACHER_OBJECT, "teacher": 405, "admin": 405}),
    ("privacy", "get", None, PUPIL_AREA),
    ("privacy_export", "get", None, PUPIL_AREA),
]


@pytest.mark.parametrize(
    ("name", "method", "args", "expected"),
    PAGES,
    ids=[f"{name}-{method}" for name, method, _a, _e in PAGES],
)
@pytest.mark.parametrize("role", ROLES)
def test_page_access_for_role(client, cast, name, method, args, expected, role):
    user = cast.user(role)
    if user is not None:
        client.force_login(user)
    url = reverse(f"school:{name}", args=args(cast) if args else None)
    response = getattr(client, method)(url)
    if expected[role] == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(f"{reverse('login')}?next=")
    else:
        assert response.status_code == expected[role]


@pytest.mark.parametrize("role", ["anonymous", "pupil", "other_pupil", "other_teacher", "editor"])
def test_mutations_refused_for_role_change_nothing(client, cast, role):
    user = cast.user(role)
    if user is not None:
        client.force_login(user)
    classroom, pupil = cast.classroom, cast.pupil
    target = Classroom.objects.create(
        school=classroom.school, name="2nde 9", level="2nde", school_year=2026, join_code="TGT234"
    )
    posts = [
        ("classroom_code", [classroom.pk], {}),
        ("classroom_join_set", [classroom.pk], {"enabled": "0"}),
        ("classroom_archive", [classroom.pk], {}),
        ("pupils_bulk_create", [classroom.pk], {"count": 5}),
        ("pupil_secret_reset", [classroom.pk, pupil.user_id], {}),
        ("pupil_move", [classroom.pk, pupil.user_id], {"classroom": target.pk}),
        ("pupil_delete", [classroom.pk, pupil.user_id], {}),
        ("classroom_create", None, {"school": classroom.school.pk, "name": "X", "level": "3e"}),
    ]
    password = pupil.user.password
    for name, args, data in posts:
        response = client.post(reverse(f"school:{name}", args=args), data)
        allowed = (302, 403, 404)
        if name == "classroom_create" and role == "other_teacher":
            allowed = (200,)  # their own page, but the school is not among its choices
        assert response.status_code in allowed, name
        if response.status_code == 302:
            assert role == "anonymous"
    classroom.refresh_from_db()
    pupil.refresh_from_db()
    pupil.user.refresh_from_db()
    assert (classroom.join_code, classroom.join_enabled, classroom.archived_at) == (
        cast.classroom.join_code,
        True,
        None,
    )
    assert pupil.classroom_id == classroom.pk
    assert pupil.user.password == password
    assert PupilProfile.objects.filter(classroom=classroom).count() == 1
    assert not Classroom.objects.filter(name="X").exists()


@pytest.mark.parametrize(
    ("role", "destination"),
    [
        ("teacher", "/mon-espace/enseignant/"),
        ("admin", "/mon-espace/enseignant/"),
        ("pupil", "/mon-espace/eleve/"),
        ("editor", "/admin/"),
    ],
)
def test_account_home_redirects_by_role(client, cast, role, destination):
    client.force_login(cast.user(role))
    assert client.get(reverse("school:account_home"))["Location"] == destination


def test_account_home_sends_anonymous_to_login(client, db):
    response = client.get(reverse("school:account_home"))
    assert response["Location"].startswith(f"{reverse('login')}?next=")
