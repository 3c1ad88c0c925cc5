"""Sessions (config.sessions) and the cache they are read from, Redis, which fails open: with
Redis unreachable, logging in, reading, voting and logging out go on from the database."""

import socket
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core.cache.backends.locmem import LocMemCache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from config.settings.base import REDIS_CACHE_OPTIONS
from tests.classroom_votes.factories import consultation_create
from tests.school.factories import classroom_create, pupil_create, pupil_login_data

pytestmark = pytest.mark.django_db


class RecordingCache(LocMemCache):
    """The cache as Django's locmem, keeping the lifetime of every copy it was given."""

    timeouts: list = []

    def set(self, key, value, timeout=None, version=None):
        self.timeouts.append(timeout)
        return super().set(key, value, timeout, version)


def _unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def cached_sessions(settings):
    settings.SESSION_ENGINE = "config.sessions"
    settings.HEMICYCLE_SESSION_CACHE_SECONDS = 60


def test_a_session_copy_in_the_cache_lives_a_minute_at_most(cached_sessions, settings):
    settings.CACHES = {"default": {"BACKEND": "tests.config.test_sessions.RecordingCache"}}
    RecordingCache.timeouts = []
    pupil = pupil_create(classroom=classroom_create())
    client = Client()
    assert client.post(reverse("school:pupil_login"), pupil_login_data(pupil)).status_code == 302
    key = client.cookies["sessionid"].value
    # Written through to the database for the cookie's whole life, cached for a minute.
    assert Session.objects.get(pk=key).expire_date > timezone.now() + timedelta(days=1)
    assert RecordingCache.timeouts and set(RecordingCache.timeouts) <= {60}


def test_pupils_log_in_read_vote_and_log_out_while_redis_is_unreachable(
    cached_sessions, settings, caplog
):
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{_unused_port()}/0",
            "OPTIONS": REDIS_CACHE_OPTIONS,
        }
    }
    classroom = classroom_create()
    pupil = pupil_create(classroom=classroom)
    consultation = consultation_create(classrooms=[classroom])
    client = Client()

    response = client.post(reverse("school:pupil_login"), pupil_login_data(pupil))
    assert response.status_code == 302
    assert client.get(f"/consultations/{consultation.pk}/").status_code == 200
    response = client.post(
        f"/api/consultations/{consultation.pk}/ballot/",
        {"content": {"choice": "pour"}},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    # The API's throttled door (AnonRateThrottle) opens too: its counter is not there to read.
    response = Client().post("/api/token/", {"username": "x", "password": "y"})
    assert response.status_code == 400, response.content
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(f"/consultations/{consultation.pk}/").status_code == 302
    # Each miss is logged in one line, with its cause and without a traceback.
    ignored = [record for record in caplog.records if record.name == "django_redis.cache"]
    assert ignored
    for record in ignored:
        assert record.exc_info is None
        assert record.getMessage().startswith("Exception ignored: ")
        assert "Connection refused" in record.getMessage()
