"""The REST API (school and courses) against every role: anonymous, a pupil, a pupil of another
class, the class's teacher, another teacher, an editor, an administrator."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from courses.models import Assignment, LessonPage
from courses.services import quiz_attempt_check_and_record
from school import services
from school.models import Classroom, PupilProfile, School, User
from school.selectors import school_year_current
from school.services import classroom_archive
from tests.api_errors import refusal_text
from tests.api_pages import api_results
from tests.courses.factories import course_create, lesson_create
from tests.courses.test_quiz import form_data, right_answers
from tests.school.factories import (
    PUPIL_SECRET,
    TEACHER_PASSWORD,
    admin_create,
    classroom_create,
    editor_create,
    pupil_create,
    school_create,
    teacher_create,
)

YEAR = school_year_current()
DUE = timezone.localdate() + timedelta(days=30)
ROLES = ["anonymous", "pupil", "other_pupil", "teacher", "other_teacher", "editor", "admin"]


@dataclass
class World:
    school: School
    other_school: School
    classroom: Classroom
    other_classroom: Classroom
    users: dict
    secrets: dict
    lesson: LessonPage
    other_lesson: LessonPage
    draft_lesson: LessonPage
    course: object
    assignment: Assignment
    other_assignment: Assignment
    token_key: str  # the first characters of one of the teacher's API tokens


def world_build(parent) -> World:
    school, other_school = school_create(), school_create()
    teacher = teacher_create(school=school)
    other_teacher = teacher_create(school=other_school)
    classroom = classroom_create(teacher=teacher, name="2nde A", school_year=YEAR)
    other_classroom = classroom_create(
        teacher=other_teacher, name="1re C", level="1re", school_year=YEAR
    )
    pupil = pupil_create(classroom=classroom, pseudonym="Renard-Bleu-27").user
    other_pupil = pupil_create(classroom=other_classroom, pseudonym="Loup-Vert-31").user
    editor, admin = editor_create(), admin_create()
    course = course_create(parent=parent, title="La Ve République")
    lesson = lesson_create(course=course, title="Le Président")
    other_lesson = lesson_create(course=course, title="Le Parlement")
    draft_lesson = lesson_create(course=course, title="Brouillon", live=False)
    assignment = Assignment.objects.create(classroom=classroom, course=course, assigned_by=teacher)
    other_assignment = Assignment.objects.create(
        classroom=other_classroom, lesson=other_lesson, assigned_by=other_teacher
    )
    users = {
        "anonymous": None,
        "pupil": pupil,
        "other_pupil": other_pupil,
        "teacher": teacher,
        "other_teacher": other_teacher,
        "editor": editor,
        "admin": admin,
    }
    secrets = dict.fromkeys(users, TEACHER_PASSWORD) | dict.fromkeys(
        ["pupil", "other_pupil"], PUPIL_SECRET
    )
    return World(
        school=school,
        other_school=other_school,
        classroom=classroom,
        other_classroom=other_classroom,
        users=users,
        secrets=secrets,
        lesson=lesson,
        other_lesson=other_lesson,
        draft_lesson=draft_lesson,
        course=course,
        assignment=assignment,
        other_assignment=other_assignment,
        token_key=AuthToken.objects.create(user=teacher)[0].token_key,
    )


@pytest.fixture
def world(site_tree) -> World:
    return world_build(site_tree)


def client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


def quiz_attempt_make(*, user, lesson: LessonPage, right: bool = True):
    """A real submission through the service: all right (3/3) or one wrong (2/3)."""
    quiz_id, quiz = next(iter(lesson.quiz_blocks().items()))
    answers = right_answers(quiz)
    if not right:
        true_false = list(answers)[2]
        answers[true_false] = ["false"]
    return quiz_attempt_check_and_record(
        user=user, lesson=lesson, quiz_id=quiz_id, data=form_data(lesson, answers)
    )


# ---------------------------------------------------------------------------------------------
# Every endpoint × every role. 401: not logged in; 403: a role that may never do this; 404: outside
# the user's scope; 400 for the other teacher's writes: a class of theirs does not exist for them.


def _token_body(world: World, role: str) -> dict:
    user = world.users[role]
    return {} if user is None else {"username": user.username, "password": world.secrets[role]}


BODIES = {
    "class": lambda w, role: {
        "school": w.school.pk,
        "name": f"Tle {role}",
        "level": "terminale",
        "school_year": YEAR,
    },
    "rename": lambda w, role: {"name": "Renommée"},
    "pupils": lambda w, role: {"count": 2},
    "assignment": lambda w, role: {"classroom": w.classroom.pk, "lesson": w.other_lesson.pk},
    # Each role posts its own credentials (anonymous: none).
    "login": _token_body,
    # Any logged-in user may post statements; an empty batch is refused whoever sends it.
    "xapi": lambda w, role: [],
}

# fmt: off
ENDPOINTS = [
    # method   path                                    body          anon pup oth tea oth edi adm
    ("get",    "/api/classes/",                        None,         "401 403 403 200 200 403 200"),
    ("post",   "/api/classes/",                        "class",      "401 403 403 201 400 403 201"),
    ("get",    "/api/classes/{classroom}/",            None,         "401 403 403 200 404 403 200"),
    ("patch",  "/api/classes/{classroom}/",            "rename",     "401 403 403 405 405 403 405"),
    ("get",    "/api/classes/{classroom}/pupils/",     None,         "401 403 403 200 404 403 200"),
    ("post",   "/api/classes/{classroom}/pupils/",     "pupils",     "401 403 403 201 404 403 201"),
    ("get",    "/api/assignments/",                    None,         "401 200 200 200 200 403 200"),
    ("post",   "/api/assignments/",                    "assignment", "401 403 403 201 400 403 201"),
    ("get",    "/api/assignments/{assignment}/",       None,         "401 200 404 200 404 403 200"),
    ("delete", "/api/assignments/{assignment}/",       None,         "401 403 403 204 404 403 204"),
    ("get",    "/api/progress/?classroom={classroom}", None,         "401 200 404 200 404 403 200"),
    ("get",    "/api/progress/",                       None,         "401 200 200 400 400 403 400"),
    ("post",   "/api/token/",                          "login",      "400 403 403 200 200 403 403"),
    ("post",   "/api/token/logout/",                   None,         "401 401 401 401 401 401 401"),
    ("get",    "/api/tokens/",                         None,         "401 403 403 200 200 403 403"),
    ("delete", "/api/tokens/{token}/",                 None,         "401 403 403 204 404 403 403"),
    ("post",   "/api/xapi/statements/",                "xapi",       "401 400 400 400 400 400 400"),
]
# fmt: on
CASES = [
    pytest.param(method, path, body, role, int(status), id=f"{method} {path} as {role}")
    for method, path, body, statuses in ENDPOINTS
    for role, status in zip(ROLES, statuses.split(), strict=True)
]


def test_access_table_covers_every_documented_operation():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    # The consultations, debates, national and elections open-data APIs have their own tables
    # (tests/classroom_votes/).
    own_tables = (
        "/api/consultations/",
        "/api/debates/",
        "/api/arguments/",
        "/api/national-questions/",
        "/api/elections/",
    )
    documented = {
        (method, path)
        for path, operations in schema["paths"].items()
        for method in operations
        if not path.startswith(own_tables)
    }
    tested = {
        (
            method,
            path.split("?")[0]
            .replace("{classroom}", "{id}")
            .replace("{assignment}", "{id}")
            .replace("{token}", "{key}"),
        )
        for method, path, _body, _statuses in ENDPOINTS
    }
    pupils = ("/api/classes/{id}/pupils/", "/api/classes/{classroom_id}/pupils/")
    tested = {(method, pupils[1] if path == pupils[0] else path) for method, path in tested}
    assert documented <= tested
    assert len(CASES) == len(ENDPOINTS) * len(ROLES)


@pytest.mark.parametrize(("method", "path", "body", "role", "status"), CASES)
def test_endpoint_status_for_role(world, method, path, body, role, status):
    client = client_for(None if path == "/api/token/" else world.users[role])
    url = path.format(
        classroom=world.classroom.pk, assignment=world.assignment.pk, token=world.token_key
    )
    kwargs = {"format": "json"}
    if body is not None:
        kwargs["data"] = BODIES[body](world, role)
    response = getattr(client, method)(url, **kwargs)
    assert response.status_code == status, response.content
    if status == 401:
        assert response["WWW-Authenticate"] == "Token"


# ---------------------------------------------------------------------------------------------
# What each role sees.


def test_teacher_lists_only_their_classes_and_admin_all(world):
    rows = api_results(client_for(world.users["teacher"]).get("/api/classes/"))
    assert [row["id"] for row in rows] == [world.classroom.pk]
    assert rows[0] == {
        "id": world.classroom.pk,
        "school": world.school.pk,
        "name": "2nde A",
        "level": "2nde",
        "school_year": YEAR,
        "join_code": world.classroom.join_code,
        "join_enabled": True,
        "join_closes_at": rows[0]["join_closes_at"],
        "join_open": True,
        "join_approval": False,
        "max_pupils": None,
        "pupils_limit": settings.HEMICYCLE_CLASS_MAX_PUPILS,
        "archived": False,
        "pupil_count": 1,
    }
    assert rows[0]["join_closes_at"]
    admin_rows = api_results(client_for(world.users["admin"]).get("/api/classes/"))
    assert {row["id"] for row in admin_rows} == {world.classroom.pk, world.other_classroom.pk}


def test_teacher_creates_a_class_in_their_school(world):
    response = client_for(world.users["teacher"]).post(
        "/api/classes/",
        {"school": world.school.pk, "name": " Tle B ", "level": "terminale", "school_year": YEAR},
        format="json",
    )
    assert response.status_code == 201
    created = Classroom.objects.get(pk=response.json()["id"])
    assert created.name == "Tle B" and list(created.teachers.all()) == [world.users["teacher"]]
    assert response.json()["pupil_count"] == 0 and len(response.json()["join_code"]) == 8


def test_bulk_pupils_returns_credentials_once(world):
    client = client_for(world.users["teacher"])
    response = client.post(f"/api/classes/{world.classroom.pk}/pupils/", {"count": 3})
    assert response.status_code == 201
    assert "no-store" in response["Cache-Control"]
    credentials = response.json()
    assert len(credentials) == 3
    assert {"id", "pseudonym", "join_code", "secret"} == set(credentials[0])
    listed = api_results(client.get(f"/api/classes/{world.classroom.pk}/pupils/"))
    assert len(listed) == 4
    assert all(set(row) == {"id", "pseudonym", "created_at"} for row in listed)
    user = User.objects.get(pk=credentials[0]["id"])
    assert user.check_password(credentials[0]["secret"]) and user.is_pupil


def test_pupil_sees_only_their_class_assignments(world):
    rows = api_results(client_for(world.users["pupil"]).get("/api/assignments/"))
    assert [row["id"] for row in rows] == [world.assignment.pk]
    assert rows[0]["title"] == "La Ve République" and rows[0]["course"] == world.course.pk
    teacher_rows = api_results(client_for(world.users["other_teacher"]).get("/api/assignments/"))
    assert [row["id"] for row in teacher_rows] == [world.other_assignment.pk]


def test_assignment_list_filters_by_classroom(world):
    client = client_for(world.users["admin"])
    rows = api_results(client.get(f"/api/assignments/?classroom={world.other_classroom.pk}"))
    assert [row["id"] for row in rows] == [world.other_assignment.pk]
    assert client.get("/api/assignments/?classroom=x").status_code == 400


def test_teacher_assigns_a_lesson_to_their_class(world):
    response = client_for(world.users["teacher"]).post(
        "/api/assignments/",
        {
            "classroom": world.classroom.pk,
            "lesson": world.other_lesson.pk,
            "due_date": DUE.isoformat(),
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assignment = Assignment.objects.get(pk=response.json()["id"])
    assert assignment.assigned_by == world.users["teacher"]
    assert assignment.due_date == DUE and assignment.lesson_id == world.other_lesson.pk


# ---------------------------------------------------------------------------------------------
# Token authentication.


def test_teacher_gets_a_token_and_uses_it(world):
    teacher = world.users["teacher"]
    login = {"username": teacher.username, "password": TEACHER_PASSWORD}
    response = APIClient().post("/api/token/", login, format="json")
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    key = response.json()["token"]
    # Only a digest is kept; the token's first characters find it.
    stored = AuthToken.objects.get(user=teacher, token_key=key[:15])
    assert key not in stored.digest
    again = APIClient().post(
        "/api/token/", {"username": teacher.username, "password": TEACHER_PASSWORD}
    )
    assert again.json()["token"] != key
    assert AuthToken.objects.filter(user=teacher).count() == 3  # with the world's own
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    rows = api_results(client.get("/api/classes/"))
    assert [row["id"] for row in rows] == [world.classroom.pk]
    assert client.get(f"/api/classes/{world.other_classroom.pk}/").status_code == 404


@pytest.mark.parametrize("role", ["pupil", "editor", "admin"])
def test_token_is_refused_to_other_roles(world, role):
    user = world.users[role]
    response = APIClient().post(
        "/api/token/", {"username": user.username, "password": world.secrets[role]}, format="json"
    )
    assert response.status_code == 403
    assert "enseignants" in response.json()["detail"]
    assert not AuthToken.objects.filter(user=user).exists()


def test_bad_credentials_and_bad_token(world):
    username = world.users["teacher"].username
    response = APIClient().post(
        "/api/token/", {"username": username, "password": "faux"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "code": services.CREDENTIALS_INVALID,
        "detail": "Identifiant ou mot de passe incorrect.",
    }
    missing = APIClient().post("/api/token/", {}, format="json")
    assert missing.status_code == 400 and set(missing.json()["fields"]) == {"username", "password"}
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token nope")
    assert client.get("/api/classes/").status_code == 401
    assert AuthToken.objects.count() == 1  # the world's own


def test_failed_token_requests_lock_the_account_out(world, settings):
    settings.AXES_FAILURE_LIMIT = 2
    client, username = APIClient(), world.users["teacher"].username
    for _attempt in range(2):
        client.post("/api/token/", {"username": username, "password": "faux"}, format="json")
    response = client.post(
        "/api/token/", {"username": username, "password": TEACHER_PASSWORD}, format="json"
    )
    assert response.status_code == 429
    assert response.json() == {
        "code": services.LOCKED_OUT,
        "detail": "Trop de tentatives de connexion : réessayez dans quelques minutes.",
    }
    assert AuthToken.objects.count() == 1  # the world's own


# ---------------------------------------------------------------------------------------------
# Bad input: 400, a clear message, nothing stored.


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"name": "X", "level": "2nde", "school_year": YEAR}, "school", "requis"),
        ({"school": "other", "name": "X", "level": "2nde", "school_year": YEAR}, "school", "n'"),
        ({"school": "own", "name": "", "level": "2nde", "school_year": YEAR}, "name", "vide"),
        ({"school": "own", "name": "X", "level": "6e", "school_year": YEAR}, "level", "valide"),
        (
            {"school": "own", "name": "X", "level": "2nde", "school_year": 26},
            "school_year",
            str(YEAR),
        ),
        (
            {"school": "own", "name": "X", "level": "2nde", "school_year": YEAR - 3},
            "school_year",
            "en cours",
        ),
        (
            {"school": "own", "name": "2NDE A", "level": "2nde", "school_year": YEAR},
            "name",
            "déjà une classe de ce nom",
        ),
    ],
)
def test_class_creation_rejects_bad_input(world, body, field, message):
    schools = {"own": world.school.pk, "other": world.other_school.pk}
    if body.get("school") in schools:
        body = body | {"school": schools[body["school"]]}
    before = Classroom.objects.count()
    response = client_for(world.users["teacher"]).post("/api/classes/", body, format="json")
    assert response.status_code == 400
    assert message in refusal_text(response.json(), field)
    assert Classroom.objects.count() == before


@pytest.mark.parametrize("count", [0, -1, 41, "douze", None])
def test_bulk_pupils_rejects_bad_counts(world, count):
    before = PupilProfile.objects.count()
    response = client_for(world.users["teacher"]).post(
        f"/api/classes/{world.classroom.pk}/pupils/", {"count": count}, format="json"
    )
    assert response.status_code == 400 and "count" in response.json()["fields"]
    assert PupilProfile.objects.count() == before


def test_bulk_pupils_refused_in_an_archived_class(world):
    classroom_archive(classroom=world.classroom)
    before = PupilProfile.objects.count()
    response = client_for(world.users["teacher"]).post(
        f"/api/classes/{world.classroom.pk}/pupils/", {"count": 2}, format="json"
    )
    assert response.status_code == 409
    assert response.json() == {
        "code": services.CLASSROOM_ARCHIVED,
        "detail": "Cette classe est archivée.",
    }
    assert PupilProfile.objects.count() == before


@pytest.mark.parametrize(
    ("case", "status", "field", "message"),
    [
        # Input the serializer refuses, field by field...
        ("unknown_lesson", 400, "lesson", "existe pas"),
        ("other_class", 400, "classroom", "Classe introuvable"),
        ("unknown_class", 400, "classroom", "Classe introuvable"),
        ("bad_date", 400, "due_date", "format"),
        # ...and what the service refuses, with its code and the status of its kind.
        ("both", 400, None, "soit un cours entier, soit une seule leçon"),
        ("neither", 400, None, "Choisissez un cours ou une leçon"),
        ("duplicate", 409, None, "déjà donné"),
        ("draft", 400, None, "n'est pas publié"),
        ("past_date", 400, None, "déjà passée"),
        ("archived", 409, None, "archivée"),
    ],
)
def test_assignment_creation_rejects_bad_input(world, case, status, field, message):
    body = {"classroom": world.classroom.pk, "lesson": world.other_lesson.pk}
    body |= {
        "both": {"course": world.course.pk},
        "neither": {"lesson": None},
        "duplicate": {"lesson": None, "course": world.course.pk},
        "draft": {"lesson": world.draft_lesson.pk},
        "unknown_lesson": {"lesson": 999_999},
        "other_class": {"classroom": world.other_classroom.pk},
        "unknown_class": {"classroom": 999_999},
        "bad_date": {"due_date": "18/12/2026"},
        "past_date": {"due_date": (timezone.localdate() - timedelta(days=1)).isoformat()},
        "archived": {},
    }[case]
    if case == "archived":
        classroom_archive(classroom=world.classroom)
    before = Assignment.objects.count()
    response = client_for(world.users["teacher"]).post("/api/assignments/", body, format="json")
    assert response.status_code == status
    assert message in refusal_text(response.json(), field), response.json()
    assert Assignment.objects.count() == before


# ---------------------------------------------------------------------------------------------
# OpenAPI schema.


def test_schema_lists_every_endpoint(client, db):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = set(response.json()["paths"])
    assert paths == {
        "/api/classes/",
        "/api/classes/{id}/",
        "/api/classes/{classroom_id}/pupils/",
        "/api/assignments/",
        "/api/assignments/{id}/",
        "/api/progress/",
        "/api/token/",
        "/api/token/logout/",
        "/api/tokens/",
        "/api/tokens/{key}/",
        "/api/xapi/statements/",
        "/api/consultations/",
        "/api/consultations/{id}/",
        "/api/consultations/{id}/open/",
        "/api/consultations/{id}/close/",
        "/api/consultations/{id}/ballot/",
        "/api/consultations/{id}/participation/",
        "/api/consultations/{id}/results/",
        "/api/consultations/{id}/second-round/",
        "/api/debates/",
        "/api/debates/{id}/",
        "/api/debates/{id}/close/",
        "/api/debates/{id}/reopen/",
        "/api/debates/{id}/archive/",
        "/api/debates/{id}/tree/",
        "/api/debates/{id}/columns/",
        "/api/debates/{id}/summary/",
        "/api/debates/{id}/moderation/",
        "/api/debates/{id}/log/",
        "/api/debates/{id}/blocks/",
        "/api/debates/{id}/blocks/{user_pk}/",
        "/api/debates/{id}/arguments/",
        "/api/arguments/{id}/withdraw/",
        "/api/arguments/{id}/convincing/",
        "/api/arguments/{id}/report/",
        "/api/arguments/{id}/approve/",
        "/api/arguments/{id}/reject/",
        "/api/arguments/{id}/hide/",
        "/api/arguments/{id}/restore/",
        "/api/arguments/{id}/dismiss-reports/",
        "/api/national-questions/",
        "/api/national-questions/{id}/results/",
        "/api/elections/",
        "/api/elections/{id}/",
    }


def test_schema_generates_without_warnings(tmp_path, db):
    call_command("spectacular", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
    assert "/api/progress/" in (tmp_path / "schema.yml").read_text()
