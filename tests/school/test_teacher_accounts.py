"""Teachers' accounts (school.teachers): the confirmation link, joining a school on approval, what
the forms do not reveal, password change and reset, and the export and erasure of one's own data.
Each test acts as the person the protection is against would."""

import json
import re
from datetime import datetime, timedelta

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from classroom_votes.models import Consultation
from school.models import Classroom, School, SchoolMembershipRequest, User
from school.teachers import EmailConfirmationTokenGenerator, teachers_purge_unconfirmed
from tests.classroom_votes.factories import consultation_create

from .factories import (
    TEACHER_PASSWORD,
    admin_create,
    classroom_create,
    pupil_create,
    teacher_create,
    uai_make,
)

SIGNUP_URL = reverse("school:teacher_signup")
LOGIN_URL = reverse("login")
REQUESTS_URL = reverse("school:membership_requests")
PASSWORD = "Constitution-1958!"


def _signup(client, *, email: str, uai: str, **extra):
    data = {
        "email": email,
        "display_name": "",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "uai": uai,
        "school_name": "Lycée Neuf",
        "commune": "Lyon",
        "location": "france",
        "departement": "69",
        "country": "",
        **extra,
    }
    return client.post(SIGNUP_URL, data)


def _link(message, prefix: str) -> str:
    match = re.search(rf"https?://[^/\s]+({re.escape(prefix)}\S+/)", message.body)
    assert match, message.body
    return match.group(1)


def _signed_up_and_confirmed(*, email: str, school: School) -> tuple[User, Client]:
    client = Client()
    _signup(client, email=email, uai=school.uai)
    client.post(_link(mail.outbox[-1], "/inscription/confirmer/"))
    return User.objects.get(username=email), client


def _logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _can_log_in(email: str, password: str) -> bool:
    client = Client()
    client.post(LOGIN_URL, {"username": email, "password": password})
    return "_auth_user_id" in client.session


# --- The confirmation link ---------------------------------------------------------------------


def test_an_unconfirmed_account_cannot_log_in(db):
    _signup(Client(), email="new@example.fr", uai=uai_make(9_100_001))
    assert not _can_log_in("new@example.fr", PASSWORD)
    Client().post(_link(mail.outbox[0], "/inscription/confirmer/"))
    assert _can_log_in("new@example.fr", PASSWORD)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda path: path[:-3] + ("a" if path[-3] != "a" else "b") + path[-2:],  # token
        lambda path: re.sub(r"confirmer/[^/]+/", "confirmer/MQ/", path),  # another uid
    ],
)
def test_a_tampered_confirmation_link_confirms_nothing(db, tamper):
    teacher_create(email="victim@example.fr")  # pk 1 may be this one
    _signup(Client(), email="new@example.fr", uai=uai_make(9_100_002))
    path = tamper(_link(mail.outbox[0], "/inscription/confirmer/"))
    client = Client()
    response = client.post(path)
    assert response.status_code == 200
    assert "n'est pas valide" in response.content.decode()
    assert not User.objects.get(username="new@example.fr").is_active
    assert "_auth_user_id" not in client.session


def test_a_confirmation_link_works_once_and_expires(db, monkeypatch, settings):
    _signup(Client(), email="new@example.fr", uai=uai_make(9_100_003))
    path = _link(mail.outbox[0], "/inscription/confirmer/")
    later = datetime.now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)
    monkeypatch.setattr(EmailConfirmationTokenGenerator, "_now", lambda self: later)
    Client().post(path)
    assert not User.objects.get(username="new@example.fr").is_active
    monkeypatch.undo()
    Client().post(path)
    teacher = User.objects.get(username="new@example.fr")
    assert teacher.is_active
    # Used once: deactivating the account afterwards does not let the old link reactivate it.
    teacher.is_active = False
    teacher.save()
    Client().post(path)
    teacher.refresh_from_db()
    assert not teacher.is_active


def test_a_deactivated_account_is_not_reactivated_by_signing_up_again(db):
    owner = teacher_create(email="gone@example.fr")
    owner.is_active = False
    owner.save()
    _signup(Client(), email="gone@example.fr", uai=uai_make(9_100_004))
    assert len(mail.outbox) == 1
    assert "/inscription/confirmer/" not in mail.outbox[0].body


