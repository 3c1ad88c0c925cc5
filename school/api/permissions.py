"""DRF permission classes: thin wrappers over the predicates of school.permissions.

A role that may never use an endpoint gets 403; anonymous requests get 401. Objects outside the
user's scope are filtered out of the querysets first, so they answer 404 and reveal nothing."""

from django.utils.translation import gettext_lazy as _
from knox.models import AuthToken
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import SAFE_METHODS, BasePermission

from school.permissions import (
    can_follow_classwork,
    can_manage_classroom,
    can_manage_classrooms,
    can_obtain_api_token,
    can_view_classroom,
)

from .authentication import ApiTokenAuthentication

# Token first so that an anonymous request gets 401 with `WWW-Authenticate: Token`.
API_AUTHENTICATION_CLASSES = [ApiTokenAuthentication, SessionAuthentication]


class ManagesClassrooms(BasePermission):
    message = _("Réservé aux enseignants et aux administrateurs.")

    def has_permission(self, request, view):
        return can_manage_classrooms(request.user)

    def has_object_permission(self, request, view, obj):
        return can_manage_classroom(request.user, obj)


class FollowsClasswork(BasePermission):
    """Read for pupils of the class and its teachers; writes for its teachers only. `obj` is
    anything with a `classroom`."""

    message = _("Cette action est réservée aux enseignants de la classe.")

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS:
            return can_follow_classwork(request.user)
        return can_manage_classrooms(request.user)

    def has_object_permission(self, request, view, obj):
        if request.method in SAFE_METHODS:
            return can_view_classroom(request.user, obj.classroom)
        return can_manage_classroom(request.user, obj.classroom)


class HoldsApiTokens(BasePermission):
    """Listing and revoking one's own API tokens: whoever may obtain one (teachers)."""

    message = _("Les jetons d'API sont réservés aux enseignants.")

    def has_permission(self, request, view):
        return can_obtain_api_token(request.user)


class UsesApiToken(BasePermission):
    """Only a request made with an API token can revoke that token."""

    message = _("Cette action se fait avec un jeton d'API.")

    def has_permission(self, request, view):
        return isinstance(request.auth, AuthToken)
