"""The pages pupils and teachers land on after logging in (config.landing): what waits for them,
from their own classes only, in a number of queries that does not grow with the classes."""

from datetime import timedelta
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from classroom_votes.consultations import services as consultation_services
from classroom_votes.models import ConsultationStatus, ResultsSeen
from config.typography import french_text
from courses.models import Assignment
from school.privacy import pupil_data_export
from tests.classroom_votes.debate_factories import debate_create, post, published
from tests.classroom_votes.factories import (
    ballots_cast,
    consultation_create,
    invariants_assert,
    pupils_create,
)
from tests.courses.factories import course_create, lesson_create
from tests.school.factories import classroom_create, pupil_create, school_create, teacher_create

pytestmark = pytest.mark.django_db

PUPIL_HOME = reverse("landing:pupil")
TEACHER_HOME = reverse("landing:teacher")


@pytest.fixture(autouse=True)
def _invariant():
    yield
    invariants_assert()


def _closed_with_results(*, classroom, owner, title, voters=5):
    consultation = consultation_create(owner=owner, classrooms=[classroom], title=title)
    users = pupils_create(classroom=classroom, count=voters, prefix=title[:6])
    ballots_cast(consultation=consultation, voters=users, contents=[{"choice": "pour"}] * voters)
    consultation_services.consultation_close(consultation=consultation, by=owner)
    consultation.refresh_from_db()
    return consultation


class World:
    """Class A (teacher A) and class B (teacher B, another school), each with a vote open, a
    debate open, a closed vote with results and a pupil."""

    def __init__(self):
        self.teacher = teacher_create(school=school_create())
        self.classroom = classroom_create(teacher=self.teacher, name="2nde A")
        self.pupil = pupil_create(classroom=self.classroom, pseudonym="Lynx-Ocre-41").user
        self.other_teacher = teacher_create(school=school_create())
        self.other_classroom = classroom_create(teacher=self.other_teacher, name="1re B")
        self.other_pupil = pupil_create(classroom=self.other_classroom).user
        self.vote = consultation_create(
            owner=self.teacher, classrooms=[self.classroom], title="Vote A ouvert ?"
        )
        self.other_vote = consultation_create(
            owner=self.other_teacher, classrooms=[self.other_classroom], title="Vote B ouvert ?"
        )
        self.draft = consultation_create(
            owner=self.teacher,
            classrooms=[self.classroom],
            title="Brouillon A ?",
            status=ConsultationStatus.DRAFT,
        )
        self.debate = debate_create(
            owner=self.teacher,
            classrooms=[self.classroom],
            thesis="Débat A",
            consultation=self.vote,
        )
        self.other_debate = debate_create(
            owner=self.other_teacher, classrooms=[self.other_classroom], thesis="Débat B"
        )
        self.results = _closed_with_results(
            classroom=self.classroom, owner=self.teacher, title="Résultats A ?"
        )
        self.other_results = _closed_with_results(
            classroom=self.other_classroom, owner=self.other_teacher, title="Résultats B ?"
        )


@pytest.fixture
def world():
    return World()


def _page(client, user, url) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return unescape(response.content.decode())


# --- The pupil's page -------------------------------------------------------------------------


def test_pupil_home_shows_their_class_votes_debates_and_results_only(client, world):
    html = _page(client, world.pupil, PUPIL_HOME)
    for shown in ("Vote A ouvert ?", "Débat A", "Résultats A ?", "À toi de voter", "Nouveau"):
        assert french_text(shown) in html
    for hidden in ("Vote B ouvert ?", "Débat B", "Résultats B ?", "Brouillon A ?"):
        assert french_text(hidden) not in html


