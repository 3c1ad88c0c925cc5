"""The project's one error model, shared by every app's services, pages and API.

A refusal is a DomainError: a stable `code` (a module-level constant of the service that raises
it, reused by tests and clients), a French `message` for the person in front of the screen, and
a `kind` that says what went wrong in terms every layer understands. The kind alone decides the
HTTP status, through HTTP_STATUS, for the pages and the API alike: nothing else maps codes to
statuses. Each service module declares its codes' messages and kinds beside the codes, on its
DomainError subclass; a service that knows better in one place (a date that was valid when it
was typed but no longer is) passes the kind when it raises.

It lives in `school` because every other app builds on `school` (and `config`, which wires the
site, reads it: config.api_errors answers the API's refusals with it); it imports nothing of the
project."""

from collections.abc import Mapping
from enum import StrEnum
from typing import Any, ClassVar

from django.utils.translation import gettext_lazy as _


class ErrorKind(StrEnum):
    INVALID = "invalid"  # the request breaks a rule of input: fix it and send it again
    UNAUTHENTICATED = "unauthenticated"  # nobody is signed in (or the credentials are wrong)
    FORBIDDEN = "forbidden"  # this account may not do this, whatever the state of things
    NOT_FOUND = "not_found"  # nothing there, or nothing this account may see: the same answer
    METHOD_NOT_ALLOWED = "method_not_allowed"
    NOT_ACCEPTABLE = "not_acceptable"
    CONFLICT = "conflict"  # the state of things refuses it (closed, archived, already done)
    TOO_LARGE = "too_large"
    UNSUPPORTED = "unsupported"  # a body of a media type the address does not read
    RATE_LIMITED = "rate_limited"  # too much too fast: try again later (Retry-After)
    UNAVAILABLE = "unavailable"  # a service the site needs failed for a moment: send it again


HTTP_STATUS: Mapping[ErrorKind, int] = {
    ErrorKind.INVALID: 400,
    ErrorKind.UNAUTHENTICATED: 401,
    ErrorKind.FORBIDDEN: 403,
    ErrorKind.NOT_FOUND: 404,
    ErrorKind.METHOD_NOT_ALLOWED: 405,
    ErrorKind.NOT_ACCEPTABLE: 406,
    ErrorKind.CONFLICT: 409,
    ErrorKind.TOO_LARGE: 413,
    ErrorKind.UNSUPPORTED: 415,
    ErrorKind.RATE_LIMITED: 429,
    ErrorKind.UNAVAILABLE: 503,
}


class DomainError(Exception):
    """A refusal: nothing was stored. Subclasses declare `messages` (code → French text, which
    may take %(name)s parameters) and `kinds` (code → ErrorKind; `default_kind` otherwise).
    `extra` holds what the answer carries besides the code and message (the field at fault, the
    index of a statement); `retry_after` (seconds) goes with RATE_LIMITED and UNAVAILABLE."""

    messages: ClassVar[Mapping[str, Any]] = {}
    kinds: ClassVar[Mapping[str, ErrorKind]] = {}
    default_kind: ClassVar[ErrorKind] = ErrorKind.INVALID

    def __init__(
        self,
        code: str,
        message: Any = None,
        *,
        kind: ErrorKind | None = None,
        extra: Mapping[str, Any] | None = None,
        retry_after: int | None = None,
        **params: Any,
    ):
        self.code = code
        self.params = params
        if message is None:
            template = self.messages.get(code, code)
            message = str(template) % params if params else template
        self.message = str(message)
        self.kind = kind or self.kinds.get(code, self.default_kind)
        self.extra = dict(extra or {})
        self.retry_after = retry_after
        super().__init__(self.message)

    @property
    def status(self) -> int:
        return HTTP_STATUS[self.kind]

    def body(self) -> dict[str, Any]:
        """The JSON answer: always `code` and `detail`, then `extra`."""
        return {"code": self.code, "detail": self.message, **self.extra}


# --- Refusals of the request itself, before any service ---------------------------------------

INPUT_INVALID = "input_invalid"
BODY_MALFORMED = "body_malformed"
BODY_TOO_DEEP = "body_too_deep"
BODY_TOO_LARGE = "body_too_large"
MEDIA_TYPE_UNSUPPORTED = "media_type_unsupported"
NOT_ACCEPTABLE = "not_acceptable"
NOT_AUTHENTICATED = "not_authenticated"
AUTHENTICATION_FAILED = "authentication_failed"
ROLE_REFUSED = "role_refused"
NOT_FOUND = "not_found"
METHOD_NOT_ALLOWED = "method_not_allowed"
THROTTLED = "throttled"
SERVICE_UNAVAILABLE = "service_unavailable"


class RequestError(DomainError):
    """What is wrong with the request as such: its body, its credentials, its method, its
    pace. These messages reach pupils and teachers alike: they speak to neither in particular."""

    messages = {
        INPUT_INVALID: _("Certains champs sont mal formés."),
        BODY_MALFORMED: _("Le corps de la requête n'est pas un JSON valide."),
        BODY_TOO_DEEP: _(
            "Le corps de la requête est imbriqué trop profondément (%(max)s niveaux au plus)."
        ),
        BODY_TOO_LARGE: _("Le corps de la requête est trop volumineux (%(max)s octets au plus)."),
        MEDIA_TYPE_UNSUPPORTED: _("Ce type de contenu n'est pas accepté ici : envoyez du JSON."),
        NOT_ACCEPTABLE: _("Cette adresse ne répond qu'en JSON."),
        NOT_AUTHENTICATED: _(
            "Connectez-vous (session ou jeton d'API) pour utiliser cette adresse."
        ),
        AUTHENTICATION_FAILED: _("Ce jeton ou ces identifiants ne sont pas valides."),
        ROLE_REFUSED: _("Cette action n'est pas permise à ce compte."),
        NOT_FOUND: _("Il n'y a rien à cette adresse, ou rien que ce compte puisse voir."),
        METHOD_NOT_ALLOWED: _("La méthode %(method)s n'est pas acceptée à cette adresse."),
        THROTTLED: _("Trop de requêtes en peu de temps : réessayez dans %(seconds)s s."),
        SERVICE_UNAVAILABLE: _(
            "Le service est momentanément indisponible : réessayez dans quelques secondes."
        ),
    }
    kinds = {
        BODY_TOO_LARGE: ErrorKind.TOO_LARGE,
        MEDIA_TYPE_UNSUPPORTED: ErrorKind.UNSUPPORTED,
        NOT_ACCEPTABLE: ErrorKind.NOT_ACCEPTABLE,
        NOT_AUTHENTICATED: ErrorKind.UNAUTHENTICATED,
        AUTHENTICATION_FAILED: ErrorKind.UNAUTHENTICATED,
        ROLE_REFUSED: ErrorKind.FORBIDDEN,
        NOT_FOUND: ErrorKind.NOT_FOUND,
        METHOD_NOT_ALLOWED: ErrorKind.METHOD_NOT_ALLOWED,
        THROTTLED: ErrorKind.RATE_LIMITED,
        SERVICE_UNAVAILABLE: ErrorKind.UNAVAILABLE,
    }
