"""Every moderation path: approve, reject, hide, restore (with reasons, in the audit log),
reports and the automatic hiding, dismissing reports, the queue, convincing marks, and who may
do each."""

import pytest

from classroom_votes import components
from classroom_votes.debates import permissions as perms
from classroom_votes.debates import services
from classroom_votes.debates.selectors import debate_moderation_log, debate_moderation_queue
from classroom_votes.models import (
    ArgumentKind,
    ArgumentReport,
    ArgumentStatus,
    ConvincingMark,
    HoldReason,
    ModerationAction,
    ModerationEvent,
)
from tests.school.factories import admin_create, teacher_create

from ..debate_factories import debate_world, post, published

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return debate_world(pupils=6)


def _code(call, **kwargs) -> str:
    events = ModerationEvent.objects.count()
    with pytest.raises(services.DebateError) as error:
        call(**kwargs)
    assert ModerationEvent.objects.count() == events
    return error.value.code


def _report(argument, *reporters, reason="insult"):
    for reporter in reporters:
        services.argument_report(argument=argument, reporter=reporter, reason=reason)


# --- Approve and reject -----------------------------------------------------------------------


def test_approve_publishes_a_pending_post_and_logs_it(world):
    argument = post(author=world.pupil, debate=world.debate)
    services.argument_approve(argument=argument, by=world.teacher)
    assert argument.status == ArgumentStatus.PUBLISHED
    argument.refresh_from_db()
    assert argument.status == ArgumentStatus.PUBLISHED
    assert argument.hold_reason == HoldReason.PREMODERATION  # kept: why it waited
    event = ModerationEvent.objects.get()
    assert (event.action, event.actor, event.argument) == (
        ModerationAction.APPROVE,
        world.teacher,
        argument,
    )
    assert _code(services.argument_approve, argument=argument, by=world.teacher) == (
        services.ARGUMENT_STATE_INVALID
    )


def test_reject_keeps_the_post_out_of_the_class_with_an_optional_reason(world):
    argument = post(author=world.pupil, debate=world.debate)
    services.argument_reject(argument=argument, by=world.teacher, reason="Reformule sans insulte.")
    argument.refresh_from_db()
    assert argument.status == ArgumentStatus.REJECTED
    assert ModerationEvent.objects.get().reason == "Reformule sans insulte."
    other = post(author=world.pupils[1], debate=world.debate)
    services.argument_reject(argument=other, by=world.teacher)
    assert ModerationEvent.objects.latest("pk").reason == ""
    for call in (services.argument_reject, services.argument_approve):
        assert _code(call, argument=argument, by=world.teacher) == services.ARGUMENT_STATE_INVALID


@pytest.mark.parametrize("who", ["pupil", "other_teacher", "outsider"])
def test_only_the_debates_moderators_moderate(world, who):
    user = getattr(world, who)
    pending = post(author=world.pupils[1], debate=world.debate)
    live = published(author=world.pupils[2], debate=world.debate)
    _report(live, world.pupils[3])
    assert not perms.can_moderate_debate(user, world.debate)
    for call, argument, extra in (
        (services.argument_approve, pending, {}),
        (services.argument_reject, pending, {}),
        (services.argument_hide, live, {"reason": "Non."}),
        (services.argument_restore, live, {"reason": "Non."}),
        (services.argument_reports_dismiss, live, {}),
    ):
        assert _code(call, argument=argument, by=user, **extra) == services.MODERATION_NOT_ALLOWED
    pending.refresh_from_db()
    live.refresh_from_db()
    assert (pending.status, live.status) == (ArgumentStatus.PENDING, ArgumentStatus.PUBLISHED)


def test_administrators_and_teachers_of_every_class_moderate(world):
    colleague = teacher_create()
    world.classroom.teachers.add(colleague)
    first = post(author=world.pupil, debate=world.debate)
    second = post(author=world.pupils[1], debate=world.debate)
    services.argument_approve(argument=first, by=colleague)
    services.argument_approve(argument=second, by=admin_create())
    assert ModerationEvent.objects.filter(action=ModerationAction.APPROVE).count() == 2


# --- Hide and restore -------------------------------------------------------------------------


