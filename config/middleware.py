"""Guards that run before any view reads a request."""

import re
import time
from itertools import accumulate

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers
from rest_framework.renderers import JSONRenderer

from config.typography import french_html
from school.errors import BODY_TOO_DEEP, BODY_TOO_LARGE, RequestError

API_PREFIX = "/api/"
ADMIN_PREFIX = "/admin/"

# A JSON string, escapes included (an unterminated one is not matched: its brackets then count,
# which can only make the body look deeper than it is, and it is malformed anyway).
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKETS = bytes(byte for byte in range(256) if byte not in b"[]{}")
_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


def json_depth(body: bytes) -> int:
    """How deeply `body` nests arrays and objects, read as JSON text without parsing it: C-speed
    passes over the bytes (strings removed, then everything but brackets), then a running sum.
    Python's json parser recurses once per level and fails past about a thousand."""
    brackets = _JSON_STRING.sub(b"", body).translate(None, _NOT_BRACKETS)
    if not brackets:
        return 0
    return max(accumulate(map(_STEP.__getitem__, brackets)))


def _body_limit(view_func) -> int:
    """The view's own `max_body_bytes` (a DRF action's, then its class's: a number of bytes, or
    the name of a setting that holds one), else the site's."""
    initkwargs = getattr(view_func, "initkwargs", None) or {}
    limit = initkwargs.get("max_body_bytes") or getattr(
        getattr(view_func, "cls", None), "max_body_bytes", None
    )
    if isinstance(limit, str):
        limit = getattr(settings, limit)
    return limit or settings.HEMICYCLE_API_MAX_BODY_BYTES


def api_refusal(request, error: RequestError) -> HttpResponse:
    """The API's error body, written as DRF writes it (config.api_errors)."""
    request.refusal_code = error.code  # for the log line (config.log_filters)
    body = JSONRenderer().render(error.body())
    return HttpResponse(body, status=error.status, content_type="application/json")


class ApiBodyGuardMiddleware:
    """For the project's API: a body larger than its view allows answers 413, and a JSON body
    nested deeper than HEMICYCLE_API_MAX_JSON_DEPTH answers 400, in the API's error shape and
    before anything parses it (a parser fed a deep enough body fails with RecursionError, a 500).
    The length is checked from the header, before the body is read."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.path_info.startswith(API_PREFIX):
            return None
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads no body then
        limit = _body_limit(view_func)
        if length > limit:
            return api_refusal(request, RequestError(BODY_TOO_LARGE, max=limit))
        if length and "json" in request.content_type:
            max_depth = settings.HEMICYCLE_API_MAX_JSON_DEPTH
            if json_depth(request.body) > max_depth:
                return api_refusal(request, RequestError(BODY_TOO_DEEP, max=max_depth))
        return None


PUPIL_ACTIVITY_KEY = "_hemicycle_last_activity"  # only pupils' sessions hold it
PUPIL_ACTIVITY_WRITE_SECONDS = 60


def _now() -> float:
    return time.time()


def pupil_session_start(sender, request, user, **kwargs):
    """On user_logged_in, whatever logged the pupil in (login, joining, a test's force_login):
    the session cookie is made a browser session's (no expiry: it ends when the browser closes)
    and the idle clock starts, both written with the login itself."""
    if getattr(user, "is_pupil", False) and hasattr(request, "session"):
        request.session.set_expiry(0)
        request.session[PUPIL_ACTIVITY_KEY] = int(_now())


class PupilSessionMiddleware:
    """A pupil's session is for one sitting at a possibly shared classroom computer: it ends when
    the browser closes (pupil_session_start) and after HEMICYCLE_PUPIL_IDLE_MINUTES without a
    request. The last activity is kept in the session, rewritten at most once a minute so that
    a pupil's requests do not each cost a session write.

    Only requests that bring a session cookie are looked at, and only pupils' sessions (they
    hold PUPIL_ACTIVITY_KEY) cost anything more than reading the session: other roles keep
    Django's sessions, and anonymous responses stay free of `Vary: Cookie`. A pupil's session
    whose user is gone (erased) or refused is deleted at its first use, as Django deletes one
    whose password changed: erasures never search for sessions (school.services.pupils_erase)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            self._pupil_session_check(request)
        return self.get_response(request)

    def _pupil_session_check(self, request) -> None:
        session = request.session
        last = session.get(PUPIL_ACTIVITY_KEY)
        if last is None:
            return
        now = int(_now())
        if now - last > settings.HEMICYCLE_PUPIL_IDLE_MINUTES * 60:
            logout(request)
        elif not request.user.is_authenticated:
            session.flush()
        elif now - last >= PUPIL_ACTIVITY_WRITE_SECONDS:
            session[PUPIL_ACTIVITY_KEY] = now