# --- Joining a school --------------------------------------------------------------------------


@pytest.fixture
def school_with_class(db):
    colleague = teacher_create(email="colleague@example.fr")
    school = colleague.schools.get()
    classroom = classroom_create(teacher=colleague, name="2nde 4")
    pupil_create(classroom=classroom, pseudonym="Renard-Bleu-27")
    return school, colleague, classroom


def test_a_teacher_who_typed_a_real_uai_sees_and_creates_nothing_until_approved(
    school_with_class,
):
    school, colleague, classroom = school_with_class
    newcomer, client = _signed_up_and_confirmed(email="intrus@example.fr", school=school)
    assert not school.teachers.filter(pk=newcomer.pk).exists()
    for url in (
        reverse("school:classroom_detail", args=[classroom.pk]),
        reverse("school:pupils_bulk_create", args=[classroom.pk]),
        reverse("courses:class_dashboard", args=[classroom.pk]),
    ):
        assert client.get(url).status_code == 404, url
    listing = client.get(reverse("school:classroom_list")).content.decode()
    assert "2nde 4" not in listing and "Renard-Bleu-27" not in listing
    assert "En attente de rattachement" in listing
    create = client.post(
        reverse("school:classroom_create"),
        {"school": school.pk, "name": "2nde 4", "level": "2nde", "school_year": 2026},
    )
    assert not Classroom.objects.filter(teachers=newcomer).exists()
    assert "porte déjà ce nom" not in create.content.decode()
    api = client.get(reverse("school_api:classroom-list"))
    assert "2nde 4" not in api.content.decode()


def test_an_approved_teacher_of_the_school_approves_and_the_requester_is_told(
    school_with_class,
):
    school, colleague, _classroom = school_with_class
    newcomer, newcomer_client = _signed_up_and_confirmed(email="nouveau@example.fr", school=school)
    # The school's teachers heard of the request when the address was confirmed.
    assert mail.outbox[-1].to == ["colleague@example.fr"]
    membership = SchoolMembershipRequest.objects.get(teacher=newcomer)
    colleague_client = _logged_in(colleague)
    assert "nouveau@example.fr" in colleague_client.get(REQUESTS_URL).content.decode()
    response = colleague_client.post(
        reverse("school:membership_request_decide", args=[membership.pk]), {"decision": "approve"}
    )
    assert response["Location"] == REQUESTS_URL
    membership.refresh_from_db()
    assert (membership.status, membership.decided_by) == ("approved", colleague)
    assert school.teachers.filter(pk=newcomer.pk).exists()
    assert mail.outbox[-1].to == ["nouveau@example.fr"]
    create = newcomer_client.post(
        reverse("school:classroom_create"),
        {"school": school.pk, "name": "1re B", "level": "1re", "school_year": 2026},
    )
    assert create.status_code == 302
    assert Classroom.objects.filter(teachers=newcomer, name="1re B").exists()


def test_a_refused_teacher_stays_out_and_a_decision_is_final(school_with_class):
    school, colleague, _classroom = school_with_class
    newcomer, _client = _signed_up_and_confirmed(email="nouveau@example.fr", school=school)
    membership = SchoolMembershipRequest.objects.get(teacher=newcomer)
    url = reverse("school:membership_request_decide", args=[membership.pk])
    colleague_client = _logged_in(colleague)
    colleague_client.post(url, {"decision": "refuse"})
    colleague_client.post(url, {"decision": "approve"})
    membership.refresh_from_db()
    assert membership.status == "refused"
    assert not school.teachers.filter(pk=newcomer.pk).exists()
    assert "refusée" in mail.outbox[-1].subject


def test_others_cannot_see_nor_decide_a_request(school_with_class):
    school, _colleague, _classroom = school_with_class
    newcomer, newcomer_client = _signed_up_and_confirmed(email="nouveau@example.fr", school=school)
    accomplice, accomplice_client = _signed_up_and_confirmed(email="ami@example.fr", school=school)
    membership = SchoolMembershipRequest.objects.get(teacher=newcomer)
    url = reverse("school:membership_request_decide", args=[membership.pk])
    other_teacher = _logged_in(teacher_create())  # of another school
    for client in (other_teacher, newcomer_client, accomplice_client):
        assert url not in client.get(REQUESTS_URL).content.decode()
        assert client.post(url, {"decision": "approve"}).status_code == 404
    assert not school.teachers.filter(pk__in=[newcomer.pk, accomplice.pk]).exists()


