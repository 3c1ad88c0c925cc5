"""Teacher sign-up, and the landing page after any login."""

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.debug import sensitive_post_parameters

from ..forms import TeacherSignupForm
from ..permissions import can_use_admin, is_administrator, is_pupil_account, is_teacher

TEACHER_BACKEND = "django.contrib.auth.backends.ModelBackend"


@sensitive_post_parameters("password1", "password2")
def teacher_signup(request):
    form = TeacherSignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend=TEACHER_BACKEND)
        return redirect("school:classroom_list")
    return TemplateResponse(request, "school/teacher_signup.html", {"form": form})


def account_home(request):
    """Where a login without `next` leads: each role's own starting page."""
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if is_teacher(user) or is_administrator(user):
        return redirect("school:classroom_list")
    if is_pupil_account(user):
        return redirect(settings.HEMICYCLE_PUPIL_HOME)
    if can_use_admin(user):
        return redirect("wagtailadmin_home")
    return redirect("/")