def test_hide_and_restore_need_a_reason_and_are_logged(world):
    argument = published(author=world.pupil, debate=world.debate)
    for reason in ("", "   ", None, "x" * 501):
        assert _code(
            services.argument_hide, argument=argument, by=world.teacher, reason=reason
        ) == (services.REASON_REQUIRED)
    services.argument_hide(argument=argument, by=world.teacher, reason="Moquerie <b>visée</b>.")
    argument.refresh_from_db()
    assert argument.status == ArgumentStatus.HIDDEN and not argument.auto_hidden
    assert _code(services.argument_restore, argument=argument, by=world.teacher, reason="") == (
        services.REASON_REQUIRED
    )
    services.argument_restore(argument=argument, by=world.teacher, reason="Après discussion.")
    argument.refresh_from_db()
    assert argument.status == ArgumentStatus.PUBLISHED
    log = debate_moderation_log(debate=world.debate)
    assert [(event.action, event.reason) for event in log[:2]] == [
        (ModerationAction.RESTORE, "Après discussion."),
        (ModerationAction.HIDE, "Moquerie visée."),  # sanitized too
    ]
    assert all(event.actor == world.teacher for event in log)


def test_hide_and_restore_only_from_the_right_states(world):
    pending = post(author=world.pupil, debate=world.debate)
    assert _code(services.argument_hide, argument=pending, by=world.teacher, reason="Non.") == (
        services.ARGUMENT_STATE_INVALID
    )
    assert _code(services.argument_restore, argument=pending, by=world.teacher, reason="Non.") == (
        services.ARGUMENT_STATE_INVALID
    )
    # A refused post can be restored when the teacher changes their mind.
    services.argument_reject(argument=pending, by=world.teacher)
    services.argument_restore(argument=pending, by=world.teacher, reason="Finalement correct.")
    assert pending.status == ArgumentStatus.PUBLISHED
    hidden = published(author=world.pupils[1], debate=world.debate)
    services.argument_hide(argument=hidden, by=world.teacher, reason="Hors sujet.")
    # Hidden by the teacher: nothing to confirm.
    assert _code(services.argument_hide, argument=hidden, by=world.teacher, reason="Encore.") == (
        services.ARGUMENT_STATE_INVALID
    )


def test_moderation_goes_on_after_the_debate_is_closed_and_archived(world):
    argument = published(author=world.pupil, debate=world.debate)
    services.debate_archive(debate=world.debate, by=world.teacher)
    world.debate.refresh_from_db()
    services.argument_hide(argument=argument, by=world.teacher, reason="Découvert trop tard.")
    assert argument.status == ArgumentStatus.HIDDEN


# --- Reports and automatic hiding -------------------------------------------------------------


def test_report_is_stored_with_reason_and_sanitized_note(world):
    argument = published(author=world.pupil, debate=world.debate)
    report = services.argument_report(
        argument=argument,
        reporter=world.pupils[1],
        reason="harassment",
        note="Il se moque de <i>Pseudo-03</i>",
    )
    assert (report.reason, report.note, report.resolved_at) == (
        "harassment",
        "Il se moque de Pseudo-03",
        None,
    )
    assert perms.can_report_argument(world.pupils[2], argument)
    assert not perms.can_report_argument(world.pupil, argument)


@pytest.mark.parametrize("reason", ["", "boring", None])
def test_report_needs_a_known_reason(world, reason):
    argument = published(author=world.pupil, debate=world.debate)
    assert _code(
        services.argument_report, argument=argument, reporter=world.pupils[1], reason=reason
    ) == (services.REPORT_REASON_INVALID)


def test_report_refusals(world):
    argument = published(author=world.pupil, debate=world.debate)
    pending = post(author=world.pupils[1], debate=world.debate)
    cases = [
        ({"argument": argument, "reporter": world.pupil}, services.REPORT_OWN_POST),
        ({"argument": pending, "reporter": world.pupils[2]}, services.REPORT_NOT_PUBLISHED),
        ({"argument": argument, "reporter": world.outsider}, services.DEBATE_NOT_IN_YOUR_CLASS),
        # A teacher who does not moderate the debate (a moderator's report hides the post).
        ({"argument": argument, "reporter": world.other_teacher}, components.NOT_A_PUPIL),
    ]
    for kwargs, code in cases:
        assert _code(services.argument_report, reason="insult", **kwargs) == code
    _report(argument, world.pupils[2])
    assert _code(
        services.argument_report, argument=argument, reporter=world.pupils[2], reason="other"
    ) == (services.REPORT_ALREADY)
    assert ArgumentReport.objects.count() == 1


def test_reports_go_on_in_a_closed_debate_not_an_archived_one(world):
    argument = published(author=world.pupil, debate=world.debate)
    services.debate_close(debate=world.debate, by=world.teacher)
    _report(argument, world.pupils[1])
    services.debate_archive(debate=world.debate, by=world.teacher)
    assert _code(
        services.argument_report, argument=argument, reporter=world.pupils[2], reason="insult"
    ) == (services.DEBATE_ARCHIVED)


