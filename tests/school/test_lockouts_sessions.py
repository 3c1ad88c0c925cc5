"""Lockouts an outsider cannot aim at a pupil (per account AND address, teacher unlock), nothing
typed as a secret stored anywhere, and pupils' sessions that end (browser close, idle delay)."""

import logging

from axes.models import AccessAttempt
from django.apps import apps
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import models
from django.test import Client
from django.urls import reverse

from config import middleware

from .factories import PUPIL_SECRET, pupil_create, pupil_login_data, teacher_create

PUPIL_LOGIN_URL = reverse("school:pupil_login")
TEACHER_LOGIN_URL = reverse("login")
LIMIT = settings.AXES_FAILURE_LIMIT
MARKER = "marqueur-secret-4242"


def _at(address: str) -> Client:
    return Client(REMOTE_ADDR=address)


def _logged_in(client) -> int | None:
    value = client.session.get("_auth_user_id")
    return int(value) if value else None


def _lock_at(client, pupil):
    for _ in range(LIMIT):
        client.post(PUPIL_LOGIN_URL, pupil_login_data(pupil, secret="mauvais-code-00"))


def test_failures_from_one_address_do_not_lock_the_pupil_elsewhere(cast):
    attacker = _at("203.0.113.20")
    _lock_at(attacker, cast.pupil)
    assert attacker.post(PUPIL_LOGIN_URL, pupil_login_data(cast.pupil)).status_code == 429
    # Rotating X-Forwarded-For does not give the attacker a fresh counter (no trusted proxy).
    spoofed = Client(REMOTE_ADDR="203.0.113.20", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert spoofed.post(PUPIL_LOGIN_URL, pupil_login_data(cast.pupil)).status_code == 429
    pupil = _at("192.0.2.30")
    response = pupil.post(PUPIL_LOGIN_URL, pupil_login_data(cast.pupil))
    assert response.status_code == 302
    assert _logged_in(pupil) == cast.pupil.user_id


def test_teacher_unlocks_one_pupil_in_one_click(client, cast):
    shared_computer = _at("192.0.2.31")
    _lock_at(shared_computer, cast.pupil)
    client.force_login(cast.teacher)
    page = client.get(reverse("school:classroom_detail", args=[cast.classroom.pk])).content
    html = page.decode()
    assert "Connexions en échec" in html and "bloqué" in html
    unlock = reverse("school:pupil_unlock", args=[cast.classroom.pk, cast.pupil.user_id])
    assert unlock in html
    assert client.post(unlock).status_code == 302
    response = shared_computer.post(PUPIL_LOGIN_URL, pupil_login_data(cast.pupil))
    assert response.status_code == 302
    html = client.get(reverse("school:classroom_detail", args=[cast.classroom.pk])).content
    assert "Connexions en échec" not in html.decode()


def test_unlock_all_frees_the_class_and_nobody_else(client, cast):
    other = pupil_create(classroom=cast.classroom, pseudonym="Lynx-Rose-12")
    computer = _at("192.0.2.32")
    for pupil in (cast.pupil, other, cast.other_pupil):
        _lock_at(computer, pupil)
    client.force_login(cast.teacher)
    assert client.post(reverse("school:pupils_unlock", args=[cast.classroom.pk])).status_code == 302
    for pupil in (cast.pupil, other):
        assert _at("192.0.2.32").post(PUPIL_LOGIN_URL, pupil_login_data(pupil)).status_code == 302
    locked = _at("192.0.2.32").post(PUPIL_LOGIN_URL, pupil_login_data(cast.other_pupil))
    assert locked.status_code == 429


def test_another_teacher_cannot_unlock(client, cast):
    _lock_at(_at("192.0.2.33"), cast.pupil)
    client.force_login(cast.other_teacher)
    unlock = reverse("school:pupil_unlock", args=[cast.classroom.pk, cast.pupil.user_id])
    assert client.post(unlock).status_code == 404
    assert client.post(reverse("school:pupils_unlock", args=[cast.classroom.pk])).status_code == 404
    assert _at("192.0.2.33").post(PUPIL_LOGIN_URL, pupil_login_data(cast.pupil)).status_code == 429


def _stored_text() -> list[str]:
    """Every text value of every table, sessions decoded."""
    values = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        fields = [
            field.attname
            for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField | models.JSONField)
        ]
        if fields:
            for row in model._default_manager.values_list(*fields):
                values.extend(str(value) for value in row)
    values.extend(str(session.get_decoded()) for session in Session.objects.all())
    return values


