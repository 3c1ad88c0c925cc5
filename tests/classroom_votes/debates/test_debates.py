"""Debates: creation and life cycle, posting, tree integrity (same debate, depth, deletion),
pre-moderation, posting blocks, rate limits, the word filter and sanitized text through the
services, the database constraints, and erasure and export of a pupil's data.

Moderation paths (reports, auto-hide, hide/restore, the queue) are in
test_debate_moderation.py; what viewers see (tree, columns, summary, query counts) in
test_debate_selectors.py; the pure text functions in test_debate_text.py."""

import json
from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F, RestrictedError
from django.utils import timezone

from classroom_votes import components
from classroom_votes.debates import moderation, services
from classroom_votes.debates import permissions as perms
from classroom_votes.debates.selectors import debate_tree
from classroom_votes.models import (
    Argument,
    ArgumentKind,
    ArgumentReport,
    ArgumentStatus,
    ConvincingMark,
    Debate,
    DebateStatus,
    HoldReason,
    ModerationAction,
    ModerationEvent,
    PostingBlock,
    Side,
)
from school.privacy import pupil_data_export
from school.services import classroom_archive, pupils_erase
from tests.school.factories import admin_create, classroom_create, pupil_create, teacher_create

from ..debate_factories import debate_create, debate_world, post, published
from ..factories import consultation_create

pytestmark = pytest.mark.django_db


def _refused(code: str, call, *args, **kwargs):
    """The call raises DebateError with `code` and writes no post, mark, report or event."""
    before = _rows()
    with pytest.raises(services.DebateError) as error:
        call(*args, **kwargs)
    assert error.value.code == code, error.value.message
    assert error.value.message and error.value.message != code
    assert _rows() == before
    return error.value


def _rows() -> tuple[int, ...]:
    return (
        Argument.objects.count(),
        ConvincingMark.objects.count(),
        ArgumentReport.objects.count(),
        ModerationEvent.objects.count(),
        PostingBlock.objects.count(),
    )


@pytest.fixture
def world():
    return debate_world()


@pytest.fixture
def open_world():
    """Pre-moderation off: pupils' posts are published unless a filter holds them."""
    return debate_world(premoderation=False)


# --- Creation and life cycle ------------------------------------------------------------------


def test_debate_create_defaults_protect_minors(world):
    debate = world.debate
    assert debate.premoderation is True
    assert debate.links_allowed is False
    assert debate.auto_hide_reports == 3
    assert debate.max_depth == 4
    assert debate.status == DebateStatus.OPEN and debate.closed_at is None
    assert list(debate.classrooms.all()) == [world.classroom]


def test_debate_create_can_follow_a_managed_consultation():
    teacher = teacher_create()
    classroom = classroom_create(teacher=teacher)
    consultation = consultation_create(owner=teacher, classrooms=[classroom])
    debate = debate_create(owner=teacher, classrooms=[classroom], consultation=consultation)
    assert debate.consultation == consultation
    assert list(consultation.debates.all()) == [debate]
    other = teacher_create()
    with pytest.raises(services.DebateError) as error:
        debate_create(
            owner=other, classrooms=[classroom_create(teacher=other)], consultation=consultation
        )
    assert error.value.code == services.DEBATE_CONSULTATION_NOT_ALLOWED
    # Deleting the consultation leaves the debate standalone.
    consultation.delete()
    debate.refresh_from_db()
    assert debate.consultation is None


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"thesis": ""}, services.DEBATE_THESIS_INVALID),
        ({"thesis": "<b></b>"}, services.DEBATE_THESIS_INVALID),
        ({"thesis": "x" * 301}, services.DEBATE_THESIS_INVALID),
        ({"context": "x" * 5001}, services.DEBATE_CONTEXT_INVALID),
        ({"auto_hide_reports": 0}, services.DEBATE_AUTO_HIDE_INVALID),
        ({"auto_hide_reports": True}, services.DEBATE_AUTO_HIDE_INVALID),
        ({"auto_hide_reports": 51}, services.DEBATE_AUTO_HIDE_INVALID),
        ({"max_depth": 0}, services.DEBATE_MAX_DEPTH_INVALID),
        ({"max_depth": 9}, services.DEBATE_MAX_DEPTH_INVALID),
        ({"max_depth": "4"}, services.DEBATE_MAX_DEPTH_INVALID),
        ({"extra_words": "a"}, moderation.WORDS_INVALID),
        ({"extra_words": "mot<script>"}, moderation.WORDS_INVALID),
    ],
)
def test_debate_create_rejects_invalid_fields(fields, code):
    teacher = teacher_create()
    classroom = classroom_create(teacher=teacher)
    with pytest.raises(services.DebateError) as error:
        debate_create(owner=teacher, classrooms=[classroom], **fields)
    assert error.value.code == code
    assert not Debate.objects.exists()


