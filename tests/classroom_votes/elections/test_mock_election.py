import pytest
from django.urls import reverse

from classroom_votes.consultations import services as consultation_services
from classroom_votes.consultations.services import ConsultationError
from classroom_votes.elections.selectors import election_comparison
from classroom_votes.elections.services import consultation_create_from_election
from classroom_votes.models import Consultation, ConsultationStatus
from classroom_votes.tallies import VotingMethod
from tests.classroom_votes.factories import ballots_cast, pupils_create
from tests.school.factories import classroom_create, pupil_create, school_create, teacher_create

from .factories import election_create

pytestmark = pytest.mark.django_db


def _launch_url(election):
    return reverse("classroom_votes:election_launch", args=[election.pk])


def test_second_round_election_makes_single_choice_without_second_round():
    election = election_create()
    classroom = classroom_create()
    teacher = classroom.teachers.get()
    consultation = consultation_create_from_election(
        owner=teacher, election=election, classrooms=[classroom]
    )
    assert consultation.title == "Élection présidentielle 2022 (second tour) — vote simulé"
    assert consultation.method == VotingMethod.SINGLE
    assert not consultation.second_round
    assert consultation.status == ConsultationStatus.OPEN
    assert consultation.election == election
    assert consultation.context
    assert [(o.key, o.label) for o in consultation.options.all()] == [
        ("macron", "Emmanuel MACRON"),
        ("le-pen", "Marine LE PEN"),
    ]
    assert not consultation.sources.exists()


def test_first_round_election_has_a_second_round():
    election = election_create(first_round=True)
    classroom = classroom_create()
    consultation = consultation_create_from_election(
        owner=classroom.teachers.get(), election=election, classrooms=[classroom]
    )
    assert consultation.title == "Élection présidentielle 2022 (premier tour) — vote simulé"
    assert consultation.second_round
    assert consultation.options.count() == 12


def test_teacher_launches_from_the_list(client):
    election = election_create()
    classroom = classroom_create()
    teacher = classroom.teachers.get()
    client.force_login(teacher)
    page = client.get(reverse("classroom_votes:consultation_list")).content.decode()
    assert election.name in page and _launch_url(election) in page
    assert client.get(_launch_url(election)).status_code == 200
    response = client.post(_launch_url(election), {f"el{election.pk}-classrooms": [classroom.pk]})
    consultation = Consultation.objects.get(election=election)
    assert response.status_code == 302
    assert response["Location"] == consultation.get_absolute_url()
    assert list(consultation.classrooms.all()) == [classroom]


def test_teacher_cannot_launch_in_another_teachers_class(client):
    election = election_create()
    mine = classroom_create()
    theirs = classroom_create()
    client.force_login(mine.teachers.get())
    response = client.post(_launch_url(election), {f"el{election.pk}-classrooms": [theirs.pk]})
    assert response.status_code == 400
    assert not Consultation.objects.exists()
    with pytest.raises(ConsultationError):
        consultation_create_from_election(
            owner=mine.teachers.get(), election=election, classrooms=[theirs]
        )
    assert not Consultation.objects.exists()


@pytest.mark.parametrize("who", ["pupil", "anonymous"])
def test_pupil_or_anonymous_cannot_launch(client, who):
    election = election_create()
    classroom = classroom_create()
    if who == "pupil":
        client.force_login(pupil_create(classroom=classroom).user)
    for method in (client.get, client.post):
        response = method(_launch_url(election), {f"el{election.pk}-classrooms": [classroom.pk]})
        if who == "pupil":
            assert response.status_code == 403
        else:
            assert response.status_code == 302 and "connexion" in response["Location"]
    assert not Consultation.objects.exists()


def test_launch_needs_csrf():
    from django.test import Client

    election = election_create()
    classroom = classroom_create()
    client = Client(enforce_csrf_checks=True)
    client.force_login(classroom.teachers.get())
    response = client.post(_launch_url(election), {f"el{election.pk}-classrooms": [classroom.pk]})
    assert response.status_code == 403
    assert not Consultation.objects.exists()


