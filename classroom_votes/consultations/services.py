"""The only code that writes consultation state: creation, opening and closing (by hand or on
schedule), casting ballots and mixing them into the urn.

Secret ballot, for everyone who can read the database, its dumps, replicas and WAL, and the logs
(the threat model is in the package docstring). `ballot_cast` writes, all or nothing, the
participation row (who; unique per pupil and consultation, so the database refuses a second
vote) and a sealed ballot (what, encrypted with a key kept outside the database; no author, no
time, a random id): on PostgreSQL in one statement, elsewhere (SQLite, for a first run) in one
transaction. The two share that transaction, which is why the ballot is sealed. `ballots_mix`
then opens sealed ballots of a class in batches of at least k = HEMICYCLE_BALLOT_BATCH, in a
transaction of its own, and writes them in random order into the urn and the counters (see
"Mixing the urn" below); the close mixes what remains and rewrites the whole urn. So nothing
stored or logged narrows a pupil's vote below a batch of k.

- Every counter row is created at zero with the consultation. A row appearing with the first
  batch for an option would date that batch.
- No counter moves in a vote's transaction: results, live ones included, move by batches.

Locking (PostgreSQL). A vote takes a share lock on the consultation's row, checking the status
and dates as it does, and holds it until it commits. A mixing takes a share lock on it too, and
an advisory lock of its own (one mixing at a time). Closing locks the consultation's row for
update before changing the status: it waits for the votes and the mixing in progress, and the
votes that come meanwhile wait for it, then read the row again, find it closed and store nothing.
So a vote either commits before the close starts mixing or stores nothing; votes never wait for
each other. On SQLite the one writer at a time does all this.
"""

import contextlib
import logging
import secrets
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from kombu.exceptions import OperationalError as BrokerUnreachable

from school.errors import DomainError, ErrorKind
from school.models import Classroom
from school.permissions import is_pupil_account

from .. import tallies
from ..components import (
    CLASSROOM_ARCHIVED,
    COMPONENT_KINDS,
    COMPONENT_MESSAGES,
    NOT_A_PUPIL,
    component_classrooms_check,
    id_or_none,
)
from ..models import (
    FIXED_ANSWERS,
    Ballot,
    Consultation,
    ConsultationClassroom,
    ConsultationOption,
    ConsultationSource,
    ConsultationStatus,
    NationalQuestion,
    Phase,
    ResultsSeen,
    ResultsVisibility,
    SealedBallot,
    SourcePanel,
    Tally,
)
from ..models.consultations import (
    CONTEXT_MAX_LENGTH,
    MIN_BALLOTS_FLOOR,
    MIN_BALLOTS_MAX,
    OPTION_DESCRIPTION_MAX_LENGTH,
    OPTION_LABEL_MAX_LENGTH,
    PANEL_TITLE_DEFAULTS,
    PANEL_TITLE_MAX_LENGTH,
    SOURCE_SUMMARY_MAX_LENGTH,
    SOURCE_TITLE_MAX_LENGTH,
    SOURCE_URL_MAX_LENGTH,
    TITLE_MAX_LENGTH,
)
from . import sealing
from .permissions import (
    can_create_consultation,
    can_create_second_round,
    can_manage_consultation,
)
from .selectors import consultation_results

logger = logging.getLogger(__name__)

CONSULTATION_NOT_FOUND = "consultation_not_found"
CONSULTATION_NOT_OPEN = "consultation_not_open"
CONSULTATION_CLOSED = "consultation_closed"
CONSULTATION_NOT_IN_YOUR_CLASS = "consultation_not_in_your_class"
CONSULTATION_ALREADY_OPEN = "consultation_already_open"
CONSULTATION_NOT_ALLOWED = "consultation_not_allowed"
CONSULTATION_TITLE_INVALID = "consultation_title_invalid"
CONSULTATION_CONTEXT_INVALID = "consultation_context_invalid"
CONSULTATION_METHOD_INVALID = "consultation_method_invalid"
CONSULTATION_OPTION_INVALID = "consultation_option_invalid"
CONSULTATION_SECOND_ROUND_SINGLE_ONLY = "consultation_second_round_single_only"
CONSULTATION_MIN_BALLOTS_INVALID = "consultation_min_ballots_invalid"
CONSULTATION_VISIBILITY_INVALID = "consultation_visibility_invalid"
CONSULTATION_DATES_ORDER = "consultation_dates_order"
CONSULTATION_DATES_PAST = "consultation_dates_past"
SOURCE_INVALID = "source_invalid"
SOURCE_URL_REQUIRED = "source_url_required"
SOURCE_URL_INVALID = "source_url_invalid"
SOURCES_TOO_MANY = "sources_too_many"
PANEL_TITLE_INVALID = "panel_title_invalid"
NATIONAL_QUESTION_NOT_RUNNABLE = "national_question_not_runnable"
BALLOT_ALREADY_CAST = "ballot_already_cast"

SOURCES_MAX = 30

ERROR_MESSAGES = {
    PANEL_TITLE_INVALID: _("Le titre d'un panneau fait 80 caractères au plus."),
    CONSULTATION_NOT_FOUND: _("Cette consultation n'existe pas."),
    CONSULTATION_NOT_OPEN: _("Le vote n'est pas encore ouvert."),
    CONSULTATION_CLOSED: _("Le vote est clos."),
    CONSULTATION_NOT_IN_YOUR_CLASS: _("Cette consultation n'est pas proposée à ta classe."),
    CONSULTATION_ALREADY_OPEN: _("Cette consultation est déjà ouverte."),
    CONSULTATION_NOT_ALLOWED: _("Vous ne pouvez pas gérer cette consultation."),
    CONSULTATION_TITLE_INVALID: _("La question fait de 1 à 300 caractères."),
    CONSULTATION_CONTEXT_INVALID: _("Le contexte est un texte de 5 000 caractères au plus."),
    CONSULTATION_METHOD_INVALID: _("Ce mode de scrutin n'existe pas."),
    CONSULTATION_OPTION_INVALID: _(
        "Chaque option a un identifiant et un intitulé de 1 à 200 caractères ; sa description "
        "fait 1 000 caractères au plus."
    ),
    CONSULTATION_SECOND_ROUND_SINGLE_ONLY: _("Le second tour n'existe que pour le choix unique."),
    CONSULTATION_MIN_BALLOTS_INVALID: _(
        "Le nombre minimal de bulletins pour publier les résultats va de 5 à 1 000."
    ),
    CONSULTATION_VISIBILITY_INVALID: _("Ce choix d'affichage des résultats n'existe pas."),
    CONSULTATION_DATES_ORDER: _("La clôture doit venir après l'ouverture."),
    CONSULTATION_DATES_PAST: _("La date de clôture est déjà passée."),
    SOURCE_INVALID: _(
        "Chaque source a un panneau (médias, pour, contre), un titre de 1 à 200 caractères et "
        "un résumé de 2 000 caractères au plus."
    ),
    SOURCE_URL_REQUIRED: _("Un article du panneau « Les médias en parlent » a besoin d'un lien."),
    SOURCE_URL_INVALID: _("Ce lien n'est pas une adresse web valide (http:// ou https://)."),
    SOURCES_TOO_MANY: _("Une consultation présente 30 sources au plus."),
    NATIONAL_QUESTION_NOT_RUNNABLE: _(
        "Cette question nationale n'est pas ouverte en ce moment : elle n'est pas publiée, ou "
        "sa période n'a pas commencé ou est terminée."
    ),
    BALLOT_ALREADY_CAST: _("Tu as déjà voté à cette consultation. On ne vote qu'une fois."),
}


