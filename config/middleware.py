"""Guards that run before any view reads a request."""

import re
from itertools import accumulate

from django.conf import settings
from django.http import HttpResponse
from rest_framework.renderers import JSONRenderer

from school.errors import BODY_TOO_DEEP, BODY_TOO_LARGE, RequestError

API_PREFIX = "/api/"

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