def test_debate_create_only_in_the_teachers_open_classes(world):
    with pytest.raises(services.DebateError) as error:
        debate_create(owner=world.teacher, classrooms=[world.other_classroom])
    assert error.value.code == components.CLASSROOM_NOT_MANAGED
    with pytest.raises(services.DebateError) as error:
        debate_create(owner=world.teacher, classrooms=[])
    assert error.value.code == components.NO_CLASSROOM
    with pytest.raises(services.DebateError) as error:
        debate_create(owner=world.pupil, classrooms=[world.classroom])
    assert error.value.code == services.DEBATE_NOT_ALLOWED
    classroom_archive(classroom=world.classroom)
    with pytest.raises(services.DebateError) as error:
        debate_create(owner=world.teacher, classrooms=[world.classroom])
    assert error.value.code == components.CLASSROOM_ARCHIVED
    assert Debate.objects.count() == 1


def test_debate_thesis_is_stored_as_plain_text():
    debate = debate_create(thesis="<b>Le vote</b> à 16 ans ?<script>alert(1)</script>")
    assert debate.thesis == "Le vote à 16 ans ?"


def test_debate_close_reopen_archive_are_logged(world):
    debate = world.debate
    services.debate_close(debate=debate, by=world.teacher)
    assert debate.status == DebateStatus.CLOSED and debate.closed_at is not None
    _refused(services.DEBATE_CLOSED, services.debate_close, debate=debate, by=world.teacher)
    services.debate_reopen(debate=debate, by=world.teacher)
    assert debate.status == DebateStatus.OPEN and debate.closed_at is None
    _refused(services.DEBATE_ALREADY_OPEN, services.debate_reopen, debate=debate, by=world.teacher)
    services.debate_archive(debate=debate, by=world.teacher)  # closes it as well
    debate.refresh_from_db()
    assert debate.status == DebateStatus.CLOSED and debate.is_archived
    for call in (services.debate_reopen, services.debate_close, services.debate_archive):
        _refused(services.DEBATE_ARCHIVED, call, debate=debate, by=world.teacher)
    _refused(
        services.DEBATE_ARCHIVED,
        services.debate_settings_update,
        debate=debate,
        by=world.teacher,
        premoderation=False,
    )
    actions = list(
        ModerationEvent.objects.filter(debate=debate)
        .order_by("pk")
        .values_list("action", "actor_id")
    )
    assert actions == [
        (ModerationAction.CLOSE, world.teacher.pk),
        (ModerationAction.REOPEN, world.teacher.pk),
        (ModerationAction.ARCHIVE, world.teacher.pk),
    ]


@pytest.mark.parametrize("who", ["pupil", "other_teacher", "outsider"])
def test_debate_life_cycle_is_for_its_managers(world, who):
    user = getattr(world, who)
    for call in (services.debate_close, services.debate_archive):
        _refused(services.DEBATE_NOT_ALLOWED, call, debate=world.debate, by=user)
    assert not perms.can_manage_debate(user, world.debate)


def test_debate_managed_by_teacher_of_every_class_and_admin(world):
    colleague = teacher_create()
    world.classroom.teachers.add(colleague)
    assert perms.can_manage_debate(colleague, world.debate)
    assert perms.can_manage_debate(admin_create(), world.debate)
    services.debate_close(debate=world.debate, by=colleague)


def test_debate_settings_update_switches_premoderation_and_logs_it(world):
    pending = post(author=world.pupil, debate=world.debate)
    services.debate_settings_update(
        debate=world.debate,
        by=world.teacher,
        premoderation=False,
        extra_words="boloss, tocard*",
        auto_hide_reports=2,
    )
    world.debate.refresh_from_db()
    assert world.debate.premoderation is False
    assert world.debate.extra_words == "boloss\ntocard*"
    assert world.debate.auto_hide_reports == 2
    event = ModerationEvent.objects.get(action=ModerationAction.SETTINGS)
    assert "pré-modération : non" in event.reason and "2 mots" in event.reason
    # What was pending stays pending; what comes next is published.
    pending.refresh_from_db()
    assert pending.status == ArgumentStatus.PENDING
    assert post(author=world.pupils[1], debate=world.debate).status == ArgumentStatus.PUBLISHED
    # Nothing changed, nothing logged.
    services.debate_settings_update(debate=world.debate, by=world.teacher, premoderation=False)
    assert ModerationEvent.objects.filter(action=ModerationAction.SETTINGS).count() == 1


# --- Posting ----------------------------------------------------------------------------------


def test_pupil_post_waits_for_the_teacher_by_default(world):
    argument = post(author=world.pupil, debate=world.debate, text="  Voter   tôt,\r\n c'est bien. ")
    assert argument.status == ArgumentStatus.PENDING
    assert argument.hold_reason == HoldReason.PREMODERATION
    assert argument.text == "Voter tôt,\nc'est bien."
    assert argument.author_classroom == world.classroom
    assert argument.depth == 1 and argument.parent is None


def test_teacher_post_is_published_at_once_and_may_hold_links(world):
    argument = post(
        author=world.teacher,
        debate=world.debate,
        kind=ArgumentKind.COMMENT,
        text="Lisez https://www.vie-publique.fr avant de répondre.",
    )
    assert argument.status == ArgumentStatus.PUBLISHED
    assert argument.author_classroom is None and argument.side == ""