# What kind of refusal each code is (school.errors: the kind decides the HTTP status); the
# others are bad input.
ERROR_KINDS = {
    CONSULTATION_NOT_FOUND: ErrorKind.NOT_FOUND,
    CONSULTATION_NOT_IN_YOUR_CLASS: ErrorKind.FORBIDDEN,
    CONSULTATION_NOT_ALLOWED: ErrorKind.FORBIDDEN,
    BALLOT_ALREADY_CAST: ErrorKind.CONFLICT,
    CONSULTATION_NOT_OPEN: ErrorKind.CONFLICT,
    CONSULTATION_CLOSED: ErrorKind.CONFLICT,
    CONSULTATION_ALREADY_OPEN: ErrorKind.CONFLICT,
}


class VoteError(DomainError):
    """`code` is a module-level constant here, in classroom_votes.components (shared with
    debates) or in tallies (BALLOT_*, OPTIONS_*); `message` is French, for the user."""

    messages = {**COMPONENT_MESSAGES, **tallies.ERROR_MESSAGES, **ERROR_MESSAGES}
    kinds = {**COMPONENT_KINDS, **ERROR_KINDS}


class ConsultationError(VoteError):
    """A consultation that cannot be created, opened or closed as asked."""


class BallotError(VoteError):
    """A ballot that was not cast: nothing at all was stored."""


@dataclass(frozen=True)
class Receipt:
    """What the pupil is told: « a voté ». Nothing about the vote itself."""

    consultation_id: int
    voted_on: date


# --- Creation ---------------------------------------------------------------------------------