def test_pupil_home_says_they_voted_and_nothing_of_what(client, world):
    ballots_cast(consultation=world.vote, voters=[world.pupil], contents=[{"choice": "contre"}])
    html = _page(client, world.pupil, PUPIL_HOME)
    votes = html.split('data-landing="votes"')[1].split("</section>")[0]
    assert "Tu as voté" in votes and "À toi de voter" not in votes
    assert "contre" not in votes.lower().replace("rencontre", "")
    # A classmate who has not voted is still asked to.
    classmate = pupil_create(classroom=world.classroom).user
    client.logout()
    assert "À toi de voter" in _page(client, classmate, PUPIL_HOME)


def test_new_results_badge_goes_once_the_results_are_opened(client, world):
    html = _page(client, world.pupil, PUPIL_HOME)
    assert html.count("data-new-results") == 1
    results_url = reverse("classroom_votes:consultation_results", args=[world.results.pk])
    first = client.get(results_url).content.decode()
    assert "Nouveau" in first.split("</h1>")[0]
    assert "Nouveau" not in client.get(results_url).content.decode().split("</h1>")[0]
    assert "data-new-results" not in client.get(PUPIL_HOME).content.decode()
    assert ResultsSeen.objects.filter(user=world.pupil).count() == 1
    # Only for this pupil: a classmate still sees them as new.
    classmate = pupil_create(classroom=world.classroom).user
    client.logout()
    assert "data-new-results" in _page(client, classmate, PUPIL_HOME)


def test_results_not_published_are_neither_listed_nor_marked_seen(client, world):
    """Too few ballots, or a vote still open with live results: nothing is « new » yet, and
    opening the results page before they are out does not take the badge off later."""
    few = consultation_create(owner=world.teacher, classrooms=[world.classroom], title="Peu ?")
    ballots_cast(consultation=few, voters=[world.pupil], contents=[{"choice": "pour"}])
    consultation_services.consultation_close(consultation=few, by=world.teacher)
    client.force_login(world.pupil)
    assert "Peu ?" not in client.get(PUPIL_HOME).content.decode()
    client.get(reverse("classroom_votes:consultation_results", args=[few.pk]))
    client.get(reverse("classroom_votes:consultation_results", args=[world.vote.pk]))
    assert not ResultsSeen.objects.exists()


def test_teacher_opening_results_records_nothing(client, world):
    client.force_login(world.teacher)
    client.get(reverse("classroom_votes:consultation_results", args=[world.results.pk]))
    assert not ResultsSeen.objects.exists()


def test_pupil_home_lists_unfinished_assignments(client, world, site_tree):
    course = course_create(parent=site_tree, title="Les institutions")
    lesson_create(course=course, title="Le Sénat")
    Assignment.objects.create(
        classroom=world.classroom, course=course, due_date=timezone.localdate() - timedelta(1)
    )
    html = _page(client, world.pupil, PUPIL_HOME)
    assignments = html.split('data-landing="assignments"')[1].split("</section>")[0]
    assert "Les institutions" in assignments and "En retard" in assignments
    assert "Le Sénat" in assignments  # what to do next


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_pupil_home_queries_do_not_grow_with_the_class_work(client, world):
    client.force_login(world.pupil)
    before = _queries(client, PUPIL_HOME)
    for number in range(3):
        consultation_create(
            owner=world.teacher, classrooms=[world.classroom], title=f"Encore {number} ?"
        )
        debate_create(owner=world.teacher, classrooms=[world.classroom], thesis=f"Débat {number}")
        _closed_with_results(
            classroom=world.classroom, owner=world.teacher, title=f"Clos {number} ?"
        )
    assert _queries(client, PUPIL_HOME) == before


def test_results_seen_are_in_the_pupils_export_and_go_with_the_account(client, world):
    client.force_login(world.pupil)
    client.get(reverse("classroom_votes:consultation_results", args=[world.results.pk]))
    assert pupil_data_export(user=world.pupil)["resultats_consultes"] == ["Résultats A ?"]
    world.pupil.delete()
    assert not ResultsSeen.objects.exists()


