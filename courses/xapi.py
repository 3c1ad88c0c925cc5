"""Parsing and validation of the xAPI statements H5P players post back.

Pure: no database. Only what progress needs is kept (see KEPT_VERBS); the statement's own actor is
dropped, since the logged-in user is always the actor. Errors carry module-level codes and a
French message naming the statement at fault.

An activity IRI counts only with this site's own host (the one the request came to, as Django
validated it against ALLOWED_HOSTS): a statement about `https://elsewhere.example/h5p/...` whose
path happens to resolve here is refused, not recorded under a lesson of ours. Scores must be
storable exactly (at most courses.scores.SCORE_DECIMALS decimals): refused, never rounded."""

import json
import math
import uuid
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

from school.errors import DomainError

from .scores import SCORE_DECIMALS, score_exact

XAPI_MALFORMED = "xapi_malformed"
XAPI_TOO_LARGE = "xapi_too_large"
XAPI_TOO_MANY = "xapi_too_many"
XAPI_MISSING_FIELD = "xapi_missing_field"
XAPI_BAD_ID = "xapi_bad_id"
XAPI_BAD_SCORE = "xapi_bad_score"
XAPI_UNKNOWN_ACTIVITY = "xapi_unknown_activity"
XAPI_FOREIGN_HOST = "xapi_foreign_host"
XAPI_INEXACT_SCORE = "xapi_inexact_score"

VERB_PREFIX = "http://adlnet.gov/expapi/verbs/"
# Verbs that say something about a result; the others (interacted, attempted, progressed...)
# are acknowledged and dropped. "answered" counts only for the activity itself, not for the
# questions inside a question set (sub-content), which report through their parent.
KEPT_VERBS = frozenset({"answered", "completed", "passed", "failed", "scored"})
ACTIVITY_URL_NAME = "courses:h5p_activity"
MAX_SCORE = 10_000


class XAPIStatementError(DomainError):
    """A refused post: nothing of it is stored. `index` is the statement at fault (from 0), None
    when the post as a whole is refused; the answer carries it."""

    def __init__(self, code: str, message: str, *, index: int | None = None, kind=None):
        super().__init__(code, message, kind=kind, extra={"index": index})
        self.index = index


@dataclass(frozen=True)
class ParsedStatement:
    statement_id: uuid.UUID
    verb: str  # short name: "answered"; the full IRI when not an ADL verb
    lesson_id: int
    activity_id: str
    top_level: bool
    score_raw: float | None
    score_max: float | None
    success: bool | None
    completion: bool | None
    payload: dict

    @property
    def is_kept(self) -> bool:
        return self.top_level and self.verb in KEPT_VERBS

    @property
    def has_score(self) -> bool:
        return self.score_raw is not None and self.score_max is not None


def _fail(code: str, message: str, index: int) -> XAPIStatementError:
    return XAPIStatementError(
        code,
        _("Déclaration n° %(n)s : %(message)s")
        % {
            "n": index + 1,
            "message": message,
        },
        index=index,
    )


def _is_site_host(netloc: str, site_host: str) -> bool:
    """The IRI's host and port are those the request came to (no user info)."""
    return "@" not in netloc and netloc.lower() == site_host.lower()


def _activity_of(iri: str) -> tuple[int, str, bool] | None:
    """(lesson id, activity id, top level) from an activity IRI whose path is this site's, else
    None (the host is checked apart)."""
    parts = urlsplit(iri)
    if parts.scheme not in ("http", "https") or not parts.path:
        return None
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    if match.view_name != ACTIVITY_URL_NAME:
        return None
    top_level = "subContentId" not in parse_qs(parts.query)
    return match.kwargs["lesson_pk"], match.kwargs["activity_id"], top_level


def _number(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)


def _score(result: dict, index: int) -> tuple[float | None, float | None]:
    score = result.get("score")
    if score is None:
        return None, None
    if not isinstance(score, dict):
        raise _fail(XAPI_BAD_SCORE, _("le score doit être un objet."), index)
    if "raw" not in score or "max" not in score:
        return None, None
    raw, maximum = _number(score["raw"]), _number(score["max"])
    minimum = _number(score.get("min", 0))
    if raw is None or maximum is None or minimum is None:
        raise _fail(XAPI_BAD_SCORE, _("le score doit être fait de nombres."), index)
    if not (0 <= minimum <= raw <= maximum <= MAX_SCORE) or maximum == 0:
        raise _fail(
            XAPI_BAD_SCORE,
            _("le score doit vérifier 0 ≤ min ≤ raw ≤ max ≤ %(max)s et max > 0.")
            % {"max": MAX_SCORE},
            index,
        )
    if score_exact(raw) is None or score_exact(maximum) is None:
        raise _fail(
            XAPI_INEXACT_SCORE,
            _("le score a au plus %(places)s décimales.") % {"places": SCORE_DECIMALS},
            index,
        )
    return raw, maximum


