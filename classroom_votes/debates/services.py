"""The only code that writes debate state: debates (create, settings, close, reopen, archive),
posts (argument_check_and_post → argument_post, withdrawal), marks, reports, moderation and
posting blocks. Every moderation decision writes its ModerationEvent in the same transaction.

Rules.
- Tree: a reply belongs to its parent's debate, answers a published argument (never a comment)
  and stays within the debate's max_depth (comments, which are leaves, may go one deeper).
- Pre-moderation (on by default): a pupil's post is pending until the teacher approves it. The
  word filter and the contact-details check hold a post for review even when it is off.
  Teachers' posts are published at once.
- Rate limit: for each (posts, minutes) of settings.HEMICYCLE_DEBATE_RATE_LIMITS, a pupil may
  not post more than `posts` times in one debate within `minutes`. Counted from the posts
  themselves, in the database, inside the transaction that holds the debate row: exact across
  server workers and hosts, with no second store to keep in step (withdrawn posts keep their
  row, so they still count).
- Reports: one per pupil and post; when the open reports that count (debates.reports: pupils
  of standing in the debate's classes, not flagged) on a pupil's published post reach the
  threshold (debates.reports.report_threshold), it is hidden at once and waits in the queue for
  the teacher to confirm (argument_hide) or restore it. Any decision resolves the open reports
  with its verdict (upheld or not), so that a restored post starts again from zero and the
  same pupils cannot report it twice. A moderator's report hides the post at once. Pupils'
  reports are rate-limited (settings.HEMICYCLE_DEBATE_REPORT_RATE_LIMITS).
- Deletion: nothing is deleted one post at a time. An author may withdraw a pending or
  published post that has no reply (its text is erased, the row stays); the database refuses to
  delete a post with replies (RESTRICT); a debate is deleted whole. Erasing a pupil empties
  their posts the same way, replies or not (pupil_debate_words_erase): the tree stays whole.

Locking. argument_post locks the debate row (FOR NO KEY UPDATE: inserts that reference it are
not blocked) and then the parent, re-reading both: a post never lands in a closed debate, under
a parent hidden or withdrawn meanwhile, or past the rate limit. The other writers lock the one
argument they change (after the debate row when they take both), so locks are always taken in
the order debate → argument."""

import logging
from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from school.errors import DomainError, ErrorKind
from school.models import Classroom, PupilProfile

from ..components import (
    COMPONENT_KINDS,
    COMPONENT_MESSAGES,
    component_classrooms_check,
    component_pupil,
    component_pupil_check,
    id_or_none,
)
from ..consultations.permissions import can_manage_consultation
from ..models import (
    Argument,
    ArgumentKind,
    ArgumentReport,
    ArgumentStatus,
    Consultation,
    ConvincingMark,
    Debate,
    DebateClassroom,
    DebateStatus,
    HoldReason,
    ModerationAction,
    ModerationEvent,
    PostingBlock,
    ReportReason,
    Side,
)
from ..models.debates import (
    ARGUMENT_MAX_LENGTH,
    AUTO_HIDE_REPORTS_MAX,
    CONTEXT_MAX_LENGTH,
    HELD_WORDS_MAX_LENGTH,
    MAX_DEPTH_LIMIT,
    REASON_MAX_LENGTH,
    REPORT_NOTE_MAX_LENGTH,
    THESIS_MAX_LENGTH,
)
from . import moderation, reports
from .limits import window_wait_minutes
from .permissions import (
    can_create_debate,
    can_manage_debate,
    can_moderate_debate,
)

logger = logging.getLogger(__name__)

DEBATE_NOT_FOUND = "debate_not_found"
DEBATE_NOT_ALLOWED = "debate_not_allowed"
DEBATE_THESIS_INVALID = "debate_thesis_invalid"
DEBATE_CONTEXT_INVALID = "debate_context_invalid"
DEBATE_AUTO_HIDE_INVALID = "debate_auto_hide_invalid"
DEBATE_MAX_DEPTH_INVALID = "debate_max_depth_invalid"
DEBATE_CONSULTATION_NOT_ALLOWED = "debate_consultation_not_allowed"
DEBATE_NOT_IN_YOUR_CLASS = "debate_not_in_your_class"
DEBATE_CLOSED = "debate_closed"
DEBATE_ALREADY_OPEN = "debate_already_open"
DEBATE_ARCHIVED = "debate_archived"
MODERATION_NOT_ALLOWED = "moderation_not_allowed"
REASON_REQUIRED = "reason_required"
PUPIL_BLOCKED = "pupil_blocked"
PUPIL_ALREADY_BLOCKED = "pupil_already_blocked"
PUPIL_NOT_BLOCKED = "pupil_not_blocked"
PUPIL_NOT_IN_DEBATE = "pupil_not_in_debate"
RATE_LIMITED = "rate_limited"
ARGUMENT_NOT_FOUND = "argument_not_found"
ARGUMENT_KIND_INVALID = "argument_kind_invalid"
ARGUMENT_SIDE_INVALID = "argument_side_invalid"
ARGUMENT_PARENT_IS_COMMENT = "argument_parent_is_comment"
ARGUMENT_PARENT_NOT_PUBLISHED = "argument_parent_not_published"
ARGUMENT_TOO_DEEP = "argument_too_deep"
ARGUMENT_STATE_INVALID = "argument_state_invalid"
ARGUMENT_NOT_YOURS = "argument_not_yours"
ARGUMENT_HAS_REPLIES = "argument_has_replies"
REPORT_REASON_INVALID = "report_reason_invalid"
REPORT_ALREADY = "report_already"
REPORT_OWN_POST = "report_own_post"
REPORT_NOT_PUBLISHED = "report_not_published"
REPORT_RATE_LIMITED = "report_rate_limited"
CONVINCING_NOT_AN_ARGUMENT = "convincing_not_an_argument"
CONVINCING_NOT_PUBLISHED = "convincing_not_published"
CONVINCING_OWN_ARGUMENT = "convincing_own_argument"
CONVINCING_ALREADY = "convincing_already"
CONVINCING_NOT_MARKED = "convincing_not_marked"

