"""Pupil login (class code + pseudonym + secret), teacher login, and django-axes lockouts."""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.html import escape

from school import services

from .factories import TEACHER_PASSWORD, pupil_create, pupil_login_data, teacher_create

PUPIL_LOGIN_URL = reverse("school:pupil_login")
TEACHER_LOGIN_URL = reverse("login")
LIMIT = settings.AXES_FAILURE_LIMIT
INVALID_LOGIN = "Code de classe, pseudonyme ou code secret incorrect."


def _logged_in_as(client) -> int | None:
    value = client.session.get("_auth_user_id")
    return int(value) if value else None


def test_pupil_login_succeeds_and_goes_to_their_page(client, cast):
    data = pupil_login_data(cast.pupil)
    data["class_code"] = data["class_code"].lower()
    data["pseudonym"] = "  renard-bleu-27 "
    response = client.post(PUPIL_LOGIN_URL, data)
    assert response.status_code == 302
    assert response["Location"] == "/mon-espace/eleve/"
    assert _logged_in_as(client) == cast.pupil.user_id


def test_pupil_login_secret_is_a_dsfr_password_field_with_a_show_toggle(client, db):
    html = client.get(PUPIL_LOGIN_URL).content.decode()
    field = html[html.index('<div class="fr-password') :]
    field = field[: field.index("</form>")]
    assert 'for="id_secret">Code secret' in field
    assert re.search(r'<input type="password" name="secret"[^>]*class="fr-password__input', field)
    # The toggle is a checkbox with its label, not submitted (no name), that the DSFR's script
    # drives; the field itself stays a password field in the HTML.
    toggle = re.search(r'<input id="id_secret-show" type="checkbox"[^>]*>', field)
    assert toggle and "name=" not in toggle.group(0)
    assert '<label class="fr-password__checkbox fr-label" for="id_secret-show">Afficher' in field


def test_show_toggle_is_hidden_without_javascript():
    css = (settings.BASE_DIR / "config" / "static" / "css" / "hemicycle.css").read_text()
    assert ":root:not([data-fr-js]) .fr-password__checkbox { display: none; }" in css


