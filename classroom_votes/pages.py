"""What the pages of both components share (the APIs' counterpart is api/common.py)."""

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from school.errors import DomainError


def confirm_then_act(
    request, template: str, context: dict, act: Callable[[], object], *, done: str, back
) -> HttpResponse:
    """A page that asks to confirm an action (GET), then takes it (POST, `act()`): done, back to
    `back` (a URL, or an object with its get_absolute_url) with the message `done`; refused, the
    same page again with the refusal's message and the status of its kind, nothing changed."""
    if request.method == "POST":
        try:
            act()
        except DomainError as error:
            context = {**context, "error": error.message}
            return TemplateResponse(request, template, context, status=error.status)
        messages.success(request, done)
        return redirect(back)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET", "POST"])
    return TemplateResponse(request, template, context)