def test_posts_are_hidden_automatically_at_the_reports_threshold(world):
    argument = published(author=world.pupil, debate=world.debate)
    _report(argument, world.pupils[1], world.pupils[2])
    argument.refresh_from_db()
    assert argument.status == ArgumentStatus.PUBLISHED
    _report(argument, world.pupils[3])  # the third (default threshold)
    assert argument.status == ArgumentStatus.HIDDEN and argument.auto_hidden
    argument.refresh_from_db()
    assert argument.status == ArgumentStatus.HIDDEN and argument.auto_hidden
    event = ModerationEvent.objects.get(action=ModerationAction.AUTO_HIDE)
    assert event.actor is None and event.argument == argument
    assert event.reason == "3 signalements"
    # Hidden: nothing more to report.
    assert _code(
        services.argument_report, argument=argument, reporter=world.pupils[4], reason="insult"
    ) == (services.REPORT_NOT_PUBLISHED)


def test_reports_threshold_is_set_per_debate():
    # The debate's setting raises the threshold; below the site's floor it changes nothing.
    world = debate_world(pupils=6, auto_hide_reports=4)
    argument = published(author=world.pupil, debate=world.debate)
    _report(argument, *world.pupils[1:4])
    argument.refresh_from_db()
    assert not argument.auto_hidden
    _report(argument, world.pupils[4])
    argument.refresh_from_db()
    assert argument.auto_hidden


def test_teachers_posts_are_never_hidden_by_reports():
    world = debate_world(auto_hide_reports=1)
    argument = published(author=world.teacher, debate=world.debate, kind=ArgumentKind.COMMENT)
    _report(argument, world.pupils[0], world.pupils[1], world.pupils[2])
    argument.refresh_from_db()
    assert argument.status == ArgumentStatus.PUBLISHED
    assert len(debate_moderation_queue(debate=world.debate).reported) == 1


def test_teacher_confirms_an_automatic_hiding(world):
    argument = published(author=world.pupil, debate=world.debate)
    _report(argument, *world.pupils[1:4])
    services.argument_hide(argument=argument, by=world.teacher, reason="Insulte confirmée.")
    argument.refresh_from_db()
    assert argument.status == ArgumentStatus.HIDDEN and not argument.auto_hidden
    assert not ArgumentReport.objects.filter(resolved_at__isnull=True).exists()
    assert len(debate_moderation_queue(debate=world.debate)) == 0


def test_restore_after_automatic_hiding_resets_the_count(world):
    argument = published(author=world.pupil, debate=world.debate)
    _report(argument, *world.pupils[1:4])
    services.argument_restore(argument=argument, by=world.teacher, reason="Critique légitime.")
    argument.refresh_from_db()
    assert argument.status == ArgumentStatus.PUBLISHED and not argument.auto_hidden
    # The same pupils cannot report it again; new reports count from zero.
    assert _code(
        services.argument_report, argument=argument, reporter=world.pupils[1], reason="insult"
    ) == (services.REPORT_ALREADY)
    _report(argument, world.pupils[4], world.pupils[5])
    argument.refresh_from_db()
    assert argument.status == ArgumentStatus.PUBLISHED
    assert ArgumentReport.objects.filter(resolved_at__isnull=True).count() == 2


def test_dismissing_reports_keeps_the_post_published(world):
    argument = published(author=world.pupil, debate=world.debate)
    _report(argument, world.pupils[1], world.pupils[2])
    services.argument_reports_dismiss(argument=argument, by=world.teacher, reason="Désaccord.")
    argument.refresh_from_db()
    assert argument.status == ArgumentStatus.PUBLISHED
    assert not ArgumentReport.objects.filter(resolved_at__isnull=True).exists()
    assert ModerationEvent.objects.filter(action=ModerationAction.DISMISS_REPORTS).exists()
    # Nothing left to dismiss.
    assert _code(services.argument_reports_dismiss, argument=argument, by=world.teacher) == (
        services.ARGUMENT_STATE_INVALID
    )
    # A third report does not hide it: the two dismissed ones no longer count.
    _report(argument, world.pupils[3])
    argument.refresh_from_db()
    assert argument.status == ArgumentStatus.PUBLISHED


def test_hiding_resolves_open_reports(world):
    argument = published(author=world.pupil, debate=world.debate)
    _report(argument, world.pupils[1])
    services.argument_hide(argument=argument, by=world.teacher, reason="Hors sujet.")
    assert ArgumentReport.objects.get().resolved_at is not None


