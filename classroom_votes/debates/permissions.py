"""One predicate per action on debates, reused by views, the API and debates.services.

Who manages, sees and takes part is the components' contract (classroom_votes.components): a
debate is managed and moderated by the teacher who created it, by a teacher of every one of its
classes, and by administrators; the pupils of its classes read it, post (unless blocked), mark
arguments as convincing and report. The services check the same rules again, with a precise
error for each refusal, and hold the locks; these predicates are what a page needs to decide
which buttons to show."""

from school.permissions import can_manage_classrooms

from ..components import (
    component_active_pupil,
    component_manager,
    component_pupil,
    component_viewer,
)
from ..models import Argument, ArgumentKind, ArgumentStatus, Debate, PostingBlock


def can_create_debate(user) -> bool:
    """Teachers (in the classes they teach, checked by the service) and administrators."""
    return can_manage_classrooms(user)


def can_manage_debate(user, debate: Debate) -> bool:
    """Change the settings, close, reopen, archive."""
    return component_manager(user, debate)


def can_moderate_debate(user, debate: Debate) -> bool:
    """Approve, reject, hide, restore, block; see every post with its state, the queue, the log
    and the summary. The same people as manage: a teacher of only some of the classes would
    otherwise judge pupils they do not teach."""
    return can_manage_debate(user, debate)


def can_view_debate(user, debate: Debate) -> bool:
    return component_viewer(user, debate)


def can_post_in_debate(user, debate: Debate) -> bool:
    """Open and not archived; its moderators, and its pupils whose class is not archived and
    who are not blocked."""
    if not debate.is_open or debate.is_archived:
        return False
    if can_moderate_debate(user, debate):
        return True
    if component_active_pupil(user, debate) is None:
        return False
    return not PostingBlock.objects.filter(debate=debate, pupil_id=user.pk).exists()


def can_mark_convincing(user, argument: Argument) -> bool:
    """A pupil of the debate, on a published argument of someone else, while the debate is
    open. Blocked pupils still may: the block is about posting."""
    debate = argument.debate
    if not debate.is_open or debate.is_archived:
        return False
    if argument.kind != ArgumentKind.ARGUMENT or argument.status != ArgumentStatus.PUBLISHED:
        return False
    if argument.author_id == user.pk:
        return False
    return component_pupil(user, argument.debate) is not None


def can_report_argument(user, argument: Argument) -> bool:
    """A pupil of the debate, on a published post of someone else, until the debate is
    archived (a closed debate can still be read, so still be reported); its moderators too,
    whose report hides the post at once (moderation goes on in an archived debate)."""
    if argument.status != ArgumentStatus.PUBLISHED or argument.author_id == user.pk:
        return False
    if can_moderate_debate(user, argument.debate):
        return True
    if argument.debate.is_archived:
        return False
    return component_pupil(user, argument.debate) is not None


def can_withdraw_argument(user, argument: Argument) -> bool:
    """Its author, while the debate is open, the post pending or published and without any
    reply: a hidden or refused post stays for the record, a replied one for the replies."""
    debate = argument.debate
    if not user.is_authenticated or argument.author_id != user.pk:
        return False
    if not debate.is_open or debate.is_archived:
        return False
    if argument.status not in (ArgumentStatus.PENDING, ArgumentStatus.PUBLISHED):
        return False
    return not Argument.objects.filter(parent=argument).exists()


def can_view_debate_summary(user, debate: Debate) -> bool:
    return can_moderate_debate(user, debate)
