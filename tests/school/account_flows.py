"""Accounts made the way real users make them, through the forms and the token endpoint, for the
tests that must not rely on factories and force_login (tests/test_permission_matrix_accounts.py,
tests/test_permission_ids.py).

Every detail of these flows lives here and only here: which fields the forms take, which
response proves success, which steps follow. When a flow changes (a teacher approving newcomers
before they may use the class, an e-mail to confirm and a school's approval at sign-up, tokens
hashed and expiring), update the function that runs it; the callers only ask for "a pupil who
joined class X", "a teacher who signed up" or "an API client holding a token". Each function
asserts every step it takes, so a flow that silently stopped working fails here, by name."""

import itertools
import re

from django.core import mail
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from school import services, teachers
from school.models import Classroom, PupilProfile, School, SchoolMembershipRequest, User
from school.services import PupilCredentials

from .factories import TEACHER_PASSWORD, admin_create, uai_make

_counter = itertools.count(1)

TOKEN_URL = "/api/token/"  # noqa: S105 (an address, not a secret)


def pupil_join_card_through_form(
    client: Client, classroom: Classroom, *, pseudonym: str | None = None
) -> PupilCredentials:
    """POST /rejoindre/ with the class's code: the login card the join page shows (the pupil
    gets a generated pseudonym). The join also logs `client` in.

    A class that asks for approval makes the newcomer wait: a teacher of the class accepts them
    here, as on the class page, so that callers get a pupil of the class. With `pseudonym`, the
    teacher then renames the pupil (pupils no longer choose theirs)."""
    response = client.post(reverse("school:pupil_join"), {"class_code": classroom.join_code})
    assert response.status_code == 200, response.status_code
    assert response.templates[0].name == "school/pupil_joined.html", (
        f"the join was refused: {response.context['form'].errors}"
    )
    (card,) = response.context["credentials"]
    assert card.pupil.classroom_id == classroom.pk
    if card.pupil.is_waiting:
        assert services.pupils_approve(classroom=classroom, user_ids={card.pupil.user_id}) == 1
    if pseudonym is not None:
        pupil = PupilProfile.objects.get(pk=card.pupil.pk)
        services.pupil_rename(pupil=pupil, pseudonym=pseudonym)
        card = PupilCredentials(pupil, card.join_code, pupil.pseudonym, card.secret)
    return card


def pupil_join_through_form(
    client: Client, classroom: Classroom, *, pseudonym: str | None = None
) -> User:
    """A pupil who joined `classroom` through the join form; `client` holds the session the
    join opened."""
    return pupil_join_card_through_form(client, classroom, pseudonym=pseudonym).pupil.user


def pupil_login_through_form(client: Client, card: PupilCredentials) -> User:
    """Log `client` in through /connexion-eleve/ with what a login card says."""
    response = client.post(
        reverse("school:pupil_login"),
        {"class_code": card.join_code, "pseudonym": card.pseudonym, "secret": card.secret},
    )
    assert response.status_code == 302, f"pupil login refused: {response.status_code}"
    user = card.pupil.user
    assert int(client.session["_auth_user_id"]) == user.pk
    return user


def teacher_signup_through_form(
    client: Client,
    school: School | None = None,
    *,
    email: str | None = None,
    password: str = TEACHER_PASSWORD,
) -> User:
    """A teacher who signed up through /inscription/, in `school` (by its UAI) or, without one,
    in a new school described on the form; `client` holds the session the sign-up opened.

    The account works once its address is confirmed (the link of the e-mail in
    django.core.mail.outbox) and its request to join the school accepted, by one of the
    school's teachers or, for a school the sign-up created, an administrator."""
    number = next(_counter)
    email = email or f"inscrit-{number}@example.fr"
    data = {
        "email": email,
        "display_name": f"Enseignant {number}",
        "password1": password,
        "password2": password,
        "location": "france",
        "country": "",
    }
    if school is not None:
        data |= {"uai": school.uai, "school_name": "", "commune": "", "departement": ""}
    else:
        data |= {
            "uai": uai_make(6_800_000 + number),
            "school_name": f"Lycée inscrit {number}",
            "commune": "Lyon",
            "departement": "69",
        }
    response = client.post(reverse("school:teacher_signup"), data)
    assert response.status_code == 302, (
        f"sign-up refused: {response.context['form'].errors if response.context else ''}"
    )
    teacher = User.objects.get(username=email.lower())
    assert teacher.role == User.Role.TEACHER
    # The address is confirmed by the link of the e-mail, which logs the teacher in.
    message = next(m for m in reversed(mail.outbox) if email.lower() in m.to)
    link = re.search(r"https?://[^/\s]+(/inscription/confirmer/\S+/)", message.body)
    assert link, "no confirmation link in the sign-up e-mail"
    assert client.post(link.group(1)).status_code == 302
    assert int(client.session["_auth_user_id"]) == teacher.pk
    # The school takes them once a teacher of it (or an administrator) accepts the request.
    membership_request = SchoolMembershipRequest.objects.get(
        teacher=teacher, school__uai=data["uai"], status=SchoolMembershipRequest.Status.PENDING
    )
    decider = (
        (
            membership_request.school.teachers.first()
            if not membership_request.school_created
            else None
        )
        or User.objects.filter(role=User.Role.ADMIN).first()
        or admin_create()
    )
    teachers.membership_request_decide(
        membership_request=membership_request,
        by=decider,
        approve=True,
        site_url="http://testserver",
    )
    assert teacher.schools.filter(uai=data["uai"]).exists()
    return teacher


def teacher_login_through_form(
    client: Client, user: User, *, password: str = TEACHER_PASSWORD
) -> User:
    """Log `client` in through /connexion/ with the e-mail address and the password."""
    response = client.post(reverse("login"), {"username": user.email, "password": password})
    assert response.status_code == 302, f"teacher login refused: {response.status_code}"
    assert int(client.session["_auth_user_id"]) == user.pk
    return user


def api_token_request(*, username: str, password: str):
    """POST /api/token/ with these credentials: the response, whatever it is."""
    return APIClient().post(TOKEN_URL, {"username": username, "password": password}, format="json")


def api_tokens():
    """Every API token row, whichever model keeps them: rest_framework.authtoken's Token
    today, django-rest-knox's AuthToken once tokens are hashed and expiring."""
    from django.apps import apps

    for label in ("knox.AuthToken", "authtoken.Token"):
        try:
            return apps.get_model(label).objects.all()
        except LookupError:
            continue
    raise LookupError("no API token model installed")


def api_client_with_token(user: User, *, password: str = TEACHER_PASSWORD) -> APIClient:
    """An API client without a session, authenticated by the token that POST /api/token/ gave
    for the user's credentials.

    The endpoint answers {"token": key, "expiry": …} (django-rest-knox keeps only a digest) and
    the client sends "Authorization: Token key"."""
    response = api_token_request(username=user.username, password=password)
    assert response.status_code == 200, (response.status_code, response.content)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    return client