def _text_clean(value: object, *, max_length: int, required: bool) -> str | None:
    """The stripped text, or None when it is not acceptable."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    if len(value) > max_length or (required and not value):
        return None
    return value


def _options_clean(*, method: str, options: Sequence[Mapping]) -> list[dict]:
    if method in FIXED_ANSWERS:
        if options:
            raise ConsultationError(tallies.OPTIONS_FIXED)
        return []
    if isinstance(options, str | Mapping) or not isinstance(options, Sequence):
        raise ConsultationError(CONSULTATION_OPTION_INVALID)
    cleaned = []
    for option in options:
        if not isinstance(option, Mapping) or not set(option) <= {"key", "label", "description"}:
            raise ConsultationError(CONSULTATION_OPTION_INVALID)
        label = _text_clean(option.get("label"), max_length=OPTION_LABEL_MAX_LENGTH, required=True)
        description = _text_clean(
            option.get("description", ""), max_length=OPTION_DESCRIPTION_MAX_LENGTH, required=False
        )
        if label is None or description is None:
            raise ConsultationError(CONSULTATION_OPTION_INVALID)
        cleaned.append({"key": option.get("key"), "label": label, "description": description})
    try:
        tallies.options_validate(method=method, options=[option["key"] for option in cleaned])
    except tallies.OptionsInvalid as error:
        raise ConsultationError(error.code) from None
    return cleaned


def _panel_titles_clean(panel_titles: Mapping | None) -> dict[str, str]:
    """The model's fields for the panels' titles: each stripped, a blank one replaced by its
    default, no other key accepted."""
    if panel_titles is None:
        panel_titles = {}
    if not isinstance(panel_titles, Mapping) or not set(panel_titles) <= set(SourcePanel.values):
        raise ConsultationError(PANEL_TITLE_INVALID)
    cleaned = {}
    for panel, default in PANEL_TITLE_DEFAULTS.items():
        title = _text_clean(
            panel_titles.get(panel, ""), max_length=PANEL_TITLE_MAX_LENGTH, required=False
        )
        if title is None:
            raise ConsultationError(PANEL_TITLE_INVALID)
        cleaned[f"panel_title_{panel}"] = title or default
    return cleaned


def _sources_clean(*, sources: Sequence[Mapping]) -> list[dict]:
    if isinstance(sources, str | Mapping) or not isinstance(sources, Sequence):
        raise ConsultationError(SOURCE_INVALID)
    if len(sources) > SOURCES_MAX:
        raise ConsultationError(SOURCES_TOO_MANY)
    validate_url = URLValidator(schemes=["http", "https"])
    cleaned = []
    for source in sources:
        if not isinstance(source, Mapping) or not set(source) <= {
            "panel",
            "title",
            "url",
            "summary",
        }:
            raise ConsultationError(SOURCE_INVALID)
        panel = source.get("panel")
        title = _text_clean(source.get("title"), max_length=SOURCE_TITLE_MAX_LENGTH, required=True)
        summary = _text_clean(
            source.get("summary", ""), max_length=SOURCE_SUMMARY_MAX_LENGTH, required=False
        )
        url = _text_clean(source.get("url", ""), max_length=SOURCE_URL_MAX_LENGTH, required=False)
        if panel not in SourcePanel.values or title is None or summary is None:
            raise ConsultationError(SOURCE_INVALID)
        if url is None:
            raise ConsultationError(SOURCE_URL_INVALID)
        if not url and panel == SourcePanel.MEDIAS:
            raise ConsultationError(SOURCE_URL_REQUIRED)
        if url:
            try:
                validate_url(url)
            except ValidationError:
                raise ConsultationError(SOURCE_URL_INVALID) from None
        cleaned.append({"panel": panel, "title": title, "url": url, "summary": summary})
    return cleaned


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


def _counter_keys(*, method: str, options: Sequence[str]) -> list[str]:
    """Every counter tallies.tally_check accepts for this method and these options: the rows
    created at zero with the consultation."""
    # tallies keeps this list private; it is the one source of truth for counter names.
    return sorted(tallies._counter_keys(tallies.VotingMethod(method), tuple(options)))


def _tallies_create(*, consultation: Consultation, classroom_ids: Iterable[int]) -> None:
    keys = _counter_keys(method=consultation.method, options=consultation.option_keys())
    Tally.objects.bulk_create(
        Tally(consultation=consultation, classroom_id=classroom_id, key=key, count=0)
        for classroom_id in classroom_ids
        for key in keys
    )


def consultation_create(
    *,
    owner,
    classrooms: Iterable[Classroom],
    title: str,
    context: str,
    method: str,
    options: Sequence[Mapping],
    sources: Sequence[Mapping],
    second_round: bool = False,
    min_ballots: int = 5,
    results_visibility: str = ResultsVisibility.AFTER_CLOSE,
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
    panel_titles: Mapping[str, str] | None = None,
) -> Consultation:
    """A draft consultation in the owner's classes, with its options, sources and zeroed
    counters. `options`: [{"key", "label", "description"?}], none for yes_no and scale5 (their
    answers are fixed). `sources`: [{"panel", "title", "url"?, "summary"?}]. `panel_titles`:
    {panel: title}, a missing or blank one being the panel's default. The schedule task
    opens it at `opens_at`; without one, the teacher opens it (consultation_open)."""
    if not can_create_consultation(owner):
        raise ConsultationError(CONSULTATION_NOT_ALLOWED)
    classroom_ids = component_classrooms_check(
        owner=owner, classrooms=classrooms, error=ConsultationError
    )
    title = _text_clean(title, max_length=TITLE_MAX_LENGTH, required=True)
    if title is None:
        raise ConsultationError(CONSULTATION_TITLE_INVALID)
    context = _text_clean(context, max_length=CONTEXT_MAX_LENGTH, required=False)
    if context is None:
        raise ConsultationError(CONSULTATION_CONTEXT_INVALID)
    if method not in tallies.VotingMethod.values:
        raise ConsultationError(CONSULTATION_METHOD_INVALID)
    if second_round and method != tallies.VotingMethod.SINGLE:
        raise ConsultationError(CONSULTATION_SECOND_ROUND_SINGLE_ONLY)
    options = _options_clean(method=method, options=options)
    sources = _sources_clean(sources=sources)
    titles = _panel_titles_clean(panel_titles)
    if (
        type(min_ballots) is not int  # True is an int, and so would be accepted
        or not MIN_BALLOTS_FLOOR <= min_ballots <= MIN_BALLOTS_MAX
    ):
        raise ConsultationError(CONSULTATION_MIN_BALLOTS_INVALID)
    if results_visibility not in ResultsVisibility.values:
        raise ConsultationError(CONSULTATION_VISIBILITY_INVALID)
    opens_at, closes_at = _aware(opens_at), _aware(closes_at)
    if opens_at and closes_at and closes_at <= opens_at:
        raise ConsultationError(CONSULTATION_DATES_ORDER)
    if closes_at and closes_at <= timezone.now():
        raise ConsultationError(CONSULTATION_DATES_PAST)

    with transaction.atomic():
        consultation = Consultation.objects.create(
            owner=owner,
            title=title,
            context=context,
            method=method,
            second_round=bool(second_round),
            min_ballots=min_ballots,
            results_visibility=results_visibility,
            opens_at=opens_at,
            closes_at=closes_at,
            **titles,
        )
        ConsultationClassroom.objects.bulk_create(
            ConsultationClassroom(consultation=consultation, classroom_id=classroom_id)
            for classroom_id in classroom_ids
        )
        ConsultationOption.objects.bulk_create(
            ConsultationOption(consultation=consultation, position=position, **option)
            for position, option in enumerate(options)
        )
        ConsultationSource.objects.bulk_create(
            ConsultationSource(consultation=consultation, position=position, **source)
            for position, source in enumerate(sources)
        )
        _tallies_create(consultation=consultation, classroom_ids=classroom_ids)
    return consultation


def consultation_create_from_national(
    *, owner, national_question: NationalQuestion, classrooms: Iterable[Classroom]
) -> Consultation:
    """Run a national question in the owner's classes: a copy of its published version
    (question, context, method, options with their keys, the three panels), linked to it, opened
    at once and closed at the latest when the national period ends."""
    if not national_question.is_runnable(now=timezone.now()):
        raise ConsultationError(NATIONAL_QUESTION_NOT_RUNNABLE)
    options = [
        {"key": option.key, "label": option.label, "description": option.description}
        for option in national_question.options.all()
    ]
    sources = [
        {"panel": source.panel, "title": source.title, "url": source.url, "summary": source.summary}
        for source in national_question.sources.all()
    ]
    with transaction.atomic():
        consultation = consultation_create(
            owner=owner,
            classrooms=classrooms,
            title=national_question.title,
            context=national_question.context,
            method=national_question.method,
            options=options,
            sources=sources,
            second_round=national_question.second_round,
            min_ballots=national_question.min_ballots,
            closes_at=national_question.closes_at,
        )
        consultation.national_question = national_question
        consultation.save(update_fields=["national_question"])
        consultation_open(consultation=consultation, by=owner)
    return consultation


# --- Opening and closing ----------------------------------------------------------------------


def _consultation_open(*, consultation_id: int, now: datetime) -> Consultation:
    with transaction.atomic():
        # no_key: votes' foreign-key checks take KEY SHARE locks on this row, which a plain
        # FOR UPDATE would block.
        locked = Consultation.objects.select_for_update(no_key=True).get(pk=consultation_id)
        if locked.status == ConsultationStatus.OPEN:
            raise ConsultationError(CONSULTATION_ALREADY_OPEN)
        if locked.status == ConsultationStatus.CLOSED:
            raise ConsultationError(CONSULTATION_CLOSED)
        if locked.closes_at is not None and locked.closes_at <= now:
            # Valid when it was typed, no longer: the state refuses, not the request.
            raise ConsultationError(CONSULTATION_DATES_PAST, kind=ErrorKind.CONFLICT)
        locked.status = ConsultationStatus.OPEN
        locked.opened_at = now
        # Opening by hand before the scheduled time brings the opening forward.
        if locked.opens_at is not None and locked.opens_at > now:
            locked.opens_at = now
        locked.save(update_fields=["status", "opened_at", "opens_at"])
    logger.info("consultation %s opened", consultation_id)
    return locked


def _urn_vacuum_soon() -> None:
    """Queue the vacuum after a close. The close has committed: a broker out of reach costs
    it nothing (autovacuum comes later; `manage.py shell -c` can run urn_vacuum by hand)."""
    from ..tasks import urn_vacuum  # tasks call services: imported when needed

    try:
        urn_vacuum.delay()
    except BrokerUnreachable:
        logger.warning("urn vacuum not queued: the broker is out of reach")


def _national_rollup_soon(consultation_id: int) -> None:
    """Queue the national roll-up of a closed national consultation. A broker out of reach
    costs the close nothing: beat's national_rollup_pending finds the class again."""
    from ..tasks import national_rollup  # tasks call services: imported when needed

    try:
        national_rollup.delay(consultation_id)
    except BrokerUnreachable:
        logger.warning("national roll-up not queued: the broker is out of reach")
    except Exception:  # run inline (no worker): the close has committed all the same
        logger.exception("national roll-up of consultation %s failed", consultation_id)