def test_premoderation_off_publishes_pupil_posts(open_world):
    assert post(author=open_world.pupil, debate=open_world.debate).status == "published"


@pytest.mark.parametrize(
    ("who", "code"),
    [
        ("outsider", services.DEBATE_NOT_IN_YOUR_CLASS),
        ("other_teacher", components.NOT_A_PUPIL),
    ],
)
def test_post_refused_outside_the_debates_classes(world, who, code):
    _refused(code, post, author=getattr(world, who), debate=world.debate)
    assert not perms.can_post_in_debate(getattr(world, who), world.debate)


def test_post_refused_to_anonymous(world):
    from django.contrib.auth.models import AnonymousUser

    _refused(components.NOT_A_PUPIL, post, author=AnonymousUser(), debate=world.debate)
    assert not perms.can_view_debate(AnonymousUser(), world.debate)


def test_post_refused_when_closed_archived_or_class_archived(world):
    services.debate_close(debate=world.debate, by=world.teacher)
    _refused(services.DEBATE_CLOSED, post, author=world.pupil, debate=world.debate)
    _refused(services.DEBATE_CLOSED, post, author=world.teacher, debate=world.debate)
    assert not perms.can_post_in_debate(world.pupil, world.debate)
    services.debate_archive(debate=world.debate, by=world.teacher)
    _refused(services.DEBATE_ARCHIVED, post, author=world.pupil, debate=world.debate)
    other = debate_world()
    classroom_archive(classroom=other.classroom)
    _refused(components.CLASSROOM_ARCHIVED, post, author=other.pupil, debate=other.debate)


def test_post_refused_when_the_debate_closed_after_the_check(world, monkeypatch):
    """The debate row is re-read under lock: a close between check and write wins."""
    real_post = services.argument_post

    def close_then_post(**kwargs):
        Debate.objects.filter(pk=world.debate.pk).update(
            status=DebateStatus.CLOSED, closed_at=timezone.now()
        )
        return real_post(**kwargs)

    monkeypatch.setattr(services, "argument_post", close_then_post)
    _refused(services.DEBATE_CLOSED, post, author=world.pupil, debate=world.debate)


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"kind": "vote"}, services.ARGUMENT_KIND_INVALID),
        ({"side": ""}, services.ARGUMENT_SIDE_INVALID),
        ({"side": "neutre"}, services.ARGUMENT_SIDE_INVALID),
    ],
)
def test_post_rejects_unknown_kind_or_side(world, fields, code):
    _refused(
        code,
        services.argument_check_and_post,
        author=world.pupil,
        debate=world.debate,
        text="Un argument.",
        **{"kind": ArgumentKind.ARGUMENT, "side": Side.POUR, **fields},
    )
    _refused(
        services.ARGUMENT_SIDE_INVALID,
        services.argument_check_and_post,
        author=world.pupil,
        debate=world.debate,
        text="Un commentaire.",
        kind=ArgumentKind.COMMENT,
        side=Side.POUR,
    )


# --- Tree integrity ---------------------------------------------------------------------------


def test_reply_depth_is_one_more_than_its_parent(open_world):
    top = post(author=open_world.pupil, debate=open_world.debate)
    reply = post(author=open_world.pupils[1], debate=open_world.debate, parent=top, side="contre")
    again = post(author=open_world.pupils[2], debate=open_world.debate, parent=reply)
    assert (top.depth, reply.depth, again.depth) == (1, 2, 3)
    assert again.parent == reply and reply.parent == top


def test_reply_to_an_argument_of_another_debate_is_refused(open_world):
    elsewhere = debate_create(owner=open_world.teacher, classrooms=[open_world.classroom])
    foreign = published(author=open_world.teacher, debate=elsewhere)
    _refused(
        services.ARGUMENT_NOT_FOUND,
        post,
        author=open_world.pupil,
        debate=open_world.debate,
        parent=foreign,
    )


@pytest.mark.parametrize("parent_id", [0, -1, "abc", "12a", True, 2**64, 10**9])
def test_reply_to_an_unknown_parent_is_refused(open_world, parent_id):
    _refused(
        services.ARGUMENT_NOT_FOUND,
        services.argument_check_and_post,
        author=open_world.pupil,
        debate=open_world.debate,
        text="Réponse.",
        side=Side.POUR,
        parent_id=parent_id,
    )


def test_reply_accepts_a_parent_id_as_a_string(open_world):
    top = post(author=open_world.pupil, debate=open_world.debate)
    reply = services.argument_check_and_post(
        author=open_world.pupils[1],
        debate=open_world.debate,
        text="Oui, mais…",
        side=Side.CONTRE,
        parent_id=str(top.pk),
    )
    assert reply.parent_id == top.pk


