"""What the consultations and debates APIs share: the viewset they start from and the way they
refuse, both over the components' contract (classroom_votes.components).

Statuses. 401 without a login; 403 for a role that may never do this (an editor anywhere, a
pupil moderating, a teacher voting) or for a visible object the user may not act on; 404 for an
object the user may not see, whatever the method (a route that does not take the method looks
the object up before answering 405). Every refusal answers the API's one error body
(config.api_errors), with the HTTP status of its kind (school.errors)."""

from collections.abc import Callable

from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions, viewsets
from rest_framework.permissions import BasePermission

from school.api.permissions import API_AUTHENTICATION_CLASSES
from school.errors import ROLE_REFUSED, DomainError, RequestError
from school.permissions import can_manage_classrooms, is_pupil_account

from ..components import id_or_none

# action -> (predicate, refusal code)
Rule = tuple[Callable[..., bool], str]
# The `id` of a component's or a post's address, documented as the integer it is.
ID_PARAMETER = OpenApiParameter("id", int, OpenApiParameter.PATH)


def route_action(view) -> str | None:
    """The action of the request, or the route's own for a method the route does not take,
    so that such a request is refused exactly as the route's action would be."""
    return view.action or next(iter(view.action_map.values()), None)


def takes_part(user) -> bool:
    """Those who have classes, as teachers (and administrators) or as pupils: who may use the
    components at all. Editors and other accounts may not."""
    return can_manage_classrooms(user) or is_pupil_account(user)


class ComponentAccess(BasePermission):
    """Roles first (has_permission: `role_rules`, else `takes_part`), then the object's
    predicate (`object_rules`; objects the user may not see are 404 before this runs). A
    refusal carries its code and the French message of the view's `error_class`."""

    role_rules: dict[str, Rule] = {}
    object_rules: dict[str, Rule] = {}

    def _refuse(self, view, code: str) -> bool:
        error = view.error_class(code) if code in view.error_class.messages else None
        error = error or RequestError(code)
        self.code, self.message = error.code, error.message
        return False

    def has_permission(self, request, view):
        user = request.user
        if not user.is_authenticated:
            return False  # DRF answers 401
        predicate, code = self.role_rules.get(route_action(view), (takes_part, ROLE_REFUSED))
        return predicate(user) or self._refuse(view, code)

    def has_object_permission(self, request, view, obj):
        rule = self.object_rules.get(route_action(view))
        if rule is None:
            return True
        predicate, code = rule
        return predicate(request.user, obj) or self._refuse(view, code)


class ComponentViewSet(viewsets.GenericViewSet):
    """`error_class` is the component's DomainError; `not_found_code` its code for an object
    the user may not see. Views validate, call one service or selector and serialise; a
    service's refusal needs no catching (the API's exception handler answers it)."""

    authentication_classes = API_AUTHENTICATION_CLASSES
    lookup_value_regex = r"[0-9]+"
    max_body_bytes: int | None = None  # an action may set its own (config.middleware)
    error_class: type[DomainError]
    not_found_code: str

    @property
    def not_found_error(self) -> DomainError:
        return self.error_class(self.not_found_code)

    def get_object(self):
        """The object of the URL among get_queryset(), or 404; then the object's rules."""
        pk = id_or_none(self.kwargs["pk"])
        obj = None if pk is None else self.get_queryset().filter(pk=pk).first()
        if obj is None:
            raise exceptions.NotFound()
        self.check_object_permissions(self.request, obj)
        return obj

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if self.action is None and "pk" in kwargs:
            # A method this route does not take: the object is still looked up first, so that
            # one the user may not see answers 404 (and one they may not act on 403).
            self.get_object()

    def input(self, serializer_class) -> dict:
        """The request's validated data; bad input raises (400, field by field)."""
        data = serializer_class(data=self.request.data)
        data.is_valid(raise_exception=True)
        return data.validated_data
