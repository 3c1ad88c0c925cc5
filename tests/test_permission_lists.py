"""What class A's users get never holds class B's rows: every page and endpoint of the
permission matrix, read by class A's pupil, class A's teacher (with a session and with a
token), an editor and an anonymous visitor, plain and with every filter of the project set to
class B's ids (?classroom=, ?classe=, ?consultation=, ?debate=, ?pupil=, ?lesson=...). No
response may name class B, its join code, pupil B's pseudonym, B's consultation, debate or
argument; and the list endpoints' ids must not include B's objects.

The world and the markers are tests/test_permission_ids.py's."""

import pytest
from django.urls import reverse

from tests.api_pages import api_results
from tests.school.account_flows import api_client_with_token
from tests.test_permission_ids import b_markers_in, client_for, id_world_build
from tests.test_permission_matrix import _url_names

A_ROLES = ["anonymous", "pupil", "teacher", "editor"]


@pytest.fixture
def ids(site_tree):
    return id_world_build(site_tree)


def _foreign_filters(x) -> dict:
    """Every filter name the project reads, each set to one of class B's ids."""
    return {
        "classroom": x.b.pk,
        "classe": x.b.pk,
        "consultation": x.b_consultation.pk,
        "debate": x.b_debate.pk,
        "argument": x.b_argument.pk,
        "pupil": x.w.other_pupil.user_id,
        "user": x.w.other_pupil.user_id,
        "school": x.b_school.pk,
        "assignment": x.b_assignment.pk,
        "archived": "true",
    }


def _client(ids, role, *, api_token=False):
    if api_token:
        return api_client_with_token(ids.w.users[role])
    return client_for(ids.w.users[role], api=False)


def _walk(client, ids, *, names=None) -> list[str]:
    """GET every URL of the matrix with class A's kwargs, plain and with B's filters: where a
    marker of class B shows."""
    leaks = []
    filters = _foreign_filters(ids)
    for name, kwarg_names in _url_names():
        if names is not None and name not in names:
            continue
        url = reverse(name, kwargs=ids.w.kwargs_for(name, kwarg_names))
        for params in ({}, filters):
            response = client.get(url, params)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            found = b_markers_in(body.decode(errors="replace"), ids)
            if found:
                leaks.append(f"GET {url} {params or ''} ({name}, {response.status_code}): {found}")
    return leaks


@pytest.mark.parametrize("role", A_ROLES)
def test_class_a_users_never_get_class_b_rows(ids, role):
    leaks = _walk(_client(ids, role), ids)
    assert not leaks, "\n".join(leaks)


def test_class_a_teacher_with_a_token_never_gets_class_b_rows(ids):
    api = {name for name, _kwargs in _url_names() if "_api:" in name}
    leaks = _walk(_client(ids, "teacher", api_token=True), ids, names=api)
    assert not leaks, "\n".join(leaks)


# List endpoints: ids, not only words.
LISTS = {
    "school_api:classroom-list": lambda x: x.b.pk,
    "courses_api:assignment-list": lambda x: x.b_assignment.pk,
    "classroom_votes_api:consultation-list": lambda x: x.b_consultation.pk,
    "classroom_votes_api:debate-list": lambda x: x.b_debate.pk,
}


@pytest.mark.parametrize("role", ["pupil", "teacher"])
@pytest.mark.parametrize("name", sorted(LISTS))
def test_list_endpoints_hold_no_id_of_class_b(ids, name, role):
    client = client_for(ids.w.users[role], api=True)
    url = reverse(name)
    for params in ({}, _foreign_filters(ids), {"classroom": ids.b.pk}):
        response = client.get(url, params)
        if response.status_code != 200:
            assert response.status_code in (400, 403, 404), (params, response.status_code)
            continue
        rows = api_results(response)
        assert LISTS[name](ids) not in {row["id"] for row in rows}, (params, rows)


def test_the_lists_do_show_b_to_b(ids):
    """The control: teacher B gets B's rows from the same endpoints, so the checks above look
    where B's rows would be."""
    client = client_for(ids.w.users["other_teacher"], api=True)
    for name, b_id in LISTS.items():
        params = {"classroom": ids.b.pk} if name == "courses_api:assignment-list" else {}
        rows = api_results(client.get(reverse(name), params))
        assert b_id(ids) in {row["id"] for row in rows}, name
    page = client_for(ids.w.users["other_teacher"], api=False).get(
        reverse("classroom_votes:debate_list")
    )
    assert b_markers_in(page.content.decode(), ids)
