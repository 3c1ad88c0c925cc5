"""The site's answers to what no view handled: handler500 and the CSRF failure view.

400, 403 and 404 are Django's own handlers rendering the project's French DSFR templates
(config/templates/4xx.html); 400 renders without the site's header, because a request refused
for its Host header would fail again in anything that reads the host."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views import defaults

from school.errors import SERVICE_UNAVAILABLE, RequestError

from .middleware import API_PREFIX, api_refusal

RETRY_AFTER_SECONDS = 2


def server_error(request) -> HttpResponse:
    """500: a bug, logged with its traceback. But when the database failed the request (its
    connection was cut, the server restarts, a statement timed out), the request itself was
    fine and may be sent again: 503 with Retry-After, in the API's error body under /api/; the
    log still keeps the traceback. What the request wrote is whole or absent (one transaction or
    one statement), and a ballot sent again that had been stored is refused as already cast.
    Nothing here may touch the database."""
    if not isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        return defaults.server_error(request)  # renders config/templates/500.html
    error = RequestError(SERVICE_UNAVAILABLE, retry_after=RETRY_AFTER_SECONDS)
    if request.path_info.startswith(API_PREFIX):
        response = api_refusal(request, error)
    else:
        response = HttpResponse(render_to_string("503.html"), status=error.status)
    response["Retry-After"] = str(error.retry_after)
    return response


def csrf_failure(request, reason: str = "") -> HttpResponse:
    """settings.CSRF_FAILURE_VIEW: a form sent without its token (expired page, cookies refused,
    another site's form) gets the site's French 403 page rather than Django's English one. The
    reason stays in the log (django.security.csrf), not on the page."""
    return render(request, "403_csrf.html", status=403)
