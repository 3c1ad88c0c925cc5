"""« Lancer avec ma classe »: two requests (the confirmation page, then its form), through the
classroom_votes services; refused for a class that is not the teacher's, and for anyone who is
not a teacher."""

import pytest
from django.urls import reverse

from classroom_votes.models import Consultation, ConsultationStatus, Debate
from config.typography import french_text
from tests.courses.factories import (
    READY_MADE_DEBATE,
    course_create,
    lesson_create,
    teacher_guide_create,
)
from tests.school.factories import (
    classroom_create,
    editor_create,
    pupil_create,
    school_create,
    teacher_create,
)


@pytest.fixture
def world(site_tree):
    lesson = lesson_create(course=course_create(parent=site_tree))
    guide = teacher_guide_create(lesson=lesson)
    teacher = teacher_create()
    classroom = classroom_create(teacher=teacher, name="2nde A")
    other_teacher = teacher_create(school=school_create())
    other_classroom = classroom_create(teacher=other_teacher, name="2nde B")
    colleague_classroom = classroom_create(
        teacher=teacher_create(school=classroom.school), school=classroom.school, name="2nde C"
    )
    return lesson, guide, teacher, classroom, other_classroom, colleague_classroom


def _counts():
    return Consultation.objects.count(), Debate.objects.count()


def test_consultation_is_launched_in_two_requests_as_a_draft(client, world):
    lesson, guide, teacher, classroom, _other, _colleague = world
    client.force_login(teacher)
    # Click 1: the button on the lesson leads to the confirmation, everything prefilled.
    page = client.get(lesson.url).content.decode()
    url = reverse("content:ready_made_launch", args=[lesson.pk])
    assert url in page
    confirm = client.get(url)
    text = confirm.content.decode()
    assert confirm.status_code == 200
    assert french_text(guide.ready_made["title"]) in text and "Le vote à 16 ans en débat" in text
    assert "Pour, contre ou vote blanc" in text and "2nde A" in text
    # The only field is the class (preselected: the teacher has one).
    assert 'name="classroom"' in text and "checked" in text and 'name="title"' not in text
    # Click 2: confirm.
    response = client.post(url, {"classroom": classroom.pk})
    consultation = Consultation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "classroom_votes:consultation_detail", args=[consultation.pk]
    )
    assert consultation.owner == teacher and consultation.status == ConsultationStatus.DRAFT
    assert consultation.title == guide.ready_made["title"] and consultation.method == "yes_no"
    assert list(consultation.classrooms.all()) == [classroom]
    assert sorted(consultation.sources.values_list("panel", flat=True)) == [
        "contre",
        "medias",
        "pour",
    ]


def test_debate_is_launched_open(client, world):
    lesson, guide, teacher, classroom, _other, _colleague = world
    guide.ready_made = READY_MADE_DEBATE
    guide.save()
    client.force_login(teacher)
    url = reverse("content:ready_made_launch", args=[lesson.pk])
    assert french_text(READY_MADE_DEBATE["thesis"]) in client.get(url).content.decode()
    response = client.post(url, {"classroom": classroom.pk})
    debate = Debate.objects.get()
    assert response["Location"] == reverse("classroom_votes:debate_detail", args=[debate.pk])
    assert debate.thesis == READY_MADE_DEBATE["thesis"] and debate.owner == teacher
    assert list(debate.classrooms.all()) == [classroom]


@pytest.mark.parametrize("target", ["other school", "colleague"])
def test_a_class_that_is_not_the_teachers_is_refused(client, world, target):
    lesson, _guide, teacher, _classroom, other, colleague = world
    client.force_login(teacher)
    foreign = other if target == "other school" else colleague
    page = client.get(reverse("content:ready_made_launch", args=[lesson.pk])).content.decode()
    assert foreign.name not in page
    before = _counts()
    response = client.post(
        reverse("content:ready_made_launch", args=[lesson.pk]), {"classroom": foreign.pk}
    )
    assert (
        response.status_code == 400 and "Choisissez une de vos classes" in response.content.decode()
    )
    assert _counts() == before


def test_an_archived_class_is_not_offered(client, world):
    from django.utils import timezone

    lesson, _guide, teacher, classroom, _other, _colleague = world
    classroom.archived_at = timezone.now()
    classroom.save()
    client.force_login(teacher)
    url = reverse("content:ready_made_launch", args=[lesson.pk])
    assert client.post(url, {"classroom": classroom.pk}).status_code == 400
    assert _counts() == (0, 0)


@pytest.mark.parametrize("role", ["anonymous", "pupil", "editor"])
def test_only_teachers_launch(client, world, role):
    lesson, _guide, _teacher, classroom, _other, _colleague = world
    users = {"pupil": pupil_create(classroom=classroom).user, "editor": editor_create()}
    if role != "anonymous":
        client.force_login(users[role])
    url = reverse("content:ready_made_launch", args=[lesson.pk])
    for response in (client.get(url), client.post(url, {"classroom": classroom.pk})):
        assert response.status_code in (302, 404)
        if response.status_code == 302:
            assert response["Location"].startswith(reverse("login"))
    assert _counts() == (0, 0)


def test_invalid_ready_made_data_is_refused_with_a_clear_error(client, world):
    lesson, guide, teacher, classroom, _other, _colleague = world
    guide.ready_made = {**guide.ready_made, "method": "plebiscite"}
    guide.save()
    client.force_login(teacher)
    url = reverse("content:ready_made_launch", args=[lesson.pk])
    assert "incomplète" in client.get(url).content.decode()
    response = client.post(url, {"classroom": classroom.pk})
    assert response.status_code == 400
    assert "La question prête à lancer de cette fiche est incomplète ou invalide" in (
        response.content.decode().replace("&#x27;", "'")
    )
    assert _counts() == (0, 0)


def test_the_services_still_decide(client, world, monkeypatch):
    """A question the services refuse (here a title too long for them) is refused with their
    message, even if it passed the loader's checks."""
    lesson, guide, teacher, classroom, _other, _colleague = world
    monkeypatch.setattr("content.teacher_pages.QUESTION_MAX_LENGTH", 10_000)
    guide.ready_made = {**guide.ready_made, "title": "x" * 400}
    guide.save()
    client.force_login(teacher)
    response = client.post(
        reverse("content:ready_made_launch", args=[lesson.pk]), {"classroom": classroom.pk}
    )
    assert response.status_code == 400 and "1 à 300 caractères" in response.content.decode()
    assert _counts() == (0, 0)
