"""Pupils: created in bulk or reset by their teacher (login cards), moved, deleted; joining a class
and logging in with class code, pseudonym and secret.

Secrets appear in clear only in the response that creates them, which is never cached."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.http import Http404
from django.shortcuts import redirect, resolve_url
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from .. import services
from ..forms import (
    PupilJoinForm,
    PupilLoginForm,
    PupilMoveForm,
    PupilRenameForm,
    PupilsBulkCreateForm,
)
from ..middleware import pupil_is_waiting
from ..pseudonyms import join_code_normalise
from ..selectors import pupil_move_targets
from ..throttles import SCOPE_PUPIL_JOIN, SCOPE_PUPIL_LOGIN, throttled
from .access import (
    class_action,
    classroom_managed_or_404,
    classroom_pupil_or_404,
    next_is_home,
    refuse_if_archived,
    signed_in,
    teacher_required,
)

PUPIL_BACKEND = "school.backends.PupilBackend"


def _cards_response(request, *, classroom, credentials, title):
    return TemplateResponse(
        request,
        "school/login_cards.html",
        {
            "classroom": classroom,
            "credentials": credentials,
            "title": title,
            "login_url": request.build_absolute_uri(reverse("school:pupil_login")),
        },
    )


@never_cache
@teacher_required
def pupils_bulk_create(request, pk):
    classroom = classroom_managed_or_404(request, pk)
    if refused := refuse_if_archived(request, classroom):
        return refused
    form = PupilsBulkCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            credentials = services.pupils_bulk_create(
                classroom=classroom, count=form.cleaned_data["count"]
            )
        except services.SchoolError as error:
            form.add_error("count", error.message)
        else:
            return _cards_response(
                request,
                classroom=classroom,
                credentials=credentials,
                title=_("Cartes de connexion des nouveaux élèves"),
            )
    return TemplateResponse(
        request, "school/pupils_bulk_create.html", {"classroom": classroom, "form": form}
    )


@never_cache
@class_action(pupil=True)
def pupil_secret_reset(request, classroom, pupil):
    credentials = services.pupil_secret_reset(pupil=pupil)
    return _cards_response(
        request,
        classroom=classroom,
        credentials=[credentials],
        title=_("Nouveau code secret de %(pseudonym)s") % {"pseudonym": pupil.pseudonym},
    )


@teacher_required
def pupil_move(request, pk, user_id):
    classroom = classroom_managed_or_404(request, pk)
    pupil = classroom_pupil_or_404(classroom, user_id)
    form = PupilMoveForm(
        request.POST or None, targets=pupil_move_targets(user=request.user, pupil=pupil)
    )
    if request.method == "POST" and form.is_valid():
        target = form.cleaned_data["classroom"]
        try:
            services.pupil_move(pupil=pupil, classroom=target)
        except services.SchoolError as error:
            form.add_error("classroom", error.message)
        else:
            messages.success(
                request,
                _("%(pseudonym)s est maintenant dans la classe %(classroom)s.")
                % {"pseudonym": pupil.pseudonym, "classroom": target.name},
            )
            return redirect("school:classroom_detail", pk=classroom.pk)
    return TemplateResponse(
        request, "school/pupil_move.html", {"classroom": classroom, "pupil": pupil, "form": form}
    )


@teacher_required
def pupil_delete(request, pk, user_id):
    classroom = classroom_managed_or_404(request, pk)
    pupil = classroom_pupil_or_404(classroom, user_id)
    if request.method == "POST":
        services.pupils_erase(user_ids={pupil.user_id})
        messages.success(
            request,
            _("Le compte de %(pseudonym)s et toutes ses données sont supprimés.")
            % {"pseudonym": pupil.pseudonym},
        )
        return redirect("school:classroom_detail", pk=classroom.pk)
    return TemplateResponse(
        request, "school/pupil_delete_confirm.html", {"classroom": classroom, "pupil": pupil}
    )


@class_action(pupil=True)
def pupil_approve(request, classroom, pupil):
    services.pupils_approve(classroom=classroom, user_ids={pupil.user_id})
    messages.success(
        request,
        _("%(pseudonym)s fait maintenant partie de la classe.") % {"pseudonym": pupil.pseudonym},
    )
    return redirect("school:classroom_detail", pk=classroom.pk)


@class_action()
def pupils_approve_all(request, classroom):
    count = services.pupils_approve(classroom=classroom)
    messages.success(
        request,
        ngettext(
            "%(count)s élève accepté dans la classe.",
            "%(count)s élèves acceptés dans la classe.",
            count,
        )
        % {"count": count},
    )
    return redirect("school:classroom_detail", pk=classroom.pk)


@class_action(pupil=True, archived_refused=False)
def pupil_refuse(request, classroom, pupil):
    """Refusing a newcomer erases their account: only a pupil still waiting can be refused (the
    others are deleted with a confirmation, see pupil_delete)."""
    if not pupil.is_waiting:
        raise Http404
    services.pupils_erase(user_ids={pupil.user_id})
    messages.success(
        request,
        _("L'inscription de %(pseudonym)s est refusée : son compte est supprimé.")
        % {"pseudonym": pupil.pseudonym},
    )
    return redirect("school:classroom_detail", pk=classroom.pk)


@teacher_required
def pupil_rename(request, pk, user_id):
    classroom = classroom_managed_or_404(request, pk)
    pupil = classroom_pupil_or_404(classroom, user_id)
    if refused := refuse_if_archived(request, classroom):
        return refused
    previous = pupil.pseudonym
    form = PupilRenameForm(request.POST or None, initial={"pseudonym": previous})
    if request.method == "POST" and form.is_valid():
        try:
            services.pupil_rename(pupil=pupil, pseudonym=form.cleaned_data["pseudonym"])
        except services.SchoolError as error:
            form.add_error("pseudonym", error.message)
        else:
            messages.success(
                request,
                _(
                    "%(previous)s s'appelle maintenant %(pseudonym)s : dites-le-lui, il en a "
                    "besoin pour se connecter."
                )
                % {"previous": previous, "pseudonym": pupil.pseudonym},
            )
            return redirect("school:classroom_detail", pk=classroom.pk)
    return TemplateResponse(
        request,
        "school/pupil_rename.html",
        {"classroom": classroom, "pupil": pupil, "previous": previous, "form": form},
    )


@never_cache
@sensitive_post_parameters()
@throttled(SCOPE_PUPIL_JOIN)
def pupil_join(request):
    initial = {"class_code": join_code_normalise(request.GET.get("code", ""))}
    form = PupilJoinForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            credentials = services.pupil_check_and_join(join_code=form.cleaned_data["class_code"])
        except services.SchoolError as error:
            form.add_school_error(error)
        else:
            login(request, credentials.pupil.user, backend=PUPIL_BACKEND)
            return TemplateResponse(
                request,
                "school/pupil_joined.html",
                {
                    "classroom": credentials.pupil.classroom,
                    "credentials": [credentials],
                    "waiting": credentials.pupil.is_waiting,
                    "login_url": request.build_absolute_uri(reverse("school:pupil_login")),
                    "pupil_home_url": resolve_url(settings.HEMICYCLE_PUPIL_HOME),
                },
            )
    return TemplateResponse(request, "school/pupil_join.html", {"form": form})


@never_cache
@signed_in
def pupil_waiting(request):
    """Where a pupil waits for their teacher to accept them (school.middleware); once accepted,
    or for anyone else, it leads on to their own page."""
    if not pupil_is_waiting(request.user):
        return redirect("school:account_home")
    return TemplateResponse(
        request, "school/pupil_waiting.html", {"pupil": request.user.pupil_profile}
    )


def _safe_next(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if next_is_home(candidate):
        return ""  # a pupil's work is on their own page, not on the public home page
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


@never_cache
@sensitive_post_parameters("secret")
@throttled(SCOPE_PUPIL_LOGIN)
def pupil_login(request):
    form = PupilLoginForm(request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        login(request, form.user)
        # Ends when the browser closes: on a shared classroom computer, the next pupil does not
        # inherit this one's account (config.middleware.PupilSessionMiddleware does the rest).
        request.session.set_expiry(0)
        return redirect(_safe_next(request) or settings.HEMICYCLE_PUPIL_HOME)
    return TemplateResponse(
        request,
        "school/pupil_login.html",
        {
            "form": form,
            "next": _safe_next(request),
        },
    )