def urn_vacuum() -> bool:
    """After a close, have PostgreSQL remove the dead row versions of the urn, the sealed
    ballots and the counters (what a page inspection of the tables would still read), instead
    of waiting for autovacuum. Outside any transaction (VACUUM's rule); on SQLite, nothing to
    do. Returns whether it ran."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "VACUUM classroom_votes_ballot, classroom_votes_sealedballot, classroom_votes_tally"
        )
    return True


def _ballot_box_shake(*, consultation_id: int) -> None:
    """Rewrite the urne in random order, in the caller's transaction: new row ids (SQLite),
    new storage order and transaction ids (PostgreSQL), unrelated to the order of the votes.
    Contents and classes are unchanged."""
    ballots = list(
        Ballot.objects.filter(consultation_id=consultation_id).values_list(
            "id", "classroom_id", "content"
        )
    )
    secrets.SystemRandom().shuffle(ballots)
    Ballot.objects.filter(consultation_id=consultation_id).delete()
    Ballot.objects.bulk_create(
        Ballot(id=ballot_id, consultation_id=consultation_id, classroom_id=classroom, content=c)
        for ballot_id, classroom, c in ballots
    )
    # The live counter rows were last written by the last vote for each key.
    Tally.objects.filter(consultation_id=consultation_id).update(count=F("count"))


def _consultation_close(*, consultation_id: int, now: datetime) -> Consultation:
    with transaction.atomic():
        locked = Consultation.objects.select_for_update(no_key=True).get(pk=consultation_id)
        if locked.status == ConsultationStatus.DRAFT:
            raise ConsultationError(CONSULTATION_NOT_OPEN)
        if locked.status == ConsultationStatus.CLOSED:
            raise ConsultationError(CONSULTATION_CLOSED)
        # Holding this row: the votes in progress (each holds a share lock on it) have committed,
        # and new ones wait for the status below, then find it closed and store nothing.
        locked.status = ConsultationStatus.CLOSED
        locked.closed_at = now
        # Closing by hand before the scheduled time brings the closing forward, and cancels a
        # scheduled opening that would now come after it.
        if locked.closes_at is not None and locked.closes_at > now:
            locked.closes_at = now
        if locked.opens_at is not None and locked.opens_at >= (locked.closes_at or now):
            locked.opens_at = None
        locked.save(update_fields=["status", "closed_at", "closes_at", "opens_at"])
        links = list(
            ConsultationClassroom.objects.filter(consultation_id=consultation_id).annotate(
                pupils=Count("classroom__pupils")
            )
        )
        for link in links:
            link.registered_count = link.pupils
        ConsultationClassroom.objects.bulk_update(links, ["registered_count"])
        _ballots_mix_final(consultation=locked)
        if locked.national_question_id is not None:
            transaction.on_commit(partial(_national_rollup_soon, consultation_id))
        transaction.on_commit(_urn_vacuum_soon)
    logger.info("consultation %s closed", consultation_id)
    return locked


_SCHEDULE_FIELDS = ("status", "opens_at", "closes_at", "opened_at", "closed_at")


def _instance_update(consultation: Consultation, locked: Consultation) -> Consultation:
    """The caller's instance, brought up to date, so that it never shows a stale status."""
    for field in _SCHEDULE_FIELDS:
        setattr(consultation, field, getattr(locked, field))
    return consultation


def consultation_open(*, consultation: Consultation, by) -> Consultation:
    """Open a draft now (bringing a scheduled opening forward). Updates and returns
    `consultation`."""
    if not can_manage_consultation(by, consultation):
        raise ConsultationError(CONSULTATION_NOT_ALLOWED)
    locked = _consultation_open(consultation_id=consultation.pk, now=timezone.now())
    return _instance_update(consultation, locked)


def consultation_close(*, consultation: Consultation, by) -> Consultation:
    """Close an open consultation now: no ballot is accepted once this has returned, and every
    ballot accepted before is counted. Updates and returns `consultation`."""
    if not can_manage_consultation(by, consultation):
        raise ConsultationError(CONSULTATION_NOT_ALLOWED)
    locked = _consultation_close(consultation_id=consultation.pk, now=timezone.now())
    return _instance_update(consultation, locked)


