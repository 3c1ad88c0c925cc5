"""Teacher sign-up at /inscription/: joins an existing school by its UAI or describes a new one."""

import pytest
from django.urls import reverse

from school.models import School, User

from .factories import school_create, uai_make

SIGNUP_URL = reverse("school:teacher_signup")
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


def test_signup_with_new_school_creates_school_and_teacher_and_logs_in(client, db):
    response = client.post(SIGNUP_URL, _data(uai=NEW_UAI.lower()))
    assert response.status_code == 302
    assert response["Location"] == reverse("school:classroom_list")
    teacher = User.objects.get(username="marie.martin@example.fr")
    assert teacher.role == User.Role.TEACHER
    assert teacher.email == "marie.martin@example.fr"
    assert teacher.first_name == "Mme Martin"
    assert teacher.check_password("Constitution-1958!")
    school = School.objects.get(uai=NEW_UAI)
    assert (school.name, school.commune, school.departement_id) == (
        "Lycée Jean Moulin",
        "Lyon",
        "69",
    )
    assert list(school.teachers.all()) == [teacher]
    assert int(client.session["_auth_user_id"]) == teacher.pk
    assert client.get(response["Location"]).status_code == 200


def test_signup_with_new_school_abroad_stores_country(client, db):
    client.post(SIGNUP_URL, _data(location="abroad", departement="", country="es"))
    school = School.objects.get(uai=NEW_UAI)
    assert school.departement is None
    assert school.country == "ES"
    assert school.is_abroad


def test_signup_with_existing_school_joins_it_and_ignores_school_fields(client, db):
    existing = school_create(name="Lycée Victor Hugo")
    response = client.post(
        SIGNUP_URL, _data(uai=existing.uai, school_name="", commune="", departement="")
    )
    assert response.status_code == 302
    assert School.objects.count() == 1
    teacher = User.objects.get(username="marie.martin@example.fr")
    assert list(teacher.schools.all()) == [existing]


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


def test_signup_with_taken_email_creates_nothing(client, db):
    client.post(SIGNUP_URL, _data())
    client.logout()
    response = client.post(SIGNUP_URL, _data(email="marie.martin@example.fr", uai=uai_make(1)))
    assert "email" in response.context["form"].errors
    assert User.objects.count() == 1
    assert School.objects.count() == 1


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
