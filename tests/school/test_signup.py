"""Teacher sign-up at /inscription/: asks to join an existing school by its UAI or describes a
new one; the account works once its address is confirmed, and belongs to a school once approved
(tests/school/test_teacher_accounts.py)."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from school.models import School, SchoolMembershipRequest, User

from .factories import TEACHER_PASSWORD, school_create, teacher_create, uai_make

SIGNUP_URL = reverse("school:teacher_signup")
DONE_URL = reverse("school:teacher_signup_done")
NEW_UAI = uai_make(6_900_123)


def _data(**overrides):
    data = {
        "email": "Marie.Martin@Example.fr",
        "display_name": "Mme Martin",
        "password1": "Constitution-1958!",
        "password2": "Constitution-1958!",
        "uai": NEW_UAI,
        "school_name": "Lycée Jean Moulin",
        "commune": "Lyon",
        "location": "france",
        "departement": "69",
        "country": "",
    }
    data.update(overrides)
    return data


def _confirmation_path(message) -> str:
    match = re.search(r"https?://[^/\s]+(/inscription/confirmer/\S+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_signup_with_new_school_needs_the_confirmation_then_an_administrator(client, db):
    response = client.post(SIGNUP_URL, _data(uai=NEW_UAI.lower()))
    assert response.status_code == 302
    assert response["Location"] == DONE_URL
    teacher = User.objects.get(username="marie.martin@example.fr")
    assert teacher.role == User.Role.TEACHER
    assert teacher.email == "marie.martin@example.fr"
    assert teacher.first_name == "Mme Martin"
    assert teacher.check_password("Constitution-1958!")
    # Not usable before the address is confirmed: inactive, not logged in.
    assert not teacher.is_active and teacher.email_confirmed_at is None
    assert "_auth_user_id" not in client.session
    school = School.objects.get(uai=NEW_UAI)
    assert (school.name, school.commune, school.departement_id) == (
        "Lycée Jean Moulin",
        "Lyon",
        "69",
    )
    # The school exists, but its creator is not one of its teachers until approved.
    assert not school.teachers.exists()
    membership = SchoolMembershipRequest.objects.get(teacher=teacher)
    assert (membership.school, membership.status, membership.school_created) == (
        school,
        "pending",
        True,
    )
    assert [m.to for m in mail.outbox] == [["marie.martin@example.fr"]]

    confirm = _confirmation_path(mail.outbox[0])
    assert client.get(confirm).status_code == 200
    teacher.refresh_from_db()
    assert not teacher.is_active  # a GET (a mail filter opening links) confirms nothing
    response = client.post(confirm)
    assert response["Location"] == reverse("school:classroom_list")
    teacher.refresh_from_db()
    assert teacher.is_active and teacher.email_confirmed_at is not None
    assert int(client.session["_auth_user_id"]) == teacher.pk
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "En attente de rattachement" in page.content.decode()
    assert not school.teachers.exists()


def test_signup_with_new_school_abroad_stores_country(client, db):
    client.post(SIGNUP_URL, _data(location="abroad", departement="", country="es"))
    school = School.objects.get(uai=NEW_UAI)
    assert school.departement is None
    assert school.country == "ES"
    assert school.is_abroad


def test_signup_with_existing_school_asks_to_join_it_and_ignores_school_fields(client, db):
    existing = school_create(name="Lycée Victor Hugo")
    response = client.post(
        SIGNUP_URL, _data(uai=existing.uai, school_name="", commune="", departement="")
    )
    assert response.status_code == 302
    assert School.objects.count() == 1
    teacher = User.objects.get(username="marie.martin@example.fr")
    assert not teacher.schools.exists()
    membership = SchoolMembershipRequest.objects.get(teacher=teacher)
    assert (membership.school, membership.school_created) == (existing, False)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"uai": "0750655A"}, "uai"),  # wrong key letter
        ({"uai": "75A"}, "uai"),
        ({"password2": "Autre-mot-de-passe-1"}, "password2"),
        ({"password1": "12345678", "password2": "12345678"}, "password1"),
        ({"email": "pas-une-adresse"}, "email"),
        ({"school_name": ""}, "school_name"),
        ({"departement": ""}, "departement"),
        ({"location": "abroad", "departement": "", "country": ""}, "country"),
        ({"location": "abroad", "departement": "", "country": "FR"}, "country"),
    ],
)
def test_signup_with_bad_input_creates_nothing(client, db, overrides, field):
    response = client.post(SIGNUP_URL, _data(**overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    html = response.content.decode()
    assert 'role="alert"' in html
    assert f'href="#id_{field}"' in html
    assert not User.objects.exists()
    assert not School.objects.exists()
    assert "_auth_user_id" not in client.session
    assert not mail.outbox


def test_signup_with_taken_email_answers_the_same_and_tells_the_owner(client, db):
    owner = teacher_create(email="marie.martin@example.fr")
    before = (User.objects.count(), School.objects.count(), SchoolMembershipRequest.objects.count())
    taken = client.post(SIGNUP_URL, _data(email="MARIE.martin@example.fr", uai=uai_make(1)))
    taken_page = client.get(taken["Location"]).content.decode()
    assert len(mail.outbox) == 1
    fresh = Client().post(SIGNUP_URL, _data(email="paul.durand@example.fr", uai=uai_make(2)))
    fresh_page = Client().get(fresh["Location"]).content.decode()
    # Same answer, one e-mail each: the form does not tell which address had an account.
    assert (taken.status_code, taken["Location"]) == (fresh.status_code, fresh["Location"])
    assert taken_page == fresh_page
    assert len(mail.outbox) == 2
    warning, confirmation = mail.outbox
    assert warning.to == [owner.email]
    assert reverse("school:password_reset") in warning.body
    assert "/inscription/confirmer/" not in warning.body
    assert "/inscription/confirmer/" in confirmation.body
    # Nothing changed for the owner's account, and nothing was created for the attempt.
    assert User.objects.count() == before[0] + 1  # paul's
    assert School.objects.count() == before[1] + 1  # paul's new school
    owner.refresh_from_db()
    assert owner.check_password(TEACHER_PASSWORD) and owner.is_active


def test_signup_again_before_confirming_sends_a_new_link(client, db):
    client.post(SIGNUP_URL, _data())
    client.post(SIGNUP_URL, _data(password1="Autre-Secret-2026!", password2="Autre-Secret-2026!"))
    assert User.objects.count() == 1
    assert SchoolMembershipRequest.objects.count() == 1
    assert len(mail.outbox) == 2
    assert all("/inscription/confirmer/" in m.body for m in mail.outbox)
    client.post(_confirmation_path(mail.outbox[1]))
    teacher = User.objects.get()
    assert teacher.is_active and teacher.check_password("Constitution-1958!")


def test_signup_rolls_back_school_when_user_creation_fails(client, db, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(User.objects, "create_user", broken)
    with pytest.raises(RuntimeError):
        client.post(SIGNUP_URL, _data())
    assert not School.objects.exists()


def test_signup_page_is_labelled_and_grouped(client, db):
    html = client.get(SIGNUP_URL).content.decode()
    for field in ("email", "password1", "password2", "uai", "school_name", "commune", "country"):
        assert f'for="id_{field}"' in html
    assert html.count("<legend") >= 3
    assert 'for="id_location_1"' in html