def test_requests_of_unconfirmed_accounts_are_not_shown(school_with_class):
    school, colleague, _classroom = school_with_class
    _signup(Client(), email="pas-confirme@example.fr", uai=school.uai)
    page = _logged_in(colleague).get(REQUESTS_URL).content.decode()
    assert "pas-confirme@example.fr" not in page


def test_only_an_administrator_approves_a_school_created_at_sign_up(db):
    newcomer, _client = _signed_up_and_confirmed(
        email="fondateur@example.fr", school=School(uai=uai_make(9_200_001))
    )
    school = School.objects.get(uai=uai_make(9_200_001))
    # Someone else then joins the new school through an administrator...
    second, _second_client = _signed_up_and_confirmed(email="second@example.fr", school=school)
    admin = admin_create()
    SchoolMembershipRequest.objects.get(teacher=second)
    _logged_in(admin).post(
        reverse(
            "school:membership_request_decide",
            args=[SchoolMembershipRequest.objects.get(teacher=second).pk],
        ),
        {"decision": "approve"},
    )
    assert school.teachers.filter(pk=second.pk).exists()
    # ... but cannot vouch for the school's creator: that is the administrators' call.
    founding = SchoolMembershipRequest.objects.get(teacher=newcomer)
    url = reverse("school:membership_request_decide", args=[founding.pk])
    assert _logged_in(second).post(url, {"decision": "approve"}).status_code == 404
    assert not school.teachers.filter(pk=newcomer.pk).exists()
    _logged_in(admin).post(url, {"decision": "approve"})
    assert school.teachers.filter(pk=newcomer.pk).exists()


def test_the_class_form_says_a_name_is_taken_only_to_the_schools_teachers(school_with_class):
    school, colleague, _classroom = school_with_class
    data = {"school": school.pk, "name": "2NDE 4", "level": "2nde", "school_year": 2026}
    own = _logged_in(teacher_create(school=school)).post(reverse("school:classroom_create"), data)
    assert "porte déjà ce nom" in own.content.decode()
    other = _logged_in(teacher_create()).post(reverse("school:classroom_create"), data)
    html = other.content.decode()
    assert "porte déjà ce nom" not in html
    assert "school" in other.context["form"].errors
    assert Classroom.objects.filter(school=school).count() == 1


# --- Password change and reset -----------------------------------------------------------------


def test_password_change_keeps_this_session_and_ends_the_others(db):
    teacher = teacher_create(email="prof@example.fr")
    here, elsewhere = Client(), Client()
    for client in (here, elsewhere):
        client.post(LOGIN_URL, {"username": "prof@example.fr", "password": TEACHER_PASSWORD})
    response = here.post(
        reverse("school:password_change"),
        {
            "old_password": TEACHER_PASSWORD,
            "new_password1": "Nouveau-Secret-2027!",
            "new_password2": "Nouveau-Secret-2027!",
        },
    )
    assert response["Location"] == reverse("school:password_change_done")
    assert here.get(reverse("school:classroom_list")).status_code == 200
    gone = elsewhere.get(reverse("school:classroom_list"))
    assert gone.status_code == 302 and gone["Location"].startswith(LOGIN_URL)
    teacher.refresh_from_db()
    assert teacher.check_password("Nouveau-Secret-2027!")


def test_a_pupil_has_no_password_change_page(db):
    pupil = pupil_create(classroom=classroom_create())
    assert _logged_in(pupil.user).get(reverse("school:password_change")).status_code == 403


def test_password_reset_answers_the_same_for_any_address(db):
    teacher_create(email="prof@example.fr")
    answers = []
    for email in ("prof@example.fr", "personne@example.fr"):
        client = Client()
        response = client.post(reverse("school:password_reset"), {"email": email})
        answers.append(
            (response.status_code, response["Location"], client.get(response["Location"]).content)
        )
    assert answers[0] == answers[1]
    assert [m.to for m in mail.outbox] == [["prof@example.fr"]]