def consultations_apply_schedule(*, now: datetime | None = None) -> tuple[list[int], list[int]]:
    """Open the drafts whose opening time has come (unless their closing time has passed too:
    those stay drafts for the teacher to reschedule) and close the open consultations whose
    closing time has come. Idempotent, and safe beside a teacher doing the same by hand.
    Returns the ids opened and closed."""
    now = now or timezone.now()
    due_to_open = Consultation.objects.filter(
        status=ConsultationStatus.DRAFT, opens_at__lte=now
    ).exclude(closes_at__lte=now)
    due_to_close = Consultation.objects.filter(status=ConsultationStatus.OPEN, closes_at__lte=now)
    opened, closed = [], []
    for consultation_id in due_to_open.order_by("pk").values_list("pk", flat=True):
        try:
            _consultation_open(consultation_id=consultation_id, now=now)
        except ConsultationError:
            continue  # changed meanwhile (opened by hand, rescheduled)
        opened.append(consultation_id)
    for consultation_id in due_to_close.order_by("pk").values_list("pk", flat=True):
        try:
            _consultation_close(consultation_id=consultation_id, now=now)
        except ConsultationError:
            continue
        closed.append(consultation_id)
    return opened, closed


# --- Casting a ballot -------------------------------------------------------------------------
#
# Plain SQL through connection.cursor(), the same text for PostgreSQL and SQLite: casting is the
# busiest write of the site, and building these statements with the ORM cost several times
# their run time. The statements are made of constants only (hence the S608 exemptions); values
# always travel as parameters. "key" and "count" are quoted, being SQL words.

_PHASE_ERRORS = {Phase.NOT_OPEN: CONSULTATION_NOT_OPEN, Phase.OVER: CONSULTATION_CLOSED}

# Consultation.phase in SQL, for the consultation `c` at the instant given (twice) as parameters:
# the same rules in the same order (the tests hold the two together).
_PHASE_SQL = f"""CASE
    WHEN c.status = '{ConsultationStatus.CLOSED}' THEN '{Phase.OVER}'
    WHEN c.status = '{ConsultationStatus.DRAFT}' THEN '{Phase.NOT_OPEN}'
    WHEN c.closes_at IS NOT NULL AND c.closes_at <= %s THEN '{Phase.OVER}'
    WHEN c.opens_at IS NOT NULL AND c.opens_at > %s THEN '{Phase.NOT_OPEN}'
    ELSE '{Phase.OPEN}'
END"""

# All that ballot_check_and_cast checks, in one round trip: the consultation's method and phase,
# the voter's class (NULL without a pupil profile) and whether it is archived, whether the
# consultation is that class's, and whether the voter has already voted.
_CHECK_SQL = f"""SELECT c.method, {_PHASE_SQL}, p.classroom_id, k.archived_at IS NOT NULL,
    EXISTS (SELECT 1 FROM classroom_votes_consultationclassroom cc
            WHERE cc.consultation_id = c.id AND cc.classroom_id = p.classroom_id),
    EXISTS (SELECT 1 FROM classroom_votes_participation v
            WHERE v.consultation_id = c.id AND v.user_id = %s)
FROM classroom_votes_consultation c
LEFT JOIN school_pupilprofile p ON p.user_id = %s
LEFT JOIN school_classroom k ON k.id = p.classroom_id
WHERE c.id = %s"""  # noqa: S608

# PostgreSQL: the whole vote in one statement (one round trip, no transaction to open and commit),
# all or nothing like any statement. c: the consultation, if it is open, share-locked until the
# statement commits (see Locking); when it is not, no part writes anything. p: the participation,
# unless the pupil has one already: ON CONFLICT refuses a second vote without an error, which the
# database's log would otherwise keep with the pupil's id and the time. s: the sealed ballot,
# beside a new participation only. No counter moves: the mixing counts, a batch at a time.
_CAST_SQL = f"""WITH c AS MATERIALIZED (
    SELECT c.id FROM classroom_votes_consultation c
    WHERE c.id = %s AND {_PHASE_SQL} = '{Phase.OPEN}'
    FOR SHARE OF c
), p AS (
    INSERT INTO classroom_votes_participation (id, consultation_id, user_id, classroom_id, voted_on)
    SELECT %s, c.id, %s, %s, %s FROM c
    ON CONFLICT (consultation_id, user_id) DO NOTHING
    RETURNING 1
), s AS (
    INSERT INTO classroom_votes_sealedballot (id, consultation_id, classroom_id, sealed)
    SELECT %s, c.id, %s, %s FROM c WHERE EXISTS (SELECT 1 FROM p)
)
SELECT (SELECT count(*) FROM c), (SELECT count(*) FROM p)"""  # noqa: S608

# Elsewhere (SQLite), one transaction, which holds the database's one write lock from its first
# statement: the participation, then the sealed ballot if the consultation is still open.
_PARTICIPATION_INSERT_SQL = """INSERT INTO classroom_votes_participation
(id, consultation_id, user_id, classroom_id, voted_on) VALUES (%s, %s, %s, %s, %s)"""
_SEALED_INSERT_SQL = f"""INSERT INTO classroom_votes_sealedballot
(id, consultation_id, classroom_id, sealed)
SELECT %s, c.id, %s, %s FROM classroom_votes_consultation c
WHERE c.id = %s AND {_PHASE_SQL} = '{Phase.OPEN}'"""  # noqa: S608

_PHASE_READ_SQL = f"SELECT {_PHASE_SQL} FROM classroom_votes_consultation c WHERE c.id = %s"  # noqa: S608


def _now_for_sql() -> object:
    """Now, as the database compares it with the consultation's dates."""
    return connection.ops.adapt_datetimefield_value(timezone.now())


def _uuid_for_sql() -> object:
    """A random UUID as its column holds it (uuid on PostgreSQL, 32 hex digits on SQLite)."""
    value = uuid.uuid4()
    return value if connection.features.has_native_uuid_field else value.hex


