"""What a logged-in user is answered is never kept by a browser's or a proxy's cache
(config.middleware.PrivateResponseMiddleware); anonymous public pages are not marked no-store.

The walk covers every page and endpoint of the project's namespaces (the permission matrix's
URL list and world), as a pupil and as a teacher: every response, refusals included, carries
`no-store`, except the few the same for everybody (PUBLIC)."""

import pytest

from tests.school.account_flows import api_client_with_token
from tests.school.factories import TEACHER_PASSWORD, teacher_create
from tests.test_permission_matrix import _client, _url_names, world_build

pytestmark = pytest.mark.django_db

# The same for everybody, and said so by their views (Cache-Control: public): an H5P package's
# files (immutable under their URL) and its player page (nothing personal: the lesson page hands
# it the pupil's state), the published national results.
PUBLIC = {
    "courses:h5p_file",
    "courses:h5p_player",
    "classroom_votes_api:election-detail",
    "classroom_votes_api:election-list",
    "classroom_votes_api:national-question-list",
    "classroom_votes_api:national-question-results",
}


@pytest.fixture
def world(site_tree):
    return world_build(site_tree)


@pytest.mark.parametrize("role", ["pupil", "teacher"])
def test_every_response_to_a_logged_in_user_is_no_store(world, role):
    from django.urls import reverse

    client = _client(world, role)
    stored = []
    for name, kwarg_names in _url_names():
        if name in PUBLIC:
            continue
        url = reverse(name, kwargs=world.kwargs_for(name, kwarg_names))
        response = client.get(url)
        if "no-store" not in response.get("Cache-Control", ""):
            stored.append(f"{url} ({name}): {response.status_code} {response.get('Cache-Control')}")
    assert not stored, "\n".join(stored)


def test_an_api_token_response_is_no_store():
    client = api_client_with_token(teacher_create())
    response = client.get("/api/classes/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_a_public_page_seen_anonymously_stays_cacheable(site_tree, client):
    response = client.get("/")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_the_login_that_starts_a_session_is_answered_no_store(client):
    teacher = teacher_create()
    response = client.post(
        "/connexion/", {"username": teacher.username, "password": TEACHER_PASSWORD}
    )
    assert response.status_code == 302
    assert "no-store" in response["Cache-Control"]
