"""What the consultations' and the debates' tests share: the seven roles they are checked
against and the people behind them, clients logged in as them, the access tables' cases and the
operations the OpenAPI schema documents, the pages' URLs, and the keys of a JSON body."""

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from school.models import Classroom, User
from tests.school import factories as school

ROLES = ["anonymous", "pupil", "other_pupil", "teacher", "other_teacher", "editor", "admin"]
PSEUDONYM = "Renard-Bleu-27"  # the pupil's
OTHER_PSEUDONYM = "Loup-Vert-31"  # the other pupil's


def roles_cast(*, teacher: User) -> tuple[Classroom, Classroom, dict[str, User | None]]:
    """Class A ("2nde A") of `teacher`, with the pupil; class B ("1re C") of the other teacher,
    of another school, with the other pupil; an editor and an administrator. Returns the two
    classes and each role's user (None for anonymous)."""
    other_teacher = school.teacher_create(school=school.school_create())
    classroom = school.classroom_create(teacher=teacher, name="2nde A")
    other_classroom = school.classroom_create(teacher=other_teacher, name="1re C")
    pupil = school.pupil_create(classroom=classroom, pseudonym=PSEUDONYM)
    other_pupil = school.pupil_create(classroom=other_classroom, pseudonym=OTHER_PSEUDONYM)
    users = {
        "anonymous": None,
        "pupil": pupil.user,
        "other_pupil": other_pupil.user,
        "teacher": teacher,
        "other_teacher": other_teacher,
        "editor": school.editor_create(),
        "admin": school.admin_create(),
    }
    return classroom, other_classroom, users


def role_cases(endpoints) -> list:
    """One case per row of an access table and role: (method, path, body, role, status), from
    rows (method, path, body, the seven statuses in the order of ROLES)."""
    return [
        pytest.param(method, path, body, role, int(status), id=f"{method} {path} as {role}")
        for method, path, body, statuses in endpoints
        for role, status in zip(ROLES, statuses.split(), strict=True)
    ]


def documented_operations(*prefixes: str) -> set[tuple[str, str]]:
    """(method, path) of every operation the OpenAPI schema documents under these prefixes."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {
        (method, path)
        for path, operations in schema["paths"].items()
        for method in operations
        if path.startswith(prefixes)
    }


def client_for(user: User | None) -> APIClient:
    """An API client, logged in as `user` unless None."""
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


def page_client_for(user: User) -> Client:
    """A browser without JavaScript, logged in as `user`."""
    client = Client()
    client.force_login(user)
    return client


def page_url(name: str, target, **kwargs) -> str:
    """The URL of page `name` of the consultation or debate `target`."""
    return reverse(f"classroom_votes:{name}", kwargs={"pk": target.pk, **kwargs})


def json_keys(value) -> set[str]:
    """Every key of a JSON body, at any depth: what a response must never name."""
    if isinstance(value, dict):
        return set(value) | {key for item in value.values() for key in json_keys(item)}
    if isinstance(value, list):
        return {key for item in value for key in json_keys(item)}
    return set()
