"""Debates API: debates (list, creation, settings, close, reopen, archive), the tree of
arguments and the two columns, posting, the teacher's summary, moderation queue, audit log and
posting blocks; and, per post, withdrawal, convincing marks, reports and moderation. Views
validate, call one service or selector and serialise; the rules are debates.permissions' and
debates.services', statuses and the error body those of classroom_votes.api.common (429 past
the rate limit, with Retry-After). Nothing is stored on a refusal.

Pupils appear under their pseudonym only; nobody but moderators learns who marked or reported."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, status
from rest_framework.decorators import action
from rest_framework.response import Response

from classroom_votes.api.common import ID_PARAMETER, ComponentAccess, ComponentViewSet
from classroom_votes.components import (
    CLASSROOM_NOT_MANAGED,
    NOT_A_PUPIL,
    component_classes_for,
    component_pupil,
    id_or_none,
)
from classroom_votes.debates import services
from classroom_votes.debates.permissions import (
    can_create_debate,
    can_manage_debate,
    can_moderate_debate,
    can_post_in_debate,
    can_view_debate,
    can_view_debate_summary,
)
from classroom_votes.debates.selectors import (
    argument_visible,
    debate_blocks,
    debate_columns,
    debate_moderation_log,
    debate_moderation_queue,
    debate_summary,
    debate_tree,
    debates_visible_to,
)
from classroom_votes.models import Argument, Consultation, ConvincingMark, Debate
from config.pagination import paginated
from school.errors import ROLE_REFUSED
from school.models import Classroom, PupilProfile, User

from .serializers import (
    ArgumentPostInputSerializer,
    ArgumentSerializer,
    BlockInputSerializer,
    ConvincingSerializer,
    DebateColumnsSerializer,
    DebateCreateInputSerializer,
    DebateListFilterSerializer,
    DebateListSerializer,
    DebateSerializer,
    DebateSettingsInputSerializer,
    DebateSummarySerializer,
    DebateTreeSerializer,
    ModeratedArgumentSerializer,
    ModerationEventSerializer,
    ModerationQueueSerializer,
    PostingBlockSerializer,
    ReasonInputSerializer,
    ReportInputSerializer,
    ReportReceiptSerializer,
    block_entry,
    columns_entry,
    event_entry,
    queue_entry,
    summary_entry,
    tree_entry,
)


def _participates(user, debate: Debate) -> bool:
    """Its moderators and its pupils post; the service says why a post is refused."""
    return can_moderate_debate(user, debate) or component_pupil(user, debate) is not None


def _pupil_of(user, argument: Argument) -> bool:
    return component_pupil(user, argument.debate) is not None


def _author_of(user, argument: Argument) -> bool:
    return user.is_authenticated and argument.author_id == user.pk


def _moderates(user, argument: Argument) -> bool:
    return can_moderate_debate(user, argument.debate)


class DebateAccess(ComponentAccess):
    """The object is the debate or the post."""

    role_rules = {"create": (can_create_debate, ROLE_REFUSED)}
    object_rules = {
        "partial_update": (can_manage_debate, services.DEBATE_NOT_ALLOWED),
        "close": (can_manage_debate, services.DEBATE_NOT_ALLOWED),
        "reopen": (can_manage_debate, services.DEBATE_NOT_ALLOWED),
        "archive": (can_manage_debate, services.DEBATE_NOT_ALLOWED),
        "summary": (can_view_debate_summary, services.MODERATION_NOT_ALLOWED),
        "moderation": (can_moderate_debate, services.MODERATION_NOT_ALLOWED),
        "log": (can_moderate_debate, services.MODERATION_NOT_ALLOWED),
        "blocks": (can_moderate_debate, services.MODERATION_NOT_ALLOWED),
        "block": (can_moderate_debate, services.MODERATION_NOT_ALLOWED),
        "unblock": (can_moderate_debate, services.MODERATION_NOT_ALLOWED),
        "arguments": (_participates, NOT_A_PUPIL),
        "withdraw": (_author_of, services.ARGUMENT_NOT_YOURS),
        "convincing": (_pupil_of, NOT_A_PUPIL),
        "convincing_unmark": (_pupil_of, NOT_A_PUPIL),
        "report": (_pupil_of, NOT_A_PUPIL),
        "approve": (_moderates, services.MODERATION_NOT_ALLOWED),
        "reject": (_moderates, services.MODERATION_NOT_ALLOWED),
        "hide": (_moderates, services.MODERATION_NOT_ALLOWED),
        "restore": (_moderates, services.MODERATION_NOT_ALLOWED),
        "dismiss_reports": (_moderates, services.MODERATION_NOT_ALLOWED),
    }


class _DebateAPIViewSet(ComponentViewSet):
    permission_classes = [DebateAccess]
    error_class = services.DebateError
    not_found_code = services.DEBATE_NOT_FOUND


CONFLICT = OpenApiResponse(description=_("L'état du débat ou du message refuse l'action."))
RATE_LIMITED = OpenApiResponse(
    description=_("Trop de messages en peu de temps (en-tête Retry-After).")
)
USER_PARAMETER = OpenApiParameter(
    "user_pk", int, OpenApiParameter.PATH, description=_("L'identifiant de l'élève bloqué.")
)
ARCHIVED_PARAMETER = OpenApiParameter(
    "archived", bool, description=_("Inclure les débats archivés (non par défaut).")
)


@extend_schema_view(
    list=extend_schema(
        summary=_("Débats"),
        description=_(
            "Ceux que l'utilisateur peut voir : ceux de ses classes, tous pour un administrateur."
        ),
        parameters=[ARCHIVED_PARAMETER],
        responses={200: DebateListSerializer(many=True)},
    ),
    retrieve=extend_schema(
        summary=_("Un débat"),
        description=_(
            "La thèse, le contexte, l'état, les classes ; tous les réglages pour ceux qui le "
            "gèrent ; ce que l'utilisateur peut y faire."
        ),
        parameters=[ID_PARAMETER],
        responses={200: DebateSerializer},
    ),
    create=extend_schema(
        summary=_("Lancer un débat"),
        description=_(
            "Dans des classes de l'enseignant, ouvert tout de suite, pré-modéré par défaut. Les "
            "erreurs répondent 400 (409 pour une classe archivée) avec un code et un message ; "
            "rien n'est enregistré."
        ),
        request=DebateCreateInputSerializer,
        responses={201: DebateSerializer, 409: CONFLICT},
    ),
    partial_update=extend_schema(
        summary=_("Changer les réglages"),
        description=_(
            "Seuls les champs envoyés changent ; le changement entre au journal. S'applique à "
            "ce qui sera publié ensuite."
        ),
        parameters=[ID_PARAMETER],
        request=DebateSettingsInputSerializer,
        responses={200: DebateSerializer, 409: CONFLICT},
    ),
)
class DebateViewSet(_DebateAPIViewSet):
    queryset = Debate.objects.none()  # for the schema; lookups go through get_queryset

    def get_queryset(self):
        return debates_visible_to(user=self.request.user, include_archived=True)

    def _detail(self, debate: Debate) -> dict:
        user = self.request.user
        manager = can_manage_debate(user, debate)
        classes = component_classes_for(user, debate, manager=manager)
        entry = {
            **{
                name: getattr(debate, name)
                for name in (
                    "id",
                    "thesis",
                    "context",
                    "status",
                    "created_at",
                    "closed_at",
                    "archived_at",
                    "premoderation",
                    "links_allowed",
                    "max_depth",
                )
            },
            "consultation": debate.consultation_id,
            "archived": debate.is_archived,
            "classes": list(classes),
            "can_post": can_post_in_debate(user, debate),
            "can_moderate": can_moderate_debate(user, debate),
            "settings": (
                {
                    name: getattr(debate, name)
                    for name in (
                        "premoderation",
                        "links_allowed",
                        "auto_hide_reports",
                        "max_depth",
                        "extra_words",
                    )
                }
                if manager
                else None
            ),
        }
        return DebateSerializer(entry).data

    def list(self, request):
        filters = DebateListFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        debates = debates_visible_to(
            user=request.user, include_archived=filters.validated_data["archived"]
        )
        return paginated(self, debates, DebateListSerializer)

    def retrieve(self, request, pk=None):
        return Response(self._detail(self.get_object()))

    def create(self, request):
        data = self.input(DebateCreateInputSerializer)
        classroom_ids = list(dict.fromkeys(data.pop("classrooms")))
        classrooms = list(Classroom.objects.filter(pk__in=classroom_ids))
        consultation_id = data.pop("consultation", None)
        # An unknown id is refused as one the teacher may not use: nothing tells them apart.
        if len(classrooms) != len(classroom_ids):
            raise services.DebateError(CLASSROOM_NOT_MANAGED)
        consultation = None
        if consultation_id is not None:
            consultation = Consultation.objects.filter(pk=consultation_id).first()
            if consultation is None:
                raise services.DebateError(services.DEBATE_CONSULTATION_NOT_ALLOWED)
        debate = services.debate_create(
            owner=request.user, classrooms=classrooms, consultation=consultation, **data
        )
        return Response(self._detail(debate), status=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        debate = self.get_object()
        data = self.input(DebateSettingsInputSerializer)
        debate = services.debate_settings_update(debate=debate, by=request.user, **data)
        return Response(self._detail(debate))

    def _state_change(self, service) -> Response:
        debate = service(debate=self.get_object(), by=self.request.user)
        return Response(self._detail(debate))

    @extend_schema(
        summary=_("Clore le débat"),
        description=_("Plus de messages, de marques ni de retraits ; la modération continue."),
        request=None,
        responses={200: DebateSerializer, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._state_change(services.debate_close)

    @extend_schema(
        summary=_("Rouvrir le débat"),
        request=None,
        responses={200: DebateSerializer, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        return self._state_change(services.debate_reopen)

    @extend_schema(
        summary=_("Archiver le débat"),
        description=_(
            "Le clôt s'il est ouvert et le fige ; seule la modération s'applique encore."
        ),
        request=None,
        responses={200: DebateSerializer, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def archive(self, request, pk=None):
        return self._state_change(services.debate_archive)

    @extend_schema(
        summary=_("L'arbre des arguments"),
        description=_(
            "Ce que l'utilisateur peut voir : les messages publiés, les siens en attente ou "
            "refusés, et pour les modérateurs tous les messages avec leur état et leurs "
            "signalements. Liste plate dans l'ordre d'affichage ; `parent` donne l'arbre. Les "
            "élèves n'apparaissent que sous leur pseudonyme."
        ),
        responses={200: DebateTreeSerializer},
    )
    @action(detail=True, methods=["get"])
    def tree(self, request, pk=None):
        tree = debate_tree(debate=self.get_object(), viewer=request.user)
        return Response(DebateTreeSerializer(tree_entry(tree)).data)

    @extend_schema(
        summary=_("Les deux colonnes"),
        description=_(
            "Les arguments sur la thèse, pour d'un côté et contre de l'autre, les plus "
            "convaincants d'abord, avec le nombre de leurs réponses ; les commentaires sur la "
            "thèse."
        ),
        responses={200: DebateColumnsSerializer},
    )
    @action(detail=True, methods=["get"])
    def columns(self, request, pk=None):
        tree = debate_tree(debate=self.get_object(), viewer=request.user)
        entry = columns_entry(debate_columns(tree=tree), moderator=tree.moderator)
        return Response(DebateColumnsSerializer(entry).data)

    @extend_schema(
        summary=_("Bilan du débat"),
        description=_(
            "Pour l'enseignant : messages par côté et par état, arguments les plus "
            "convaincants, ce que chaque élève a publié (jamais ce qu'il a marqué ou signalé)."
        ),
        responses={200: DebateSummarySerializer},
    )
    @action(detail=True, methods=["get"])
    def summary(self, request, pk=None):
        summary = debate_summary(debate=self.get_object())
        return Response(DebateSummarySerializer(summary_entry(summary)).data)

    @extend_schema(
        summary=_("File de modération"),
        description=_(
            "Pour les modérateurs, du plus ancien au plus récent : en attente (pré-modération), "
            "retenus (mots surveillés, coordonnées), masqués par les signalements, publiés et "
            "signalés. Les auteurs des signalements ne sont pas nommés."
        ),
        responses={200: ModerationQueueSerializer},
    )
    @action(detail=True, methods=["get"])
    def moderation(self, request, pk=None):
        queue = debate_moderation_queue(debate=self.get_object())
        return Response(ModerationQueueSerializer(queue_entry(queue)).data)

    @extend_schema(
        summary=_("Journal de modération"),
        description=_("Pour les modérateurs : les 200 dernières décisions, avec leur raison."),
        responses={200: ModerationEventSerializer(many=True)},
    )
    @action(detail=True, methods=["get"])
    def log(self, request, pk=None):
        events = debate_moderation_log(debate=self.get_object())
        return paginated(self, events, ModerationEventSerializer, entries=_event_entries)

    @extend_schema(
        methods=["GET"],
        summary=_("Élèves bloqués"),
        description=_(
            "Pour les modérateurs : qui ne peut plus publier dans ce débat, et pourquoi."
        ),
        responses={200: PostingBlockSerializer(many=True)},
    )
    @action(detail=True, methods=["get"])
    def blocks(self, request, pk=None):
        blocks = debate_blocks(debate=self.get_object())
        return paginated(
            self,
            blocks,
            PostingBlockSerializer,
            entries=lambda page: [block_entry(block) for block in page],
        )

    @extend_schema(
        methods=["POST"],
        summary=_("Bloquer un élève"),
        description=_(
            "L'élève (désigné par un de ses messages, ou par son identifiant) lit, marque et "
            "signale encore, mais ne publie plus dans ce débat. La raison est obligatoire et "
            "entre au journal."
        ),
        request=BlockInputSerializer,
        responses={201: PostingBlockSerializer, 409: CONFLICT},
    )
    @blocks.mapping.post
    def block(self, request, pk=None):
        debate = self.get_object()
        data = self.input(BlockInputSerializer)
        pupil = self._block_target(debate, data)
        block = services.pupil_block(
            debate=debate, pupil=pupil, by=request.user, reason=data["reason"]
        )
        block = next(row for row in debate_blocks(debate=debate) if row.pk == block.pk)
        return Response(
            PostingBlockSerializer(block_entry(block)).data, status=status.HTTP_201_CREATED
        )

    @staticmethod
    def _block_target(debate: Debate, data: dict) -> User:
        if "argument" in data:
            argument = (
                Argument.objects.filter(pk=data["argument"], debate=debate)
                .select_related("author")
                .first()
            )
            if argument is None:
                raise services.DebateError(services.ARGUMENT_NOT_FOUND)
            pupil = argument.author
        else:
            pupil = User.objects.filter(pk=data["pupil"]).first()
        if pupil is None:
            raise services.DebateError(services.PUPIL_NOT_IN_DEBATE)
        return pupil

    @extend_schema(
        summary=_("Débloquer un élève"),
        description=_(
            "L'élève peut de nouveau publier. Une raison facultative (champ `reason` du corps "
            "JSON) entre au journal."
        ),
        parameters=[USER_PARAMETER],
        request=None,
        responses={204: None, 409: CONFLICT},
    )
    @action(detail=True, methods=["delete"], url_path=r"blocks/(?P<user_pk>[0-9]+)")
    def unblock(self, request, pk=None, user_pk=None):
        debate = self.get_object()
        data = self.input(ReasonInputSerializer)
        pupil_id = id_or_none(user_pk)
        pupil = None if pupil_id is None else User.objects.filter(pk=pupil_id).first()
        if pupil is None:
            raise services.DebateError(services.PUPIL_NOT_BLOCKED)
        services.pupil_unblock(debate=debate, pupil=pupil, by=request.user, **data)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary=_("Publier un argument ou un commentaire"),
        description=_(
            "Un argument pour ou contre la thèse, ou en réponse à un argument publié (`parent`) ; "
            "un commentaire n'a pas de côté. Pour un élève, le message attend la validation de "
            "l'enseignant quand la pré-modération est active, ou quand il contient un mot "
            "surveillé ou des coordonnées. Le texte est réduit à du texte brut. 400 : message "
            "invalide ; 403 : pas élève du débat, ou bloqué ; 404 : débat ou parent introuvable ; "
            "409 : débat clos ou archivé, classe archivée ; 429 : trop de messages en peu de "
            "temps. Aucune erreur n'enregistre quoi que ce soit."
        ),
        request=ArgumentPostInputSerializer,
        responses={
            201: ArgumentSerializer,
            409: CONFLICT,
            429: RATE_LIMITED,
        },
    )
    @action(detail=True, methods=["post"])
    def arguments(self, request, pk=None):
        debate = self.get_object()
        data = self.input(ArgumentPostInputSerializer)
        parent_id = data.get("parent")
        if parent_id is not None and not _visible_argument_exists(
            parent_id, debate=debate, user=request.user
        ):
            raise services.DebateError(services.ARGUMENT_NOT_FOUND)
        argument = services.argument_check_and_post(
            author=request.user,
            debate=debate,
            text=data["text"],
            kind=data["kind"],
            side=data["side"],
            parent_id=parent_id,
        )
        return Response(ArgumentSerializer(argument).data, status=status.HTTP_201_CREATED)


def _visible_argument_exists(pk: int, *, debate: Debate, user) -> bool:
    argument = Argument.objects.filter(pk=pk, debate=debate).only("status", "author_id").first()
    if argument is None:
        return False
    return argument_visible(argument, user=user, moderator=can_moderate_debate(user, debate))


@extend_schema_view(
    withdraw=extend_schema(
        summary=_("Retirer son message"),
        description=_(
            "Son auteur, tant que le débat est ouvert, que le message est en attente ou publié "
            "et que personne n'y a répondu : le texte est effacé."
        ),
        request=None,
        responses={200: ArgumentSerializer, 409: CONFLICT},
    ),
    report=extend_schema(
        summary=_("Signaler un message"),
        description=_(
            "Un élève du débat, une fois par message publié d'un autre, avec un motif. Au-delà "
            "du nombre de signalements réglé pour le débat, le message d'un élève est masqué "
            "jusqu'à la décision de l'enseignant."
        ),
        request=ReportInputSerializer,
        responses={201: ReportReceiptSerializer, 409: CONFLICT},
    ),
    approve=extend_schema(
        summary=_("Valider un message en attente"),
        request=None,
        responses={200: ModeratedArgumentSerializer, 409: CONFLICT},
    ),
    reject=extend_schema(
        summary=_("Refuser un message en attente"),
        description=_("Raison facultative, gardée au journal ; l'auteur voit son message refusé."),
        request=ReasonInputSerializer,
        responses={
            200: ModeratedArgumentSerializer,
            409: CONFLICT,
        },
    ),
    hide=extend_schema(
        summary=_("Masquer un message publié"),
        description=_(
            "Ou confirmer le masquage par les signalements. Raison obligatoire, gardée au "
            "journal ; les réponses publiées restent sous un message masqué."
        ),
        request=ReasonInputSerializer,
        responses={
            200: ModeratedArgumentSerializer,
            409: CONFLICT,
        },
    ),
    restore=extend_schema(
        summary=_("Rétablir un message masqué ou refusé"),
        description=_(
            "Raison obligatoire, gardée au journal ; les signalements repartent de zéro."
        ),
        request=ReasonInputSerializer,
        responses={
            200: ModeratedArgumentSerializer,
            409: CONFLICT,
        },
    ),
    dismiss_reports=extend_schema(
        summary=_("Écarter les signalements"),
        description=_("Le message reste publié ; raison facultative, gardée au journal."),
        request=ReasonInputSerializer,
        responses={
            200: ModeratedArgumentSerializer,
            409: CONFLICT,
        },
    ),
)
class ArgumentViewSet(_DebateAPIViewSet):
    """Actions on one post; `pk` is the post's id."""

    queryset = Argument.objects.none()  # for the schema
    not_found_code = services.ARGUMENT_NOT_FOUND

    def get_object(self) -> Argument:
        pk = id_or_none(self.kwargs["pk"])
        argument = None
        if pk is not None:
            argument = Argument.objects.select_related("debate").filter(pk=pk).first()
        user = self.request.user
        if (
            argument is None
            or not can_view_debate(user, argument.debate)
            or not argument_visible(
                argument, user=user, moderator=can_moderate_debate(user, argument.debate)
            )
        ):
            raise exceptions.NotFound()
        self.check_object_permissions(self.request, argument)
        return argument

    def _call(self, service, serializer_class, input_class=None) -> Response:
        argument = self.get_object()
        data = {} if input_class is None else self.input(input_class)
        argument = service(argument=argument, by=self.request.user, **data)
        return Response(serializer_class(argument).data)

    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return self._call(services.argument_withdraw, ArgumentSerializer)

    def _convincing(self, argument: Argument, *, marked: bool, status_code: int) -> Response:
        count = ConvincingMark.objects.filter(argument=argument).count()
        entry = {"argument": argument.pk, "marked": marked, "convincing": count}
        return Response(ConvincingSerializer(entry).data, status=status_code)

    @extend_schema(
        methods=["POST"],
        summary=_("Trouver l'argument convaincant"),
        description=_(
            "Un élève du débat, une fois par argument publié d'un autre, tant que le débat est "
            "ouvert. Le nombre est public, jamais qui l'a donné."
        ),
        request=None,
        responses={201: ConvincingSerializer, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def convincing(self, request, pk=None):
        argument = self.get_object()
        services.convincing_mark(argument=argument, user=request.user)
        return self._convincing(argument, marked=True, status_code=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["DELETE"],
        summary=_("Ne plus trouver l'argument convaincant"),
        request=None,
        responses={200: ConvincingSerializer, 409: CONFLICT},
    )
    @convincing.mapping.delete
    def convincing_unmark(self, request, pk=None):
        argument = self.get_object()
        services.convincing_unmark(argument=argument, user=request.user)
        return self._convincing(argument, marked=False, status_code=status.HTTP_200_OK)

    @action(detail=True, methods=["post"])
    def report(self, request, pk=None):
        argument = self.get_object()
        data = self.input(ReportInputSerializer)
        report = services.argument_report(argument=argument, reporter=request.user, **data)
        return Response(ReportReceiptSerializer(report).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._call(services.argument_approve, ModeratedArgumentSerializer)

    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._call(
            services.argument_reject, ModeratedArgumentSerializer, ReasonInputSerializer
        )

    @action(detail=True, methods=["post"])
    def hide(self, request, pk=None):
        return self._call(
            services.argument_hide, ModeratedArgumentSerializer, ReasonInputSerializer
        )

    @action(detail=True, methods=["post"])
    def restore(self, request, pk=None):
        return self._call(
            services.argument_restore, ModeratedArgumentSerializer, ReasonInputSerializer
        )

    @action(detail=True, methods=["post"], url_path="dismiss-reports")
    def dismiss_reports(self, request, pk=None):
        return self._call(
            services.argument_reports_dismiss, ModeratedArgumentSerializer, ReasonInputSerializer
        )


def _event_entries(events) -> list:
    """A page of the moderation log, with the pseudonyms of the pupils who acted in it."""
    pupil_actors = {
        event.actor_id for event in events if event.actor is not None and event.actor.is_pupil
    }
    pseudonyms = dict(
        PupilProfile.objects.filter(user_id__in=pupil_actors).values_list("user_id", "pseudonym")
        if pupil_actors
        else ()
    )
    return [event_entry(event, pseudonyms=pseudonyms) for event in events]
