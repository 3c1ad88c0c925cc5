"""One error body for the whole API (config.api_errors, config.middleware): every operation of
the OpenAPI schema is walked, and for each one an unknown id, a refused role, a malformed body
and a body nested too deeply are sent. Every refusal must answer `{"code", "detail", ...}` with
a stable code and a French message, with the status of its kind, and never a 500."""

import json
import re

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st
from knox.models import AuthToken
from rest_framework.test import APIClient

from config.middleware import json_depth
from courses.models import Assignment
from school import errors
from tests.classroom_votes.debate_factories import debate_create, published
from tests.classroom_votes.elections.factories import election_create
from tests.classroom_votes.factories import consultation_create, national_question_create
from tests.courses.factories import course_create
from tests.school.factories import (
    admin_create,
    classroom_create,
    editor_create,
    pupil_create,
    teacher_create,
)

pytestmark = pytest.mark.django_db

UNKNOWN_ID = 987_654_321
BODY_METHODS = {"post", "put", "patch", "delete"}
# Written by hand: the operations anonymous visitors may use (open data: aggregates only), and
# those an editor (no class, no pupil) may use; every other operation of the project's API is
# refused to them (API tokens too: they are the teachers').
OPEN_DATA = {
    ("get", "/api/national-questions/"),
    ("get", "/api/national-questions/{id}/results/"),
    ("get", "/api/elections/"),
    ("get", "/api/elections/{id}/"),
}
PUBLIC = {("post", "/api/token/"), *OPEN_DATA}
OPEN_TO_EDITORS = {("post", "/api/xapi/statements/"), ("post", "/api/token/"), *OPEN_DATA}
# Words a French sentence of ours contains; DRF's English defaults contain none of them.
FRENCH = re.compile(
    r"\b(le|la|les|l|de|des|du|d|un|une|ce|cette|est|n|pas|à|au|aux|vous|tu|ta|ton|en|rien|"
    r"ou|et|ici|plus|trop)\b",
    re.IGNORECASE,
)


def assert_refusal(response, *statuses: int) -> dict:
    """The one error body, with a stable code and a French message, and one of `statuses`."""
    assert response.status_code in statuses, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert isinstance(body, dict) and {"code", "detail"} <= set(body), body
    assert re.fullmatch(r"[a-z0-9_]+", body["code"]), body
    assert body["detail"] and FRENCH.search(body["detail"]), body
    return body


@pytest.fixture
def world(site_tree):
    teacher = teacher_create()
    classroom = classroom_create(teacher=teacher, name="2nde A")
    pupil = pupil_create(classroom=classroom, pseudonym="Renard-Bleu-27")
    consultation = consultation_create(owner=teacher, classrooms=[classroom])
    debate = debate_create(owner=teacher, classrooms=[classroom], premoderation=False)
    argument = published(author=pupil.user, debate=debate, side="pour")
    course = course_create(parent=site_tree)
    assignment = Assignment.objects.create(classroom=classroom, course=course, assigned_by=teacher)
    ids = {
        "elections": election_create().pk,
        "consultations": consultation.pk,
        "debates": debate.pk,
        "arguments": argument.pk,
        "classes": classroom.pk,
        "assignments": assignment.pk,
        "user_pk": pupil.user_id,
        "national-questions": national_question_create().pk,
        "key": AuthToken.objects.create(user=teacher)[0].token_key,  # /api/tokens/{key}/
    }
    users = {
        "admin": admin_create(),
        "teacher": teacher,
        "pupil": pupil.user,
        "editor": editor_create(),
    }
    return ids, users


def _operations():
    client = Client()
    schema = client.get("/api/schema/", {"format": "json"}).json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                yield path, method, operation


def _path(path: str, ids: dict | None) -> str:
    """`path` with its parameters: the world's objects, or an id that matches nothing."""

    def value(match):
        name = match.group(1)
        if ids is None:
            return str(UNKNOWN_ID)
        if name in ("id", "classroom_id"):
            return str(ids[path.split("/")[2]])
        return str(ids[name])

    return re.sub(r"\{(\w+)\}", value, path)


