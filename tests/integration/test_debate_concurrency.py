"""Debates under concurrent requests on PostgreSQL, each thread on its own connection, as
the server's workers would be: the rate limit holds when a pupil fires many posts at once, the
automatic hiding happens once however many reports arrive together, and a reply never lands
under a post withdrawn at the same moment."""

import pytest
from django.utils import timezone

from classroom_votes.debates import services
from classroom_votes.models import (
    Argument,
    ArgumentReport,
    ArgumentStatus,
    ModerationAction,
    ModerationEvent,
    Side,
)
from school.models import PupilProfile
from tests.classroom_votes.debate_factories import ESTABLISHED, debate_create, post
from tests.integration.threads import run_together
from tests.school.factories import classroom_create, pupil_create, school_create, teacher_create

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
]


def _world(*, pupils: int, **debate_fields):
    # A school abroad: the flush after a transactional test also empties the départements.
    teacher = teacher_create(school=school_create(name="Lycée français de Madrid", country="ES"))
    classroom = classroom_create(teacher=teacher, name="2nde 1")
    users = [
        pupil_create(classroom=classroom, pseudonym=f"Course-{n:02d}").user for n in range(pupils)
    ]
    # Accepted long enough ago for their reports to count (classroom_votes.debates.reports).
    PupilProfile.objects.filter(classroom=classroom).update(
        approved_at=timezone.now() - ESTABLISHED
    )
    debate = debate_create(owner=teacher, classrooms=[classroom], **debate_fields)
    return debate, teacher, users


def _codes(results) -> list[str]:
    return sorted(getattr(result, "code", repr(result)) for result in results)


def test_rate_limit_holds_against_simultaneous_posts(settings):
    settings.HEMICYCLE_DEBATE_RATE_LIMITS = [(3, 1)]
    debate, _teacher, (pupil, other) = _world(pupils=2, premoderation=False)

    def send(user, n):
        return lambda: post(author=user, debate=debate, text=f"Message {n}")

    results = run_together([send(pupil, n) for n in range(8)] + [send(other, 99)])

    stored = [result for result in results if isinstance(result, Argument)]
    refused = [result for result in results if not isinstance(result, Argument)]
    assert len(stored) == 4  # three for the pupil, one for the other pupil
    assert _codes(refused) == [services.RATE_LIMITED] * 5
    assert Argument.objects.filter(author=pupil).count() == 3


def test_simultaneous_reports_hide_a_post_once():
    debate, _teacher, users = _world(pupils=9, premoderation=False)
    author, reporters = users[0], users[1:]
    argument = post(author=author, debate=debate)

    def report(user):
        return lambda: services.argument_report(argument=argument, reporter=user, reason="insult")

    results = run_together([report(user) for user in reporters])

    argument.refresh_from_db()
    assert argument.status == ArgumentStatus.HIDDEN and argument.auto_hidden
    assert ModerationEvent.objects.filter(action=ModerationAction.AUTO_HIDE).count() == 1
    # The threshold's worth of reports, then the post was no longer there to report.
    assert ArgumentReport.objects.count() == 3
    refused = [result for result in results if not isinstance(result, ArgumentReport)]
    assert _codes(refused) == [services.REPORT_NOT_PUBLISHED] * 5


def test_reply_and_withdrawal_at_the_same_moment(settings):
    settings.HEMICYCLE_DEBATE_RATE_LIMITS = []
    debate, _teacher, users = _world(pupils=6, premoderation=False)
    author, repliers = users[0], users[1:]
    outcomes = set()
    for _round in range(5):
        parent = post(author=author, debate=debate)

        def reply(user, parent=parent):
            return lambda: post(author=user, debate=debate, parent=parent, side=Side.CONTRE)

        def withdraw(parent=parent):
            return lambda: services.argument_withdraw(argument=parent, by=author)

        results = run_together([withdraw()] + [reply(user) for user in repliers])

        parent.refresh_from_db()
        replies = Argument.objects.filter(parent=parent).count()
        if parent.status == ArgumentStatus.WITHDRAWN:
            # Withdrawn first: every reply then found it gone.
            assert replies == 0
            assert _codes(results[1:]) == [services.ARGUMENT_PARENT_NOT_PUBLISHED] * 5
        else:
            # A reply came first: the post stays, and every reply is stored.
            assert getattr(results[0], "code", None) == services.ARGUMENT_HAS_REPLIES
            assert replies == len(repliers)
            assert all(isinstance(result, Argument) for result in results[1:])
        outcomes.add(parent.status)
    print(f"reply and withdrawal: outcomes seen {sorted(outcomes)}")
