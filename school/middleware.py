"""A pupil who joined a class waits for a teacher of the class to accept them. Until then they
are logged in (they keep their login card and come back later) but reach nothing of the class.

The gate is one place rather than a clause in every predicate: class data is reached by many
paths (permission predicates, but also querysets filtered on `classroom__pupils__user`), and a
path forgotten there would show a stranger the class. A waiting pupil may only see the waiting
page, log out, read or export their own data, and the site's statements."""

from functools import cache

from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from .errors import ROLE_REFUSED, RequestError

# URL names a waiting pupil may reach; everything else sends them to the waiting page.
WAITING_PUPIL_ALLOWED = (
    "school:pupil_waiting",
    "logout",
    "school:privacy",
    "school:privacy_export",
    "accessibility",
    "legal",
)
API_PREFIX = "/api/"


@cache
def _allowed_paths() -> frozenset[str]:
    return frozenset(reverse(name) for name in WAITING_PUPIL_ALLOWED)


# Set in a pupil's session once they are seen accepted (approval is never taken back: a refused
# pupil is erased, sessions included), so that the profile is read once per session, not on
# every request. It holds the user's id: a session flushed at the next login drops it anyway.
SESSION_APPROVED_KEY = "hemicycle_pupil_approved"


def pupil_is_waiting(user) -> bool:
    """Whether `user` is a pupil whose joining a teacher has not accepted yet."""
    if not (user.is_authenticated and getattr(user, "is_pupil", False)):
        return False
    profile = user.pupil_profile
    return profile is not None and profile.is_waiting


def _request_is_waiting(request) -> bool:
    user = request.user
    if not (user.is_authenticated and getattr(user, "is_pupil", False)):
        return False
    if request.session.get(SESSION_APPROVED_KEY) == user.pk:
        return False
    if pupil_is_waiting(user):
        return True
    request.session[SESSION_APPROVED_KEY] = user.pk
    return False


def pupil_session_mark(sender, request, user, **kwargs):
    """At login (a user_logged_in receiver, see SchoolConfig.ready): an accepted pupil's session
    is marked at once, so that their requests read nothing more than before approval existed."""
    if request is not None and hasattr(request, "session"):
        request.session.pop(SESSION_APPROVED_KEY, None)
        if getattr(user, "is_pupil", False) and not pupil_is_waiting(user):
            request.session[SESSION_APPROVED_KEY] = user.pk


def _session_touched(request, user):
    request.session.accessed = True
    return user


class WaitingPupilMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info in _allowed_paths():
            return self.get_response(request)
        # Reading the user reads the session, which makes the response vary on the cookie: a
        # public page that never looks at the user would lose its shared caching. Let the
        # response vary only if the view itself reads the user (the user is not read twice).
        accessed = getattr(request.session, "accessed", False)
        waiting = _request_is_waiting(request)
        if not waiting:
            user = request.user
            request.session.accessed = accessed
            request.user = SimpleLazyObject(lambda: _session_touched(request, user))
            return self.get_response(request)
        if request.path_info.startswith(API_PREFIX):
            error = RequestError(ROLE_REFUSED)
            return JsonResponse(error.body(), status=error.status)
        return redirect("school:pupil_waiting")