def test_reply_to_a_comment_is_refused(open_world):
    comment = post(author=open_world.pupil, debate=open_world.debate, kind=ArgumentKind.COMMENT)
    for kind in ArgumentKind.values:
        _refused(
            services.ARGUMENT_PARENT_IS_COMMENT,
            post,
            author=open_world.pupils[1],
            debate=open_world.debate,
            parent=comment,
            kind=kind,
        )


def test_reply_to_a_post_not_published_is_refused(world):
    pending = post(author=world.pupil, debate=world.debate)
    _refused(
        services.ARGUMENT_PARENT_NOT_PUBLISHED,
        post,
        author=world.pupil,  # not even its author
        debate=world.debate,
        parent=pending,
    )
    services.argument_approve(argument=pending, by=world.teacher)
    services.argument_hide(argument=pending, by=world.teacher, reason="Hors sujet.")
    _refused(
        services.ARGUMENT_PARENT_NOT_PUBLISHED,
        post,
        author=world.pupils[1],
        debate=world.debate,
        parent=pending,
    )


def test_reply_refused_when_the_parent_was_hidden_after_the_check(open_world, monkeypatch):
    top = post(author=open_world.pupil, debate=open_world.debate)
    real_post = services.argument_post

    def hide_then_post(**kwargs):
        Argument.objects.filter(pk=top.pk).update(status=ArgumentStatus.HIDDEN)
        return real_post(**kwargs)

    monkeypatch.setattr(services, "argument_post", hide_then_post)
    _refused(
        services.ARGUMENT_PARENT_NOT_PUBLISHED,
        post,
        author=open_world.pupils[1],
        debate=open_world.debate,
        parent=top,
    )


def test_depth_limit_refuses_arguments_but_lets_a_comment_close_the_branch():
    world = debate_world(premoderation=False, max_depth=2)
    top = post(author=world.pupils[0], debate=world.debate)
    reply = post(author=world.pupils[1], debate=world.debate, parent=top)
    _refused(
        services.ARGUMENT_TOO_DEEP, post, author=world.pupils[2], debate=world.debate, parent=reply
    )
    comment = post(
        author=world.pupils[2], debate=world.debate, parent=reply, kind=ArgumentKind.COMMENT
    )
    assert comment.depth == 3
    # Lowering the limit later removes nothing; raising it lets the branch grow.
    services.debate_settings_update(debate=world.debate, by=world.teacher, max_depth=3)
    world.debate.refresh_from_db()
    assert post(author=world.pupils[3], debate=world.debate, parent=reply).depth == 3


def test_database_refuses_deleting_a_post_with_replies(open_world):
    top = post(author=open_world.pupil, debate=open_world.debate)
    reply = post(author=open_world.pupils[1], debate=open_world.debate, parent=top)
    with pytest.raises(RestrictedError), transaction.atomic():
        top.delete()
    reply.delete()  # a leaf can go (only the debate's deletion does it)
    top.delete()
    assert not Argument.objects.exists()


def test_deleting_a_debate_deletes_its_whole_tree(open_world):
    top = post(author=open_world.pupil, debate=open_world.debate)
    reply = post(author=open_world.pupils[1], debate=open_world.debate, parent=top)
    services.convincing_mark(argument=reply, user=open_world.pupil)
    services.argument_report(argument=top, reporter=open_world.pupils[2], reason="off_topic")
    services.pupil_block(
        debate=open_world.debate, pupil=open_world.pupils[3], by=open_world.teacher, reason="Test"
    )
    open_world.debate.delete()
    assert _rows() == (0, 0, 0, 0, 0)


# --- Withdrawal -------------------------------------------------------------------------------


def test_author_withdraws_a_post_without_replies(open_world):
    argument = post(author=open_world.pupil, debate=open_world.debate)
    services.convincing_mark(argument=argument, user=open_world.pupils[1])
    services.argument_report(argument=argument, reporter=open_world.pupils[2], reason="other")
    assert perms.can_withdraw_argument(open_world.pupil, argument)
    services.argument_withdraw(argument=argument, by=open_world.pupil)
    argument.refresh_from_db()
    assert argument.status == ArgumentStatus.WITHDRAWN and argument.text == ""
    assert not ConvincingMark.objects.exists()
    assert ArgumentReport.objects.get().resolved_at is not None
    event = ModerationEvent.objects.get(action=ModerationAction.WITHDRAW)
    assert (event.actor, event.argument) == (open_world.pupil, argument)
    _refused(
        services.ARGUMENT_STATE_INVALID,
        services.argument_withdraw,
        argument=argument,
        by=open_world.pupil,
    )


