"""Consultations API: list, detail, creation, opening and closing, the ballot, the liste
d'émargement and the results. Views validate, call one service or selector and serialise;
permissions are the predicates of classroom_votes.consultations.permissions.

Statuses. 401 without a login; 403 for a role that may never do this (an editor anywhere, a
pupil managing, a teacher voting) or for a visible consultation the user may not act on; 404
for a consultation the user may not see, whatever the method. Errors of the services answer
`{"code", "detail"}`: 400 for bad input, 409 when the consultation's state refuses the action
(already voted, not open yet, closed, already open), 413 for an oversized ballot.

Secret ballot: the ballot's content is read once, handed to the service and never echoed,
logged or stored beside the pupil; the receipt says « a voté » and nothing else."""

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from classroom_votes import tallies
from classroom_votes.api import common
from classroom_votes.api.common import INPUT_INVALID, ROLE_REFUSED, error_response, route_action
from classroom_votes.consultations import services
from classroom_votes.consultations.permissions import (
    can_create_consultation,
    can_manage_consultation,
    can_view_consultation,
    can_view_participation,
    can_view_results,
    can_vote,
)
from classroom_votes.consultations.selectors import (
    consultation_participation,
    consultation_results,
    consultations_visible_to,
)
from classroom_votes.models import Consultation, Participation
from school.api.permissions import API_AUTHENTICATION_CLASSES
from school.permissions import can_manage_classrooms, can_view_classroom, is_pupil_account

from .serializers import (
    BallotCastInputSerializer,
    ClassParticipationSerializer,
    ConsultationCreateInputSerializer,
    ConsultationListSerializer,
    ConsultationResultsSerializer,
    ConsultationSerializer,
    ErrorSerializer,
    InputErrorSerializer,
    ReceiptSerializer,
    ResultsFilterSerializer,
    consultation_entry,
    results_entry,
)

# A ballot is a few hundred bytes; 40 majority-judgment grades stay well under this.
BALLOT_MAX_BODY_BYTES = 16 * 1024
BALLOT_TOO_LARGE = "ballot_too_large"
ACTION_REFUSED = "action_refused"

MESSAGES = {
    **common.MESSAGES,
    BALLOT_TOO_LARGE: _("Ce bulletin est trop volumineux (16 Ko au plus)."),
    ACTION_REFUSED: _("Cette action n'est pas permise sur cette consultation."),
}

# Which status each service refusal answers; any other code is bad input (400).
ERROR_STATUS = {
    services.NOT_A_PUPIL: status.HTTP_403_FORBIDDEN,
    services.CONSULTATION_NOT_IN_YOUR_CLASS: status.HTTP_403_FORBIDDEN,
    services.CLASSROOM_ARCHIVED: status.HTTP_403_FORBIDDEN,
    services.CONSULTATION_NOT_ALLOWED: status.HTTP_403_FORBIDDEN,
    services.CONSULTATION_CLASSROOM_NOT_MANAGED: status.HTTP_400_BAD_REQUEST,
    services.CONSULTATION_NOT_FOUND: status.HTTP_404_NOT_FOUND,
    services.BALLOT_ALREADY_CAST: status.HTTP_409_CONFLICT,
    services.CONSULTATION_NOT_OPEN: status.HTTP_409_CONFLICT,
    services.CONSULTATION_CLOSED: status.HTTP_409_CONFLICT,
    services.CONSULTATION_ALREADY_OPEN: status.HTTP_409_CONFLICT,
}
# The dates of a draft that may no longer open are a conflict too, not the request's fault.
STATE_ERROR_STATUS = ERROR_STATUS | {services.CONSULTATION_DATES_PAST: status.HTTP_409_CONFLICT}


def _service_error(error: services.VoteError, statuses=ERROR_STATUS) -> Response:
    return error_response(
        error.code,
        error.message,
        status_code=statuses.get(error.code, status.HTTP_400_BAD_REQUEST),
    )


def _refusal(code: str, message) -> dict:
    return {"code": code, "detail": str(message)}


class ConsultationAccess(BasePermission):
    """Roles first (has_permission), then the consultation's predicate (objects outside
    consultations_visible_to are 404 before this runs). Refusals carry a code."""

    ROLE_RULES = {
        "create": can_create_consultation,
        "ballot": is_pupil_account,
        "open": can_manage_classrooms,
        "close": can_manage_classrooms,
        "participation": can_manage_classrooms,
    }
    OBJECT_RULES = {
        "retrieve": can_view_consultation,
        "open": can_manage_consultation,
        "close": can_manage_consultation,
        "participation": can_view_participation,
        "results": can_view_results,
    }

    def has_permission(self, request, view):
        user = request.user
        if not user.is_authenticated:
            return False
        rule = self.ROLE_RULES.get(route_action(view))
        if rule is None:  # reading: those who have classes, as teachers or pupils
            allowed = can_manage_classrooms(user) or is_pupil_account(user)
        else:
            allowed = rule(user)
        if not allowed:
            code = services.NOT_A_PUPIL if route_action(view) == "ballot" else ROLE_REFUSED
            self.message = _refusal(code, services.ERROR_MESSAGES.get(code) or MESSAGES[code])
        return allowed

    def has_object_permission(self, request, view, obj):
        rule = self.OBJECT_RULES.get(route_action(view))
        allowed = rule is None or rule(request.user, obj)
        if not allowed:
            self.message = _refusal(ACTION_REFUSED, MESSAGES[ACTION_REFUSED])
        return allowed


