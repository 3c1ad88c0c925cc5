"""Teachers' API tokens (django-rest-knox through school.api.authentication): a new token at each
request, shown once and stored only as a digest, with an expiry; listed and revoked by their
owner alone, through the API and the « Jetons d'API » page. Each test attacks as someone who
holds a dump of the database, an old or revoked token, or another teacher's token's id."""

from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from school import services
from tests.api_pages import api_results
from tests.school.factories import PUPIL_SECRET, TEACHER_PASSWORD

PAGE = "/mon-compte/jetons/"


def token_obtain(user, password: str = TEACHER_PASSWORD):
    return APIClient().post(
        "/api/token/", {"username": user.username, "password": password}, format="json"
    )


def token_client(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def works(token: str) -> bool:
    status = token_client(token).get("/api/classes/").status_code
    assert status in (200, 401), status
    return status == 200


def test_each_request_gives_a_new_token_with_its_expiry(cast, settings):
    settings.HEMICYCLE_API_TOKEN_DAYS = 7
    first, second = token_obtain(cast.teacher), token_obtain(cast.teacher)
    assert first.status_code == second.status_code == 200
    assert first["Cache-Control"] == "no-store"
    body = first.json()
    assert set(body) == {"id", "token", "created", "expiry"}
    assert body["token"] != second.json()["token"]
    assert body["id"] == body["token"][:15]
    stored = AuthToken.objects.get(token_key=body["id"])
    assert abs(stored.expiry - (timezone.now() + timedelta(days=7))) < timedelta(minutes=1)
    assert works(body["token"]) and works(second.json()["token"])


def test_the_database_holds_no_usable_token(cast):
    token = token_obtain(cast.teacher).json()["token"]
    # Everything the table stores, as a dump would show it.
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM knox_authtoken")
        dumped = [str(value) for row in cursor.fetchall() for value in row]
    assert not any(token in value for value in dumped)
    for value in dumped:
        assert not works(value)
    assert works(token)


def test_an_expired_token_is_refused(cast, monkeypatch):
    token = token_obtain(cast.teacher).json()["token"]
    now = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: now + timedelta(days=89))
    assert works(token)
    monkeypatch.setattr(timezone, "now", lambda: now + timedelta(days=90, minutes=1))
    assert not works(token)
    assert not AuthToken.objects.filter(user=cast.teacher).exists()  # knox deleted it


def test_an_expired_token_is_not_listed(cast, settings, monkeypatch):
    settings.HEMICYCLE_API_TOKEN_DAYS = 1
    short = token_obtain(cast.teacher).json()["token"]
    settings.HEMICYCLE_API_TOKEN_DAYS = 30
    token = token_obtain(cast.teacher).json()["token"]
    client = token_client(token)
    listed = api_results(client.get("/api/tokens/"))
    assert {row["id"] for row in listed} == {short[:15], token[:15]}
    now = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: now + timedelta(days=2))
    assert [row["id"] for row in api_results(client.get("/api/tokens/"))] == [token[:15]]
    assert not works(short)


def test_a_revoked_token_is_refused(cast):
    token, other = (token_obtain(cast.teacher).json()["token"] for _ in range(2))
    response = token_client(token).delete(f"/api/tokens/{other[:15]}/")
    assert response.status_code == 204
    assert not works(other) and works(token)


def test_logout_revokes_the_token_it_is_sent_with(cast):
    token, kept = (token_obtain(cast.teacher).json()["token"] for _ in range(2))
    response = token_client(token).post("/api/token/logout/")
    assert response.status_code == 204
    assert not works(token) and works(kept)
    again = token_client(token).post("/api/token/logout/")
    assert again.status_code == 401 and again["WWW-Authenticate"] == "Token"


def test_logout_needs_a_token_not_a_session(cast):
    token = token_obtain(cast.teacher).json()["token"]
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(cast.teacher)
    assert client.post("/api/token/logout/").status_code == 401
    assert works(token)


def test_nobody_lists_or_revokes_another_teachers_token(cast):
    token = token_obtain(cast.teacher).json()["token"]
    own = token_obtain(cast.other_teacher).json()["token"]
    intruder = token_client(own)
    assert [row["id"] for row in api_results(intruder.get("/api/tokens/"))] == [own[:15]]
    response = intruder.delete(f"/api/tokens/{token[:15]}/")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    page = APIClient()
    page.force_login(cast.other_teacher)
    assert page.get(PAGE).content.decode().count(token[:15]) == 0
    assert page.post(PAGE, {"action": "revoke", "key": token[:15]}).status_code == 404
    page.post(PAGE, {"action": "revoke_all"})
    assert works(token) and not works(own)