class PrivateResponseMiddleware:
    """Whatever a logged-in user is answered may hold personal data (a join code, a pupil's
    pseudonym, a class's results, a CSV): `Cache-Control: no-store` (with Django's other never-
    cache directives) keeps it out of the browser's cache, where the next pupil at a shared
    computer would find it with « Précédent », and out of any proxy's. A response its view
    declared `public` (an H5P package's files, the national results: the same for everybody)
    keeps its own header.

    Every request that could be a user's is covered, without reading the session: one with a
    session cookie or an API token, or whose response starts a session (a login). An anonymous
    visit without them is left as its view answered it, so public pages stay cacheable."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if self._maybe_private(request, response) and "public" not in response.get(
            "Cache-Control", ""
        ):
            add_never_cache_headers(response)
        return response

    @staticmethod
    def _maybe_private(request, response) -> bool:
        cookie = settings.SESSION_COOKIE_NAME
        return (
            cookie in request.COOKIES
            or cookie in response.cookies
            or "HTTP_AUTHORIZATION" in request.META
        )


class SecurityPolicyMiddleware(CSPMiddleware):
    """The one place where pages get their Content-Security-Policy and Permissions-Policy.

    Every response gets the site's strict policy (settings.CONTENT_SECURITY_POLICY); Wagtail's
    admin gets HEMICYCLE_ADMIN_CSP_UPDATE on top, and nowhere else; a view may replace the
    policy for itself (the H5P player, with django-csp's decorator) or set its own header (an
    H5P package's files); uploaded media get HEMICYCLE_MEDIA_CSP. A script injected into a
    pupil's page then cannot run, load code from elsewhere, post a form elsewhere or frame the
    site."""

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and request.path_info.startswith(settings.HEMICYCLE_ADMIN_PATH):
            parts.update = {**settings.HEMICYCLE_ADMIN_CSP_UPDATE, **(parts.update or {})}
        return parts

    def process_response(self, request, response):
        response = super().process_response(request, response)
        response.headers.setdefault("Permissions-Policy", settings.HEMICYCLE_PERMISSIONS_POLICY)
        if request.path_info.startswith(settings.MEDIA_URL):
            # An uploaded file opened directly (an SVG): an opaque origin where nothing runs.
            response.headers["Content-Security-Policy"] = settings.HEMICYCLE_MEDIA_CSP
            response.headers["X-Content-Type-Options"] = "nosniff"
        return response


class FrenchTypographyMiddleware:
    """Sets the text of the site's HTML pages in French typography (config.typography). Not the
    Wagtail admin (Wagtail's own catalogue and markup), not files streamed from disk (H5P
    packages), not another language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.streaming
            or not response.get("Content-Type", "").startswith("text/html")
            or not response.get("Content-Language", "fr").startswith("fr")
            or request.path_info.startswith(ADMIN_PREFIX)
            or not response.content
        ):
            return response
        charset = response.charset or "utf-8"
        response.content = french_html(response.content.decode(charset)).encode(charset)
        if response.has_header("Content-Length"):
            response["Content-Length"] = str(len(response.content))
        return response