ERROR_MESSAGES = {
    DEBATE_NOT_FOUND: _("Ce débat n'existe pas."),
    DEBATE_NOT_ALLOWED: _("Tu ne peux pas gérer ce débat."),
    DEBATE_THESIS_INVALID: _("La thèse fait de 1 à 300 caractères."),
    DEBATE_CONTEXT_INVALID: _("Le contexte est un texte de 5 000 caractères au plus."),
    DEBATE_AUTO_HIDE_INVALID: _(
        "Le nombre de signalements avant masquage automatique va de 1 à 50."
    ),
    DEBATE_MAX_DEPTH_INVALID: _("La profondeur des réponses va de 1 à 8 niveaux."),
    DEBATE_CONSULTATION_NOT_ALLOWED: _(
        "Tu ne peux lier un débat qu'à une consultation que tu gères."
    ),
    DEBATE_NOT_IN_YOUR_CLASS: _("Ce débat n'est pas proposé à ta classe."),
    DEBATE_CLOSED: _("Le débat est clos : on ne peut plus y publier."),
    DEBATE_ALREADY_OPEN: _("Ce débat est déjà ouvert."),
    DEBATE_ARCHIVED: _("Ce débat est archivé : il ne change plus."),
    MODERATION_NOT_ALLOWED: _("Tu ne peux pas modérer ce débat."),
    REASON_REQUIRED: _("Indique la raison (500 caractères au plus) : elle reste dans le journal."),
    PUPIL_BLOCKED: _(
        "Ton professeur a suspendu tes publications dans ce débat. Tu peux toujours le lire."
    ),
    PUPIL_ALREADY_BLOCKED: _("Cet élève est déjà bloqué dans ce débat."),
    PUPIL_NOT_BLOCKED: _("Cet élève n'est pas bloqué dans ce débat."),
    PUPIL_NOT_IN_DEBATE: _("Cet élève ne fait pas partie des classes de ce débat."),
    RATE_LIMITED: _(
        "Tu as beaucoup publié en peu de temps : attends %(minutes)s min avant de publier "
        "à nouveau. Prends le temps de lire les autres !"
    ),
    ARGUMENT_NOT_FOUND: _("Cet argument n'existe pas dans ce débat."),
    ARGUMENT_KIND_INVALID: _("On publie un argument ou un commentaire."),
    ARGUMENT_SIDE_INVALID: _("Choisis ton côté : pour ou contre (un commentaire n'en a pas)."),
    ARGUMENT_PARENT_IS_COMMENT: _("On ne répond pas à un commentaire : réponds à l'argument."),
    ARGUMENT_PARENT_NOT_PUBLISHED: _("On ne peut répondre qu'à un argument publié."),
    ARGUMENT_TOO_DEEP: _(
        "La discussion est déjà très détaillée ici : réponds plutôt à un argument plus haut."
    ),
    ARGUMENT_STATE_INVALID: _("Ce message n'est pas dans un état qui permet cette action."),
    ARGUMENT_NOT_YOURS: _("Tu ne peux retirer que tes propres messages."),
    ARGUMENT_HAS_REPLIES: _(
        "Ton message a déjà reçu des réponses : il reste dans le débat. Parles-en à ton "
        "professeur si tu veux qu'il soit masqué."
    ),
    REPORT_REASON_INVALID: _("Choisis un motif de signalement."),
    REPORT_ALREADY: _("Tu as déjà signalé ce message : ton professeur va le regarder."),
    REPORT_OWN_POST: _("Tu ne peux pas signaler ton propre message."),
    REPORT_NOT_PUBLISHED: _("Ce message n'est pas affiché : il n'y a rien à signaler."),
    REPORT_RATE_LIMITED: _(
        "Tu as envoyé beaucoup de signalements en peu de temps : attends %(minutes)s min. "
        "Ton professeur regarde ceux que tu as déjà envoyés."
    ),
    CONVINCING_NOT_AN_ARGUMENT: _("Seuls les arguments peuvent être jugés convaincants."),
    CONVINCING_NOT_PUBLISHED: _("Cet argument n'est pas publié."),
    CONVINCING_OWN_ARGUMENT: _("Tu ne peux pas juger convaincant ton propre argument."),
    CONVINCING_ALREADY: _("Tu as déjà trouvé cet argument convaincant."),
    CONVINCING_NOT_MARKED: _("Tu n'avais pas marqué cet argument comme convaincant."),
}