def _closed_mock(*, departement="01", country="", choices=("macron",) * 4 + ("le-pen",) * 2):
    election = election_create()
    school = school_create(departement=None if country else departement, country=country)
    teacher = teacher_create(school=school)
    classroom = classroom_create(teacher=teacher, school=school, name="2nde C")
    consultation = consultation_create_from_election(
        owner=teacher, election=election, classrooms=[classroom]
    )
    voters = pupils_create(classroom=classroom, count=len(choices))
    ballots_cast(
        consultation=consultation, voters=voters, contents=[{"choice": c} for c in choices]
    )
    consultation_services.consultation_close(consultation=consultation, by=teacher)
    return consultation, classroom, teacher


def test_comparison_of_closed_mock_election():
    consultation, classroom, _teacher = _closed_mock()
    comparison = election_comparison(consultation=consultation, classroom=classroom)
    assert comparison.class_published
    labels = [column.label for column in comparison.columns]
    assert labels == [
        "Votre classe (2nde C)",
        "Ain",
        "France entière, Français de l'étranger compris",
        "France, sans les Français de l'étranger",
    ]
    macron = comparison.rows[0]
    assert macron.label == "Emmanuel MACRON"
    assert [cell.count for cell in macron.cells] == [4, 350, 850, 550]
    assert macron.cells[0].percentage == pytest.approx(66.67)
    assert macron.cells[1].percentage == 50.0
    france = comparison.columns[2]
    assert (france.inscrits, france.exprimes, france.blancs, france.nuls) == (3800, 1700, 47, 19)
    assert france.abstentions == 3800 - (1700 + 47 + 19)
    assert comparison.columns[0].inscrits == 6 and comparison.columns[0].nuls is None


def test_school_abroad_compares_with_zz_and_saint_martin_with_zx():
    consultation, classroom, _ = _closed_mock(country="ES")
    comparison = election_comparison(consultation=consultation, classroom=classroom)
    assert comparison.columns[1].label == "Français établis hors de France"
    consultation, classroom, _ = _closed_mock(departement="978")
    comparison = election_comparison(consultation=consultation, classroom=classroom)
    assert comparison.columns[1].label == "Saint-Martin/Saint-Barthélemy"


def test_comparison_hides_unpublished_class_result():
    consultation, classroom, _ = _closed_mock(choices=("macron", "le-pen"))
    comparison = election_comparison(consultation=consultation, classroom=classroom)
    assert not comparison.class_published
    assert comparison.columns[0].label == "Ain"
    assert comparison.class_message


def test_no_comparison_while_open_or_without_election():
    election = election_create()
    classroom = classroom_create()
    consultation = consultation_create_from_election(
        owner=classroom.teachers.get(), election=election, classrooms=[classroom]
    )
    assert election_comparison(consultation=consultation, classroom=classroom) is None


def test_results_page_and_pv_show_the_comparison(client):
    consultation, classroom, teacher = _closed_mock()
    client.force_login(teacher)
    page = client.get(
        reverse("classroom_votes:consultation_results", args=[consultation.pk])
    ).content.decode()
    assert "Comparer avec l'élection réelle" in page
    assert '<th scope="row">Emmanuel MACRON</th>' in page
    assert "ne sont pas des suffrages exprimés" in page
    pv = client.get(
        reverse("classroom_votes:consultation_pv", args=[consultation.pk, classroom.pk])
    ).content.decode()
    assert "Comparer avec l'élection réelle" in pv


def test_pupil_sees_the_comparison_of_own_class_only(client):
    consultation, classroom, _ = _closed_mock()
    pupil = classroom.pupils.first()
    client.force_login(pupil.user)
    url = reverse("classroom_votes:consultation_results", args=[consultation.pk])
    assert "Comparer avec l'élection réelle" in client.get(url).content.decode()
    other = pupil_create(classroom=classroom_create())
    client.force_login(other.user)
    assert client.get(url).status_code == 404
