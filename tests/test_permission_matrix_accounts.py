"""The permission matrix (tests/test_permission_matrix.py, its EXPECTED table) for accounts made
the way real users make them, rather than by factories logged in with force_login: pupils who
joined their class through /rejoindre/, teachers who signed up through /inscription/, each
checked with the session its flow opened and after a login through the real login forms; and
API calls authenticated by a token from POST /api/token/ instead of a session.

The flows live in tests/school/account_flows.py, in one place, so that a change to joining,
signing up or tokens is made there once."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.school.account_flows import (
    api_client_with_token,
    api_token_request,
    api_tokens,
    pupil_join_card_through_form,
    pupil_login_through_form,
    teacher_login_through_form,
    teacher_signup_through_form,
)
from tests.school.factories import PUPIL_SECRET
from tests.test_permission_matrix import _url_names, matrix_mismatches, world_build

ACCOUNT_ROLES = ["pupil", "other_pupil", "teacher", "other_teacher"]
API_NAMESPACES = ("school_api:", "courses_api:", "classroom_votes_api:")


class AccountWorld:
    """The matrix's world whose teachers signed up and whose pupils joined through the forms;
    `clients[role]` holds the session each flow opened, `cards` the pupils' login cards."""

    def __init__(self, site_tree):
        self.clients = {"teacher": Client(), "other_teacher": Client()}
        teacher = teacher_signup_through_form(self.clients["teacher"])
        other_teacher = teacher_signup_through_form(self.clients["other_teacher"])
        assert set(teacher.schools.all()).isdisjoint(other_teacher.schools.all())
        self.cards = {}
        joined = iter(["pupil", "other_pupil"])  # world_build makes pupil A, then pupil B

        def pupil_make(classroom):
            role = next(joined)
            self.clients[role] = Client()
            self.cards[role] = pupil_join_card_through_form(self.clients[role], classroom)
            return self.cards[role].pupil

        self.world = world_build(
            site_tree, teacher=teacher, other_teacher=other_teacher, pupil_make=pupil_make
        )


@pytest.fixture
def accounts(site_tree):
    return AccountWorld(site_tree)


def _api_names() -> set[str]:
    return {name for name, _kwargs in _url_names() if name.startswith(API_NAMESPACES)}


@pytest.mark.parametrize("role", ACCOUNT_ROLES)
def test_accounts_made_through_the_forms_match_the_table(accounts, role):
    """With the session the join or the sign-up opened."""
    user = accounts.world.users[role]
    assert int(accounts.clients[role].session["_auth_user_id"]) == user.pk
    if role in accounts.cards:
        assert accounts.cards[role].secret != PUPIL_SECRET
    mismatches = matrix_mismatches(accounts.world, role, accounts.clients[role])
    assert not mismatches, "\n".join(mismatches)


@pytest.mark.parametrize("role", ACCOUNT_ROLES)
def test_accounts_logged_in_through_the_login_forms_match_the_table(accounts, role):
    """A fresh browser: the pupil types the login card, the teacher the e-mail and password."""
    client = Client()
    user = accounts.world.users[role]
    if role in accounts.cards:
        pupil_login_through_form(client, accounts.cards[role])
    else:
        teacher_login_through_form(client, user)
    mismatches = matrix_mismatches(accounts.world, role, client)
    assert not mismatches, "\n".join(mismatches)


def test_a_colleague_who_signed_up_in_the_same_school_gets_nothing_of_the_class(accounts):
    """Typing class A's school's UAI at sign-up, once confirmed and accepted, makes a teacher of
    that school, not of its classes: the colleague gets the other teacher's column on class A.
    The school's own membership requests are the exception: its teachers decide them."""
    world = accounts.world
    (school,) = world.users["teacher"].schools.all()
    client = Client()
    colleague = teacher_signup_through_form(client, school)
    assert school.teachers.filter(pk=colleague.pk).exists()
    school_scoped = {"school:membership_request_decide"}
    names = {name for name, _kwargs in _url_names()} - school_scoped
    mismatches = matrix_mismatches(world, "other_teacher", client, names=names)
    assert not mismatches, "\n".join(mismatches)
    decide = reverse("school:membership_request_decide", args=[world.membership_request.pk])
    assert client.get(decide).status_code not in (401, 403, 404)


# --- Token logins -------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["teacher", "other_teacher"])
def test_token_logins_match_the_table_on_the_api(accounts, role):
    """Every API row for a signed-up teacher whose requests carry only the token. Logging out
    with the token is the one row a token opens and a session does not (it revokes the token,
    so it comes last)."""
    client = api_client_with_token(accounts.world.users[role])
    assert "sessionid" not in client.cookies
    logout = "school_api:token-logout"
    names = _api_names() - {logout}
    mismatches = matrix_mismatches(accounts.world, role, client, names=names)
    assert not mismatches, "\n".join(mismatches)
    assert client.post(reverse(logout)).status_code == 204
    assert client.get(reverse("school_api:classroom-list")).status_code == 401


def test_a_token_opens_no_page(accounts):
    """Tokens are for the API: on the pages, a request carrying one is anonymous."""
    client = api_client_with_token(accounts.world.users["teacher"])
    pages = {name for name, _kwargs in _url_names()} - _api_names()
    mismatches = matrix_mismatches(accounts.world, "anonymous", client, names=pages)
    assert not mismatches, "\n".join(mismatches)


@pytest.mark.parametrize("role", ["pupil", "other_pupil"])
def test_joined_pupils_get_no_token(accounts, role):
    """A pupil's card (class code, pseudonym, secret) buys no token, whatever is typed as the
    username: the pupil's account name or pseudonym."""
    card = accounts.cards[role]
    user = accounts.world.users[role]
    for username in (user.username, card.pseudonym):
        response = api_token_request(username=username, password=card.secret)
        assert response.status_code in (400, 403), (username, response.status_code)
    assert not api_tokens().filter(user__pupil__isnull=False).exists()