# What kind of refusal each code is (school.errors: the kind decides the HTTP status); the
# others are bad input.
ERROR_KINDS = {
    DEBATE_NOT_FOUND: ErrorKind.NOT_FOUND,
    ARGUMENT_NOT_FOUND: ErrorKind.NOT_FOUND,
    DEBATE_NOT_IN_YOUR_CLASS: ErrorKind.NOT_FOUND,
    DEBATE_NOT_ALLOWED: ErrorKind.FORBIDDEN,
    MODERATION_NOT_ALLOWED: ErrorKind.FORBIDDEN,
    PUPIL_BLOCKED: ErrorKind.FORBIDDEN,
    DEBATE_CLOSED: ErrorKind.CONFLICT,
    DEBATE_ALREADY_OPEN: ErrorKind.CONFLICT,
    DEBATE_ARCHIVED: ErrorKind.CONFLICT,
    ARGUMENT_STATE_INVALID: ErrorKind.CONFLICT,
    ARGUMENT_HAS_REPLIES: ErrorKind.CONFLICT,
    REPORT_ALREADY: ErrorKind.CONFLICT,
    CONVINCING_ALREADY: ErrorKind.CONFLICT,
    CONVINCING_NOT_MARKED: ErrorKind.CONFLICT,
    PUPIL_ALREADY_BLOCKED: ErrorKind.CONFLICT,
    PUPIL_NOT_BLOCKED: ErrorKind.CONFLICT,
    RATE_LIMITED: ErrorKind.RATE_LIMITED,
    REPORT_RATE_LIMITED: ErrorKind.RATE_LIMITED,
}


class DebateError(DomainError):
    """`code` is a module-level constant here, in classroom_votes.components (shared with
    consultations) or in moderation (TEXT_*, WORDS_INVALID); `message` is French, for the user.
    Nothing was written."""

    messages = {**COMPONENT_MESSAGES, **moderation.ERROR_MESSAGES, **ERROR_MESSAGES}
    kinds = {**COMPONENT_KINDS, **ERROR_KINDS}

    @classmethod
    def from_refusal(cls, refusal: moderation.TextRefused) -> "DebateError":
        return cls(refusal.code, refusal.message)


def _sanitize(value: object, **options) -> str:
    try:
        return moderation.text_sanitize(value, **options)
    except moderation.TextRefused as refusal:
        raise DebateError.from_refusal(refusal) from None


def _reason_clean(reason: object, *, required: bool) -> str:
    try:
        return moderation.text_sanitize(
            reason,
            max_length=REASON_MAX_LENGTH,
            links_allowed=True,
            multiline=False,
            required=required,
        )
    except moderation.TextRefused:
        raise DebateError(REASON_REQUIRED) from None


def _words_clean(value: object) -> str:
    try:
        return "\n".join(moderation.words_clean(value))
    except moderation.TextRefused as refusal:
        raise DebateError.from_refusal(refusal) from None


def _small_int(value: object, *, low: int, high: int) -> bool:
    return type(value) is int and low <= value <= high  # True is an int: refused


def _event(
    *,
    debate_id: int,
    action: str,
    actor=None,
    argument_id: int | None = None,
    pupil_id: int | None = None,
    reason: str = "",
) -> ModerationEvent:
    return ModerationEvent.objects.create(
        debate_id=debate_id,
        action=action,
        actor=actor,
        argument_id=argument_id,
        pupil_id=pupil_id,
        reason=reason,
    )


# --- Debates ----------------------------------------------------------------------------------


def debate_create(
    *,
    owner,
    classrooms: Iterable[Classroom],
    thesis: str,
    context: str = "",
    consultation: Consultation | None = None,
    premoderation: bool = True,
    links_allowed: bool = False,
    auto_hide_reports: int = 3,
    max_depth: int = 4,
    extra_words: str = "",
) -> Debate:
    """An open debate in the owner's classes. `extra_words`: watched words added to the
    site's list for this debate (one a line or separated by commas; see moderation)."""
    if not can_create_debate(owner):
        raise DebateError(DEBATE_NOT_ALLOWED)
    classroom_ids = component_classrooms_check(
        owner=owner, classrooms=classrooms, error=DebateError
    )
    try:
        thesis = moderation.text_sanitize(
            thesis, max_length=THESIS_MAX_LENGTH, links_allowed=True, multiline=False
        )
    except moderation.TextRefused:
        raise DebateError(DEBATE_THESIS_INVALID) from None
    try:
        context = moderation.text_sanitize(
            context, max_length=CONTEXT_MAX_LENGTH, links_allowed=True, required=False
        )
    except moderation.TextRefused:
        raise DebateError(DEBATE_CONTEXT_INVALID) from None
    if consultation is not None and not can_manage_consultation(owner, consultation):
        raise DebateError(DEBATE_CONSULTATION_NOT_ALLOWED)
    chosen = _settings_clean(
        premoderation=premoderation,
        links_allowed=links_allowed,
        auto_hide_reports=auto_hide_reports,
        max_depth=max_depth,
        extra_words=extra_words,
    )
    with transaction.atomic():
        debate = Debate.objects.create(
            owner=owner, thesis=thesis, context=context, consultation=consultation, **chosen
        )
        DebateClassroom.objects.bulk_create(
            DebateClassroom(debate=debate, classroom_id=classroom_id)
            for classroom_id in classroom_ids
        )
    return debate


