"""Joining a class with its code, through the /rejoindre/ page."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from school import services
from school.models import PupilProfile

from .factories import classroom_create, pupil_create

JOIN_URL = reverse("school:pupil_join")


def _join(client, code, pseudonym=""):
    return client.post(JOIN_URL, {"class_code": code, "pseudonym": pseudonym})


def test_join_page_shows_labelled_form_prefilled_from_link(client, db):
    response = client.get(JOIN_URL, {"code": "k7pm-2x"})
    assert response.status_code == 200
    html = response.content.decode()
    assert '<label class="fr-label" for="id_class_code">' in html
    assert 'value="K7PM2X"' in html


def test_join_with_valid_code_logs_pupil_in_and_shows_card_once(client, db):
    classroom = classroom_create()
    response = _join(client, classroom.join_code.lower(), "Castor Malin 7")
    assert response.status_code == 200
    pupil = PupilProfile.objects.get(classroom=classroom)
    assert pupil.pseudonym == "Castor Malin 7"
    assert int(client.session["_auth_user_id"]) == pupil.user_id
    html = response.content.decode()
    assert escape("note-la, elle te servira à te reconnecter") in html
    assert classroom.join_code in html
    assert "no-store" in response["Cache-Control"]
    # The secret shown is the one that works.
    secret = response.context["credentials"][0].secret
    assert secret in html
    assert pupil.user.check_password(secret)


def test_join_without_pseudonym_generates_one(client, db):
    classroom = classroom_create()
    response = _join(client, classroom.join_code)
    pupil = PupilProfile.objects.get(classroom=classroom)
    assert pupil.pseudonym.count("-") == 2
    assert pupil.pseudonym in response.content.decode()


def test_join_with_regenerated_code_refuses_old_code(client, db):
    classroom = classroom_create()
    old_code = classroom.join_code
    new_code = services.classroom_join_code_regenerate(classroom=classroom)
    response = _join(client, old_code, "Ancien Code")
    assert response.status_code == 200
    assert (
        escape(services.SchoolError(services.JOIN_CODE_UNKNOWN).message)
        in response.content.decode()
    )
    assert not PupilProfile.objects.exists()
    _join(client, new_code, "Nouveau Code 2")
    assert PupilProfile.objects.get().pseudonym == "Nouveau Code 2"


@pytest.mark.parametrize(
    ("setup", "error"),
    [
        ("disabled", services.JOIN_CLOSED),
        ("archived", services.CLASSROOM_ARCHIVED),
        ("unknown", services.JOIN_CODE_UNKNOWN),
    ],
)
def test_join_refuses_code_when_class_not_open(client, db, setup, error):
    classroom = classroom_create()
    code = classroom.join_code
    if setup == "disabled":
        services.classroom_join_set(classroom=classroom, enabled=False)
    elif setup == "archived":
        services.classroom_archive(classroom=classroom)
    else:
        code = "ZZZZ99" if code != "ZZZZ99" else "YYYY88"
    response = _join(client, code, "Castor Malin 7")
    html = response.content.decode()
    assert 'role="alert"' in html
    assert escape(services.SchoolError(error).message) in html
    assert 'aria-invalid="true"' in html
    assert not PupilProfile.objects.exists()
    assert "_auth_user_id" not in client.session


def test_join_refuses_pseudonym_taken_in_class_case_insensitively(client, db):
    classroom = classroom_create()
    pupil_create(classroom=classroom, pseudonym="Castor Malin 7")
    response = _join(client, classroom.join_code, "castor  MALIN 7")
    assert (
        escape(services.SchoolError(services.PSEUDONYM_TAKEN).message) in response.content.decode()
    )
    assert PupilProfile.objects.filter(classroom=classroom).count() == 1
    assert "_auth_user_id" not in client.session


def test_join_allows_pseudonym_taken_in_another_class(client, db):
    first, second = classroom_create(), classroom_create()
    pupil_create(classroom=first, pseudonym="Castor Malin 7")
    _join(client, second.join_code, "Castor Malin 7")
    assert PupilProfile.objects.filter(pseudonym="Castor Malin 7").count() == 2


def test_join_refuses_invalid_pseudonym(client, db):
    classroom = classroom_create()
    response = _join(client, classroom.join_code, "<b>")
    assert (
        escape(services.SchoolError(services.PSEUDONYM_INVALID).message)
        in response.content.decode()
    )
    assert not PupilProfile.objects.exists()


def test_join_requires_a_code(client, db):
    response = _join(client, "")
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert not PupilProfile.objects.exists()