def ballot_check_and_cast(*, user, consultation_id: int, content: object) -> Receipt:
    """Check everything, then cast (ballot_cast). Any refusal raises BallotError with one of
    NOT_A_PUPIL, CONSULTATION_NOT_FOUND, CONSULTATION_NOT_IN_YOUR_CLASS, CLASSROOM_ARCHIVED,
    CONSULTATION_NOT_OPEN, CONSULTATION_CLOSED, BALLOT_ALREADY_CAST or a tallies BALLOT_* code,
    the first that applies in this order, and stores nothing. One query checks (_CHECK_SQL);
    a method with options reads them with a second."""
    if not is_pupil_account(user):
        raise BallotError(NOT_A_PUPIL)
    pk = id_or_none(consultation_id)
    row = None
    if pk is not None:
        now = _now_for_sql()
        with connection.cursor() as cursor:
            cursor.execute(_CHECK_SQL, [now, now, user.pk, user.pk, pk])
            row = cursor.fetchone()
    if row is None:
        raise BallotError(CONSULTATION_NOT_FOUND)
    method, phase, classroom_id, archived, in_class, already_voted = row
    if classroom_id is None:
        raise BallotError(NOT_A_PUPIL)
    if not in_class:
        raise BallotError(CONSULTATION_NOT_IN_YOUR_CLASS)
    if archived:
        raise BallotError(CLASSROOM_ARCHIVED)
    if phase != Phase.OPEN:
        raise BallotError(_PHASE_ERRORS[Phase(phase)])
    if already_voted:
        raise BallotError(BALLOT_ALREADY_CAST)
    # What ballot_cast needs of the consultation: its id and method (and options), as loaded.
    consultation = Consultation.from_db(connection.alias, ["id", "method"], [pk, method])
    if method not in FIXED_ANSWERS:
        prefetch_related_objects([consultation], "options")  # once, for the check and the cast
    try:
        normalised = tallies.ballot_validate(
            method=method, options=consultation.option_keys(), content=content
        )
    except tallies.BallotInvalid as error:
        raise BallotError(error.code) from None
    return ballot_cast(
        user=user, classroom_id=classroom_id, consultation=consultation, content=normalised
    )


@dataclass(frozen=True)
class _Vote:
    """One vote's rows, as the database takes them (ballot_cast)."""

    consultation_id: int
    classroom_id: int
    user_id: int
    voted_on: object
    sealed: bytes
    now: object


class _NotWritten(Exception):
    """The vote found the consultation closed (or gone): nothing written."""


def _vote_write_one_statement(vote: _Vote) -> None:
    params = [
        vote.consultation_id,
        vote.now,
        vote.now,
        _uuid_for_sql(),
        vote.user_id,
        vote.classroom_id,
        vote.voted_on,
        _uuid_for_sql(),
        vote.classroom_id,
        vote.sealed,
    ]
    # One statement is all or nothing by itself; within a caller's transaction, a savepoint
    # keeps that transaction usable after a refusal.
    block = transaction.atomic() if connection.in_atomic_block else contextlib.nullcontext()
    with block, connection.cursor() as cursor:
        cursor.execute(_CAST_SQL, params)
        opened, written = cursor.fetchone()
    if not opened:
        raise _NotWritten
    if not written:
        raise BallotError(BALLOT_ALREADY_CAST)


def _vote_write_transaction(vote: _Vote) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        try:
            # First: a second vote fails here, and SQLite takes its write lock before any read.
            cursor.execute(
                _PARTICIPATION_INSERT_SQL,
                [
                    _uuid_for_sql(),
                    vote.consultation_id,
                    vote.user_id,
                    vote.classroom_id,
                    vote.voted_on,
                ],
            )
        except IntegrityError:
            # Foreign keys are checked at commit: the only immediate failure is the unique
            # (consultation, user) constraint. Raising out of the block rolls everything back.
            raise BallotError(BALLOT_ALREADY_CAST) from None
        cursor.execute(
            _SEALED_INSERT_SQL,
            [
                _uuid_for_sql(),
                vote.classroom_id,
                vote.sealed,
                vote.consultation_id,
                vote.now,
                vote.now,
            ],
        )
        if cursor.rowcount != 1:
            raise _NotWritten


def ballot_cast(*, user, classroom_id: int, consultation: Consultation, content: dict) -> Receipt:
    """Write one vote: the participation and the sealed ballot, all or nothing. The caller has
    checked that `user` is a pupil of class `classroom_id`, one of the consultation's classes,
    and that `content` is valid (ballot_check_and_cast). Nothing needs to be locked beforehand:
    the write reads the status and dates again after taking its lock (see Locking), so a ballot
    never lands in a closed consultation. The ballot reaches the urn and the counters with the
    next mixing (ballots_mix), a batch at a time."""
    try:
        # What the mixing will count, checked now: a ballot accepted is a ballot counted.
        tallies.tally_counts(
            method=consultation.method, options=consultation.option_keys(), content=content
        )
    except tallies.BallotInvalid as error:
        raise BallotError(error.code) from None
    voted_on = timezone.localdate()
    vote = _Vote(
        consultation_id=consultation.pk,
        classroom_id=classroom_id,
        user_id=user.pk,
        voted_on=connection.ops.adapt_datefield_value(voted_on),
        sealed=sealing.ballot_seal(
            content, consultation_id=consultation.pk, classroom_id=classroom_id
        ),
        now=_now_for_sql(),
    )
    write = (
        _vote_write_one_statement if connection.vendor == "postgresql" else _vote_write_transaction
    )
    try:
        write(vote)
    except _NotWritten:
        with connection.cursor() as cursor:
            cursor.execute(_PHASE_READ_SQL, [vote.now, vote.now, consultation.pk])
            row = cursor.fetchone()
        if row is None:
            raise BallotError(CONSULTATION_NOT_FOUND) from None
        raise BallotError(_PHASE_ERRORS.get(Phase(row[0]), CONSULTATION_CLOSED)) from None
    if settings.HEMICYCLE_BALLOT_MIX_INLINE:
        # No worker to mix by the clock (a first run): mix after the vote, in a transaction
        # of its own, when a class has enough sealed ballots.
        transaction.on_commit(partial(ballots_mix, consultation_id=consultation.pk))
    # No log line: one with the time of a vote would sit beside the requests' logs.
    return Receipt(consultation_id=consultation.pk, voted_on=voted_on)


# --- Mixing the urn ---------------------------------------------------------------------------
#
# The mixing opens sealed ballots of one class, shuffles them and writes them into the urn and
# the counters, in a transaction of its own, never fewer than k = HEMICYCLE_BALLOT_BATCH at a
# time: whoever sets that transaction beside the participations (their transaction ids, the order
# of the rows, two dumps, the dead row versions, the WAL) learns which k pupils voted these k
# ballots, no more. While the vote is open, a class is mixed once 2k ballots wait, all but k of
# them (drawn at random), so that at least k always wait and the close never mixes fewer. The
# close mixes what waits in classes of k ballots or more; a class with fewer keeps its ballots
# sealed (counted in memory, selectors.consultation_results), and rewrites the whole urn.

