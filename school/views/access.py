"""Who may open which school page. Anonymous visitors are sent to the login page; signed-in users
without the role get 403; a class or pupil the user may not manage is a 404, so its existence is
not revealed."""

from functools import wraps
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.views import LoginView, redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect

from ..models import Classroom
from ..permissions import (
    can_manage_classroom,
    can_manage_classrooms,
    can_manage_own_account,
    can_obtain_api_token,
    is_pupil_account,
)
from ..selectors import classroom_pupil
from ..services import CLASSROOM_ARCHIVED, SchoolError


def _role_required(predicate):
    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not predicate(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


signed_in = _role_required(lambda user: True)
teacher_required = _role_required(can_manage_classrooms)  # teachers and administrators
pupil_required = _role_required(is_pupil_account)
api_token_holder_required = _role_required(can_obtain_api_token)  # teachers only
account_required = _role_required(can_manage_own_account)  # accounts with an e-mail address


def next_is_home(url: str) -> bool:
    """Whether a login's `next` is the site's home page (its root, whatever the query): after
    logging in, pupils and teachers go to their own page rather than back to the public one."""
    if not url:
        return False
    parts = urlsplit(url)
    return not parts.scheme and not parts.netloc and parts.path in ("/", "")


class HomeAwareLoginView(LoginView):
    """The e-mail login: back to the page it was reached from, unless that was the home page
    (then settings.LOGIN_REDIRECT_URL, which leads each role to its own page)."""

    def get_redirect_url(self):
        url = super().get_redirect_url()
        return "" if next_is_home(url) else url


def classroom_managed_or_404(request, pk: int) -> Classroom:
    """The class of a teacher's class page (school's and courses'), or 404 for anyone who may
    not manage it."""
    classroom = get_object_or_404(Classroom.objects.select_related("school"), pk=pk)
    if not can_manage_classroom(request.user, classroom):
        raise Http404
    return classroom


def classroom_pupil_or_404(classroom: Classroom, user_id: int):
    """A pupil of a class that classroom_managed_or_404 has let through: whoever manages the
    class manages its pupils (permissions.can_manage_pupil)."""
    pupil = classroom_pupil(classroom=classroom, user_id=user_id)
    if pupil is None:
        raise Http404
    return pupil


def refuse_if_archived(request, classroom):
    """Archived classes are read-only apart from moving or deleting their pupils."""
    if not classroom.is_archived:
        return None
    messages.error(request, SchoolError(CLASSROOM_ARCHIVED).message)
    return redirect("school:classroom_detail", pk=classroom.pk)


def class_action(*, pupil: bool = False, archived_refused: bool = True):
    """A teacher's one-click action (POST) on a class they manage, or on one of its pupils: the
    view is called as view(request, classroom) or view(request, classroom, pupil). Whoever may
    not manage the class gets a 404 before anything else (a 405 after the lookups reveals
    nothing), any other method a 405, and an archived class (unless `archived_refused` is
    False) a message on its page."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, pk, user_id=None):
            classroom = classroom_managed_or_404(request, pk)
            target = (classroom_pupil_or_404(classroom, user_id),) if pupil else ()
            if request.method != "POST":
                return HttpResponseNotAllowed(["POST"])
            if archived_refused and (refused := refuse_if_archived(request, classroom)):
                return refused
            return view(request, classroom, *target)

        return teacher_required(wrapper)

    return decorator