@pytest.mark.parametrize("role", ["teacher", "editor"])
def test_pupil_home_is_for_pupils(client, world, role):
    from tests.school.factories import editor_create

    user = world.teacher if role == "teacher" else editor_create()
    client.force_login(user)
    assert client.get(PUPIL_HOME).status_code == 403
    client.logout()
    assert client.get(PUPIL_HOME)["Location"].startswith(reverse("login"))


# --- The teacher's page -----------------------------------------------------------------------


def test_teacher_home_counts_what_waits_in_their_classes(client, world):
    pupil_create(classroom=world.classroom, approved=False)
    ballots_cast(consultation=world.vote, voters=[world.pupil], contents=[{"choice": "pour"}])
    post(author=world.pupil, debate=world.debate)  # pre-moderated: waits
    html = _page(client, world.teacher, TEACHER_HOME)
    section = html.split(f'data-landing-class="{world.classroom.pk}"')[1].split("</section>")[0]
    assert "1 élève attend d'être accepté" in section
    assert french_text("Vote A ouvert ?") in section
    assert french_text("participation : 1 sur") in section
    assert "Débat A" in section and "1 message en attente" in section
    for hidden in ("1re B", "Vote B ouvert ?", "Débat B"):
        assert french_text(hidden) not in html


def test_teacher_home_shows_overdue_assignments(client, world, site_tree):
    course = course_create(parent=site_tree)
    Assignment.objects.create(
        classroom=world.classroom, course=course, due_date=timezone.localdate() - timedelta(1)
    )
    Assignment.objects.create(
        classroom=world.other_classroom, course=course, due_date=timezone.localdate() - timedelta(1)
    )
    html = _page(client, world.teacher, TEACHER_HOME)
    assert html.count("devoir dont la date est passée") == 1


def test_colleague_of_one_class_sees_its_votes_but_moderates_only_their_debates(client, world):
    """A teacher of class A only, in a debate that also runs in class B which they do not
    teach, may not moderate it (the owner or a teacher of every class does): the page does not
    count its queue for them."""
    colleague = teacher_create(school=world.classroom.school)
    world.classroom.teachers.add(colleague)
    shared = debate_create(
        owner=world.teacher,
        classrooms=[world.classroom, classroom_create(teacher=world.teacher)],
        thesis="Débat partagé",
    )
    post(author=world.pupil, debate=shared)
    post(author=world.pupil, debate=world.debate)
    html = _page(client, colleague, TEACHER_HOME)
    assert french_text("Vote A ouvert ?") in html
    assert "Débat partagé" not in html
    assert "Débat A" in html  # they teach every class of this one
    client.force_login(world.teacher)
    assert "Débat partagé" in client.get(TEACHER_HOME).content.decode()


def test_teacher_home_counts_reported_posts(client, world):
    argument = published(author=world.pupil, debate=world.debate)
    from classroom_votes.debates import services as debate_services

    reporter = pupil_create(classroom=world.classroom).user
    debate_services.argument_report(argument=argument, reporter=reporter, reason="off_topic")
    html = _page(client, world.teacher, TEACHER_HOME)
    assert "1 message signalé" in html


def test_teacher_home_queries_do_not_grow_with_classes(client, world):
    post(author=world.pupil, debate=world.debate)
    client.force_login(world.teacher)
    before = _queries(client, TEACHER_HOME)
    for number in range(3):
        classroom = classroom_create(teacher=world.teacher, name=f"Tle {number}")
        pupil = pupil_create(classroom=classroom).user
        pupil_create(classroom=classroom, approved=False)
        consultation_create(owner=world.teacher, classrooms=[classroom], title=f"V{number} ?")
        debate = debate_create(owner=world.teacher, classrooms=[classroom], thesis=f"D{number}")
        post(author=pupil, debate=debate)
    assert _queries(client, TEACHER_HOME) == before


def test_teacher_home_is_for_teachers(client, world):
    client.force_login(world.pupil)
    assert client.get(TEACHER_HOME).status_code == 403


