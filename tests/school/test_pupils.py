"""A teacher's pupils: bulk creation with login cards, new secrets, moves and deletion."""

import itertools
from importlib import import_module

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from school import services
from school.models import PupilProfile, User

from .factories import classroom_create, pupil_create, pupil_login_data, school_create

PUPIL_LOGIN_URL = reverse("school:pupil_login")


def _bulk(client, classroom, count):
    return client.post(reverse("school:pupils_bulk_create", args=[classroom.pk]), {"count": count})


def test_bulk_create_shows_one_card_per_pupil_with_working_credentials(teacher_client, cast):
    response = _bulk(teacher_client, cast.classroom, 3)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    credentials = response.context["credentials"]
    assert len(credentials) == 3
    html = response.content.decode()
    assert html.count('<li class="hc-login-card">') == 3
    assert "http://testserver/connexion-eleve/" in html
    for card in credentials:
        assert card.join_code == cast.classroom.join_code
        for value in (card.pseudonym, card.secret):
            assert f'<dd class="hc-code">{value}</dd>' in html
        assert card.pupil.user.check_password(card.secret)
    assert html.count(f'<dd class="hc-code">{cast.classroom.join_code_display}</dd>') == 3
    assert 'id="print-cards"' in html and "js/login-cards.js" in html
    assert "Ctrl + P" in html  # explained without JavaScript
    assert PupilProfile.objects.filter(classroom=cast.classroom).count() == 4


def test_bulk_created_pupil_can_log_in_with_card(teacher_client, cast, pupil_client):
    card = _bulk(teacher_client, cast.classroom, 1).context["credentials"][0]
    teacher_client.logout()
    response = pupil_client.post(
        PUPIL_LOGIN_URL,
        {"class_code": card.join_code, "pseudonym": card.pseudonym, "secret": card.secret},
    )
    assert response.status_code == 302
    assert int(pupil_client.session["_auth_user_id"]) == card.pupil.user_id


def test_bulk_create_40_generates_unique_pseudonyms(teacher_client, cast):
    response = _bulk(teacher_client, cast.classroom, 40)
    assert len(response.context["credentials"]) == 40
    pseudonyms = [p.lower() for p in cast.classroom.pupils.values_list("pseudonym", flat=True)]
    assert len(pseudonyms) == 41
    assert len(set(pseudonyms)) == 41


def test_bulk_create_retries_colliding_generated_pseudonyms(cast, monkeypatch):
    # Every name comes out twice in a row, and the first one is already taken in the class.
    names = itertools.chain(["renard-bleu-27"], *(([f"Lynx-Rose-{n}"] * 2) for n in range(10, 60)))
    monkeypatch.setattr(services, "pseudonym_generate", lambda: next(names))
    credentials = services.pupils_bulk_create(classroom=cast.classroom, count=40)
    pseudonyms = [c.pseudonym for c in credentials]
    assert len(set(pseudonyms)) == 40
    assert "renard-bleu-27" not in pseudonyms


@pytest.mark.parametrize("count", [0, 41, -1, "dix"])
def test_bulk_create_refuses_count_out_of_range(teacher_client, cast, count):
    response = _bulk(teacher_client, cast.classroom, count)
    assert response.status_code == 200
    assert "count" in response.context["form"].errors
    assert 'role="alert"' in response.content.decode()
    assert PupilProfile.objects.filter(classroom=cast.classroom).count() == 1


