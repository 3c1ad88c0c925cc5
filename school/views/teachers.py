"""Teacher sign-up and address confirmation, requests to join a school, and the landing page
after any login."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from .. import teachers
from ..forms import MembershipDecisionForm, TeacherSignupForm
from ..models import SchoolMembershipRequest
from ..permissions import (
    can_decide_membership_request,
    can_use_admin,
    is_administrator,
    is_pupil_account,
    is_teacher,
)
from ..throttles import SCOPE_SIGNUP, throttled
from .access import teacher_required

TEACHER_BACKEND = "django.contrib.auth.backends.ModelBackend"


def site_url(request) -> str:
    """Where the links of the site's e-mails lead: this site, as the request reached it (the
    host is one of ALLOWED_HOSTS, checked by Django)."""
    return request.build_absolute_uri("/")


@throttled(SCOPE_SIGNUP)
@sensitive_post_parameters("password1", "password2")
def teacher_signup(request):
    form = TeacherSignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # The same redirect whether the address had an account or not (school.teachers).
        teachers.teacher_signup(
            email=data["email"],
            password=data["password1"],
            display_name=data["display_name"],
            uai=data["uai"],
            new_school=form.new_school(),
            site_url=site_url(request),
        )
        return redirect("school:teacher_signup_done")
    return TemplateResponse(request, "school/teacher_signup.html", {"form": form})


def teacher_signup_done(request):
    return TemplateResponse(
        request,
        "school/teacher_signup_done.html",
        {"hours": settings.PASSWORD_RESET_TIMEOUT // 3600},
    )


@never_cache
def teacher_confirm(request, uidb64, token):
    """GET shows a button, POST confirms: a mail filter that opens links confirms nothing."""
    user = teachers.teacher_by_confirmation_link(uidb64=uidb64, token=token)
    if user is not None and request.method == "POST":
        teachers.teacher_email_confirm(user=user, site_url=site_url(request))
        login(request, user, backend=TEACHER_BACKEND)
        messages.success(request, _("Votre adresse est confirmée : bienvenue !"))
        return redirect("school:classroom_list")
    return TemplateResponse(
        request, "school/teacher_confirm.html", {"valid": user is not None}, status=200
    )


@teacher_required
def membership_requests(request):
    return TemplateResponse(
        request,
        "school/membership_requests.html",
        {
            "to_decide": teachers.membership_requests_to_decide(user=request.user),
            "own": teachers.membership_requests_of(user=request.user).order_by("-created_at"),
        },
    )


@teacher_required
def membership_request_decide(request, request_id):
    """404 for a request the user may not decide, so its existence is not revealed."""
    membership_request = get_object_or_404(
        SchoolMembershipRequest.objects.select_related("school", "teacher"), pk=request_id
    )
    if not can_decide_membership_request(request.user, membership_request):
        raise Http404
    if request.method == "POST":
        form = MembershipDecisionForm(request.POST)
        if form.is_valid():
            approve = form.cleaned_data["decision"] == "approve"
            try:
                teachers.membership_request_decide(
                    membership_request=membership_request,
                    by=request.user,
                    approve=approve,
                    site_url=site_url(request),
                )
            except teachers.TeacherError as error:
                messages.error(request, error.message)
            else:
                done = (
                    _("%(email)s fait maintenant partie de l'établissement %(school)s.")
                    if approve
                    else _("La demande de %(email)s pour %(school)s est refusée.")
                )
                messages.success(
                    request,
                    done
                    % {
                        "email": membership_request.teacher.email,
                        "school": membership_request.school.name,
                    },
                )
    return redirect("school:membership_requests")


def account_home(request):
    """Where a login without `next` leads: each role's own starting page."""
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if is_teacher(user) or is_administrator(user):
        return redirect(settings.HEMICYCLE_TEACHER_HOME)
    if is_pupil_account(user):
        return redirect(settings.HEMICYCLE_PUPIL_HOME)
    if can_use_admin(user):
        return redirect("wagtailadmin_home")
    return redirect("/")
