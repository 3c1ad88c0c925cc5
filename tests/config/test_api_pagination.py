"""Every list the API answers is paginated: a page of at most HEMICYCLE_API_PAGE_SIZE items
with the total count and links to the next and previous pages, so that what one request costs
does not grow with the class, the school or the country.

The walk covers every GET route of the project's API namespaces (the permission matrix's URL list
and world), as a pupil, a teacher and an administrator: no JSON answer may be a bare list. Lists
inside a detail (a consultation's options, an election's candidates, a debate's columns) are
bounded by the object itself and stay whole."""

import pytest
from django.urls import reverse

from tests.test_permission_matrix import _allowed, _client, _url_names, world_build

pytestmark = pytest.mark.django_db

API_NAMESPACES = ("school_api", "courses_api", "classroom_votes_api")


@pytest.fixture
def world(site_tree):
    return world_build(site_tree)


def _bare_lists(body) -> list[str]:
    if isinstance(body, list):
        return ["(top level)"]
    return []


@pytest.mark.parametrize("role", ["pupil", "teacher", "admin"])
def test_no_api_list_is_answered_whole(world, role):
    client = _client(world, role)
    bare = []
    for name, kwarg_names in _url_names():
        if name.split(":")[0] not in API_NAMESPACES or not _allowed(name, role):
            continue
        url = reverse(name, kwargs=world.kwargs_for(name, kwarg_names))
        response = client.get(url)
        if response.status_code != 200 or "json" not in response.get("Content-Type", ""):
            continue
        for where in _bare_lists(response.json()):
            bare.append(f"{url} ({name}): {where}")
    assert not bare, "\n".join(bare)


def test_a_page_holds_at_most_the_page_size_and_links_to_the_next(settings):
    from tests.school.account_flows import api_client_with_token
    from tests.school.factories import classroom_create, pupil_create, teacher_create

    settings.HEMICYCLE_API_PAGE_SIZE = 2
    settings.HEMICYCLE_API_PAGE_SIZE_MAX = 3
    teacher = teacher_create()
    classroom = classroom_create(teacher=teacher)
    for _ in range(5):
        pupil_create(classroom=classroom)
    client = api_client_with_token(teacher)
    url = f"/api/classes/{classroom.pk}/pupils/"

    first = client.get(url).json()
    assert first["count"] == 5 and len(first["results"]) == 2
    assert first["previous"] is None and first["next"].endswith("?page=2")
    last = client.get(url, {"page": 3}).json()
    assert len(last["results"]) == 1 and last["next"] is None
    seen = {
        row["id"] for page in (1, 2, 3) for row in client.get(url, {"page": page}).json()["results"]
    }
    assert len(seen) == 5
    # ?page_size= is honoured up to the maximum, never beyond.
    assert len(client.get(url, {"page_size": 50}).json()["results"]) == 3

    missing = client.get(url, {"page": 9})
    assert missing.status_code == 404
    assert missing.json()["detail"].startswith("Il n'y a rien à cette adresse")


def test_the_schema_documents_pages_for_get_lists_only(client):
    paths = client.get("/api/schema/", {"format": "json"}).json()["paths"]
    paged = {
        (method, path)
        for path, operations in paths.items()
        for method, operation in operations.items()
        if "Paginated" in str(operation.get("responses", {}))
    }
    assert ("get", "/api/classes/{classroom_id}/pupils/") in paged
    assert {method for method, _path in paged} == {"get"}
    # The credentials of the pupils just created are answered whole, once.
    created = paths["/api/classes/{classroom_id}/pupils/"]["post"]["responses"]["201"]
    assert created["content"]["application/json"]["schema"]["type"] == "array"