def _settings_clean(
    *,
    premoderation: bool | None,
    links_allowed: bool | None,
    auto_hide_reports: int | None,
    max_depth: int | None,
    extra_words: str | None,
) -> dict[str, object]:
    """The settings given (not None), checked and cleaned, for a new debate or a change."""
    if auto_hide_reports is not None and not _small_int(
        auto_hide_reports, low=1, high=AUTO_HIDE_REPORTS_MAX
    ):
        raise DebateError(DEBATE_AUTO_HIDE_INVALID)
    if max_depth is not None and not _small_int(max_depth, low=1, high=MAX_DEPTH_LIMIT):
        raise DebateError(DEBATE_MAX_DEPTH_INVALID)
    given = {
        "premoderation": None if premoderation is None else bool(premoderation),
        "links_allowed": None if links_allowed is None else bool(links_allowed),
        "auto_hide_reports": auto_hide_reports,
        "max_depth": max_depth,
        "extra_words": None if extra_words is None else _words_clean(extra_words),
    }
    return {name: value for name, value in given.items() if value is not None}


_SETTING_LABELS = {
    "premoderation": _("pré-modération"),
    "links_allowed": _("liens autorisés"),
    "auto_hide_reports": _("signalements avant masquage"),
    "max_depth": _("profondeur maximale"),
    "extra_words": _("mots surveillés"),
}


def _setting_text(value: object) -> str:
    if isinstance(value, bool):
        return str(_("oui") if value else _("non"))
    if isinstance(value, str):
        count = len(value.split("\n")) if value else 0
        return ngettext("%(count)s mot", "%(count)s mots", count) % {"count": count}
    return str(value)


def debate_settings_update(
    *,
    debate: Debate,
    by,
    premoderation: bool | None = None,
    links_allowed: bool | None = None,
    auto_hide_reports: int | None = None,
    max_depth: int | None = None,
    extra_words: str | None = None,
) -> Debate:
    """Change what is given (None: unchanged), logged as one SETTINGS event. Applies to what is
    posted from now on: switching pre-moderation off publishes nothing that is pending, and a
    smaller depth removes no reply."""
    if not can_manage_debate(by, debate):
        raise DebateError(DEBATE_NOT_ALLOWED)
    changes = _settings_clean(
        premoderation=premoderation,
        links_allowed=links_allowed,
        auto_hide_reports=auto_hide_reports,
        max_depth=max_depth,
        extra_words=extra_words,
    )
    with transaction.atomic():
        locked = Debate.objects.select_for_update(no_key=True).get(pk=debate.pk)
        if locked.is_archived:
            raise DebateError(DEBATE_ARCHIVED)
        changes = {name: value for name, value in changes.items() if getattr(locked, name) != value}
        if not changes:
            return debate
        for name, value in changes.items():
            setattr(locked, name, value)
            setattr(debate, name, value)
        locked.save(update_fields=[*changes, "updated_at"])
        summary = " ; ".join(
            f"{_SETTING_LABELS[name]} : {_setting_text(value)}" for name, value in changes.items()
        )
        _event(debate_id=debate.pk, action=ModerationAction.SETTINGS, actor=by, reason=summary)
    return debate


def _debate_state_change(*, debate: Debate, by, action: str) -> Debate:
    if not can_manage_debate(by, debate):
        raise DebateError(DEBATE_NOT_ALLOWED)
    now = timezone.now()
    with transaction.atomic():
        locked = Debate.objects.select_for_update(no_key=True).get(pk=debate.pk)
        if locked.is_archived:
            raise DebateError(DEBATE_ARCHIVED)
        if action == ModerationAction.REOPEN:
            if locked.status == DebateStatus.OPEN:
                raise DebateError(DEBATE_ALREADY_OPEN)
            locked.status, locked.closed_at = DebateStatus.OPEN, None
        else:
            if action == ModerationAction.CLOSE and locked.status == DebateStatus.CLOSED:
                raise DebateError(DEBATE_CLOSED)
            if locked.status == DebateStatus.OPEN:
                locked.status, locked.closed_at = DebateStatus.CLOSED, now
            if action == ModerationAction.ARCHIVE:
                locked.archived_at = now
        locked.save(update_fields=["status", "closed_at", "archived_at", "updated_at"])
        _event(debate_id=debate.pk, action=action, actor=by)
    for name in ("status", "closed_at", "archived_at", "updated_at"):
        setattr(debate, name, getattr(locked, name))
    return debate


def debate_close(*, debate: Debate, by) -> Debate:
    """No more posts, marks or withdrawals; reports and moderation go on."""
    return _debate_state_change(debate=debate, by=by, action=ModerationAction.CLOSE)


def debate_reopen(*, debate: Debate, by) -> Debate:
    return _debate_state_change(debate=debate, by=by, action=ModerationAction.REOPEN)


def debate_archive(*, debate: Debate, by) -> Debate:
    """Close (if open) and freeze for good: only moderation still applies, so that something
    hurtful found later can still be hidden."""
    return _debate_state_change(debate=debate, by=by, action=ModerationAction.ARCHIVE)


# --- Posting ----------------------------------------------------------------------------------


def _debate_writable(debate: Debate) -> None:
    if debate.is_archived:
        raise DebateError(DEBATE_ARCHIVED)
    if debate.status != DebateStatus.OPEN:
        raise DebateError(DEBATE_CLOSED)


def _pupil_in_debate(user, debate: Debate):
    """The pupil's profile, or DebateError: NOT_A_PUPIL, DEBATE_NOT_IN_YOUR_CLASS,
    CLASSROOM_ARCHIVED."""
    return component_pupil_check(
        user, debate, error=DebateError, not_in_class=DEBATE_NOT_IN_YOUR_CLASS
    )


