"""Throttles on what costs a password hash (school.throttles), with the production rates: per
client address and overall, checked before any hashing, 429 with a French page and
Retry-After; a class behind one address still gets in; a spoofed X-Forwarded-For buys nothing;
an unreachable Redis does not open the gate."""

import uuid

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from school import throttles
from school.models import PupilProfile

from .factories import TEACHER_PASSWORD, classroom_create, pupil_create, pupil_login_data

PUPIL_LOGIN_URL = reverse("school:pupil_login")
JOIN_URL = reverse("school:pupil_join")
TEACHER_LOGIN_URL = reverse("login")
NOW = 1_800_000_000.0  # the start of a minute: no window ends during a test


@pytest.fixture
def rates(settings, monkeypatch):
    """Production rates, counters of their own (a fresh cache), a clock that stands still."""
    settings.HEMICYCLE_LOGIN_RATES = {"address": "60/min", "global": "300/min"}
    settings.HEMICYCLE_THROTTLE_SCOPE_RATES = {}
    settings.CACHES = {
        **settings.CACHES,
        "throttles": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"throttles-{uuid.uuid4()}",
        },
    }
    monkeypatch.setattr(throttles, "_clock", lambda: NOW)
    monkeypatch.setattr(throttles, "_shared_down_until", 0.0)
    throttles._local.clear()
    return settings


@pytest.fixture
def hashes(monkeypatch):
    """How many times a password was hashed (checked or set)."""
    calls = []
    original = MD5PasswordHasher.encode

    def counting(self, password, salt):
        calls.append(1)
        return original(self, password, salt)

    monkeypatch.setattr(MD5PasswordHasher, "encode", counting)
    return calls


def _client(address: str, **extra) -> Client:
    return Client(REMOTE_ADDR=address, **extra)


def _wrong_pupil_login(client, number: int, code: str = "ZZZZ99"):
    return client.post(
        PUPIL_LOGIN_URL,
        {"class_code": code, "pseudonym": f"Inconnu-{number}", "secret": "mauvais-code-00"},
    )


ENDPOINTS = {
    "pupil_login": lambda client, n: _wrong_pupil_login(client, n),
    "pupil_join": lambda client, n: client.post(
        JOIN_URL, {"class_code": f"ZZZ{n:03d}", "pseudonym": ""}
    ),
    "teacher_login": lambda client, n: client.post(
        TEACHER_LOGIN_URL, {"username": f"inconnu{n}@example.fr", "password": "mauvais"}
    ),
}


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_throttle_refuses_past_the_address_rate_without_hashing(db, rates, hashes, endpoint):
    post = ENDPOINTS[endpoint]
    attacker = _client("203.0.113.7")
    for number in range(60):
        assert post(attacker, number).status_code != 429, number
    before, profiles = len(hashes), PupilProfile.objects.count()
    refused = post(attacker, 60)
    assert refused.status_code == 429
    assert len(hashes) == before, "a throttled request hashed a password"
    assert PupilProfile.objects.count() == profiles
    assert refused["Retry-After"] == "60"
    html = refused.content.decode()
    assert "Trop de tentatives" in html and "réessayer dans 60 secondes" in html
    # Another address is not held back by this one.
    assert post(_client("198.51.100.9"), 61).status_code != 429


def test_pages_shown_are_not_counted(db, rates):
    client = _client("203.0.113.8")
    for _ in range(70):
        assert client.get(PUPIL_LOGIN_URL).status_code == 200


def test_global_rate_bounds_hashing_from_many_addresses(db, rates, hashes):
    rates.HEMICYCLE_LOGIN_RATES = {"address": "60/min", "global": "10/min"}
    for number in range(10):
        assert _wrong_pupil_login(_client(f"192.0.2.{number + 1}"), number).status_code == 200
    before = len(hashes)
    assert _wrong_pupil_login(_client("192.0.2.200"), 99).status_code == 429
    assert len(hashes) == before


def test_a_class_behind_one_address_gets_in(db, rates):
    classroom = classroom_create()
    pupils = [pupil_create(classroom=classroom, pseudonym=f"Lynx-Rose-{n + 10}") for n in range(35)]
    for pupil in pupils:
        response = _client("192.0.2.50").post(PUPIL_LOGIN_URL, pupil_login_data(pupil))
        assert response.status_code == 302