def test_pupil_login_follows_safe_next_only(client, cast):
    response = client.post(
        PUPIL_LOGIN_URL, {**pupil_login_data(cast.pupil), "next": "/mes-donnees/"}
    )
    assert response["Location"] == "/mes-donnees/"
    client.logout()
    response = client.post(
        PUPIL_LOGIN_URL, {**pupil_login_data(cast.pupil), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/mon-espace/eleve/"


@pytest.mark.parametrize(
    "wrong",
    [
        "secret",
        "pseudonym",
        "class_code",
    ],
)
def test_pupil_login_fails_with_wrong_credential(client, cast, wrong):
    data = pupil_login_data(cast.pupil)
    data[wrong] = {"secret": "pomme-poire-11", "pseudonym": "Inconnu", "class_code": "ZZZZ99"}[
        wrong
    ]
    response = client.post(PUPIL_LOGIN_URL, data)
    assert response.status_code == 200
    assert escape(INVALID_LOGIN) in response.content.decode()
    assert _logged_in_as(client) is None


def test_pupil_login_fails_with_another_class_code(client, cast):
    data = pupil_login_data(cast.pupil)
    data["class_code"] = cast.other_classroom.join_code
    client.post(PUPIL_LOGIN_URL, data)
    assert _logged_in_as(client) is None


def test_pupil_login_refused_when_class_archived(client, cast):
    services.classroom_archive(classroom=cast.classroom)
    response = client.post(PUPIL_LOGIN_URL, pupil_login_data(cast.pupil))
    assert response.status_code == 200
    assert _logged_in_as(client) is None


def _pupil_fail(client, pupil):
    return client.post(PUPIL_LOGIN_URL, pupil_login_data(pupil, secret="mauvais-code-00"))


def test_pupil_lockout_after_failure_limit_even_with_right_secret(client, cast):
    for _attempt in range(LIMIT - 1):
        assert _pupil_fail(client, cast.pupil).status_code == 200
    locked = _pupil_fail(client, cast.pupil)
    assert locked.status_code == 429
    response = client.post(PUPIL_LOGIN_URL, pupil_login_data(cast.pupil))
    assert response.status_code == 429
    assert "Connexion bloquée" in response.content.decode()
    assert "demande à ton enseignant" in response.content.decode()
    assert "de nouveau possible dans 15 min environ" in response.content.decode()
    assert "school/locked_out.html" in [t.name for t in response.templates]
    assert _logged_in_as(client) is None


def test_pupil_lockout_is_per_pupil(client, cast):
    other = pupil_create(classroom=cast.classroom, pseudonym="Lynx-Rose-12")
    for _attempt in range(LIMIT):
        _pupil_fail(client, cast.pupil)
    response = client.post(PUPIL_LOGIN_URL, pupil_login_data(other))
    assert response.status_code == 302
    assert _logged_in_as(client) == other.user_id


def test_pupil_failures_reset_after_success(client, cast):
    for _attempt in range(LIMIT - 1):
        _pupil_fail(client, cast.pupil)
    assert client.post(PUPIL_LOGIN_URL, pupil_login_data(cast.pupil)).status_code == 302
    client.logout()
    for _attempt in range(LIMIT - 1):
        assert _pupil_fail(client, cast.pupil).status_code == 200
    assert client.post(PUPIL_LOGIN_URL, pupil_login_data(cast.pupil)).status_code == 302
    assert _logged_in_as(client) == cast.pupil.user_id


def _teacher_post(client, teacher, password):
    return client.post(TEACHER_LOGIN_URL, {"username": teacher.username, "password": password})


def test_teacher_login_goes_to_their_page(client, db):
    teacher = teacher_create()
    home = reverse("school:account_home")
    assert f'name="next" value="{home}"' in client.get(TEACHER_LOGIN_URL).content.decode()
    response = client.post(
        TEACHER_LOGIN_URL,
        {"username": teacher.username, "password": TEACHER_PASSWORD, "next": home},
    )
    assert response.status_code == 302
    assert response["Location"] == home
    assert client.get(response["Location"])["Location"] == reverse("landing:teacher")


def test_teacher_lockout_after_failure_limit_even_with_right_password(client, db):
    teacher = teacher_create()
    for _attempt in range(LIMIT - 1):
        assert _teacher_post(client, teacher, "wrong-password").status_code == 200
    assert _teacher_post(client, teacher, "wrong-password").status_code == 429
    response = _teacher_post(client, teacher, TEACHER_PASSWORD)
    assert response.status_code == 429
    assert "Connexion bloquée" in response.content.decode()
    assert _logged_in_as(client) is None


def test_teacher_failures_reset_after_success(client, db):
    teacher = teacher_create()
    for _attempt in range(LIMIT - 1):
        _teacher_post(client, teacher, "wrong-password")
    assert _teacher_post(client, teacher, TEACHER_PASSWORD).status_code == 302
    client.logout()
    for _attempt in range(LIMIT - 1):
        assert _teacher_post(client, teacher, "wrong-password").status_code == 200
    assert _teacher_post(client, teacher, TEACHER_PASSWORD).status_code == 302
    assert _logged_in_as(client) == teacher.pk


def test_pupil_login_page_is_labelled_and_links_to_join(client, db):
    html = client.get(PUPIL_LOGIN_URL).content.decode()
    for field in ("class_code", "pseudonym", "secret"):
        assert f'for="id_{field}"' in html
    assert reverse("school:pupil_join") in html


def test_pupil_lockout_ignores_spacing_and_case_variants(client, cast):
    cast.pupil.pseudonym = "Renard Bleu"
    cast.pupil.save()
    variants = ["Renard Bleu", "renard  bleu", " RENARD BLEU ", "Renard   Bleu", "renard bleu"]
    for pseudonym in variants[:LIMIT]:
        data = {**pupil_login_data(cast.pupil, secret="mauvais-code-00"), "pseudonym": pseudonym}
        client.post(PUPIL_LOGIN_URL, data)
    response = client.post(PUPIL_LOGIN_URL, pupil_login_data(cast.pupil))
    assert response.status_code == 429


def _fields(user) -> dict:
    return {field.attname: getattr(user, field.attname) for field in user._meta.concrete_fields}


def test_pupil_session_lookup_gives_the_user_the_orm_gives(cast, django_assert_num_queries):
    """The lookup run on every request of a pupil (compiled once) returns the same user, with
    every column converted, as `User.objects.get`, in one query; None for no such user, and
    an inactive account is not logged in."""
    from school.backends import PupilBackend, user_by_pk
    from school.models import User

    for user in (cast.pupil.user, cast.teacher):
        with django_assert_num_queries(1):
            found = user_by_pk(user.pk)
        orm = User.objects.get(pk=user.pk)
        assert type(found) is User
        assert _fields(found) == _fields(orm)
        assert found._state.adding is False and found._state.db == orm._state.db
        assert found.get_session_auth_hash() == orm.get_session_auth_hash()
    assert user_by_pk(max(User.objects.values_list("pk", flat=True)) + 1) is None
    assert PupilBackend().get_user(cast.pupil.user_id) == cast.pupil.user
    User.objects.filter(pk=cast.pupil.user_id).update(is_active=False)
    assert PupilBackend().get_user(cast.pupil.user_id) is None


def test_deactivated_pupil_is_logged_out_on_next_request(client, cast):
    client.post(PUPIL_LOGIN_URL, pupil_login_data(cast.pupil))
    assert _logged_in_as(client) == cast.pupil.user_id
    cast.pupil.user.__class__.objects.filter(pk=cast.pupil.user_id).update(is_active=False)
    assert client.get(reverse("school:privacy")).status_code == 302