def _hold(*, text: str, debate: Debate) -> tuple[str, str]:
    """(hold reason, words found) for a pupil's text: the word filter, then contact details,
    then pre-moderation; ("", "") when it may be published at once."""
    words = moderation.word_list_load(settings.HEMICYCLE_DEBATE_WORD_LIST)
    if debate.extra_words:
        words = words + tuple(debate.extra_words.split("\n"))
    found = moderation.words_find(text, words=words)
    if found:
        return HoldReason.WORD_FILTER, ", ".join(found)[:HELD_WORDS_MAX_LENGTH]
    if moderation.contact_details_find(text):
        # The details themselves are not copied: they are in the text, which the teacher reads.
        return HoldReason.CONTACT_DETAILS, ""
    if debate.premoderation:
        return HoldReason.PREMODERATION, ""
    return HoldReason.NONE, ""


def argument_check_and_post(
    *,
    author,
    debate: Debate,
    text: str,
    kind: str = ArgumentKind.ARGUMENT,
    side: str = "",
    parent_id: int | str | None = None,
) -> Argument:
    """Check everything, then post (argument_post). `side` is pour or contre for an argument
    (relative to the parent, or to the thesis at the top), empty for a comment. `parent_id`:
    the argument replied to, None for the thesis. Refusals raise DebateError and store
    nothing."""
    moderator = can_moderate_debate(author, debate)
    pupil = None if moderator else _pupil_in_debate(author, debate)
    _debate_writable(debate)
    if pupil is not None and PostingBlock.objects.filter(debate=debate, pupil=author).exists():
        raise DebateError(PUPIL_BLOCKED)
    if kind not in ArgumentKind.values:
        raise DebateError(ARGUMENT_KIND_INVALID)
    if (kind == ArgumentKind.ARGUMENT and side not in Side.values) or (
        kind == ArgumentKind.COMMENT and side
    ):
        raise DebateError(ARGUMENT_SIDE_INVALID)
    parent = None
    if parent_id is not None:
        parent = (
            Argument.objects.filter(pk=id_or_none(parent_id), debate=debate)
            .only("pk", "kind", "status", "depth", "debate_id")
            .first()
        )
        if parent is None:
            raise DebateError(ARGUMENT_NOT_FOUND)
        if parent.kind == ArgumentKind.COMMENT:
            raise DebateError(ARGUMENT_PARENT_IS_COMMENT)
        if parent.status != ArgumentStatus.PUBLISHED:
            raise DebateError(ARGUMENT_PARENT_NOT_PUBLISHED)
    depth = 1 if parent is None else parent.depth + 1
    if kind == ArgumentKind.ARGUMENT and depth > debate.max_depth:
        raise DebateError(ARGUMENT_TOO_DEEP)
    text = _sanitize(
        text,
        max_length=ARGUMENT_MAX_LENGTH,
        # Teachers are adults citing their sources; the setting protects pupils from each other.
        links_allowed=debate.links_allowed or pupil is None,
    )
    hold_reason, held_words = ("", "") if pupil is None else _hold(text=text, debate=debate)
    return argument_post(
        debate=debate,
        author=author,
        classroom_id=None if pupil is None else pupil.classroom_id,
        parent=parent,
        kind=kind,
        side=side,
        text=text,
        hold_reason=hold_reason,
        held_words=held_words,
        depth=depth,
    )


def _rate_limit_check(*, debate_id: int, user_id: int, now: datetime) -> None:
    minutes = window_wait_minutes(
        Argument.objects.filter(debate_id=debate_id, author_id=user_id),
        windows=settings.HEMICYCLE_DEBATE_RATE_LIMITS,
        now=now,
    )
    if minutes is not None:
        raise DebateError(RATE_LIMITED, minutes=minutes, retry_after=60 * minutes)


def argument_post(
    *,
    debate: Debate,
    author,
    classroom_id: int | None,
    parent: Argument | None,
    kind: str,
    side: str,
    text: str,
    hold_reason: str,
    held_words: str,
    depth: int,
) -> Argument:
    """Write one post, checked by argument_check_and_post (`classroom_id`: the pupil's class,
    None for a teacher; `text` sanitized; `hold_reason` empty to publish at once). Nothing
    needs to be locked beforehand: this locks the debate row, then the parent, and re-checks
    what may have changed since (debate open, block, rate limit, parent published)."""
    now = timezone.now()
    with transaction.atomic():
        locked = (
            Debate.objects.select_for_update(no_key=True)
            .only("status", "archived_at")
            .get(pk=debate.pk)
        )
        _debate_writable(locked)
        if parent is not None:
            status = (
                Argument.objects.select_for_update(no_key=True)
                .filter(pk=parent.pk)
                .values_list("status", flat=True)
                .first()
            )
            if status != ArgumentStatus.PUBLISHED:
                raise DebateError(ARGUMENT_PARENT_NOT_PUBLISHED)
        if classroom_id is not None:
            if PostingBlock.objects.filter(debate_id=debate.pk, pupil_id=author.pk).exists():
                raise DebateError(PUPIL_BLOCKED)
            _rate_limit_check(debate_id=debate.pk, user_id=author.pk, now=now)
        argument = Argument.objects.create(
            debate_id=debate.pk,
            parent=parent,
            kind=kind,
            side=side,
            author=author,
            author_classroom_id=classroom_id,
            text=text,
            status=ArgumentStatus.PENDING if hold_reason else ArgumentStatus.PUBLISHED,
            hold_reason=hold_reason,
            held_words=held_words,
            depth=depth,
            created_at=now,
        )
    if hold_reason in (HoldReason.WORD_FILTER, HoldReason.CONTACT_DETAILS):
        logger.info("debate %s: post %s held (%s)", debate.pk, argument.pk, hold_reason)
    return argument


