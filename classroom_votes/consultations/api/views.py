"""Consultations API: list, detail, creation, opening and closing, the ballot, the liste
d'émargement and the results. Views validate, call one service or selector and serialise;
permissions are the predicates of classroom_votes.consultations.permissions, statuses and the
error body those of classroom_votes.api.common.

Secret ballot: the ballot's content is read once, handed to the service and never echoed,
logged or stored beside the pupil; the receipt says « a voté » and nothing else."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from classroom_votes import tallies
from classroom_votes.api.common import ID_PARAMETER, ComponentAccess, ComponentViewSet
from classroom_votes.components import NOT_A_PUPIL, component_classes_for
from classroom_votes.consultations import services
from classroom_votes.consultations.permissions import (
    can_create_consultation,
    can_create_second_round,
    can_manage_consultation,
    can_view_consultation,
    can_view_participation,
    can_view_results,
    can_vote,
)
from classroom_votes.consultations.selectors import (
    consultation_participation,
    consultation_results,
    consultation_rounds,
    consultations_visible_to,
)
from classroom_votes.models import Consultation, Participation
from config.pagination import paginated
from school.errors import ROLE_REFUSED
from school.permissions import can_manage_classrooms, can_view_classroom, is_pupil_account

from .serializers import (
    BallotCastInputSerializer,
    ClassParticipationSerializer,
    ConsultationCreateInputSerializer,
    ConsultationListSerializer,
    ConsultationResultsSerializer,
    ConsultationSerializer,
    ReceiptSerializer,
    ResultsFilterSerializer,
    consultation_entry,
    results_entry,
)

# A ballot is a few hundred bytes; 40 majority-judgment grades stay well under this.
BALLOT_MAX_BODY_BYTES = 16 * 1024


def _ballot_content(request) -> dict | None:
    """The ballot of the request's body, as BallotCastInputSerializer validates it, or None if
    the body is not one. A JSON object's `content` that is an object is taken as it is (what
    the serializer would give, for a few µs instead of a serializer built per vote); any other
    body (a form, a malformed one) goes through the serializer."""
    try:
        data = request.data
        if type(data) is dict:
            content = data.get("content")
            if type(content) is dict:
                return content
        serializer = BallotCastInputSerializer(data=data)
        return serializer.validated_data["content"] if serializer.is_valid() else None
    except (exceptions.ParseError, exceptions.UnsupportedMediaType):
        return None


class ConsultationAccess(ComponentAccess):
    role_rules = {
        "create": (can_create_consultation, ROLE_REFUSED),
        "ballot": (is_pupil_account, NOT_A_PUPIL),
        "open": (can_manage_classrooms, ROLE_REFUSED),
        "close": (can_manage_classrooms, ROLE_REFUSED),
        "participation": (can_manage_classrooms, ROLE_REFUSED),
        "second_round": (can_manage_classrooms, ROLE_REFUSED),
    }
    object_rules = {
        "retrieve": (can_view_consultation, services.CONSULTATION_NOT_ALLOWED),
        "open": (can_manage_consultation, services.CONSULTATION_NOT_ALLOWED),
        "close": (can_manage_consultation, services.CONSULTATION_NOT_ALLOWED),
        "participation": (can_view_participation, services.CONSULTATION_NOT_ALLOWED),
        "results": (can_view_results, services.CONSULTATION_NOT_ALLOWED),
        "second_round": (can_create_second_round, services.CONSULTATION_NOT_ALLOWED),
    }


STATE_CONFLICT = OpenApiResponse(description=_("L'état de la consultation refuse l'action."))
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
        responses={200: ConsultationListSerializer(many=True)},
    ),
    retrieve=extend_schema(
        summary=_("Une consultation"),
        description=_(
            "La question, le contexte, les options, les trois panneaux de sources, l'état et "
            "les dates ; pour un élève, s'il a voté et s'il peut voter."
        ),
        parameters=[ID_PARAMETER],
        responses={200: ConsultationSerializer},
    ),
    create=extend_schema(
        summary=_("Créer une consultation (brouillon)"),
        description=_(
            "Dans des classes de l'enseignant. Les erreurs répondent 400 avec un code et un "
            "message ; rien n'est enregistré."
        ),
        request=ConsultationCreateInputSerializer,
        responses={201: ConsultationSerializer},
    ),
)
class ConsultationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ComponentViewSet):
    permission_classes = [ConsultationAccess]
    serializer_class = ConsultationListSerializer
    error_class = services.VoteError
    not_found_code = services.CONSULTATION_NOT_FOUND

    def get_queryset(self):
        consultations = consultations_visible_to(user=self.request.user)
        if self.action == "ballot":
            # Casting needs no options nor panels here: the service reads what it checks.
            return consultations
        return consultations.prefetch_related("options", "sources")

    def _detail(self, consultation: Consultation) -> dict:
        user = self.request.user
        manager = can_manage_consultation(user, consultation)
        classes = component_classes_for(user, consultation, manager=manager)
        pupil = is_pupil_account(user)
        rounds = consultation_rounds(consultation=consultation)
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
            **{
                name: other
                for name, other in (("first_round", rounds.first), ("second_round", rounds.second))
                if other is not None and can_view_consultation(user, other)
            },
        )
        return ConsultationSerializer(entry).data

    def list(self, request, *args, **kwargs):
        consultations = consultations_visible_to(user=request.user)
        return paginated(self, consultations, ConsultationListSerializer)

    def retrieve(self, request, *args, **kwargs):
        return Response(self._detail(self.get_object()))

    def create(self, request, *args, **kwargs):
        data = self.input(ConsultationCreateInputSerializer)
        consultation = services.consultation_create(owner=request.user, **data)
        created = self.get_queryset().get(pk=consultation.pk)
        return Response(self._detail(created), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("Ouvrir le vote"),
        request=None,
        responses={200: ConsultationSerializer, 409: STATE_CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def open(self, request, pk=None):
        consultation = services.consultation_open(consultation=self.get_object(), by=request.user)
        return Response(self._detail(consultation))

    @extend_schema(
        summary=_("Clore le vote"),
        description=_("Aucun bulletin n'est plus accepté ; les inscrits sont figés."),
        request=None,
        responses={200: ConsultationSerializer, 409: STATE_CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        consultation = services.consultation_close(consultation=self.get_object(), by=request.user)
        return Response(self._detail(consultation))

    @extend_schema(
        summary=_("Organiser le second tour"),
        description=_(
            "Pour un choix unique avec second tour, clos, dont le résultat (toutes classes "
            "réunies) qualifie deux options : crée le second tour en brouillon, dans les mêmes "
            "classes, avec les mêmes panneaux et réglages et ces deux options seulement, et "
            "répond 201 avec son détail. 409 : pas de second tour prévu, vote pas clos, "
            "résultats non publiés, égalité pour une place qualificative, élu au premier tour, "
            "ou second tour déjà organisé (`second_round` donne alors son identifiant)."
        ),
        parameters=[ID_PARAMETER],
        request=None,
        responses={201: ConsultationSerializer, 409: STATE_CONFLICT},
    )
    @action(detail=True, methods=["post"], url_path="second-round")
    def second_round(self, request, pk=None):
        second = services.consultation_second_round_create(
            actor=request.user, consultation=self.get_object()
        )
        created = self.get_queryset().get(pk=second.pk)
        return Response(self._detail(created), status=status.HTTP_201_CREATED)

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
            409: OpenApiResponse(description=_("Déjà voté, vote pas encore ouvert ou clos.")),
        },
    )
    @action(detail=True, methods=["post"], max_body_bytes=BALLOT_MAX_BODY_BYTES)
    def ballot(self, request, pk=None):
        # The service's one query checks the consultation, the pupil's class, the phase and a
        # previous vote, so a cast that goes through looks nothing up here. Only a refusal
        # looks the consultation up (get_object), so that one the pupil may not see answers
        # 404 whatever else is wrong, as it did when that lookup came first.
        try:
            content = _ballot_content(request)
            if content is None:
                # Never the serializer's errors: they could quote the content.
                raise services.BallotError(tallies.BALLOT_MALFORMED)
            receipt = services.ballot_check_and_cast(
                user=request.user, consultation_id=pk, content=content
            )
        except services.BallotError:
            self.get_object()
            raise
        # What ReceiptSerializer gives (the schema's), without building a serializer per vote.
        body = {"consultation": receipt.consultation_id, "voted_on": receipt.voted_on.isoformat()}
        response = Response(body, status=status.HTTP_201_CREATED)
        response["Cache-Control"] = "no-store"
        return response

    @extend_schema(
        summary=_("Liste d'émargement"),
        description=_(
            "Par classe : inscrits, votants et pseudonymes de ceux qui ont voté — jamais ce "
            "qu'ils ont voté. Réservé à ceux qui gèrent la consultation."
        ),
        responses={200: ClassParticipationSerializer(many=True)},
    )
    @action(detail=True, methods=["get"])
    def participation(self, request, pk=None):
        rows = consultation_participation(consultation=self.get_object())
        return paginated(self, rows, ClassParticipationSerializer)

    @extend_schema(
        summary=_("Résultats"),
        description=_(
            "Publiés après la clôture (ou en direct si l'enseignant l'a choisi) et seulement "
            "au-delà du nombre minimal de bulletins ; sinon `published` est faux et `reason` "
            "dit pourquoi. `result` suit le mode de scrutin : lignes par option (mentions pour "
            "le jugement majoritaire), gagnant ou égalité, et `details` propres à la méthode."
        ),
        parameters=[CLASSROOM_PARAMETER],
        responses={200: ConsultationResultsSerializer},
    )
    @action(detail=True, methods=["get"])
    def results(self, request, pk=None):
        consultation = self.get_object()
        filters = ResultsFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
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