def _client(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def _send(client, method, path, body, content_type="application/json"):
    return getattr(client, method)(path, data=body, content_type=content_type)


def test_the_schema_walk_covers_every_api(world):
    paths = {path for path, _method, _operation in _operations()}
    prefixes = {path.split("/")[2] for path in paths}
    assert prefixes >= {"consultations", "debates", "arguments", "classes", "assignments"}
    assert prefixes >= {"progress", "xapi", "token", "tokens"}


def test_every_operation_documents_the_one_error_body(world):
    for path, method, operation in _operations():
        for status in ("400", "401", "403", "404"):
            content = operation["responses"][status]["content"]["application/json"]
            assert content["schema"] == {"$ref": "#/components/schemas/Error"}, (path, method)


def test_unknown_ids_answer_404_with_the_error_body(world):
    """Some role that may use the operation gets 404; a role that may not may get its 403
    first (a teacher casting a ballot), never anything but the error body."""
    _ids, users = world
    for path, method, _operation in _operations():
        if "{" not in path:
            continue
        statuses = set()
        for role in ("admin", "teacher", "pupil"):
            body = "{}" if method in BODY_METHODS else None
            response = _send(_client(users[role]), method, _path(path, None), body)
            assert_refusal(response, 403, 404)
            statuses.add(response.status_code)
        assert 404 in statuses, (path, method)


def test_refused_roles_answer_401_or_403_with_the_error_body(world):
    ids, users = world
    for path, method, _operation in _operations():
        url = _path(path, ids)
        body = "{}" if method in BODY_METHODS else None
        if (method, path) not in PUBLIC:
            body_401 = assert_refusal(_send(_client(), method, url, body), 401)
            assert body_401["code"] == errors.NOT_AUTHENTICATED
        if (method, path) not in OPEN_TO_EDITORS:
            assert_refusal(_send(_client(users["editor"]), method, url, body), 403)


def test_malformed_bodies_answer_400_with_the_error_body(world):
    """For every operation that reads a body, some role that may use it gets 400 for an
    unreadable one, and nobody gets anything but the error body."""
    ids, users = world
    for path, method, operation in _operations():
        if "requestBody" not in operation:
            continue
        codes = set()
        for role in ("admin", "teacher", "pupil"):
            response = _send(_client(users[role]), method, _path(path, ids), "{pas du json")
            codes.add(assert_refusal(response, 400, 403, 404)["code"])
        assert codes & {errors.BODY_MALFORMED, "ballot_malformed"}, (path, method, codes)


def test_deeply_nested_json_answers_400_everywhere(world):
    ids, users = world
    # Deeper than any parser takes (Python's stops near 1,000), smaller than any size limit.
    deep = "[" * 5000 + "]" * 5000
    for path, method, _operation in _operations():
        if method not in BODY_METHODS:
            continue
        for user in (None, users["admin"], users["pupil"]):
            response = _send(_client(user), method, _path(path, ids), deep)
            assert assert_refusal(response, 400)["code"] == errors.BODY_TOO_DEEP, (path, method)


def test_a_body_over_the_limit_answers_413_before_anything_reads_it(world, settings):
    ids, users = world
    settings.HEMICYCLE_API_MAX_BODY_BYTES = 1000
    big = json.dumps({"text": "x" * 2000})
    for path, method, _operation in _operations():
        if method not in BODY_METHODS:
            continue
        limit = 1000
        if path == "/api/xapi/statements/":
            settings.HEMICYCLE_XAPI_MAX_BODY_BYTES = limit
        if path.endswith("/ballot/"):
            big_enough = json.dumps({"content": {"choice": "x" * 20_000}})
        else:
            big_enough = big
        response = _send(_client(), method, _path(path, ids), big_enough)
        assert assert_refusal(response, 413)["code"] == errors.BODY_TOO_LARGE, (path, method)


def test_a_method_a_route_does_not_take_answers_405_with_the_error_body(world):
    _ids, users = world
    response = _send(_client(users["teacher"]), "put", "/api/consultations/", "{}")
    assert assert_refusal(response, 405)["code"] == errors.METHOD_NOT_ALLOWED


def test_another_media_type_answers_415_with_the_error_body(world):
    ids, users = world
    response = _send(
        _client(users["teacher"]),
        "post",
        "/api/debates/",
        "<debate/>",
        content_type="application/xml",
    )
    assert assert_refusal(response, 415)["code"] == errors.MEDIA_TYPE_UNSUPPORTED


def test_throttling_answers_429_with_retry_after(world, monkeypatch):
    from rest_framework.throttling import AnonRateThrottle

    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "1/min"})
    client = APIClient(REMOTE_ADDR="203.0.113.9")  # an address of its own: its own count
    try:
        client.post("/api/token/", {}, format="json")
        response = client.post("/api/token/", {}, format="json")
    finally:
        AnonRateThrottle.cache.delete("throttle_anon_203.0.113.9")
    body = assert_refusal(response, 429)
    assert body["code"] == errors.THROTTLED and int(response["Retry-After"]) >= 1


# --- The depth of a JSON body, read without parsing it ----------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(alphabet='[]{}"\\ab,:é'),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(alphabet='[]{}"\\ab'), children, max_size=4)
    ),
    max_leaves=30,
)


def _depth(value) -> int:
    if isinstance(value, list):
        return 1 + max((_depth(item) for item in value), default=0)
    if isinstance(value, dict):
        return 1 + max((_depth(item) for item in value.values()), default=0)
    return 0


@given(json_values)
def test_json_depth_is_the_nesting_of_the_document(value):
    for text in (json.dumps(value), json.dumps(value, ensure_ascii=False, indent=1)):
        assert json_depth(text.encode()) == _depth(value)


def test_json_depth_ignores_brackets_in_strings_and_counts_unterminated_ones():
    assert json_depth(b'{"a": "[[[{{{", "b": ["\\"[[["]}') == 2
    assert json_depth(b'"[[[[') == 4  # not a string: malformed, and counted
    assert json_depth(b"") == 0