def argument_withdraw(*, argument: Argument, by) -> Argument:
    """The author takes back a pending or published post nobody has replied to: the text is
    erased, the marks go, open reports are resolved; the row stays (rate limit, log)."""
    if not by.is_authenticated or argument.author_id != by.pk:
        raise DebateError(ARGUMENT_NOT_YOURS)
    with transaction.atomic():
        debate = Debate.objects.select_for_update(no_key=True).get(pk=argument.debate_id)
        _debate_writable(debate)
        locked = Argument.objects.select_for_update().get(pk=argument.pk)
        if locked.status not in (ArgumentStatus.PENDING, ArgumentStatus.PUBLISHED):
            raise DebateError(ARGUMENT_STATE_INVALID)
        if Argument.objects.filter(parent_id=locked.pk).exists():
            raise DebateError(ARGUMENT_HAS_REPLIES)
        locked.status, locked.text, locked.held_words = ArgumentStatus.WITHDRAWN, "", ""
        locked.save(update_fields=["status", "text", "held_words"])
        ConvincingMark.objects.filter(argument_id=locked.pk).delete()
        _reports_resolve(argument_id=locked.pk)
        _event(
            debate_id=locked.debate_id,
            action=ModerationAction.WITHDRAW,
            actor=by,
            argument_id=locked.pk,
        )
    return _instance_update(argument, locked)


# --- Marks and reports ------------------------------------------------------------------------


def _fresh(argument: Argument) -> Argument:
    """The argument and its debate as stored now: the caller's instances may be stale."""
    return Argument.objects.select_related("debate").get(pk=argument.pk)


def _markable(*, argument: Argument, user) -> None:
    _pupil_in_debate(user, argument.debate)
    _debate_writable(argument.debate)
    if argument.kind != ArgumentKind.ARGUMENT:
        raise DebateError(CONVINCING_NOT_AN_ARGUMENT)
    if argument.status != ArgumentStatus.PUBLISHED:
        raise DebateError(CONVINCING_NOT_PUBLISHED)
    if argument.author_id == user.pk:
        raise DebateError(CONVINCING_OWN_ARGUMENT)


def convincing_mark(*, argument: Argument, user) -> ConvincingMark:
    """A pupil of the debate finds someone else's published argument convincing (once)."""
    _markable(argument=_fresh(argument), user=user)
    try:
        with transaction.atomic():
            return ConvincingMark.objects.create(argument=argument, user=user)
    except IntegrityError:
        raise DebateError(CONVINCING_ALREADY) from None


def convincing_unmark(*, argument: Argument, user) -> None:
    debate = _fresh(argument).debate
    _pupil_in_debate(user, debate)
    _debate_writable(debate)
    deleted, _detail = ConvincingMark.objects.filter(argument=argument, user=user).delete()
    if not deleted:
        raise DebateError(CONVINCING_NOT_MARKED)


def _open_reports(argument_id: int):
    return ArgumentReport.objects.filter(argument_id=argument_id, resolved_at__isnull=True)


def _reports_resolve(*, argument_id: int, upheld: bool | None = None) -> int:
    """Close the open reports with the teacher's verdict (None: no verdict, the post went)."""
    return _open_reports(argument_id).update(resolved_at=timezone.now(), upheld=upheld)


def _counting_reports(argument: Argument) -> int:
    """The open reports that weigh: made counting, by a pupil still in the debate's classes."""
    return (
        _open_reports(argument.pk)
        .filter(
            counts=True,
            reporter__pupil__classroom__debate_links__debate_id=argument.debate_id,
        )
        .count()
    )


def _moderator_report(*, argument: Argument, reporter, reason: str, note: str) -> ArgumentReport:
    """A moderator's report is a decision: the post is hidden at once, every open report on it
    resolved as upheld."""
    now = timezone.now()
    label = dict(ReportReason.choices)[reason]
    with transaction.atomic():
        locked = Argument.objects.select_for_update().get(pk=argument.pk)
        if locked.status != ArgumentStatus.PUBLISHED:
            raise DebateError(REPORT_NOT_PUBLISHED)
        _reports_resolve(argument_id=locked.pk, upheld=True)
        try:
            with transaction.atomic():
                report = ArgumentReport.objects.create(
                    argument=locked,
                    reporter=reporter,
                    reason=reason,
                    note=note,
                    resolved_at=now,
                    upheld=True,
                )
        except IntegrityError:
            raise DebateError(REPORT_ALREADY) from None
        locked.status, locked.auto_hidden = ArgumentStatus.HIDDEN, False
        locked.save(update_fields=["status", "auto_hidden"])
        _event(
            debate_id=locked.debate_id,
            action=ModerationAction.HIDE,
            actor=reporter,
            argument_id=locked.pk,
            reason=f"{label}. {note}".strip()[:REASON_MAX_LENGTH],
        )
    _instance_update(argument, locked)
    return report