def test_nothing_typed_as_a_secret_is_stored_or_logged(cast, caplog):
    caplog.set_level(logging.DEBUG)
    teacher = teacher_create()
    client = _at("192.0.2.34")
    for _ in range(LIMIT + 1):
        client.post(PUPIL_LOGIN_URL, pupil_login_data(cast.pupil, secret=MARKER))
        # A pupil who types the secret in the pseudonym field: not kept either.
        client.post(
            PUPIL_LOGIN_URL,
            {"class_code": cast.classroom.join_code, "pseudonym": MARKER, "secret": MARKER},
        )
        client.post(TEACHER_LOGIN_URL, {"username": teacher.username, "password": MARKER})
    assert AccessAttempt.objects.count() >= 3, "the failures were recorded"
    # django-axes records no form data at all (only its separators between attempts).
    for post_data, get_data in AccessAttempt.objects.values_list("post_data", "get_data"):
        assert post_data.replace("-", "").strip() == get_data.replace("-", "").strip() == ""
    stored = [value for value in _stored_text() if MARKER in value]
    assert stored == []
    logged = [record for record in caplog.records if MARKER in record.getMessage()]
    assert logged == []


def test_pupil_session_cookie_ends_with_the_browser(cast):
    client = Client()
    response = client.post(PUPIL_LOGIN_URL, pupil_login_data(cast.pupil))
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie.value and not cookie["expires"] and not cookie["max-age"]


def test_pupil_session_cookie_from_joining_ends_with_the_browser(db):
    from .factories import classroom_create

    classroom = classroom_create()
    classroom.join_enabled = True
    classroom.save()
    client = Client()
    response = client.post(
        reverse("school:pupil_join"), {"class_code": classroom.join_code, "pseudonym": ""}
    )
    assert _logged_in(client)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert not cookie["expires"] and not cookie["max-age"]


def test_teacher_session_keeps_its_lifetime(db):
    from .factories import TEACHER_PASSWORD

    teacher = teacher_create()
    response = Client().post(
        TEACHER_LOGIN_URL, {"username": teacher.username, "password": TEACHER_PASSWORD}
    )
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"]


def test_pupil_is_logged_out_at_the_idle_limit(cast, monkeypatch, settings):
    settings.HEMICYCLE_PUPIL_IDLE_MINUTES = 30
    start = 1_800_000_000
    monkeypatch.setattr(middleware, "_now", lambda: start)
    client = Client()
    client.post(PUPIL_LOGIN_URL, pupil_login_data(cast.pupil))
    privacy = reverse("school:privacy")
    monkeypatch.setattr(middleware, "_now", lambda: start + 29 * 60)
    assert client.get(privacy).status_code == 200
    # Active 29 minutes in: the clock restarted then.
    monkeypatch.setattr(middleware, "_now", lambda: start + 29 * 60 + 30 * 60)
    assert client.get(privacy).status_code == 200
    monkeypatch.setattr(middleware, "_now", lambda: start + 29 * 60 + 61 * 60)
    response = client.get(privacy)
    assert response.status_code == 302
    assert _logged_in(client) is None


def test_activity_is_written_at_most_once_a_minute(cast, monkeypatch):
    start = 1_800_000_000
    monkeypatch.setattr(middleware, "_now", lambda: start)
    client = Client()
    client.post(PUPIL_LOGIN_URL, pupil_login_data(cast.pupil))
    key = client.session.session_key
    stored = Session.objects.get(pk=key).session_data
    monkeypatch.setattr(middleware, "_now", lambda: start + 30)
    client.get(reverse("school:privacy"))
    assert Session.objects.get(pk=key).session_data == stored, "written within the minute"
    monkeypatch.setattr(middleware, "_now", lambda: start + 61)
    client.get(reverse("school:privacy"))
    assert client.session[middleware.PUPIL_ACTIVITY_KEY] == start + 61


def test_vote_and_lesson_end_offer_to_log_out(cast, site_tree):
    from tests.classroom_votes.factories import consultation_create
    from tests.courses.factories import course_create, lesson_create

    consultation = consultation_create(classrooms=[cast.classroom])
    lesson = lesson_create(course=course_create(parent=site_tree))
    client = Client()
    client.post(PUPIL_LOGIN_URL, {**pupil_login_data(cast.pupil), "secret": PUPIL_SECRET})
    vote = reverse("classroom_votes:consultation_vote", args=[consultation.pk])
    client.post(vote, {"choice": "pour", "confirm": "1"})
    voted = client.get(reverse("classroom_votes:consultation_voted", args=[consultation.pk]))
    for page in (voted, client.get(lesson.url)):
        html = page.content.decode()
        assert "Se déconnecter" in html and "ordinateur partagé" in html
        assert f'action="{reverse("logout")}"' in html
    teacher = Client()
    teacher.force_login(cast.teacher)
    assert "ordinateur partagé" not in teacher.get(lesson.url).content.decode()
