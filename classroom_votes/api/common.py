"""What the consultations and debates APIs share: the error body and the action of a route."""

from django.utils.translation import gettext_lazy as _
from rest_framework.response import Response

INPUT_INVALID = "input_invalid"
ROLE_REFUSED = "role_refused"

# Both APIs answer pupils and teachers alike: these messages speak to neither in particular.
MESSAGES = {
    INPUT_INVALID: _("Certains champs sont mal formés."),
    ROLE_REFUSED: _("Cette action n'est pas permise à ce compte."),
}


def error_response(code: str, detail, *, status_code: int, **extra) -> Response:
    """`{"code", "detail"}` (and any extra keys): a stable code and a French message."""
    return Response({"code": code, "detail": str(detail), **extra}, status=status_code)


def route_action(view) -> str | None:
    """The action of the request, or the route's own for a method the route does not take,
    so that such a request is refused exactly as the route's action would be."""
    return view.action or next(iter(view.action_map.values()), None)