_COUNTERS_INCREMENT_SQL = """UPDATE classroom_votes_tally SET "count" = "count" + %s
WHERE consultation_id = %s AND classroom_id = %s AND "key" IN ({keys})"""
_MIX_LOCK_SPACE = 1 << 62  # pg_try_advisory_xact_lock keys: this space, plus the consultation id


def _batch() -> int:
    return max(1, settings.HEMICYCLE_BALLOT_BATCH)


def _mix_lock(consultation_id: int) -> bool:
    """One mixing of a consultation at a time (PostgreSQL; SQLite writes one at a time)."""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_MIX_LOCK_SPACE + consultation_id])
        return cursor.fetchone()[0]


def _waiting(consultation_id: int) -> dict[int, list[tuple]]:
    """The sealed ballots of each class: (id, classroom_id, sealed) rows."""
    rows: dict[int, list[tuple]] = {}
    for row in SealedBallot.objects.filter(consultation_id=consultation_id).values_list(
        "id", "classroom_id", "sealed"
    ):
        rows.setdefault(row[1], []).append(row)
    return rows


def _unsealed(consultation_id: int, rows: Iterable[tuple]) -> list[tuple[int, dict]]:
    return [
        (
            classroom_id,
            sealing.ballot_unseal(
                sealed, consultation_id=consultation_id, classroom_id=classroom_id
            ),
        )
        for _id, classroom_id, sealed in rows
    ]


def _mix(*, consultation: Consultation, classroom_id: int, rows: list[tuple]) -> None:
    """Move `rows` (sealed ballots of one class) into the urn and the counters. The caller
    holds the consultation and the mixing lock, in its transaction."""
    ballots = [content for _class, content in _unsealed(consultation.pk, rows)]
    random = secrets.SystemRandom()
    random.shuffle(ballots)
    options = consultation.option_keys()
    increments: dict[str, int] = {}
    for content in ballots:
        for key, step in tallies.tally_counts(
            method=consultation.method, options=options, content=content
        ).items():
            increments[key] = increments.get(key, 0) + step
    Ballot.objects.bulk_create(
        Ballot(consultation_id=consultation.pk, classroom_id=classroom_id, content=content)
        for content in ballots
    )
    with connection.cursor() as cursor:
        for step in sorted(set(increments.values())):
            keys = sorted(key for key, key_step in increments.items() if key_step == step)
            placeholders = ", ".join(["%s"] * len(keys))
            cursor.execute(
                _COUNTERS_INCREMENT_SQL.format(keys=placeholders),
                [step, consultation.pk, classroom_id, *keys],
            )
            if cursor.rowcount != len(keys):
                # Counters are created with the consultation: a missing one is a bug.
                raise tallies.TallyInconsistent(
                    f"consultation {consultation.pk}: counter rows missing for a batch"
                )
    SealedBallot.objects.filter(pk__in=[row[0] for row in rows]).delete()


def ballots_mix(*, consultation_id: int) -> int:
    """Mix, while the vote is open, the classes where 2k sealed ballots or more wait (all but k,
    drawn at random). Idempotent and safe beside votes, another mixing (skipped) and the close
    (which waits, or finds nothing left to mix). Returns the number of ballots mixed."""
    k = _batch()
    with transaction.atomic():
        if not _mix_lock(consultation_id):
            return 0
        # Shared with the votes, exclusive of the close: the vote stays open while this runs.
        consultation = (
            Consultation.objects.select_for_update(of=("self",))
            .filter(pk=consultation_id, status=ConsultationStatus.OPEN)
            .first()
        )
        if consultation is None:
            return 0
        waiting = _waiting(consultation_id)
        random = secrets.SystemRandom()
        mixed = 0
        for classroom_id, rows in sorted(waiting.items()):
            if len(rows) < 2 * k:
                continue
            chosen = random.sample(rows, len(rows) - k)
            _mix(consultation=consultation, classroom_id=classroom_id, rows=chosen)
            mixed += len(chosen)
    if mixed:
        logger.info("consultation %s: %s ballots mixed", consultation_id, mixed)
    return mixed


def ballots_mix_pending() -> list[int]:
    """The open consultations where a class has 2k sealed ballots or more, mixed (run by
    beat every HEMICYCLE_BALLOT_MIX_SECONDS). Returns their ids."""
    due = (
        SealedBallot.objects.filter(consultation__status=ConsultationStatus.OPEN)
        .order_by()  # the model's ordering (by id) would break the grouping
        .values("consultation_id", "classroom_id")
        .annotate(waiting=Count("pk"))
        .filter(waiting__gte=2 * _batch())
        .values_list("consultation_id", flat=True)
        .distinct()
    )
    return [pk for pk in sorted(set(due)) if ballots_mix(consultation_id=pk)]


def _ballots_mix_final(*, consultation: Consultation) -> None:
    """The close's mixing, in the close's transaction (which holds the consultation's row):
    every class with k sealed ballots or more is mixed whole; a smaller class keeps its ballots
    sealed, sealed again (new ids and nonces, new storage order) so that nothing stored still
    dates them. Then the whole urn is rewritten in random order."""
    k = _batch()
    for classroom_id, rows in sorted(_waiting(consultation.pk).items()):
        if len(rows) >= k:
            _mix(consultation=consultation, classroom_id=classroom_id, rows=rows)
            continue
        kept = _unsealed(consultation.pk, rows)
        secrets.SystemRandom().shuffle(kept)
        SealedBallot.objects.filter(pk__in=[row[0] for row in rows]).delete()
        SealedBallot.objects.bulk_create(
            SealedBallot(
                consultation_id=consultation.pk,
                classroom_id=classroom_id,
                sealed=sealing.ballot_seal(
                    content, consultation_id=consultation.pk, classroom_id=classroom_id
                ),
            )
            for classroom_id, content in kept
        )
    _ballot_box_shake(consultation_id=consultation.pk)


# --- Second round -----------------------------------------------------------------------------
#
# A closed single-choice vote with a second round whose result names the two options that go
# through gets its second round in one action: a new consultation, linked to it (first_round),
# which the database allows once per first round.

CONSULTATION_SECOND_ROUND_NOT_TWO_ROUND = "consultation_second_round_not_two_round"
CONSULTATION_SECOND_ROUND_NOT_CLOSED = "consultation_second_round_not_closed"
CONSULTATION_SECOND_ROUND_NOT_PUBLISHED = "consultation_second_round_not_published"
CONSULTATION_SECOND_ROUND_TIED = "consultation_second_round_tied"
CONSULTATION_SECOND_ROUND_NOT_NEEDED = "consultation_second_round_not_needed"
CONSULTATION_SECOND_ROUND_EXISTS = "consultation_second_round_exists"