def test_password_reset_page_tells_pupils_to_ask_their_teacher(client, db):
    html = client.get(reverse("school:password_reset")).content.decode()
    assert "demande à ton enseignant" in html
    assert reverse("school:password_reset") in client.get(LOGIN_URL).content.decode()


def test_password_reset_by_e_mail_ends_every_session(db):
    teacher = teacher_create(email="prof@example.fr")
    elsewhere = Client()
    elsewhere.post(LOGIN_URL, {"username": "prof@example.fr", "password": TEACHER_PASSWORD})
    client = Client()
    client.post(reverse("school:password_reset"), {"email": "PROF@example.fr"})
    path = _link(mail.outbox[0], "/mot-de-passe-oublie/")
    form_page = client.get(path, follow=True)
    assert form_page.context["validlink"]
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Nouveau-Secret-2027!", "new_password2": "Nouveau-Secret-2027!"},
    )
    assert done["Location"] == reverse("school:password_reset_complete")
    teacher.refresh_from_db()
    assert teacher.check_password("Nouveau-Secret-2027!")
    gone = elsewhere.get(reverse("school:classroom_list"))
    assert gone.status_code == 302 and gone["Location"].startswith(LOGIN_URL)
    # The link served once.
    assert not Client().get(path, follow=True).context["validlink"]


def test_password_reset_sends_nothing_to_an_unconfirmed_account(db):
    _signup(Client(), email="new@example.fr", uai=uai_make(9_300_001))
    mail.outbox.clear()
    Client().post(reverse("school:password_reset"), {"email": "new@example.fr"})
    assert not mail.outbox


# --- Export ------------------------------------------------------------------------------------


def test_export_holds_the_teachers_own_data_and_no_pupils_secrets(school_with_class):
    school, colleague, classroom = school_with_class
    consultation_create(owner=colleague, classrooms=[classroom], title="Vote à 16 ans ?")
    other_teacher = teacher_create()
    classroom_create(teacher=other_teacher, name="Classe d'un autre")
    response = _logged_in(colleague).get(reverse("school:account_export"))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["compte"]["adresse_electronique"] == "colleague@example.fr"
    assert [s["uai"] for s in data["etablissements"]] == [school.uai]
    assert [c["nom"] for c in data["classes"]] == ["2nde 4"]
    assert [c["question"] for c in data["consultations"]] == ["Vote à 16 ans ?"]
    assert data["debats"] == []
    text = response.content.decode()
    assert "Renard-Bleu-27" not in text and "Classe d'un autre" not in text
    assert "password" not in text and colleague.password not in text


def test_export_lists_the_membership_requests(school_with_class):
    school, _colleague, _classroom = school_with_class
    newcomer, client = _signed_up_and_confirmed(email="nouveau@example.fr", school=school)
    data = json.loads(client.get(reverse("school:account_export")).content)
    assert [(r["etablissement"], r["etat"]) for r in data["demandes_de_rattachement"]] == [
        (school.uai, "En attente")
    ]


# --- Erasure -----------------------------------------------------------------------------------


def _api_token_create(user):
    """An API token of `user`, as the installed token app stores it; their queryset."""
    from django.apps import apps

    if apps.is_installed("knox"):
        from knox.models import AuthToken

        AuthToken.objects.create(user=user)
        return AuthToken.objects.filter(user_id=user.pk)
    from rest_framework.authtoken.models import Token

    Token.objects.create(user=user)
    return Token.objects.filter(user_id=user.pk)


def _erase(client, password=TEACHER_PASSWORD):
    return client.post(reverse("school:account_erase"), {"password": password})


def test_erasure_needs_the_password(school_with_class):
    _school, colleague, classroom = school_with_class
    classroom.teachers.add(teacher_create(school=classroom.school))
    response = _erase(_logged_in(colleague), password="pas-le-bon")
    assert response.status_code == 200
    assert "password" in response.context["form"].errors
    assert User.objects.filter(pk=colleague.pk).exists()