def test_spoofed_forwarded_for_buys_nothing_without_trusted_proxies(db, rates):
    rates.HEMICYCLE_TRUSTED_PROXIES = 0
    for number in range(60):
        client = _client("203.0.113.9", HTTP_X_FORWARDED_FOR=f"10.0.{number}.1")
        _wrong_pupil_login(client, number)
    client = _client("203.0.113.9", HTTP_X_FORWARDED_FOR="10.9.9.9")
    assert _wrong_pupil_login(client, 60).status_code == 429


def test_behind_a_trusted_proxy_each_client_counts_apart(db, rates):
    rates.HEMICYCLE_TRUSTED_PROXIES = 1
    proxy = "10.0.0.1"
    for number in range(60):
        _wrong_pupil_login(_client(proxy, HTTP_X_FORWARDED_FOR="203.0.113.10"), number)
    assert (
        _wrong_pupil_login(_client(proxy, HTTP_X_FORWARDED_FOR="203.0.113.10"), 60).status_code
        == 429
    )
    assert (
        _wrong_pupil_login(_client(proxy, HTTP_X_FORWARDED_FOR="203.0.113.11"), 61).status_code
        == 200
    )


def test_ipv6_addresses_count_by_64_block(rates):
    for number in range(60):
        assert throttles.throttle_hit(scope="t6", address=f"2001:db8:1:2::{number:x}") is None
    assert throttles.throttle_hit(scope="t6", address="2001:db8:1:2:ffff::1") is not None
    assert throttles.throttle_hit(scope="t6", address="2001:db8:1:3::1") is None


def test_unreachable_cache_falls_back_to_counting_in_memory(db, rates, hashes):
    rates.CACHES = {
        **rates.CACHES,
        "throttles": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2},
        },
    }
    attacker = _client("203.0.113.12")
    for number in range(60):
        assert _wrong_pupil_login(attacker, number).status_code == 200
    before = len(hashes)
    assert _wrong_pupil_login(attacker, 60).status_code == 429
    assert len(hashes) == before


def test_counters_in_the_configured_cache(settings):
    """With the site's own throttle cache (Redis under CI), a scope of its own."""
    scope = f"test-{uuid.uuid4()}"
    settings.HEMICYCLE_LOGIN_RATES = {"address": "3/hour", "global": "100000/min"}
    results = [throttles.throttle_hit(scope=scope, address="192.0.2.1") for _ in range(4)]
    assert results[:3] == [None, None, None]
    assert 0 < results[3] <= 3600


class _TokenLike(APIView):
    throttle_classes = [throttles.HashingRateThrottle]
    authentication_classes = []
    permission_classes = []

    def post(self, request):
        from rest_framework.response import Response

        return Response({"ok": True})


def test_drf_throttle_class_refuses_past_the_rate(db, rates):
    view = _TokenLike.as_view()
    factory = APIRequestFactory()
    for _ in range(60):
        assert view(factory.post("/", REMOTE_ADDR="203.0.113.13")).status_code == 200
    refused = view(factory.post("/", REMOTE_ADDR="203.0.113.13"))
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"


def test_teacher_login_still_works_under_the_rate(db, rates):
    from .factories import teacher_create

    teacher = teacher_create()
    response = _client("192.0.2.60").post(
        TEACHER_LOGIN_URL, {"username": teacher.username, "password": TEACHER_PASSWORD}
    )
    assert response.status_code == 302


SCOPED_ENDPOINTS = {
    # What sends an e-mail or hashes a password before its form is even valid.
    "signup": lambda client, n: client.post(
        reverse("school:teacher_signup"),
        {"email": f"x{n}@example.fr", "password1": "a", "password2": "b", "uai": "1"},
    ),
    "password_reset": lambda client, n: client.post(
        reverse("school:password_reset"), {"email": f"x{n}@example.fr"}
    ),
    "api_token": lambda client, n: client.post(
        reverse("school_api:token"),
        {"username": f"x{n}@example.fr", "password": "mauvais"},
        content_type="application/json",
    ),
}


@pytest.mark.parametrize("scope", sorted(SCOPED_ENDPOINTS))
def test_signup_reset_and_token_requests_are_throttled_per_address(db, rates, scope):
    rates.HEMICYCLE_THROTTLE_SCOPE_RATES = {scope: {"address": "3/min"}}
    rates.REST_FRAMEWORK = {
        **rates.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "1000/min", "user": "1000/min"},
    }
    post = SCOPED_ENDPOINTS[scope]
    attacker = _client("203.0.113.7")
    statuses = [post(attacker, n).status_code for n in range(4)]
    assert 429 not in statuses[:3]
    assert statuses[3] == 429
    # Another address is not held back by the first one's count.
    assert post(_client("198.51.100.8"), 9).status_code != 429