# --- The queue --------------------------------------------------------------------------------


def test_moderation_queue_sorts_what_waits(world, django_assert_num_queries):
    services.debate_settings_update(debate=world.debate, by=world.teacher, premoderation=False)
    world.debate.refresh_from_db()
    premoderated = debate_world()
    first = post(author=premoderated.pupil, debate=premoderated.debate)
    held = post(author=world.pupils[0], debate=world.debate, text="Espèce de crétin")
    contact = post(author=world.pupils[1], debate=world.debate, text="Mon 06 12 34 56 78")
    hidden = post(author=world.pupils[2], debate=world.debate, text="Argument signalé")
    _report(hidden, *world.pupils[3:6])
    reported = post(author=world.pupils[3], debate=world.debate, text="Argument discuté")
    services.argument_report(
        argument=reported, reporter=world.pupils[4], reason="off_topic", note="Hors sujet"
    )
    services.argument_report(argument=reported, reporter=world.pupils[5], reason="off_topic")
    post(author=world.pupils[4], debate=world.debate, text="Un argument sans histoire")

    with django_assert_num_queries(2):
        queue = debate_moderation_queue(debate=world.debate)
        assert [item.argument.parent for item in queue.reported] == [None]
    assert queue.pending == []
    assert [item.argument.pk for item in queue.held] == [held.pk, contact.pk]
    assert [item.argument.hold_reason for item in queue.held] == [
        HoldReason.WORD_FILTER,
        HoldReason.CONTACT_DETAILS,
    ]
    assert queue.held[0].argument.held_words == "cretin"
    assert [item.argument.pk for item in queue.auto_hidden] == [hidden.pk]
    assert len(queue.auto_hidden[0].open_reports) == 3
    [item] = queue.reported
    assert item.argument.pk == reported.pk
    assert item.report_reasons == {"off_topic": 2}
    assert [report.note for report in item.open_reports] == ["Hors sujet", ""]
    assert item.author == "Pseudo-04"
    assert len(queue) == 4
    other_queue = debate_moderation_queue(debate=premoderated.debate)
    assert [item.argument.pk for item in other_queue.pending] == [first.pk]


# --- Convincing marks -------------------------------------------------------------------------


def test_convincing_mark_and_unmark(world):
    argument = published(author=world.pupil, debate=world.debate)
    assert perms.can_mark_convincing(world.pupils[1], argument)
    services.convincing_mark(argument=argument, user=world.pupils[1])
    assert _code(services.convincing_mark, argument=argument, user=world.pupils[1]) == (
        services.CONVINCING_ALREADY
    )
    services.convincing_mark(argument=argument, user=world.pupils[2])
    assert ConvincingMark.objects.filter(argument=argument).count() == 2
    services.convincing_unmark(argument=argument, user=world.pupils[1])
    assert _code(services.convincing_unmark, argument=argument, user=world.pupils[1]) == (
        services.CONVINCING_NOT_MARKED
    )
    assert list(ConvincingMark.objects.values_list("user", flat=True)) == [world.pupils[2].pk]


def test_convincing_mark_refusals(world):
    argument = published(author=world.pupil, debate=world.debate)
    comment = published(author=world.pupils[1], debate=world.debate, kind=ArgumentKind.COMMENT)
    pending = post(author=world.pupils[2], debate=world.debate)
    cases = [
        (argument, world.pupil, services.CONVINCING_OWN_ARGUMENT),
        (comment, world.pupils[3], services.CONVINCING_NOT_AN_ARGUMENT),
        (pending, world.pupils[3], services.CONVINCING_NOT_PUBLISHED),
        (argument, world.outsider, services.DEBATE_NOT_IN_YOUR_CLASS),
        (argument, world.teacher, components.NOT_A_PUPIL),
    ]
    for target, user, code in cases:
        assert _code(services.convincing_mark, argument=target, user=user) == code
        assert not perms.can_mark_convincing(user, target)
    services.convincing_mark(argument=argument, user=world.pupils[3])
    services.debate_close(debate=world.debate, by=world.teacher)
    argument.debate.refresh_from_db()
    assert _code(services.convincing_mark, argument=argument, user=world.pupils[4]) == (
        services.DEBATE_CLOSED
    )
    assert _code(services.convincing_unmark, argument=argument, user=world.pupils[3]) == (
        services.DEBATE_CLOSED
    )
    assert list(ConvincingMark.objects.values_list("user", flat=True)) == [world.pupils[3].pk]
