"""What Django logs about a request it refused (settings.LOGGING)."""

import logging


def _route(request) -> str:
    """The URL pattern that matched (`consultations/<int:pk>/voter/`), never the path itself:
    a path holds ids of pupils, classes and debates, and a query string may hold anything."""
    match = getattr(request, "resolver_match", None)
    return match.route if match is not None and match.route else "(aucune route)"


class RequestLogFilter(logging.Filter):
    """For django.request's records. A refusal (4xx) becomes one line (status, method, route and
    the error code when the API gave one) without its traceback: refusing is the application
    doing its job, and a traceback per refused request would bury the real failures. A server
    error (5xx) keeps its traceback, with the route in place of the path."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        status = getattr(record, "status_code", None)
        if request is None or status is None:
            return True
        method = getattr(request, "method", "?")
        if status < 500:
            code = getattr(request, "refusal_code", "")
            record.msg = "refused %s %s %s%s"
            record.args = (status, method, _route(request), f" ({code})" if code else "")
            record.exc_info = None
            record.exc_text = None
            record.stack_info = None
        else:
            record.msg = "server error %s %s %s"
            record.args = (status, method, _route(request))
        return True


class WithoutTracebackFilter(logging.Filter):
    """A record's exception in its message, without the traceback. For django_redis's
    "Exception ignored" (the cache failing open, settings.CACHES): while Redis is unreachable,
    every request logs one or more, and a traceback each would bury everything else."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            record.msg, record.args = "%s: %s", (record.getMessage(), record.exc_info[1])
            record.exc_info = None
            record.exc_text = None
        return True