def argument_report(*, argument: Argument, reporter, reason: str, note: str = "") -> ArgumentReport:
    """A pupil of the debate reports someone else's published post, once. When the open
    reports that count (see debates.reports) on a pupil's post reach the threshold, the post
    is hidden at once (an AUTO_HIDE event with no actor) until the teacher decides. A
    moderator's report hides the post at once (a HIDE event by them)."""
    moderator = can_moderate_debate(reporter, argument.debate)
    if not moderator:
        _pupil_in_debate(reporter, argument.debate)
    if argument.author_id == reporter.pk:
        raise DebateError(REPORT_OWN_POST)
    if reason not in ReportReason.values:
        raise DebateError(REPORT_REASON_INVALID)
    note = _sanitize(note, max_length=REPORT_NOTE_MAX_LENGTH, links_allowed=True, required=False)
    if moderator:
        return _moderator_report(argument=argument, reporter=reporter, reason=reason, note=note)
    now = timezone.now()
    with transaction.atomic():
        # The pupil's row serialises their reports: the rate limit is exact.
        profile = PupilProfile.objects.select_for_update().get(user_id=reporter.pk)
        wait = reports.report_wait_minutes(user_id=reporter.pk, now=now)
        if wait is not None:
            raise DebateError(REPORT_RATE_LIMITED, minutes=wait, retry_after=60 * wait)
        counts = reports.reporter_has_standing(
            profile=profile, now=now
        ) and reporter.pk not in reports.reporters_flagged(user_ids=[reporter.pk], now=now)
        # Only the argument is locked; its debate is read as it is now.
        locked = (
            Argument.objects.select_for_update(of=("self",))
            .select_related("debate")
            .get(pk=argument.pk)
        )
        if locked.debate.is_archived:
            raise DebateError(DEBATE_ARCHIVED)
        if locked.status != ArgumentStatus.PUBLISHED:
            raise DebateError(REPORT_NOT_PUBLISHED)
        try:
            with transaction.atomic():
                report = ArgumentReport.objects.create(
                    argument=locked, reporter=reporter, reason=reason, note=note, counts=counts
                )
        except IntegrityError:
            raise DebateError(REPORT_ALREADY) from None
        # Teachers' own posts are never hidden by pupils' reports; they still reach the queue.
        if locked.author_classroom_id is not None and counts:
            count = _counting_reports(locked)
            if count >= reports.report_threshold(debate=locked.debate):
                locked.status, locked.auto_hidden = ArgumentStatus.HIDDEN, True
                locked.save(update_fields=["status", "auto_hidden"])
                _event(
                    debate_id=locked.debate_id,
                    action=ModerationAction.AUTO_HIDE,
                    argument_id=locked.pk,
                    reason=ngettext("%(count)s signalement", "%(count)s signalements", count)
                    % {"count": count},
                )
                logger.info("debate %s: post %s hidden by reports", locked.debate_id, locked.pk)
    _instance_update(argument, locked)
    return report


# --- Moderation -------------------------------------------------------------------------------


_MODERATION_FIELDS = ("status", "auto_hidden", "text", "held_words")


def _instance_update(argument: Argument, locked: Argument) -> Argument:
    """The caller's instance, brought up to date, so that it never shows a stale state."""
    for name in _MODERATION_FIELDS:
        setattr(argument, name, getattr(locked, name))
    return argument


def _moderate(
    *,
    argument: Argument,
    by,
    action: str,
    allowed: Iterable[str],
    status: str,
    reason: str,
    resolve_reports: bool,
    auto_hidden_only: bool = False,
    upheld: bool | None = None,
) -> Argument:
    if not can_moderate_debate(by, argument.debate):
        raise DebateError(MODERATION_NOT_ALLOWED)
    with transaction.atomic():
        locked = Argument.objects.select_for_update().get(pk=argument.pk)
        if locked.status not in allowed or (auto_hidden_only and not locked.auto_hidden):
            raise DebateError(ARGUMENT_STATE_INVALID)
        locked.status, locked.auto_hidden = status, False
        locked.save(update_fields=["status", "auto_hidden"])
        if resolve_reports:
            _reports_resolve(argument_id=locked.pk, upheld=upheld)
        _event(
            debate_id=locked.debate_id,
            action=action,
            actor=by,
            argument_id=locked.pk,
            reason=reason,
        )
    return _instance_update(argument, locked)


def argument_approve(*, argument: Argument, by) -> Argument:
    """Publish a pending post (pre-moderation or held by the filters)."""
    return _moderate(
        argument=argument,
        by=by,
        action=ModerationAction.APPROVE,
        allowed=[ArgumentStatus.PENDING],
        status=ArgumentStatus.PUBLISHED,
        reason="",
        resolve_reports=False,
    )


def argument_reject(*, argument: Argument, by, reason: str = "") -> Argument:
    """Refuse a pending post: it never reaches the class; its author still sees it, marked."""
    return _moderate(
        argument=argument,
        by=by,
        action=ModerationAction.REJECT,
        allowed=[ArgumentStatus.PENDING],
        status=ArgumentStatus.REJECTED,
        reason=_reason_clean(reason, required=False),
        resolve_reports=False,
    )


