"""The demo class built for `make run`: idempotent, realistic, and its printed credentials work."""

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db.models import F
from django.test import RequestFactory
from django.utils import timezone

from classroom_votes.consultations.permissions import can_vote
from classroom_votes.consultations.selectors import consultation_invariant
from classroom_votes.models import (
    Argument,
    ArgumentStatus,
    Ballot,
    Consultation,
    Debate,
    Participation,
    Tally,
)
from content.demo import (
    DEMO_CLASS_NAME,
    DEMO_PUPIL_COUNT,
    DEMO_PUPIL_PSEUDONYM,
    DEMO_PUPIL_SECRET,
    DEMO_TEACHER_EMAIL,
    DEMO_TEACHER_PASSWORD,
    DEMO_UAI,
    DemoCourseMissing,
    demo_build,
)
from content.demo_classwork import DEMO_BALLOTS, DEMO_QUESTION
from content.loader import load_courses
from content.seeding import content_seed
from courses.models import Assignment, LessonPage, LessonProgress, QuizAttempt
from school.models import Classroom, PupilProfile, School, User
from school.models.schools import validate_uai
from school.permissions import can_manage_classroom


@pytest.fixture
def seeded(db):
    content_seed(courses=load_courses())


def _snapshot() -> dict:
    return {
        "schools": list(School.objects.values_list("pk", "uai")),
        "users": list(User.objects.order_by("pk").values_list("pk", "username", "password")),
        "classes": list(Classroom.objects.values_list("pk", "join_code", "join_enabled")),
        "pupils": list(PupilProfile.objects.order_by("pk").values_list("pk", "pseudonym")),
        "assignments": list(Assignment.objects.values_list("pk", "due_date")),
        "attempts": list(QuizAttempt.objects.order_by("pk").values_list("pk", "score")),
        "progress": list(
            LessonProgress.objects.order_by("pk").values_list("pk", "completed_at", "last_seen_at")
        ),
        "consultations": list(Consultation.objects.values_list("pk", "status")),
        "ballots": Ballot.objects.count(),
        "tallies": list(Tally.objects.order_by("pk").values_list("pk", "count")),
        "debates": list(Debate.objects.values_list("pk", "status")),
        "arguments": list(Argument.objects.order_by("pk").values_list("pk", "status")),
    }


def test_demo_builds_the_teacher_class_and_twelve_pupils(seeded):
    report = demo_build()
    validate_uai(DEMO_UAI)
    school = School.objects.get(uai=DEMO_UAI)
    assert school.departement_id == "75"
    teacher = User.objects.get(username=DEMO_TEACHER_EMAIL)
    assert teacher.is_teacher and teacher.check_password(DEMO_TEACHER_PASSWORD)
    assert school.teachers.filter(pk=teacher.pk).exists()
    classroom = report.classroom
    assert (classroom.name, classroom.school_year, classroom.level) == (
        DEMO_CLASS_NAME,
        2026,
        "2nde",
    )
    assert can_manage_classroom(teacher, classroom)
    assert classroom.pupils.count() == DEMO_PUPIL_COUNT
    assignment = Assignment.objects.get(classroom=classroom)
    assert assignment.course.title == "La Ve République et ses institutions"
    assert assignment.due_date is not None and assignment.assigned_by == teacher


def test_demo_pupils_made_realistic_progress(seeded):
    classroom = demo_build().classroom
    pupils = User.objects.filter(pupil__classroom=classroom)
    progress = LessonProgress.objects.filter(user__in=pupils)
    completed = progress.filter(completed_at__isnull=False)
    assert completed.exists() and progress.filter(completed_at__isnull=True).exists()
    attempts = QuizAttempt.objects.filter(user__in=pupils)
    scores = {(attempt.score, attempt.max_score) for attempt in attempts}
    assert len({score for score, _max in scores}) >= 3  # varied scores
    # Every completed lesson has its quizzes attempted (the completion rule held).
    for row in completed.select_related("lesson"):
        lesson = LessonPage.objects.get(pk=row.lesson_id)
        quiz_ids = set(lesson.quiz_blocks())
        attempted = set(
            attempts.filter(user=row.user, lesson=lesson).values_list("quiz_id", flat=True)
        )
        assert quiz_ids <= attempted
    # Some pupils are ahead, some behind, some have not started.
    per_pupil = sorted(completed.filter(user=pupil).count() for pupil in pupils)
    assert per_pupil[0] == 0 and per_pupil[-1] >= 5
    # A few days of history, in a sensible order.
    assert not progress.filter(opened_at__gt=F("last_seen_at")).exists()
    assert not progress.filter(completed_at__gt=timezone.now()).exists()
    assert len({row.opened_at.date() for row in progress}) >= 5