SECOND_ROUND_MESSAGES = {
    CONSULTATION_SECOND_ROUND_NOT_TWO_ROUND: _(
        "Cette consultation n'a pas de second tour : seul un choix unique avec second tour "
        "entre les deux premiers en prévoit un."
    ),
    CONSULTATION_SECOND_ROUND_NOT_CLOSED: _(
        "Le premier tour n'est pas clos : le second tour s'organise une fois les résultats connus."
    ),
    CONSULTATION_SECOND_ROUND_NOT_PUBLISHED: _(
        "Les résultats du premier tour ne sont pas publiés (trop peu de bulletins) : ils ne "
        "désignent pas les deux options du second tour."
    ),
    CONSULTATION_SECOND_ROUND_TIED: _(
        "Des options sont à égalité pour une place au second tour : à la classe de trancher "
        "avant d'organiser le second tour."
    ),
    CONSULTATION_SECOND_ROUND_NOT_NEEDED: _(
        "Il n'y a pas de second tour à organiser : une option a obtenu la majorité absolue au "
        "premier tour, ou personne n'a exprimé de choix."
    ),
    CONSULTATION_SECOND_ROUND_EXISTS: _("Le second tour de cette consultation est déjà organisé."),
}


class SecondRoundError(ConsultationError):
    """A second round that was not organised: nothing was stored. With
    CONSULTATION_SECOND_ROUND_EXISTS, `existing` is the second round already organised (and
    the API's answer carries its id as `second_round`)."""

    messages = {**ConsultationError.messages, **SECOND_ROUND_MESSAGES}
    kinds = {**ConsultationError.kinds, **dict.fromkeys(SECOND_ROUND_MESSAGES, ErrorKind.CONFLICT)}
    existing: Consultation | None = None


def _second_round_of(consultation: Consultation) -> Consultation | None:
    return Consultation.objects.filter(first_round=consultation).first()


def _second_round_exists(existing: Consultation) -> SecondRoundError:
    error = SecondRoundError(CONSULTATION_SECOND_ROUND_EXISTS, extra={"second_round": existing.pk})
    error.existing = existing
    return error


def _second_round_title(title: str) -> str:
    """« <title> — second tour », the question cut short (…) when both would be too long."""
    template = _("%(title)s — second tour")
    full = str(template) % {"title": title}
    if len(full) <= TITLE_MAX_LENGTH:
        return full
    room = TITLE_MAX_LENGTH - (len(full) - len(title)) - 1
    return str(template) % {"title": title[:room].rstrip() + "…"}


def consultation_second_round_create(*, actor, consultation: Consultation) -> Consultation:
    """The second round of `consultation`: a draft, as consultation_create makes (the teacher
    reviews it, then opens it), owned by `actor`, in the same classes, with the same context,
    panels, minimum number of ballots and results visibility, the two options the first round
    sent through (tallies.result_single's second_round_between, over all the classes; in the
    first round's order) and the title followed by « — second tour ».

    Refusals, nothing stored: CONSULTATION_NOT_ALLOWED (not one of those who run it), then
    CONSULTATION_SECOND_ROUND_EXISTS (with the second round already organised: a double click
    or two teachers at once, the database keeping one), _NOT_TWO_ROUND, _NOT_CLOSED,
    _NOT_PUBLISHED, _TIED, _NOT_NEEDED, and consultation_create's own (a class archived since,
    or no longer taught by `actor`)."""
    if not can_create_second_round(actor, consultation):
        raise ConsultationError(CONSULTATION_NOT_ALLOWED)
    existing = _second_round_of(consultation)
    if existing is not None:
        raise _second_round_exists(existing)
    if consultation.method != tallies.VotingMethod.SINGLE or not consultation.second_round:
        raise SecondRoundError(CONSULTATION_SECOND_ROUND_NOT_TWO_ROUND)
    if consultation.status != ConsultationStatus.CLOSED:
        raise SecondRoundError(CONSULTATION_SECOND_ROUND_NOT_CLOSED)
    results = consultation_results(consultation=consultation)
    if not results.published:
        raise SecondRoundError(CONSULTATION_SECOND_ROUND_NOT_PUBLISHED)
    if results.result.tie:
        raise SecondRoundError(CONSULTATION_SECOND_ROUND_TIED)
    if not results.result.second_round_between:
        raise SecondRoundError(CONSULTATION_SECOND_ROUND_NOT_NEEDED)
    qualified = set(results.result.second_round_between)
    options = [
        {"key": option.key, "label": option.label, "description": option.description}
        for option in consultation.options.all()
        if option.key in qualified
    ]
    sources = [
        {"panel": source.panel, "title": source.title, "url": source.url, "summary": source.summary}
        for source in consultation.sources.all()
    ]
    try:
        with transaction.atomic():
            second = consultation_create(
                owner=actor,
                classrooms=list(consultation.classrooms.all()),
                title=_second_round_title(consultation.title),
                context=consultation.context,
                method=consultation.method,
                options=options,
                sources=sources,
                min_ballots=consultation.min_ballots,
                results_visibility=consultation.results_visibility,
                panel_titles={
                    panel: getattr(consultation, f"panel_title_{panel}")
                    for panel in SourcePanel.values
                },
            )
            second.first_round = consultation
            second.save(update_fields=["first_round"])
    except IntegrityError:
        # Another request organised it meanwhile: the one-to-one refused this one.
        existing = _second_round_of(consultation)
        if existing is None:
            raise
        raise _second_round_exists(existing) from None
    logger.info("consultation %s: second round %s organised", consultation.pk, second.pk)
    return second


def results_seen_mark(*, user, consultation: Consultation) -> bool:
    """Note that a pupil has opened the published results of a closed consultation, which
    takes the « nouveau » badge off them on their page. The caller shows the results, so has
    checked that the pupil may see them and that they are published. True when this is the
    first time; a second request at the same moment is absorbed by the constraint."""
    if not is_pupil_account(user) or consultation.status != ConsultationStatus.CLOSED:
        return False
    _seen, created = ResultsSeen.objects.get_or_create(user_id=user.pk, consultation=consultation)
    return created
