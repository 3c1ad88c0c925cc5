"""Courses API: assignments and progress. Views validate, call one service or selector and
serialise; permissions come from school.permissions (through school.api.permissions)."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from config.pagination import paginated
from courses.selectors import (
    assignment_list_visible,
    class_progress_summary,
    pupil_progress_detail,
)
from courses.services import assignment_create, assignment_delete
from school.api.permissions import API_AUTHENTICATION_CLASSES, FollowsClasswork
from school.permissions import can_manage_classrooms, classrooms_managed_by

from .serializers import (
    AssignmentCreateInputSerializer,
    AssignmentListFilterSerializer,
    AssignmentSerializer,
    ProgressFilterSerializer,
    ProgressRowSerializer,
    progress_entries,
)

CLASSROOM_REQUIRED = _("Précisez la classe : ?classroom=<identifiant>.")

CLASSROOM_PARAMETER = OpenApiParameter(
    "classroom",
    int,
    description=_("Identifiant d'une classe (obligatoire pour les enseignants)."),
)


@extend_schema_view(
    list=extend_schema(
        summary=_("Devoirs"),
        description=_("Ceux des classes de l'enseignant, ou ceux de la classe de l'élève."),
        parameters=[CLASSROOM_PARAMETER],
    ),
    retrieve=extend_schema(summary=_("Un devoir")),
    create=extend_schema(
        summary=_("Donner un cours ou une leçon à une classe"),
        request=AssignmentCreateInputSerializer,
        responses={201: AssignmentSerializer},
    ),
    destroy=extend_schema(summary=_("Retirer un devoir")),
)
class AssignmentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    authentication_classes = API_AUTHENTICATION_CLASSES
    permission_classes = [FollowsClasswork]
    serializer_class = AssignmentSerializer

    def get_queryset(self):
        return assignment_list_visible(user=self.request.user)

    def list(self, request, *args, **kwargs):
        filters = AssignmentListFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        assignments = self.get_queryset()
        if "classroom" in filters.validated_data:
            assignments = assignments.filter(classroom_id=filters.validated_data["classroom"])
        return paginated(self, assignments, AssignmentSerializer)

    def create(self, request, *args, **kwargs):
        data = AssignmentCreateInputSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        assignment = assignment_create(teacher=request.user, **data.validated_data)
        return Response(AssignmentSerializer(assignment).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        assignment_delete(assignment=instance)


class ProgressView(GenericAPIView):
    """One row per pupil × lesson given to the class (the teacher's class table, flattened). A
    teacher names one of their classes; a pupil sees only their own rows."""

    authentication_classes = API_AUTHENTICATION_CLASSES
    permission_classes = [FollowsClasswork]
    serializer_class = ProgressRowSerializer

    @extend_schema(
        summary=_("Progression"),
        description=_(
            "Une ligne par élève et par leçon donnée à la classe : statut, tentatives de quiz et "
            "meilleur score. Un enseignant précise la classe ; un élève ne voit que ses propres "
            "lignes."
        ),
        parameters=[CLASSROOM_PARAMETER],
        responses={200: ProgressRowSerializer(many=True)},
    )
    def get(self, request):
        filters = ProgressFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        classroom_id = filters.validated_data.get("classroom")
        if can_manage_classrooms(request.user):
            if classroom_id is None:
                raise exceptions.ValidationError({"classroom": [CLASSROOM_REQUIRED]})
            classroom = get_object_or_404(classrooms_managed_by(request.user), pk=classroom_id)
            rows = class_progress_summary(classroom=classroom).rows
        else:
            pupil = request.user.pupil_profile
            if classroom_id not in (None, getattr(pupil, "classroom_id", None)):
                raise exceptions.NotFound()
            rows = [pupil_progress_detail(pupil=pupil)] if pupil else []
        return paginated(self, progress_entries(rows), ProgressRowSerializer)