# --- Landing after login ----------------------------------------------------------------------


def test_login_from_the_home_page_lands_on_each_roles_page(client, world):
    from school.models import PupilProfile
    from tests.school.factories import TEACHER_PASSWORD, pupil_login_data

    response = client.post(
        reverse("school:pupil_login"),
        {**pupil_login_data(PupilProfile.objects.get(user=world.pupil)), "next": "/"},
    )
    assert response["Location"] == PUPIL_HOME
    client.logout()
    response = client.post(
        reverse("login"),
        {"username": world.teacher.username, "password": TEACHER_PASSWORD, "next": "/"},
    )
    assert client.get(response["Location"])["Location"] == TEACHER_HOME
    client.logout()
    response = client.post(
        reverse("login"),
        {
            "username": world.teacher.username,
            "password": TEACHER_PASSWORD,
            "next": "/consultations/",
        },
    )
    assert response["Location"] == "/consultations/"


def test_header_login_links_carry_next_except_on_the_home_page(client, world, site_tree):
    home = client.get("/").content.decode()
    assert f'href="{reverse("login")}"' in home and "?next=/" not in home
    page = client.get(reverse("accessibility")).content.decode()
    assert f'href="{reverse("login")}?next={reverse("accessibility")}"' in page


# --- Consultation and debate, both ways -------------------------------------------------------


def test_consultation_pages_link_to_the_debates_the_viewer_sees(client, world):
    hidden = debate_create(
        owner=world.other_teacher,
        classrooms=[world.other_classroom],
        thesis="Débat d'une autre classe",
    )
    hidden.consultation = world.vote
    hidden.save(update_fields=["consultation"])
    client.force_login(world.pupil)
    detail = client.get(reverse("classroom_votes:consultation_detail", args=[world.vote.pk]))
    assert "Débat A" in detail.content.decode()
    assert "Débat d'une autre classe" not in unescape(detail.content.decode())
    ballots_cast(consultation=world.vote, voters=[world.pupil], contents=[{"choice": "pour"}])
    voted = client.get(reverse("classroom_votes:consultation_voted", args=[world.vote.pk]))
    voted_html = voted.content.decode()
    assert reverse("classroom_votes:debate_detail", args=[world.debate.pk]) in voted_html
    assert "publiés à la clôture" in voted_html
    debate = client.get(reverse("classroom_votes:debate_detail", args=[world.debate.pk]))
    assert reverse("classroom_votes:consultation_detail", args=[world.vote.pk]) in (
        debate.content.decode()
    )


def test_debates_managed_by_agrees_with_the_moderation_permission(world):
    from classroom_votes.debates.permissions import can_moderate_debate
    from classroom_votes.landing import debates_managed_by
    from classroom_votes.models import Debate
    from tests.school.factories import admin_create

    colleague = teacher_create(school=world.classroom.school)
    world.classroom.teachers.add(colleague)
    debate_create(
        owner=world.teacher,
        classrooms=[world.classroom, classroom_create(teacher=world.teacher)],
        thesis="Débat partagé",
    )
    users = [world.teacher, world.other_teacher, colleague, admin_create(), world.pupil]
    for user in users:
        expected = {d.pk for d in Debate.objects.all() if can_moderate_debate(user, d)}
        managed = set(debates_managed_by(user=user).values_list("pk", flat=True))
        assert managed == expected, user


def test_debate_links_back_only_to_a_consultation_the_viewer_may_open(client, world):
    world.debate.consultation = world.draft
    world.debate.save(update_fields=["consultation"])
    debate_url = reverse("classroom_votes:debate_detail", args=[world.debate.pk])
    draft_url = reverse("classroom_votes:consultation_detail", args=[world.draft.pk])
    client.force_login(world.pupil)
    assert draft_url not in client.get(debate_url).content.decode()  # a draft is a 404 to them
    client.force_login(world.teacher)
    assert draft_url in client.get(debate_url).content.decode()