ERRORS = {
    401: OpenApiResponse(description=_("Non connecté.")),
    403: OpenApiResponse(ErrorSerializer, description=_("Rôle ou consultation non permis.")),
    404: OpenApiResponse(ErrorSerializer, description=_("Consultation introuvable pour vous.")),
}
STATE_CONFLICT = OpenApiResponse(
    ErrorSerializer, description=_("L'état de la consultation refuse l'action.")
)
ID_PARAMETER = OpenApiParameter("id", int, OpenApiParameter.PATH)
CLASSROOM_PARAMETER = OpenApiParameter(
    "classroom",
    int,
    description=_("Les résultats d'une seule classe participante (que vous pouvez voir)."),
)


@extend_schema_view(
    list=extend_schema(
        summary=_("Consultations"),
        description=_(
            "Celles que l'utilisateur peut voir : celles de ses classes (élèves : une fois "
            "ouvertes), toutes pour un administrateur."
        ),
        responses={200: ConsultationListSerializer(many=True), **ERRORS},
    ),
    retrieve=extend_schema(
        summary=_("Une consultation"),
        description=_(
            "La question, le contexte, les options, les trois panneaux de sources, l'état et "
            "les dates ; pour un élève, s'il a voté et s'il peut voter."
        ),
        parameters=[ID_PARAMETER],
        responses={200: ConsultationSerializer, **ERRORS},
    ),
    create=extend_schema(
        summary=_("Créer une consultation (brouillon)"),
        description=_(
            "Dans des classes de l'enseignant. Les erreurs répondent 400 avec un code et un "
            "message ; rien n'est enregistré."
        ),
        request=ConsultationCreateInputSerializer,
        responses={201: ConsultationSerializer, 400: InputErrorSerializer, **ERRORS},
    ),
)
class ConsultationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    authentication_classes = API_AUTHENTICATION_CLASSES
    permission_classes = [ConsultationAccess]
    serializer_class = ConsultationListSerializer
    pagination_class = None
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self):
        consultations = consultations_visible_to(user=self.request.user)
        if self.action == "ballot":
            # Casting needs no options nor panels here: the service reads what it checks.
            return consultations
        return consultations.prefetch_related("options", "sources")

    def get_object(self):
        consultation = get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        self.check_object_permissions(self.request, consultation)
        return consultation

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if self.action is None and "pk" in kwargs:
            # A method this route does not take: the consultation is still looked up first, so
            # that one the user may not see answers 404 whatever the method.
            self.get_object()

    def handle_exception(self, exc):
        if isinstance(exc, exceptions.NotFound | Http404):
            exc = exceptions.NotFound(
                _refusal(
                    services.CONSULTATION_NOT_FOUND,
                    services.ERROR_MESSAGES[services.CONSULTATION_NOT_FOUND],
                )
            )
        return super().handle_exception(exc)

    def _detail(self, consultation: Consultation) -> dict:
        user = self.request.user
        classes = consultation.classrooms.order_by("name", "pk")
        if not can_manage_consultation(user, consultation):
            classes = classes.filter(Q(teachers=user) | Q(pupils__user=user)).distinct()
        pupil = is_pupil_account(user)
        entry = consultation_entry(
            consultation,
            phase=consultation.phase(now=timezone.now()),
            classes=list(classes),
            has_voted=(
                Participation.objects.filter(consultation=consultation, user=user).exists()
                if pupil
                else None
            ),
            can_vote=can_vote(user, consultation) if pupil else None,
        )
        return ConsultationSerializer(entry).data

    def list(self, request, *args, **kwargs):
        consultations = consultations_visible_to(user=request.user)
        return Response(ConsultationListSerializer(consultations, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        return Response(self._detail(self.get_object()))

    def create(self, request, *args, **kwargs):
        data = ConsultationCreateInputSerializer(data=request.data)
        if not data.is_valid():
            return error_response(
                INPUT_INVALID,
                MESSAGES[INPUT_INVALID],
                status_code=status.HTTP_400_BAD_REQUEST,
                fields=data.errors,
            )
        try:
            consultation = services.consultation_create(owner=request.user, **data.validated_data)
        except services.ConsultationError as error:
            return _service_error(error)
        created = self.get_queryset().get(pk=consultation.pk)
        return Response(self._detail(created), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("Ouvrir le vote"),
        request=None,
        responses={200: ConsultationSerializer, 409: STATE_CONFLICT, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def open(self, request, pk=None):
        try:
            consultation = services.consultation_open(
                consultation=self.get_object(), by=request.user
            )
        except services.ConsultationError as error:
            return _service_error(error, STATE_ERROR_STATUS)
        return Response(self._detail(consultation))

    @extend_schema(
        summary=_("Clore le vote"),
        description=_("Aucun bulletin n'est plus accepté ; les inscrits sont figés."),
        request=None,
        responses={200: ConsultationSerializer, 409: STATE_CONFLICT, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        try:
            consultation = services.consultation_close(
                consultation=self.get_object(), by=request.user
            )
        except services.ConsultationError as error:
            return _service_error(error, STATE_ERROR_STATUS)
        return Response(self._detail(consultation))

    @extend_schema(
        summary=_("Voter"),
        description=_(
            "Élèves des classes de la consultation, une seule fois. Répond « a voté » : la "
            "consultation et le jour, jamais le bulletin. 400 : bulletin invalide ; 403 : pas "
            "élève, ou classe archivée ; 404 : consultation introuvable (ou d'une autre "
            "classe) ; 409 : déjà voté, vote pas encore ouvert ou clos ; 413 : plus de 16 Ko. "
            "Aucune erreur n'enregistre quoi que ce soit."
        ),
        request=BallotCastInputSerializer,
        responses={
            201: ReceiptSerializer,
            400: ErrorSerializer,
            409: ErrorSerializer,
            413: ErrorSerializer,
            **ERRORS,
        },
    )
    @action(detail=True, methods=["post"])
    def ballot(self, request, pk=None):
        # The service's one query checks the consultation, the pupil's class, the phase and a
        # previous vote, so a cast that goes through looks nothing up here. Only a refusal
        # looks the consultation up (get_object), so that one the pupil may not see answers
        # 404 whatever else is wrong, as it did when that lookup came first.
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = BALLOT_MAX_BODY_BYTES + 1
        if length > BALLOT_MAX_BODY_BYTES:
            return error_response(
                BALLOT_TOO_LARGE,
                MESSAGES[BALLOT_TOO_LARGE],
                status_code=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
            )
        try:
            data = BallotCastInputSerializer(data=request.data)
            valid = data.is_valid()
        except (exceptions.ParseError, exceptions.UnsupportedMediaType):
            valid = False
        if not valid:
            self.get_object()
            # Never the serializer's errors: they could quote the content.
            return error_response(
                tallies.BALLOT_MALFORMED,
                tallies.ERROR_MESSAGES[tallies.BALLOT_MALFORMED],
                status_code=status.HTTP_400_BAD_REQUEST,
            )
        try:
            receipt = services.ballot_check_and_cast(
                user=request.user, consultation_id=pk, content=data.validated_data["content"]
            )
        except services.BallotError as error:
            self.get_object()
            return _service_error(error)
        response = Response(ReceiptSerializer(receipt).data, status=status.HTTP_201_CREATED)
        response["Cache-Control"] = "no-store"
        return response

    @extend_schema(
        summary=_("Liste d'émargement"),
        description=_(
            "Par classe : inscrits, votants et pseudonymes de ceux qui ont voté — jamais ce "
            "qu'ils ont voté. Réservé à ceux qui gèrent la consultation."
        ),
        responses={200: ClassParticipationSerializer(many=True), **ERRORS},
    )
    @action(detail=True, methods=["get"])
    def participation(self, request, pk=None):
        rows = consultation_participation(consultation=self.get_object())
        return Response(ClassParticipationSerializer(rows, many=True).data)

    @extend_schema(
        summary=_("Résultats"),
        description=_(
            "Publiés après la clôture (ou en direct si l'enseignant l'a choisi) et seulement "
            "au-delà du nombre minimal de bulletins ; sinon `published` est faux et `reason` "
            "dit pourquoi. `result` suit le mode de scrutin : lignes par option (mentions pour "
            "le jugement majoritaire), gagnant ou égalité, et `details` propres à la méthode."
        ),
        parameters=[CLASSROOM_PARAMETER],
        responses={200: ConsultationResultsSerializer, 400: InputErrorSerializer, **ERRORS},
    )
    @action(detail=True, methods=["get"])
    def results(self, request, pk=None):
        consultation = self.get_object()
        filters = ResultsFilterSerializer(data=request.query_params)
        if not filters.is_valid():
            return error_response(
                INPUT_INVALID,
                MESSAGES[INPUT_INVALID],
                status_code=status.HTTP_400_BAD_REQUEST,
                fields=filters.errors,
            )
        classroom = None
        classroom_id = filters.validated_data.get("classroom")
        if classroom_id is not None:
            classroom = consultation.classrooms.filter(pk=classroom_id).first()
            if classroom is None or not (
                can_manage_consultation(request.user, consultation)
                or can_view_classroom(request.user, classroom)
            ):
                raise exceptions.NotFound()
        results = consultation_results(consultation=consultation, classroom=classroom)
        return Response(ConsultationResultsSerializer(results_entry(results)).data)
