"""« Mon compte » for the accounts that have an e-mail address (teachers, editors,
administrators): password change and reset, and the export and erasure of one's own data.
Pupils have no address: their teacher gives them a new secret (school.views.pupils)."""

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from .. import teachers
from ..forms import AccountEraseForm, QueuedPasswordResetForm
from ..permissions import is_administrator, is_teacher
from ..throttles import SCOPE_PASSWORD_RESET, throttled
from .access import account_required

EXPORT_FILENAME = "mon-compte-hemicycle.json"


@account_required
def account(request):
    user = request.user
    return TemplateResponse(
        request,
        "school/account.html",
        {
            "teaches": is_teacher(user),
            "schools": user.schools.order_by("name"),
            "requests": teachers.membership_requests_of(user=user).order_by("-created_at"),
        },
    )


@never_cache
@account_required
def account_export(request):
    data = teachers.teacher_data_export(user=request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2, default=str),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{EXPORT_FILENAME}"'
    return response


@never_cache
@sensitive_post_parameters("password")
@account_required
def account_erase(request):
    user = request.user
    blocking = list(teachers.classrooms_taught_alone(user=user))
    administrator = is_administrator(user)
    form = AccountEraseForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            teachers.teacher_check_and_erase(user=user)
        except teachers.TeacherError as error:
            form.add_error(None, error.message)
        else:
            logout(request)
            messages.success(request, _("Votre compte et vos données sont supprimés."))
            return redirect("/")
    return TemplateResponse(
        request,
        "school/account_erase.html",
        {"form": form, "blocking": blocking, "administrator": administrator},
    )


# Django's own views, with the site's templates (config/templates/registration/) and URLs.
password_change = account_required(
    auth_views.PasswordChangeView.as_view(success_url=reverse_lazy("school:password_change_done"))
)
password_change_done = account_required(auth_views.PasswordChangeDoneView.as_view())
# Each reset request may send an e-mail and each new password is hashed: both are throttled.
password_reset = throttled(SCOPE_PASSWORD_RESET)(
    auth_views.PasswordResetView.as_view(
        form_class=QueuedPasswordResetForm,
        email_template_name="registration/password_reset_email.txt",
        subject_template_name="registration/password_reset_subject.txt",
        success_url=reverse_lazy("school:password_reset_done"),
    )
)
password_reset_done = auth_views.PasswordResetDoneView.as_view()
password_reset_confirm = throttled(SCOPE_PASSWORD_RESET)(
    auth_views.PasswordResetConfirmView.as_view(
        success_url=reverse_lazy("school:password_reset_complete")
    )
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view()