@pytest.mark.parametrize("role", ["pupil", "editor", "admin"])
def test_only_teachers_get_tokens(cast, role):
    user = cast.user(role)
    password = PUPIL_SECRET if role == "pupil" else TEACHER_PASSWORD
    response = token_obtain(user, password)
    assert response.status_code == 403 and "enseignants" in response.json()["detail"]
    client = APIClient()
    client.force_login(user)
    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, {"action": "create"}).status_code == 403
    assert client.get("/api/tokens/").status_code == 403
    assert not AuthToken.objects.filter(user=user).exists()


@pytest.mark.parametrize("role", ["pupil", "editor", "admin"])
def test_a_token_authenticates_only_a_teacher(cast, role):
    # A token made for someone else (by hand, or before they stopped teaching) does not let a
    # minor or an editor in.
    _instance, token = AuthToken.objects.create(user=cast.user(role))
    response = token_client(token).get("/api/assignments/")
    assert response.status_code == 401


def test_an_inactive_teachers_token_is_refused(cast):
    token = token_obtain(cast.teacher).json()["token"]
    cast.teacher.is_active = False
    cast.teacher.save(update_fields=["is_active"])
    assert not works(token)


def test_live_tokens_per_teacher_are_capped(cast, settings):
    settings.HEMICYCLE_API_TOKENS_PER_USER = 2
    tokens = [token_obtain(cast.teacher).json()["token"] for _ in range(2)]
    refused = token_obtain(cast.teacher)
    assert refused.status_code == 409
    assert refused.json()["code"] == services.API_TOKEN_LIMIT
    assert AuthToken.objects.filter(user=cast.teacher).count() == 2
    token_client(tokens[0]).delete(f"/api/tokens/{tokens[1][:15]}/")
    assert token_obtain(cast.teacher).status_code == 200


@pytest.mark.parametrize(
    "header",
    [
        "Token",
        "Token a b",
        "Token é" + "0" * 63,
        "Token " + "g" * 64,
        "Token " + "0" * 15 + "\x00" + "0" * 48,
        "Token " + "A" * 64,
        "Token " + "0" * 10_000,
    ],
)
def test_malformed_tokens_answer_401(cast, header):
    token_obtain(cast.teacher)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get("/api/classes/")
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"


# --- The « Jetons d'API » page -----------------------------------------------------------------


@pytest.fixture
def page(cast):
    client = APIClient()
    client.force_login(cast.teacher)
    return client


def test_the_page_shows_a_new_token_once(cast, page):
    assert reverse("school:api_tokens") == PAGE
    assert "Vous n'avez aucun jeton actif" in page.get(PAGE).content.decode()
    response = page.post(PAGE, {"action": "create"})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    stored = AuthToken.objects.get(user=cast.teacher)
    shown = response.context["created"]["token"]
    assert shown in response.content.decode() and works(shown)
    listed = page.get(PAGE)
    assert shown not in listed.content.decode()
    assert f"{stored.token_key}…" in listed.content.decode()


def test_the_page_revokes_one_token_or_all(cast, page):
    first, second, third = (token_obtain(cast.teacher).json()["token"] for _ in range(3))
    response = page.post(PAGE, {"action": "revoke", "key": first[:15]})
    assert response.status_code == 302 and response["Location"] == PAGE
    assert not works(first) and works(second)
    page.post(PAGE, {"action": "revoke_all"})
    assert not works(second) and not works(third)
    assert not AuthToken.objects.filter(user=cast.teacher).exists()


def test_the_page_refuses_a_get_that_would_act(cast, page):
    token = token_obtain(cast.teacher).json()["token"]
    page.get(PAGE, {"action": "revoke_all"})
    page.get(PAGE, {"action": "create"})
    assert works(token) and AuthToken.objects.filter(user=cast.teacher).count() == 1


def test_the_page_says_when_the_cap_is_reached(cast, page, settings):
    settings.HEMICYCLE_API_TOKENS_PER_USER = 1
    page.post(PAGE, {"action": "create"})
    response = page.post(PAGE, {"action": "create"})
    assert response.status_code == 409
    assert "révoquez-en un" in response.content.decode()
    assert AuthToken.objects.filter(user=cast.teacher).count() == 1


def test_my_account_leads_a_teacher_to_their_tokens(cast, client):
    """The tokens page is reached from « Mon compte », for teachers only (editors hold none)."""
    client.force_login(cast.teacher)
    assert f'href="{PAGE}"' in client.get(reverse("school:account")).content.decode()
    client.force_login(cast.editor)
    assert f'href="{PAGE}"' not in client.get(reverse("school:account")).content.decode()