def test_withdrawal_refused_with_replies_to_others_and_when_moderated(world):
    top = published(author=world.pupil, debate=world.debate)
    post(author=world.pupils[1], debate=world.debate, parent=top)  # pending, still a reply
    assert not perms.can_withdraw_argument(world.pupil, top)
    _refused(
        services.ARGUMENT_HAS_REPLIES, services.argument_withdraw, argument=top, by=world.pupil
    )
    other = published(author=world.pupils[2], debate=world.debate)
    _refused(
        services.ARGUMENT_NOT_YOURS, services.argument_withdraw, argument=other, by=world.pupil
    )
    _refused(
        services.ARGUMENT_NOT_YOURS,
        services.argument_withdraw,
        argument=other,
        by=world.teacher,
    )
    services.argument_hide(argument=other, by=world.teacher, reason="Propos blessant.")
    _refused(
        services.ARGUMENT_STATE_INVALID,
        services.argument_withdraw,
        argument=other,
        by=world.pupils[2],
    )
    mine = post(author=world.pupils[3], debate=world.debate)
    services.debate_close(debate=world.debate, by=world.teacher)
    _refused(services.DEBATE_CLOSED, services.argument_withdraw, argument=mine, by=world.pupils[3])


# --- Posting blocks ---------------------------------------------------------------------------


def test_blocked_pupil_cannot_post_but_can_read_mark_and_report(open_world):
    world = open_world
    argument = post(author=world.pupils[1], debate=world.debate)
    block = services.pupil_block(
        debate=world.debate, pupil=world.pupil, by=world.teacher, reason="Insultes répétées."
    )
    assert block.reason == "Insultes répétées."
    event = ModerationEvent.objects.get(action=ModerationAction.BLOCK)
    assert (event.pupil, event.actor, event.reason) == (
        world.pupil,
        world.teacher,
        "Insultes répétées.",
    )
    error = _refused(services.PUPIL_BLOCKED, post, author=world.pupil, debate=world.debate)
    assert "suspendu" in error.message
    assert not perms.can_post_in_debate(world.pupil, world.debate)
    assert perms.can_view_debate(world.pupil, world.debate)
    services.convincing_mark(argument=argument, user=world.pupil)
    services.argument_report(argument=argument, reporter=world.pupil, reason="insult")
    # Only in this debate.
    elsewhere = debate_create(owner=world.teacher, classrooms=[world.classroom])
    post(author=world.pupil, debate=elsewhere)
    services.pupil_unblock(debate=world.debate, pupil=world.pupil, by=world.teacher)
    assert post(author=world.pupil, debate=world.debate).pk
    assert ModerationEvent.objects.filter(action=ModerationAction.UNBLOCK).count() == 1


def test_block_rules(world):
    _refused(
        services.REASON_REQUIRED,
        services.pupil_block,
        debate=world.debate,
        pupil=world.pupil,
        by=world.teacher,
        reason="   ",
    )
    _refused(
        services.MODERATION_NOT_ALLOWED,
        services.pupil_block,
        debate=world.debate,
        pupil=world.pupil,
        by=world.pupils[1],
        reason="Parce que.",
    )
    _refused(
        services.MODERATION_NOT_ALLOWED,
        services.pupil_block,
        debate=world.debate,
        pupil=world.pupil,
        by=world.other_teacher,
        reason="Parce que.",
    )
    for user in (world.outsider, world.other_teacher):
        _refused(
            services.PUPIL_NOT_IN_DEBATE,
            services.pupil_block,
            debate=world.debate,
            pupil=user,
            by=world.teacher,
            reason="Hors classe.",
        )
    services.pupil_block(debate=world.debate, pupil=world.pupil, by=world.teacher, reason="Spam")
    _refused(
        services.PUPIL_ALREADY_BLOCKED,
        services.pupil_block,
        debate=world.debate,
        pupil=world.pupil,
        by=world.teacher,
        reason="Encore",
    )
    _refused(
        services.PUPIL_NOT_BLOCKED,
        services.pupil_unblock,
        debate=world.debate,
        pupil=world.pupils[1],
        by=world.teacher,
    )


def test_block_applies_to_a_post_already_checked(open_world, monkeypatch):
    real_post = services.argument_post

    def block_then_post(**kwargs):
        PostingBlock.objects.create(
            debate=open_world.debate, pupil=open_world.pupil, by=open_world.teacher, reason="Stop"
        )
        return real_post(**kwargs)

    monkeypatch.setattr(services, "argument_post", block_then_post)
    with pytest.raises(services.DebateError) as error:
        post(author=open_world.pupil, debate=open_world.debate)
    assert error.value.code == services.PUPIL_BLOCKED


# --- Rate limits ------------------------------------------------------------------------------


@pytest.fixture
def limits(settings):
    settings.HEMICYCLE_DEBATE_RATE_LIMITS = [(2, 1), (3, 60)]
    return settings


def _age(user, minutes: int) -> None:
    """Move every post of `user` `minutes` into the past, as if time had passed."""
    Argument.objects.filter(author=user).update(
        created_at=F("created_at") - timedelta(minutes=minutes)
    )