def test_demo_is_idempotent(seeded):
    first = demo_build()
    snapshot = _snapshot()
    second = demo_build()
    assert _snapshot() == snapshot
    assert second.created == [] and second.join_code == first.join_code


def test_demo_class_has_an_open_vote_and_a_debate_to_moderate(seeded):
    """The printed pupil can still vote; most of the class has; the debate, tied to the vote,
    shows arguments on both sides and waits for the teacher on one post."""
    report = demo_build()
    consultation = Consultation.objects.get(title=DEMO_QUESTION)
    known = PupilProfile.objects.get(pseudonym=DEMO_PUPIL_PSEUDONYM).user
    assert consultation.phase(now=timezone.now()) == "open"
    assert consultation.owner.username == DEMO_TEACHER_EMAIL
    assert list(consultation.classrooms.all()) == [report.classroom]
    assert {source.panel for source in consultation.sources.all()} == {"medias", "pour", "contre"}
    assert consultation_invariant(consultation=consultation) == (len(DEMO_BALLOTS),) * 3
    assert not Participation.objects.filter(consultation=consultation, user=known).exists()
    assert can_vote(known, consultation)
    debate = Debate.objects.get(thesis=DEMO_QUESTION)
    assert debate.consultation == consultation and debate.premoderation
    published = debate.arguments.filter(status=ArgumentStatus.PUBLISHED)
    assert {argument.side for argument in published} == {"pour", "contre"}
    assert published.filter(parent__isnull=False).exists()
    assert debate.arguments.filter(status=ArgumentStatus.PENDING).count() == 1


def test_demo_pupil_logs_in_with_the_printed_credentials(seeded):
    report = demo_build()
    request = RequestFactory().post("/connexion-eleve/")
    # django-axes (first backend) needs the request: authenticate(None, ...) would raise.
    user = authenticate(
        request,
        class_code=report.join_code.lower(),
        pseudonym=DEMO_PUPIL_PSEUDONYM,
        secret=DEMO_PUPIL_SECRET,
    )
    assert user is not None and user.pupil.pseudonym == DEMO_PUPIL_PSEUDONYM
    assert user.pupil.classroom == report.classroom
    assert LessonProgress.objects.filter(user=user, completed_at__isnull=False).exists()
    teacher = authenticate(request, username=DEMO_TEACHER_EMAIL, password=DEMO_TEACHER_PASSWORD)
    assert teacher is not None and teacher.is_teacher


def test_demo_refuses_without_the_seeded_course(db):
    with pytest.raises(DemoCourseMissing, match="seed_content"):
        demo_build()
    assert not Classroom.objects.exists() and not User.objects.exists()


def test_seed_demo_prints_the_credentials_and_runs_twice(seeded, capsys):
    call_command("seed_demo", "--allow-without-debug")
    call_command("seed_demo", "--allow-without-debug")
    output = capsys.readouterr().out.split("Comptes de démonstration")[-1]
    classroom = Classroom.objects.get(name=DEMO_CLASS_NAME)
    for expected in (
        DEMO_TEACHER_EMAIL,
        DEMO_TEACHER_PASSWORD,
        classroom.join_code_display,
        DEMO_PUPIL_PSEUDONYM,
        DEMO_PUPIL_SECRET,
        "/connexion/",
        "/connexion-eleve/",
        "/consultations/ et ",
        "/debats/",
        "« 2nde B »",
    ):
        assert expected in output
    assert PupilProfile.objects.filter(classroom=classroom).count() == DEMO_PUPIL_COUNT


def test_seed_demo_without_content_says_to_run_seed_content(db):
    with pytest.raises(CommandError, match="seed_content"):
        call_command("seed_demo", "--allow-without-debug")


def test_seed_demo_still_refuses_outside_debug(seeded, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    assert not User.objects.filter(username=DEMO_TEACHER_EMAIL).exists()


def test_demo_national_picture_has_figures_and_the_real_election(seeded):
    """« Résultats nationaux » has something to show on a laptop: the demo question's picture
    with figures by département, région and France, none for a school; and the 2022 second
    round, imported from the project's copy of the official results, for a mock election."""
    from classroom_votes.models import Election, NationalQuestion
    from classroom_votes.national.selectors import national_overview
    from classroom_votes.national.services import national_recompute
    from content.demo_national import ELECTION_NAME, NATIONAL_TITLE

    demo_build()
    question = NationalQuestion.objects.get(title=NATIONAL_TITLE)
    overview = national_overview(question=question)
    assert overview.france.shown and overview.etranger.shown
    assert overview.departements_shown >= 8
    assert national_recompute(question_id=question.pk).differences == ()
    assert question.is_runnable()  # the demo teacher can still launch it in the class
    election = Election.objects.get(name=ELECTION_NAME)
    assert election.results.count() == 107
