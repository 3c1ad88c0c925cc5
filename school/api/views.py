"""School API: classes, their pupils, API tokens. Views validate, call one service or selector and
serialise; permissions come from school.permissions (through .permissions)."""

from django.contrib.auth import authenticate
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle

from config.pagination import paginated
from school.permissions import can_obtain_api_token
from school.selectors import api_tokens_for_user, classroom_pupils, classrooms_for_manager
from school.services import (
    API_TOKEN_REFUSED,
    CREDENTIALS_INVALID,
    LOCKED_OUT,
    SchoolError,
    api_token_create,
    api_token_revoke,
    classroom_create,
    pupils_bulk_create,
)
from school.throttles import HashingRateThrottle

from .authentication import ApiTokenAuthentication
from .permissions import (
    API_AUTHENTICATION_CLASSES,
    HoldsApiTokens,
    ManagesClassrooms,
    UsesApiToken,
)
from .serializers import (
    ApiTokenSerializer,
    ClassroomCreateInputSerializer,
    ClassroomSerializer,
    PupilCredentialsSerializer,
    PupilsBulkCreateInputSerializer,
    PupilSerializer,
    TokenObtainInputSerializer,
    TokenSerializer,
)


@extend_schema_view(
    list=extend_schema(
        summary=_("Classes de l'enseignant"),
        description=_("Les classes de l'enseignant connecté (toutes pour un administrateur)."),
    ),
    retrieve=extend_schema(summary=_("Une classe")),
    create=extend_schema(
        summary=_("Créer une classe"),
        request=ClassroomCreateInputSerializer,
        responses={201: ClassroomSerializer},
    ),
)
class ClassroomViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Teachers' classes: a teacher sees and creates only their own, an administrator all."""

    authentication_classes = API_AUTHENTICATION_CLASSES
    permission_classes = [ManagesClassrooms]
    serializer_class = ClassroomSerializer

    def get_queryset(self):
        return classrooms_for_manager(user=self.request.user)

    def create(self, request, *args, **kwargs):
        data = ClassroomCreateInputSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        classroom = classroom_create(teacher=request.user, **data.validated_data)
        created = self.get_queryset().get(pk=classroom.pk)
        return Response(ClassroomSerializer(created).data, status=status.HTTP_201_CREATED)


class ClassroomPupilsView(GenericAPIView):
    """A class's pupils (pseudonyms only); bulk creation returns their credentials, once."""

    authentication_classes = API_AUTHENTICATION_CLASSES
    permission_classes = [ManagesClassrooms]
    serializer_class = PupilSerializer

    def get_classroom(self):
        classroom = get_object_or_404(
            classrooms_for_manager(user=self.request.user), pk=self.kwargs["classroom_id"]
        )
        self.check_object_permissions(self.request, classroom)
        return classroom

    @extend_schema(
        summary=_("Élèves d'une classe"),
        description=_("Pseudonymes et identifiants des élèves, sans aucun code secret."),
        responses={200: PupilSerializer(many=True)},
    )
    def get(self, request, classroom_id: int):
        pupils = classroom_pupils(classroom=self.get_classroom())
        return paginated(self, pupils, PupilSerializer)

    @extend_schema(
        summary=_("Créer des comptes élèves"),
        description=_(
            "Renvoie les identifiants une seule fois : le code secret n'est pas conservé."
        ),
        request=PupilsBulkCreateInputSerializer,
        responses={201: PupilCredentialsSerializer(many=True)},
    )
    def post(self, request, classroom_id: int):
        classroom = self.get_classroom()
        data = PupilsBulkCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        credentials = pupils_bulk_create(classroom=classroom, count=data.validated_data["count"])
        response = Response(
            PupilCredentialsSerializer(credentials, many=True).data,
            status=status.HTTP_201_CREATED,
        )
        response["Cache-Control"] = "no-store"
        return response


class TokenObtainView(GenericAPIView):
    """A new API token for a teacher, from their username and password, at each request. Pupils
    (minors) and editors are refused; failures count towards django-axes' lockout like any other
    login."""

    authentication_classes = []
    permission_classes = [AllowAny]
    # Ours counts before the password is hashed; DRF's bounds the rest of the anonymous calls.
    throttle_classes = [HashingRateThrottle, AnonRateThrottle]
    serializer_class = TokenObtainInputSerializer

    @extend_schema(
        summary=_("Obtenir un jeton d'API (enseignants)"),
        description=_(
            "Échange l'identifiant et le mot de passe d'un enseignant contre un nouveau jeton, "
            "montré cette seule fois, à envoyer ensuite dans l'en-tête « Authorization: Token "
            "<jeton> » jusqu'à son expiration. Refusé aux élèves et aux rédacteurs."
        ),
        request=TokenObtainInputSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(description=_("Identifiants incorrects ou incomplets.")),
            403: OpenApiResponse(description=_("Compte qui ne peut pas avoir de jeton.")),
            409: OpenApiResponse(description=_("Trop de jetons actifs : en révoquer un.")),
            429: OpenApiResponse(description=_("Trop de tentatives.")),
        },
    )
    def post(self, request):
        data = TokenObtainInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(request, **data.validated_data)
        if getattr(request, "axes_locked_out", False):
            raise SchoolError(LOCKED_OUT)
        if user is None:
            raise SchoolError(CREDENTIALS_INVALID)
        if not can_obtain_api_token(user):
            raise SchoolError(API_TOKEN_REFUSED)
        instance, token = api_token_create(user=user)
        response = Response(TokenSerializer({**vars(instance), "token": token}).data)
        response["Cache-Control"] = "no-store"
        return response


class TokenLogoutView(GenericAPIView):
    """Revoke the token the request is made with (a session is logged out by the site)."""

    authentication_classes = [ApiTokenAuthentication]
    permission_classes = [IsAuthenticated, UsesApiToken]
    serializer_class = None

    @extend_schema(
        summary=_("Révoquer le jeton utilisé (déconnexion)"),
        request=None,
        responses={204: None},
    )
    def post(self, request):
        api_token_revoke(user=request.user, key=request.auth.token_key)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ApiTokenListView(GenericAPIView):
    """The caller's own live API tokens, without the tokens themselves."""

    authentication_classes = API_AUTHENTICATION_CLASSES
    permission_classes = [HoldsApiTokens]
    serializer_class = ApiTokenSerializer

    @extend_schema(
        summary=_("Mes jetons d'API"),
        description=_("Les premiers caractères, la création et l'expiration de chaque jeton."),
        responses={200: ApiTokenSerializer(many=True)},
    )
    def get(self, request):
        tokens = api_tokens_for_user(user=request.user)
        return paginated(self, tokens, ApiTokenSerializer)


class ApiTokenDetailView(GenericAPIView):
    """Revoke one of the caller's tokens; anyone else's is not found."""

    authentication_classes = API_AUTHENTICATION_CLASSES
    permission_classes = [HoldsApiTokens]
    serializer_class = None

    @extend_schema(
        summary=_("Révoquer un de mes jetons d'API"),
        request=None,
        responses={204: None},
    )
    def delete(self, request, key: str):
        if not api_token_revoke(user=request.user, key=key):
            raise Http404
        return Response(status=status.HTTP_204_NO_CONTENT)