def argument_hide(*, argument: Argument, by, reason: str) -> Argument:
    """Hide a published post, or confirm the hiding by reports, with a reason for the log.
    Its published replies stay, under a placeholder."""
    reason = _reason_clean(reason, required=True)
    if argument.status == ArgumentStatus.HIDDEN:
        return _moderate(
            argument=argument,
            by=by,
            action=ModerationAction.HIDE,
            allowed=[ArgumentStatus.HIDDEN],
            status=ArgumentStatus.HIDDEN,
            reason=reason,
            resolve_reports=True,
            auto_hidden_only=True,
            upheld=True,
        )
    return _moderate(
        argument=argument,
        by=by,
        action=ModerationAction.HIDE,
        allowed=[ArgumentStatus.PUBLISHED],
        status=ArgumentStatus.HIDDEN,
        reason=reason,
        resolve_reports=True,
        upheld=True,
    )


def argument_restore(*, argument: Argument, by, reason: str) -> Argument:
    """Publish again a hidden (by the teacher or by reports) or refused post, with a reason.
    Open reports are resolved: new ones count from zero."""
    return _moderate(
        argument=argument,
        by=by,
        action=ModerationAction.RESTORE,
        allowed=[ArgumentStatus.HIDDEN, ArgumentStatus.REJECTED],
        status=ArgumentStatus.PUBLISHED,
        reason=_reason_clean(reason, required=True),
        resolve_reports=True,
        upheld=False,
    )


def argument_reports_dismiss(*, argument: Argument, by, reason: str = "") -> Argument:
    """Keep a reported post published and close its reports."""
    if not can_moderate_debate(by, argument.debate):
        raise DebateError(MODERATION_NOT_ALLOWED)
    reason = _reason_clean(reason, required=False)
    with transaction.atomic():
        locked = Argument.objects.select_for_update().get(pk=argument.pk)
        if locked.status != ArgumentStatus.PUBLISHED or not _reports_resolve(
            argument_id=locked.pk, upheld=False
        ):
            raise DebateError(ARGUMENT_STATE_INVALID)
        _event(
            debate_id=locked.debate_id,
            action=ModerationAction.DISMISS_REPORTS,
            actor=by,
            argument_id=locked.pk,
            reason=reason,
        )
    return _instance_update(argument, locked)


# --- Posting blocks ---------------------------------------------------------------------------


def pupil_block(*, debate: Debate, pupil, by, reason: str) -> PostingBlock:
    """Stop a pupil of the debate from posting in it (reading, marking and reporting go on).
    `pupil` is the pupil's user. Their posts already there are left to moderation."""
    if not can_moderate_debate(by, debate):
        raise DebateError(MODERATION_NOT_ALLOWED)
    reason = _reason_clean(reason, required=True)
    if component_pupil(pupil, debate) is None:
        raise DebateError(PUPIL_NOT_IN_DEBATE)
    try:
        with transaction.atomic():
            block = PostingBlock.objects.create(debate=debate, pupil=pupil, by=by, reason=reason)
            _event(
                debate_id=debate.pk,
                action=ModerationAction.BLOCK,
                actor=by,
                pupil_id=pupil.pk,
                reason=reason,
            )
    except IntegrityError:
        raise DebateError(PUPIL_ALREADY_BLOCKED) from None
    return block


def pupil_unblock(*, debate: Debate, pupil, by, reason: str = "") -> None:
    if not can_moderate_debate(by, debate):
        raise DebateError(MODERATION_NOT_ALLOWED)
    reason = _reason_clean(reason, required=False)
    with transaction.atomic():
        deleted, _detail = PostingBlock.objects.filter(debate=debate, pupil_id=pupil.pk).delete()
        if not deleted:
            raise DebateError(PUPIL_NOT_BLOCKED)
        _event(
            debate_id=debate.pk,
            action=ModerationAction.UNBLOCK,
            actor=by,
            pupil_id=pupil.pk,
            reason=reason,
        )


# --- Erasure ----------------------------------------------------------------------------------


def pupil_debate_words_erase(*, user) -> int:
    """Before a pupil's account is deleted (signals.user_pre_delete): the words they wrote go
    with them. Each of their posts keeps its place in the tree, as withdrawn (so the replies of
    others keep theirs, shown under a placeholder), with its marks; their report notes are
    emptied. Then the account's deletion sets every remaining link to them to NULL: their marks
    and reports still count, anonymously. Returns the number of posts emptied."""
    if not getattr(user, "is_pupil", False):
        return 0  # a teacher's posts are the class's material: they stay, unsigned
    posts = Argument.objects.filter(author=user).exclude(status=ArgumentStatus.WITHDRAWN)
    rows = list(posts.values_list("pk", "debate_id"))
    ids = [pk for pk, _debate_id in rows]
    ConvincingMark.objects.filter(argument_id__in=ids).delete()
    ArgumentReport.objects.filter(argument_id__in=ids, resolved_at__isnull=True).update(
        resolved_at=timezone.now()
    )
    emptied = Argument.objects.filter(pk__in=ids).update(
        status=ArgumentStatus.WITHDRAWN, text="", held_words="", auto_hidden=False
    )
    ArgumentReport.objects.filter(reporter=user).exclude(note="").update(note="")
    ModerationEvent.objects.bulk_create(
        ModerationEvent(
            debate_id=debate_id,
            argument_id=pk,
            action=ModerationAction.WITHDRAW,
            reason=str(_("Compte de l'élève effacé")),
        )
        for pk, debate_id in rows
    )
    return emptied
