"""Reports that a few accounts cannot turn into censorship (classroom_votes.debates.reports):
who counts towards the automatic hiding, how many it takes, and who stops counting."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from classroom_votes.debates import services
from classroom_votes.debates.selectors import debate_moderation_queue
from classroom_votes.models import ArgumentReport, ArgumentStatus, ModerationAction
from school import services as school_services
from school.models import Classroom, PupilProfile, User
from tests.school.factories import pupil_create

from ..debate_factories import debate_world, published

pytestmark = pytest.mark.django_db

LONG_AGO = timedelta(days=7)


def _report(argument, *reporters, reason="insult"):
    for reporter in reporters:
        services.argument_report(argument=argument, reporter=reporter, reason=reason)
    argument.refresh_from_db()
    return argument


def _established(classroom, count: int) -> list[User]:
    users = [pupil_create(classroom=classroom).user for _ in range(count)]
    PupilProfile.objects.filter(user__in=users).update(approved_at=timezone.now() - LONG_AGO)
    return users


def _join_through_the_page(classroom) -> User:
    """A new account made the way an attacker would: the /rejoindre/ form with the code."""
    client = Client()
    response = client.post(reverse("school:pupil_join"), {"class_code": classroom.join_code})
    assert response.status_code in (200, 302)
    return User.objects.get(pk=client.session["_auth_user_id"])


@pytest.mark.parametrize("approved", [False, True], ids=["waiting", "approved"])
def test_three_fresh_accounts_cannot_hide_a_post(approved):
    world = debate_world(pupils=2, premoderation=False)
    # Newcomers wait for the teacher, who may accept them at once.
    Classroom.objects.filter(pk=world.classroom.pk).update(join_approval=True)
    school_services.classroom_join_open(classroom=world.classroom, duration=timedelta(hours=1))
    argument = published(author=world.pupil, debate=world.debate, text="Un avis qui dérange.")
    mob = [_join_through_the_page(world.classroom) for _ in range(3)]
    assert PupilProfile.objects.filter(user__in=mob, approved_at__isnull=True).count() == 3
    if approved:
        assert school_services.pupils_approve(classroom=world.classroom) == 3
    _report(argument, *mob)
    assert argument.status == ArgumentStatus.PUBLISHED
    assert not ArgumentReport.objects.filter(counts=True).exists()
    # The teacher still sees the reports.
    assert [item.argument for item in debate_moderation_queue(debate=world.debate).reported] == [
        argument
    ]


def test_reports_of_a_pupil_no_longer_in_the_debates_classes_do_not_count():
    world = debate_world(pupils=4, premoderation=False)
    argument = published(author=world.pupil, debate=world.debate)
    # Another class is refused outright.
    with pytest.raises(services.DebateError) as error:
        services.argument_report(argument=argument, reporter=world.outsider, reason="insult")
    assert error.value.code == services.DEBATE_NOT_IN_YOUR_CLASS
    _report(argument, world.pupils[1])
    # The reporter leaves for another class: their report no longer weighs.
    PupilProfile.objects.filter(user=world.pupils[1]).update(classroom=world.other_classroom)
    _report(argument, world.pupils[2], world.pupils[3])
    assert argument.status == ArgumentStatus.PUBLISHED


def test_a_teachers_report_hides_at_once():
    world = debate_world(pupils=2, premoderation=False)
    argument = published(author=world.pupil, debate=world.debate)
    _report(argument, world.pupils[1])
    report = services.argument_report(
        argument=argument, reporter=world.teacher, reason="harassment", note="Vise un élève"
    )
    argument.refresh_from_db()
    assert (argument.status, argument.auto_hidden) == (ArgumentStatus.HIDDEN, False)
    assert report.upheld is True
    assert set(ArgumentReport.objects.values_list("upheld", flat=True)) == {True}
    event = world.debate.moderation_events.get(action=ModerationAction.HIDE)
    assert event.actor == world.teacher and "Vise un élève" in event.reason


def test_a_class_relative_threshold_of_standing_pupils_hides_and_queues_the_post():
    world = debate_world(pupils=2, premoderation=False)
    pupils = _established(world.classroom, 28)  # 30 accepted pupils: ceil(15 %) = 5 reports
    argument = published(author=world.pupil, debate=world.debate)
    _report(argument, *pupils[:4])
    assert argument.status == ArgumentStatus.PUBLISHED
    _report(argument, pupils[4])
    assert (argument.status, argument.auto_hidden) == (ArgumentStatus.HIDDEN, True)
    queue = debate_moderation_queue(debate=world.debate)
    assert [item.argument for item in queue.auto_hidden] == [argument]
    # The teacher reviews: restoring rejects the reports.
    services.argument_restore(
        argument=argument, by=world.teacher, reason="Un avis, pas une insulte"
    )
    assert set(ArgumentReport.objects.values_list("upheld", flat=True)) == {False}


def test_a_pupil_whose_reports_are_mostly_rejected_is_flagged_and_stops_counting(client):
    world = debate_world(pupils=5, premoderation=False)
    serial, second, third = world.pupils[1:4]
    for number in range(3):
        target = published(author=world.pupils[4], debate=world.debate, text=f"Avis {number}")
        _report(target, serial)
        services.argument_reports_dismiss(argument=target, by=world.teacher, reason="Rien")
    client.force_login(world.teacher)
    page = client.get(reverse("classroom_votes:debate_moderation", args=[world.debate.pk]))
    assert f'data-flagged-reporter="{serial.pk}"' in page.content.decode()
    assert f'data-flagged-reporter="{second.pk}"' not in page.content.decode()
    argument = published(author=world.pupil, debate=world.debate)
    _report(argument, serial, second, third)
    assert argument.status == ArgumentStatus.PUBLISHED
    assert not ArgumentReport.objects.get(argument=argument, reporter=serial).counts


def test_a_pupil_who_reports_too_often_is_flagged_and_stops_counting(settings):
    settings.HEMICYCLE_DEBATE_REPORTER_FLAG = {
        **settings.HEMICYCLE_DEBATE_REPORTER_FLAG,
        "reports": 2,
    }
    world = debate_world(pupils=5, premoderation=False)
    eager = world.pupils[1]
    for number in range(2):
        _report(
            published(author=world.pupils[4], debate=world.debate, text=f"Avis {number}"), eager
        )
    argument = published(author=world.pupil, debate=world.debate)
    _report(argument, eager, world.pupils[2], world.pupils[3])
    assert argument.status == ArgumentStatus.PUBLISHED


def test_reports_are_throttled_per_pupil(settings):
    settings.HEMICYCLE_DEBATE_REPORT_RATE_LIMITS = [(2, 10)]
    world = debate_world(pupils=3, premoderation=False)
    posts = [published(author=world.pupil, debate=world.debate, text=f"Avis {n}") for n in range(3)]
    _report(posts[0], world.pupils[1])
    _report(posts[1], world.pupils[1])
    with pytest.raises(services.DebateError) as error:
        services.argument_report(argument=posts[2], reporter=world.pupils[1], reason="insult")
    assert error.value.code == services.REPORT_RATE_LIMITED
    assert ArgumentReport.objects.count() == 2
    _report(posts[2], world.pupils[2])  # another pupil is not held back