def test_secret_reset_shows_new_card_and_old_secret_stops_working(
    teacher_client, cast, pupil_client
):
    url = reverse("school:pupil_secret_reset", args=[cast.classroom.pk, cast.pupil.user_id])
    response = teacher_client.post(url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    (card,) = response.context["credentials"]
    assert card.pseudonym == "Renard-Bleu-27"
    assert f'<dd class="hc-code">{card.secret}</dd>' in response.content.decode()
    pupil_client.post(PUPIL_LOGIN_URL, pupil_login_data(cast.pupil))
    assert "_auth_user_id" not in pupil_client.session
    pupil_client.post(PUPIL_LOGIN_URL, pupil_login_data(cast.pupil, secret=card.secret))
    assert int(pupil_client.session["_auth_user_id"]) == cast.pupil.user_id


def test_secret_reset_logs_pupil_out(teacher_client, cast, pupil_client):
    pupil_client.post(PUPIL_LOGIN_URL, pupil_login_data(cast.pupil))
    assert pupil_client.get(reverse("school:privacy")).status_code == 200
    teacher_client.post(
        reverse("school:pupil_secret_reset", args=[cast.classroom.pk, cast.pupil.user_id])
    )
    assert pupil_client.get(reverse("school:privacy")).status_code == 302


@pytest.mark.parametrize(
    "engine",
    [
        "django.contrib.sessions.backends.db",
        "django.contrib.sessions.backends.cached_db",
        "config.sessions",
    ],
)
def test_secret_reset_ends_the_pupils_sessions_in_every_store(
    teacher_client, cast, pupil_client, settings, engine
):
    """The old session is anonymous at its next request, in every store (a cached copy
    included), without the reset reading any session: the session auth hash changed with the
    password. Another pupil's session is untouched."""
    settings.SESSION_ENGINE = engine
    store = import_module(engine).SessionStore
    pupil_client.post(PUPIL_LOGIN_URL, pupil_login_data(cast.pupil))
    session_key = pupil_client.session.session_key
    assert store(session_key=session_key).exists(session_key)
    other = pupil_create(classroom=cast.classroom, pseudonym="Lynx-Rose-12")
    other_client = Client()
    other_client.post(PUPIL_LOGIN_URL, pupil_login_data(other))
    with CaptureQueriesContext(connection) as queries:
        teacher_client.post(
            reverse("school:pupil_secret_reset", args=[cast.classroom.pk, cast.pupil.user_id])
        )
    # Only the teacher's own session is read (by its key): no other session is looked at.
    own = teacher_client.session.session_key
    touched = [query["sql"] for query in queries if "django_session" in query["sql"]]
    assert all(own in sql for sql in touched), touched
    response = pupil_client.get(reverse("school:privacy"))
    assert response.status_code == 302
    assert not response.wsgi_request.user.is_authenticated
    assert not store(session_key=session_key).exists(session_key)
    assert other_client.get(reverse("school:privacy")).wsgi_request.user == other.user


def test_secret_reset_refuses_get(teacher_client, cast):
    url = reverse("school:pupil_secret_reset", args=[cast.classroom.pk, cast.pupil.user_id])
    assert teacher_client.get(url).status_code == 405


def test_pupil_urls_refuse_pupil_of_another_class(teacher_client, cast):
    other = cast.other_pupil.user_id
    for name in ("pupil_secret_reset", "pupil_move", "pupil_delete"):
        response = teacher_client.post(reverse(f"school:{name}", args=[cast.classroom.pk, other]))
        assert response.status_code == 404
    assert User.objects.filter(pk=other).exists()


def test_move_to_class_of_same_school(teacher_client, cast):
    target = classroom_create(teacher=cast.teacher, school=cast.classroom.school, name="2nde 5")
    url = reverse("school:pupil_move", args=[cast.classroom.pk, cast.pupil.user_id])
    page = teacher_client.get(url)
    assert list(page.context["form"].fields["classroom"].queryset) == [target]
    response = teacher_client.post(url, {"classroom": target.pk})
    assert response["Location"] == reverse("school:classroom_detail", args=[cast.classroom.pk])
    cast.pupil.refresh_from_db()
    assert cast.pupil.classroom == target


def test_move_refuses_class_of_another_school(teacher_client, cast):
    elsewhere = classroom_create(
        teacher=cast.teacher, school=school_create(teachers=[cast.teacher]), name="Autre lycée"
    )
    assert elsewhere.school != cast.classroom.school
    url = reverse("school:pupil_move", args=[cast.classroom.pk, cast.pupil.user_id])
    response = teacher_client.post(url, {"classroom": elsewhere.pk})
    assert response.status_code == 200
    assert "classroom" in response.context["form"].errors
    cast.pupil.refresh_from_db()
    assert cast.pupil.classroom == cast.classroom
    with pytest.raises(services.SchoolError) as error:
        services.pupil_move(pupil=cast.pupil, classroom=elsewhere)
    assert error.value.code == services.MOVE_TO_OTHER_SCHOOL


def test_move_refuses_class_the_teacher_does_not_manage(teacher_client, cast):
    colleague_class = classroom_create(school=cast.classroom.school, name="2nde 6")
    url = reverse("school:pupil_move", args=[cast.classroom.pk, cast.pupil.user_id])
    teacher_client.post(url, {"classroom": colleague_class.pk})
    cast.pupil.refresh_from_db()
    assert cast.pupil.classroom == cast.classroom


def test_move_refuses_taken_pseudonym(teacher_client, cast):
    target = classroom_create(teacher=cast.teacher, school=cast.classroom.school, name="2nde 5")
    pupil_create(classroom=target, pseudonym="RENARD-bleu-27")
    url = reverse("school:pupil_move", args=[cast.classroom.pk, cast.pupil.user_id])
    response = teacher_client.post(url, {"classroom": target.pk})
    assert "classroom" in response.context["form"].errors
    cast.pupil.refresh_from_db()
    assert cast.pupil.classroom == cast.classroom


def test_delete_asks_confirmation_then_erases_pupil(teacher_client, cast):
    url = reverse("school:pupil_delete", args=[cast.classroom.pk, cast.pupil.user_id])
    page = teacher_client.get(url)
    assert page.status_code == 200
    assert User.objects.filter(pk=cast.pupil.user_id).exists()
    response = teacher_client.post(url)
    assert response["Location"] == reverse("school:classroom_detail", args=[cast.classroom.pk])
    assert not User.objects.filter(pk=cast.pupil.user_id).exists()
    assert not PupilProfile.objects.filter(pk=cast.pupil.pk).exists()
    assert User.objects.filter(pk=cast.other_pupil.user_id).exists()
