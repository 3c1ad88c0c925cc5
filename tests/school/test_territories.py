"""Territories: the 101 départements and the overseas collectivités (no région, no académie)."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from school.models import Academie, Departement, DepartementKind, Region, School
from school.territories import territories_load

from .factories import TEACHER_PASSWORD, classroom_create, school_create, teacher_create

pytestmark = pytest.mark.django_db

COLLECTIVITES = {
    "975": "Saint-Pierre-et-Miquelon",
    "977": "Saint-Barthélemy",
    "978": "Saint-Martin",
    "986": "Wallis-et-Futuna",
    "987": "Polynésie française",
    "988": "Nouvelle-Calédonie",
}


def test_collectivites_exist_after_migrate_without_region_or_academie():
    rows = Departement.objects.filter(kind=DepartementKind.COLLECTIVITE)
    assert {row.code: row.name for row in rows} == COLLECTIVITES
    assert all(row.region_id is None and row.academie_id is None for row in rows)
    assert Departement.objects.filter(kind=DepartementKind.DEPARTEMENT).count() == 101
    assert not Departement.objects.filter(
        kind=DepartementKind.DEPARTEMENT, region__isnull=True
    ).exists()


def test_is_overseas_covers_drom_and_collectivites():
    assert Departement.objects.get(code="987").is_overseas
    assert Departement.objects.get(code="971").is_overseas
    assert not Departement.objects.get(code="2A").is_overseas
    assert not Departement.objects.get(code="75").is_overseas
    assert str(Departement.objects.get(code="988")) == "Nouvelle-Calédonie (988)"


def test_departement_needs_region_and_academie():
    with pytest.raises(IntegrityError), transaction.atomic():
        Departement.objects.create(code="99", name="Nulle part", kind=DepartementKind.DEPARTEMENT)


def test_territories_load_is_idempotent():
    before = Departement.objects.count(), Region.objects.count(), Academie.objects.count()
    territories_load(region_model=Region, academie_model=Academie, departement_model=Departement)
    after = Departement.objects.count(), Region.objects.count(), Academie.objects.count()
    assert before == after == (107, 18, 30)


def test_school_in_polynesia_can_be_created_and_used(client):
    school = school_create(departement="987", name="Lycée Paul-Gauguin")
    assert not school.is_abroad
    assert school.departement.region is None
    teacher = teacher_create(school=school)
    classroom = classroom_create(teacher=teacher, school=school)
    client.force_login(teacher)
    assert client.get(reverse("school:classroom_list")).status_code == 200
    assert client.get(reverse("school:classroom_detail", args=[classroom.pk])).status_code == 200


def test_signup_offers_collectivites_and_creates_a_school_there(client):
    page = client.get(reverse("school:teacher_signup")).content.decode()
    assert "Nouvelle-Calédonie (988)" in page
    response = client.post(
        reverse("school:teacher_signup"),
        {
            "email": "prof@example.nc",
            "display_name": "M. Wamytan",
            "password1": TEACHER_PASSWORD,
            "password2": TEACHER_PASSWORD,
            "uai": "9830002K",
            "school_name": "Lycée Lapérouse",
            "commune": "Nouméa",
            "location": "france",
            "departement": "988",
            "country": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert School.objects.get(name="Lycée Lapérouse").departement_id == "988"
