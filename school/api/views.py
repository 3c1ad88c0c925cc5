"""School API: classes, their pupils, API tokens. Views validate, call one service or selector and
serialise; permissions come from school.permissions (through .permissions)."""

from django.contrib.auth import authenticate
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle

from school.permissions import can_obtain_api_token
from school.selectors import classroom_pupils, classrooms_for_manager
from school.services import (
    API_TOKEN_REFUSED,
    CREDENTIALS_INVALID,
    LOCKED_OUT,
    SchoolError,
    api_token_get_or_create,
    classroom_create,
    pupils_bulk_create,
)

from .permissions import API_AUTHENTICATION_CLASSES, ManagesClassrooms
from .serializers import (
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
    pagination_class = None

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
        return Response(PupilSerializer(pupils, many=True).data)

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
    """A teacher's API token from their username and password. Pupils (minors) and editors are
    refused; failures count towards django-axes' lockout like any other login."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [AnonRateThrottle]
    serializer_class = TokenObtainInputSerializer

    @extend_schema(
        summary=_("Obtenir un jeton d'API (enseignants)"),
        description=_(
            "Échange l'identifiant et le mot de passe d'un enseignant contre un jeton, à envoyer "
            "ensuite dans l'en-tête « Authorization: Token <jeton> ». Refusé aux élèves et aux "
            "rédacteurs."
        ),
        request=TokenObtainInputSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(description=_("Identifiants incorrects ou incomplets.")),
            403: OpenApiResponse(description=_("Compte qui ne peut pas avoir de jeton.")),
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
        token = api_token_get_or_create(user=user)
        response = Response(TokenSerializer(token).data)
        response["Cache-Control"] = "no-store"
        return response