def test_erasure_is_refused_while_the_only_teacher_of_an_active_class(school_with_class):
    _school, colleague, classroom = school_with_class
    client = _logged_in(colleague)
    page = client.get(reverse("school:account_erase")).content.decode()
    assert "2nde 4" in page
    response = _erase(client)
    assert response.status_code == 200
    assert User.objects.filter(pk=colleague.pk).exists()
    # Archived, the class no longer holds the account back.
    classroom.archived_at = classroom.created_at
    classroom.save()
    assert _erase(client).status_code == 302
    assert not User.objects.filter(pk=colleague.pk).exists()


def test_erasure_removes_sessions_login_records_and_tokens_and_keeps_shared_classes(
    school_with_class,
):
    _school, colleague, classroom = school_with_class
    partner = teacher_create(school=classroom.school)
    classroom.teachers.add(partner)
    consultation = consultation_create(owner=colleague, classrooms=[classroom])
    tokens = _api_token_create(colleague)
    AccessAttempt.objects.create(
        username=colleague.username,
        ip_address="203.0.113.9",
        user_agent="x",
        http_accept="*/*",
        path_info=LOGIN_URL,
        get_data="",
        post_data="",
        failures_since_start=2,
    )
    elsewhere = Client()
    elsewhere.post(LOGIN_URL, {"username": colleague.username, "password": TEACHER_PASSWORD})
    client = _logged_in(colleague)
    response = _erase(client)
    assert response.status_code == 302, response.context["form"].errors
    assert not User.objects.filter(pk=colleague.pk).exists()
    assert not tokens.exists()
    assert not AccessAttempt.objects.filter(username=colleague.username).exists()
    assert "_auth_user_id" not in client.session
    # Sessions are not searched (that would decode everyone's): the one opened elsewhere ends
    # because its user no longer exists.
    gone = elsewhere.get(reverse("school:classroom_list"))
    assert gone.status_code == 302 and gone["Location"].startswith(LOGIN_URL)
    assert list(classroom.teachers.all()) == [partner]
    consultation.refresh_from_db()
    assert consultation.owner is None
    assert Consultation.objects.filter(pk=consultation.pk).exists()


def test_an_administrator_cannot_erase_their_own_account(db):
    admin = admin_create()
    _erase(_logged_in(admin))
    assert User.objects.filter(pk=admin.pk).exists()


def test_an_editor_has_an_account_page_and_export(db):
    from .factories import editor_create

    editor = editor_create()
    client = _logged_in(editor)
    assert client.get(reverse("school:account")).status_code == 200
    data = json.loads(client.get(reverse("school:account_export")).content)
    assert data["compte"]["adresse_electronique"] == editor.email


def test_unconfirmed_sign_ups_are_purged_with_the_schools_they_alone_created(school_with_class):
    school, _colleague, _classroom = school_with_class
    _signup(Client(), email="squatter@example.fr", uai=uai_make(9_400_001))
    _signup(Client(), email="pending@example.fr", uai=school.uai)
    confirmed, _client = _signed_up_and_confirmed(email="real@example.fr", school=school)
    assert teachers_purge_unconfirmed(older_than=timedelta(days=2)) == 0
    User.objects.filter(is_active=False).update(date_joined=timezone.now() - timedelta(days=3))
    assert teachers_purge_unconfirmed(older_than=timedelta(days=2)) == 2
    assert not User.objects.filter(username__in=["squatter@example.fr", "pending@example.fr"])
    assert not School.objects.filter(uai=uai_make(9_400_001)).exists()
    assert School.objects.filter(pk=school.pk).exists()
    assert User.objects.filter(pk=confirmed.pk).exists()
    # Deactivated accounts that never signed up are not sign-ups: they stay.
    other = teacher_create()
    User.objects.filter(pk=other.pk).update(
        is_active=False, date_joined=timezone.now() - timedelta(days=30)
    )
    assert teachers_purge_unconfirmed(older_than=timedelta(days=2)) == 0


def test_password_reset_e_mail_is_sent_by_a_worker(db, monkeypatch):
    from school import tasks

    queued = []
    monkeypatch.setattr(tasks.email_send, "delay", lambda **kwargs: queued.append(kwargs))
    teacher_create(email="prof@example.fr")
    Client().post(reverse("school:password_reset"), {"email": "prof@example.fr"})
    assert not mail.outbox  # nothing sent during the request
    assert [q["to"] for q in queued] == [["prof@example.fr"]]
    assert "/mot-de-passe-oublie/" in queued[0]["body"]