def test_rate_limit_per_pupil_and_debate(open_world, limits):
    world = open_world
    post(author=world.pupil, debate=world.debate)
    post(author=world.pupil, debate=world.debate, side=Side.CONTRE)
    error = _refused(services.RATE_LIMITED, post, author=world.pupil, debate=world.debate)
    assert error.params == {"minutes": 1}
    assert "attends 1 min" in error.message
    # Another pupil, another debate: their own counters.
    post(author=world.pupils[1], debate=world.debate)
    post(
        author=world.pupil, debate=debate_create(owner=world.teacher, classrooms=[world.classroom])
    )
    # Teachers are not limited.
    for _ in range(4):
        post(author=world.teacher, debate=world.debate, kind=ArgumentKind.COMMENT)


def test_rate_limit_windows_slide(open_world, limits):
    world = open_world
    for _ in range(2):
        post(author=world.pupil, debate=world.debate)
    _age(world.pupil, 2)  # out of the one-minute window, still in the hour
    post(author=world.pupil, debate=world.debate)
    error = _refused(services.RATE_LIMITED, post, author=world.pupil, debate=world.debate)
    # Three posts within the hour: the oldest leaves it in 58 minutes.
    assert error.params == {"minutes": 58}
    _age(world.pupil, 59)
    post(author=world.pupil, debate=world.debate)


def test_rate_limit_counts_held_and_withdrawn_posts_not_refused_ones(world, limits):
    argument = post(author=world.pupil, debate=world.debate)  # pending
    services.argument_withdraw(argument=argument, by=world.pupil)
    _refused(
        moderation.TEXT_LINK_REFUSED,
        post,
        author=world.pupil,
        debate=world.debate,
        text="Va voir www.exemple.fr",
    )
    post(author=world.pupil, debate=world.debate)
    _refused(services.RATE_LIMITED, post, author=world.pupil, debate=world.debate)


def test_rate_limit_can_be_switched_off(open_world, settings):
    settings.HEMICYCLE_DEBATE_RATE_LIMITS = []
    for _ in range(25):
        post(author=open_world.pupil, debate=open_world.debate)


def test_default_rate_limit_is_three_posts_a_minute(open_world):
    for _ in range(3):
        post(author=open_world.pupil, debate=open_world.debate)
    _refused(services.RATE_LIMITED, post, author=open_world.pupil, debate=open_world.debate)


# --- The word filter and contact details, through the service ---------------------------------


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("T'es vraiment un CON.", "con"),
        ("Espèce d'ENCULÉ", "encule"),
        ("Ces connards n'ont rien compris", "connards"),
        ("Nique   ta   mère", "nique ta mere"),
    ],
)
def test_word_filter_holds_the_post_even_without_premoderation(open_world, text, found):
    argument = post(author=open_world.pupil, debate=open_world.debate, text=text)
    assert argument.status == ArgumentStatus.PENDING
    assert argument.hold_reason == HoldReason.WORD_FILTER
    assert argument.held_words == found
    assert argument.text == " ".join(text.split())  # stored as typed, for the teacher


@pytest.mark.parametrize(
    "text",
    [
        "Je suis contre, c'est une question de confiance.",
        "La technique du vote électronique pose problème.",
        "Les conséquences sont réelles.",
    ],
)
def test_word_filter_ignores_words_that_only_contain_a_watched_one(open_world, text):
    argument = post(author=open_world.pupil, debate=open_world.debate, text=text)
    assert argument.status == ArgumentStatus.PUBLISHED and argument.hold_reason == ""


def test_word_filter_uses_the_debates_extra_words(open_world):
    services.debate_settings_update(
        debate=open_world.debate, by=open_world.teacher, extra_words="boloss\ntocard*"
    )
    held = post(author=open_world.pupil, debate=open_world.debate, text="Quel Tocard celui-là")
    assert (held.status, held.held_words) == (ArgumentStatus.PENDING, "tocard")
    other = debate_create(owner=open_world.teacher, premoderation=False)
    pupil = pupil_create(classroom=other.classrooms.get()).user
    assert post(author=pupil, debate=other, text="Quel tocard").status == "published"


def test_word_filter_reads_the_list_named_in_settings(open_world, settings, tmp_path):
    words = tmp_path / "mots.txt"
    words.write_text("# liste de test\npatate*\n", encoding="utf-8")
    settings.HEMICYCLE_DEBATE_WORD_LIST = words
    assert post(author=open_world.pupil, debate=open_world.debate, text="Des patates !").held_words
    assert post(author=open_world.pupils[1], debate=open_world.debate, text="Gros con").status == (
        ArgumentStatus.PUBLISHED
    )


def test_contact_details_hold_the_post(open_world):
    argument = post(
        author=open_world.pupil,
        debate=open_world.debate,
        text="Écris-moi à camille.d@exemple.fr ou au 06 12 34 56 78",
    )
    assert argument.status == ArgumentStatus.PENDING
    assert argument.hold_reason == HoldReason.CONTACT_DETAILS
    assert argument.held_words == ""


def test_teacher_posts_are_not_filtered(open_world):
    argument = post(
        author=open_world.teacher, debate=open_world.debate, text="« Con » : étymologie"
    )
    assert argument.status == ArgumentStatus.PUBLISHED


# --- Sanitized text, through the service ------------------------------------------------------


