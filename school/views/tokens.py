"""A teacher's API tokens: the list (never the tokens), a new one shown once, revocation."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache

from .. import services
from ..selectors import api_tokens_for_user
from .access import api_token_holder_required


def _page(request, *, created=None, error: str = "", status: int = 200):
    return TemplateResponse(
        request,
        "school/api_tokens.html",
        {"tokens": api_tokens_for_user(user=request.user), "created": created, "error": error},
        status=status,
    )


@never_cache  # the page that shows a new token must not be kept by any cache
@api_token_holder_required
def api_tokens(request):
    if request.method != "POST":
        return _page(request)
    action = request.POST.get("action")
    if action == "create":
        try:
            instance, token = services.api_token_create(user=request.user)
        except services.SchoolError as error:
            return _page(request, error=error.message, status=409)
        return _page(request, created={"token": token, "expiry": instance.expiry})
    if action == "revoke":
        if not services.api_token_revoke(user=request.user, key=request.POST.get("key", "")):
            raise Http404
        messages.success(request, _("Le jeton est révoqué : il ne fonctionne plus."))
    elif action == "revoke_all":
        count = services.api_tokens_revoke_all(user=request.user)
        messages.success(
            request,
            ngettext(
                "%(count)d jeton révoqué : il ne fonctionne plus.",
                "%(count)d jetons révoqués : ils ne fonctionnent plus.",
                count,
            )
            % {"count": count},
        )
    else:
        return _page(request, error=_("Action inconnue."), status=400)
    return redirect("school:api_tokens")
