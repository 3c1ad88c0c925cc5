"""One JSON error body for every endpoint under /api/: `{"code", "detail", ...}`.

DRF's exception handler (settings.REST_FRAMEWORK["EXCEPTION_HANDLER"]) turns every refusal into
that body: a service's DomainError as it is, and DRF's own exceptions (bad input, unreadable
body, no login, a refused role, an unknown object, a method the address does not take,
throttling) into a RequestError with a stable code and a French message. `fields` (the input
that was refused, field by field) is the only extra key most answers carry.

A view says which error its unknown objects answer with its `not_found_error` attribute (a
DomainError); a permission class says why it refuses with its `code` and `message`."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import set_rollback

from school.errors import (
    AUTHENTICATION_FAILED,
    BODY_MALFORMED,
    INPUT_INVALID,
    MEDIA_TYPE_UNSUPPORTED,
    METHOD_NOT_ALLOWED,
    NOT_ACCEPTABLE,
    NOT_AUTHENTICATED,
    NOT_FOUND,
    ROLE_REFUSED,
    THROTTLED,
    DomainError,
    ErrorKind,
    RequestError,
)

# DRF's codes for its exceptions when nobody gave a more precise one.
_DEFAULT_CODES = {"permission_denied", "not_found", "error", "invalid"}


def _given(exc: exceptions.APIException) -> tuple[str, str] | None:
    """(code, message) when whoever raised `exc` gave its own code, else None."""
    detail = exc.detail
    if isinstance(detail, exceptions.ErrorDetail) and detail.code not in _DEFAULT_CODES:
        return detail.code, str(detail)
    return None


def _not_found(context) -> DomainError:
    error = getattr(context.get("view"), "not_found_error", None)
    return error if isinstance(error, DomainError) else RequestError(NOT_FOUND)


def api_error(exc: Exception, context) -> DomainError | None:
    """The DomainError that answers `exc`, or None for an exception that is a bug (500)."""
    if isinstance(exc, DomainError):
        return exc
    if isinstance(exc, Http404):
        return _not_found(context)
    if isinstance(exc, DjangoPermissionDenied):
        return RequestError(ROLE_REFUSED)
    if not isinstance(exc, exceptions.APIException):
        return None
    given = _given(exc)
    if isinstance(exc, exceptions.ValidationError):
        fields = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        return RequestError(INPUT_INVALID, extra={"fields": fields})
    if isinstance(exc, exceptions.ParseError):
        return RequestError(BODY_MALFORMED)
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return RequestError(MEDIA_TYPE_UNSUPPORTED)
    if isinstance(exc, exceptions.NotAcceptable):
        return RequestError(NOT_ACCEPTABLE)
    if isinstance(exc, exceptions.MethodNotAllowed):
        request = context.get("request")
        return RequestError(METHOD_NOT_ALLOWED, method=getattr(request, "method", "?"))
    if isinstance(exc, exceptions.Throttled):
        seconds = max(1, int(exc.wait or 1))
        return RequestError(THROTTLED, seconds=seconds, retry_after=seconds)
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        code = NOT_AUTHENTICATED if isinstance(exc, exceptions.NotAuthenticated) else None
        # 401 needs a WWW-Authenticate challenge: without one (a view whose first way in is the
        # session) DRF answers 403, and so does this.
        kind = ErrorKind.UNAUTHENTICATED if getattr(exc, "auth_header", None) else None
        return RequestError(code or AUTHENTICATION_FAILED, kind=kind or ErrorKind.FORBIDDEN)
    if isinstance(exc, exceptions.PermissionDenied):
        if given:
            return RequestError(given[0], given[1], kind=RequestError.kinds[ROLE_REFUSED])
        return RequestError(ROLE_REFUSED)
    if isinstance(exc, exceptions.NotFound):
        if given:
            return RequestError(given[0], given[1], kind=RequestError.kinds[NOT_FOUND])
        return _not_found(context)
    return None


def exception_handler(exc: Exception, context) -> Response | None:
    error = api_error(exc, context)
    if error is None:
        return None  # a bug: Django answers 500 and logs it with its traceback
    headers = {}
    if isinstance(exc, exceptions.APIException) and getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if error.retry_after:
        headers["Retry-After"] = str(error.retry_after)
    request = context.get("request")
    if request is not None:
        request._request.refusal_code = error.code  # for the log line (config.log_filters)
    set_rollback()
    return Response(error.body(), status=error.status, headers=headers)