def _optional_bool(result: dict, key: str, index: int) -> bool | None:
    value = result.get(key)
    if value is not None and not isinstance(value, bool):
        raise _fail(XAPI_MALFORMED, _("« %(key)s » doit être vrai ou faux.") % {"key": key}, index)
    return value


def xapi_statement_parse(
    statement, *, index: int, max_bytes: int, site_host: str
) -> ParsedStatement:
    if not isinstance(statement, dict):
        raise _fail(XAPI_MALFORMED, _("une déclaration doit être un objet JSON."), index)
    if len(json.dumps(statement, separators=(",", ":"))) > max_bytes:
        raise _fail(
            XAPI_TOO_LARGE,
            _("la déclaration dépasse %(max)s octets.") % {"max": max_bytes},
            index,
        )
    raw_id = statement.get("id")
    if raw_id is None:
        raise _fail(XAPI_MISSING_FIELD, _("l'identifiant « id » manque."), index)
    try:
        statement_id = uuid.UUID(str(raw_id))
    except ValueError:
        raise _fail(XAPI_BAD_ID, _("l'identifiant « id » doit être un UUID."), index) from None
    verb = statement.get("verb")
    verb_id = verb.get("id") if isinstance(verb, dict) else None
    if not isinstance(verb_id, str) or not verb_id:
        raise _fail(XAPI_MISSING_FIELD, _("le verbe « verb.id » manque."), index)
    target = statement.get("object")
    object_id = target.get("id") if isinstance(target, dict) else None
    if not isinstance(object_id, str) or not object_id:
        raise _fail(XAPI_MISSING_FIELD, _("l'objet « object.id » manque."), index)
    activity = _activity_of(object_id)
    if activity is None:
        raise _fail(
            XAPI_UNKNOWN_ACTIVITY,
            _("l'objet « %(iri)s » n'est pas une activité de ce site.") % {"iri": object_id[:200]},
            index,
        )
    if not _is_site_host(urlsplit(object_id).netloc, site_host):
        raise _fail(
            XAPI_FOREIGN_HOST,
            _("l'objet « %(iri)s » désigne un autre site que celui-ci.") % {"iri": object_id[:200]},
            index,
        )
    lesson_id, activity_id, top_level = activity
    result = statement.get("result")
    if result is None:
        result = {}
    if not isinstance(result, dict):
        raise _fail(XAPI_MALFORMED, _("« result » doit être un objet."), index)
    score_raw, score_max = _score(result, index)
    short_verb = verb_id.removeprefix(VERB_PREFIX)
    payload = {key: value for key, value in statement.items() if key != "actor"}
    return ParsedStatement(
        statement_id=statement_id,
        verb=short_verb,
        lesson_id=lesson_id,
        activity_id=activity_id,
        top_level=top_level,
        score_raw=score_raw,
        score_max=score_max,
        success=_optional_bool(result, "success", index),
        completion=_optional_bool(result, "completion", index),
        payload=payload,
    )


def xapi_statements_parse(
    data, *, max_statements: int, max_statement_bytes: int, site_host: str
) -> list[ParsedStatement]:
    """One statement (an object) or a batch (a list). Raises XAPIStatementError on the first
    bad statement: a batch is taken whole or not at all. A statement id repeated within the
    batch is kept once. `site_host`: request.get_host(), the only host activity IRIs may name."""
    statements = data if isinstance(data, list) else [data]
    if not statements:
        raise XAPIStatementError(XAPI_MALFORMED, _("Aucune déclaration reçue."))
    if len(statements) > max_statements:
        raise XAPIStatementError(
            XAPI_TOO_MANY,
            _("Au plus %(max)s déclarations par envoi.") % {"max": max_statements},
        )
    parsed: dict[uuid.UUID, ParsedStatement] = {}
    for index, statement in enumerate(statements):
        item = xapi_statement_parse(
            statement, index=index, max_bytes=max_statement_bytes, site_host=site_host
        )
        parsed.setdefault(item.statement_id, item)
    return list(parsed.values())