def test_post_stores_plain_text_without_markup(open_world):
    argument = post(
        author=open_world.pupil,
        debate=open_world.debate,
        text='<p onclick="x()">Le <b>vote</b></p><script>alert("x")</script><img src=x '
        "onerror=alert(1)>&lt;script&gt;alert(2)&lt;/script&gt; à 16 ans &amp; plus",
    )
    assert argument.text == "Le vote\nà 16 ans & plus"
    assert "<" not in argument.text


def test_post_refuses_links_unless_the_debate_allows_them(open_world):
    for text in (
        "Source : https://www.lemonde.fr/article",
        "va sur www.exemple.com",
        "cf. exemple.fr/page",
        "<a href='javascript:alert(1)'>clique</a> javascript:alert(1)",
    ):
        error = _refused(
            moderation.TEXT_LINK_REFUSED,
            post,
            author=open_world.pupil,
            debate=open_world.debate,
            text=text,
        )
        assert "liens ne sont pas autorisés" in error.message
    services.debate_settings_update(
        debate=open_world.debate, by=open_world.teacher, links_allowed=True
    )
    argument = post(
        author=open_world.pupil, debate=open_world.debate, text="Source : https://www.insee.fr"
    )
    assert argument.text == "Source : https://www.insee.fr"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", moderation.TEXT_EMPTY),
        ("   \n\t ", moderation.TEXT_EMPTY),
        ("<b></b><script>du texte</script>", moderation.TEXT_EMPTY),
        ("\u200b\u202e", moderation.TEXT_EMPTY),
        ("x" * 1001, moderation.TEXT_TOO_LONG),
        ("<i>" * 5000, moderation.TEXT_TOO_LONG),
        (None, moderation.TEXT_NOT_TEXT),
        (["texte"], moderation.TEXT_NOT_TEXT),
    ],
)
def test_post_refuses_empty_long_or_non_text(open_world, text, code):
    _refused(
        code,
        services.argument_check_and_post,
        author=open_world.pupil,
        debate=open_world.debate,
        text=text,
        side=Side.POUR,
    )


def test_post_of_exactly_the_maximum_length_is_accepted(open_world):
    assert (
        len(post(author=open_world.pupil, debate=open_world.debate, text="é" * 1000).text) == 1000
    )


# --- Database constraints ---------------------------------------------------------------------


def _argument_refused(debate, **fields):
    values = {
        "debate": debate,
        "kind": ArgumentKind.ARGUMENT,
        "side": Side.POUR,
        "text": "Texte",
        "status": ArgumentStatus.PUBLISHED,
        "depth": 1,
        **fields,
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        Argument.objects.create(**values)


def test_argument_constraints(open_world):
    debate = open_world.debate
    top = post(author=open_world.pupil, debate=debate)
    _argument_refused(debate, kind="vote")
    _argument_refused(debate, side="")
    _argument_refused(debate, kind=ArgumentKind.COMMENT, side=Side.POUR)
    _argument_refused(debate, status="draft")
    _argument_refused(debate, depth=2)  # no parent: depth 1
    _argument_refused(debate, parent=top, depth=1)
    _argument_refused(debate, status=ArgumentStatus.PENDING, hold_reason="")
    _argument_refused(debate, hold_reason="mood")
    _argument_refused(debate, auto_hidden=True)
    _argument_refused(debate, status=ArgumentStatus.WITHDRAWN)
    _argument_refused(debate, text="")
    with pytest.raises(IntegrityError), transaction.atomic():
        Argument.objects.filter(pk=top.pk).update(parent_id=top.pk, depth=2)


def test_debate_constraints(world):
    debate = world.debate
    for fields in (
        {"archived_at": timezone.now()},  # archived while open
        {"status": DebateStatus.CLOSED},  # closed without a date
        {"closed_at": timezone.now()},  # open with a closing date
        {"status": "draft"},
        {"auto_hide_reports": 0},
        {"max_depth": 0},
        {"max_depth": 9},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            Debate.objects.filter(pk=debate.pk).update(**fields)


def test_marks_reports_and_blocks_are_unique(open_world):
    argument = post(author=open_world.pupil, debate=open_world.debate)
    other = open_world.pupils[1]
    ConvincingMark.objects.create(argument=argument, user=other)
    with pytest.raises(IntegrityError), transaction.atomic():
        ConvincingMark.objects.create(argument=argument, user=other)
    ArgumentReport.objects.create(argument=argument, reporter=other, reason="other")
    with pytest.raises(IntegrityError), transaction.atomic():
        ArgumentReport.objects.create(argument=argument, reporter=other, reason="insult")
    with pytest.raises(IntegrityError), transaction.atomic():
        ArgumentReport.objects.create(argument=argument, reporter=open_world.pupil, reason="x")
    PostingBlock.objects.create(debate=open_world.debate, pupil=other, reason="r")
    with pytest.raises(IntegrityError), transaction.atomic():
        PostingBlock.objects.create(debate=open_world.debate, pupil=other, reason="r")
    with pytest.raises(IntegrityError), transaction.atomic():
        PostingBlock.objects.create(debate=open_world.debate, pupil=open_world.pupil, reason="")
    with pytest.raises(IntegrityError), transaction.atomic():
        ModerationEvent.objects.create(debate=open_world.debate, action="delete_all")


# --- Erasure and export -----------------------------------------------------------------------


def test_erasing_a_pupil_keeps_the_tree_and_erases_their_words(open_world):
    world = open_world
    erased, other = world.pupils[0], world.pupils[1]
    top = post(author=erased, debate=world.debate, text="Moi, Pseudo-01, je pense que oui.")
    reply = post(author=other, debate=world.debate, parent=top, side=Side.CONTRE)
    answer = post(author=erased, debate=world.debate, parent=reply)
    services.convincing_mark(argument=top, user=other)  # on the erased pupil's post: goes
    services.convincing_mark(argument=reply, user=erased)  # by the erased pupil: stays
    services.argument_report(
        argument=reply, reporter=erased, reason="off_topic", note="Pseudo-01 trouve ça hors sujet"
    )
    services.argument_report(argument=top, reporter=world.pupils[2], reason="insult")
    services.pupil_block(debate=world.debate, pupil=erased, by=world.teacher, reason="Spam")

    assert pupils_erase(user_ids={erased.pk}) == 1

    top.refresh_from_db()
    answer.refresh_from_db()
    for argument in (top, answer):
        assert (argument.author, argument.status, argument.text) == (None, "withdrawn", "")
    assert answer.parent_id == reply.pk and reply.parent_id == top.pk  # the tree is whole
    assert top.author_classroom == world.classroom
    assert list(ConvincingMark.objects.values_list("argument", "user")) == [(reply.pk, None)]
    reports = {report.argument_id: report for report in ArgumentReport.objects.all()}
    assert (reports[reply.pk].reporter, reports[reply.pk].note) == (None, "")
    assert reports[reply.pk].resolved_at is None  # still for the teacher to judge
    assert reports[top.pk].resolved_at is not None
    assert not PostingBlock.objects.exists()
    assert ModerationEvent.objects.get(action=ModerationAction.BLOCK).pupil is None
    assert ModerationEvent.objects.filter(action=ModerationAction.WITHDRAW, actor=None).count() == 2
    assert not Argument.objects.filter(text__icontains="Pseudo-01").exists()
    for viewer in (other, world.teacher):
        [root] = debate_tree(debate=world.debate, viewer=viewer).roots
        assert root.placeholder and (root.status, root.text, root.author) == ("withdrawn", "", "")
        [child] = root.children
        assert (child.id, child.children, child.convincing) == (reply.pk, [], 1)


def test_deleting_a_teachers_account_keeps_their_posts(world):
    comment = post(author=world.teacher, debate=world.debate, kind=ArgumentKind.COMMENT)
    world.teacher.delete()
    comment.refresh_from_db()
    assert (comment.author, comment.status) == (None, ArgumentStatus.PUBLISHED)
    world.debate.refresh_from_db()
    assert world.debate.owner is None
    [node] = debate_tree(debate=world.debate, viewer=world.pupil).roots
    assert (node.author, node.by_teacher, node.text) == ("Compte supprimé", True, comment.text)


def test_export_holds_the_pupils_posts_marks_reports_and_blocks(open_world):
    world = open_world
    pupil, other = world.pupils[0], world.pupils[1]
    mine = post(author=pupil, debate=world.debate, text="Mon argument à moi.")
    theirs = post(author=other, debate=world.debate, text="L'argument de quelqu'un d'autre.")
    post(author=pupil, debate=world.debate, text="Quel con", side=Side.CONTRE)  # held
    services.convincing_mark(argument=theirs, user=pupil)
    services.argument_report(
        argument=theirs, reporter=pupil, reason="off_topic", note="Rien à voir"
    )
    services.convincing_mark(argument=mine, user=other)
    services.argument_report(argument=mine, reporter=other, reason="insult")
    services.pupil_block(debate=world.debate, pupil=pupil, by=world.teacher, reason="Calme-toi")

    data = pupil_data_export(user=pupil)["debats"]
    assert [(m["texte"], m["etat"], m["cote"]) for m in data["messages"]] == [
        ("Mon argument à moi.", "published", "pour"),
        ("Quel con", "pending", "contre"),
    ]
    assert data["arguments_convaincants"][0]["argument"] == theirs.pk
    assert data["signalements"] == [
        {
            "debat": world.debate.thesis,
            "message": theirs.pk,
            "motif": "off_topic",
            "precision": "Rien à voir",
            "le": data["signalements"][0]["le"],
            "traite": False,
        }
    ]
    assert data["blocages"][0]["raison"] == "Calme-toi"
    text = json.dumps(data, ensure_ascii=False)
    assert "quelqu'un d'autre" not in text and "Pseudo-02" not in text
    assert len(data["arguments_convaincants"]) == 1  # not the mark they received
    assert pupil_data_export(user=other)["debats"]["blocages"] == []
