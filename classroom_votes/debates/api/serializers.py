"""Serializers of the debates API: shapes and input validation only. What a valid debate or
post is, and who may see what, is decided by debates.services, debates.selectors and
debates.permissions; the helpers at the bottom only arrange what those return.

Pupils appear by their pseudonym (debates.selectors.author_label) and nothing else: no user id,
no name, nothing they did not publish. The one exception is the list of posting blocks, for the
debate's moderators only, which gives the pupil's id as the classes API does to their teachers
(it is what unblocking takes)."""

from dataclasses import asdict

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from classroom_votes.consultations.api.serializers import ClassroomRefSerializer
from classroom_votes.debates.selectors import (
    DebateColumns,
    DebateSummary,
    DebateTree,
    ModerationQueue,
    QueueItem,
    TreeNode,
    author_label,
)
from classroom_votes.models import (
    Argument,
    ArgumentKind,
    Debate,
    HoldReason,
    ModerationAction,
    ReportReason,
    Side,
)


def _status_field(help_text):
    # Plain text in the schema: consultations have their own `status` values.
    return serializers.CharField(help_text=help_text)


DEBATE_STATUS_HELP = _("open (ouvert) ou closed (clos).")
ARGUMENT_STATUS_HELP = _(
    "pending (en attente de validation), published (publié), hidden (masqué), rejected "
    "(refusé) ou withdrawn (retiré)."
)

# --- Debates ----------------------------------------------------------------------------------


class DebateListSerializer(serializers.ModelSerializer):
    status = _status_field(DEBATE_STATUS_HELP)
    archived = serializers.BooleanField(source="is_archived")

    class Meta:
        model = Debate
        fields = ["id", "thesis", "status", "archived", "created_at", "closed_at"]
        read_only_fields = fields


class DebateSettingsSerializer(serializers.Serializer):
    premoderation = serializers.BooleanField()
    links_allowed = serializers.BooleanField()
    auto_hide_reports = serializers.IntegerField()
    max_depth = serializers.IntegerField()
    extra_words = serializers.CharField(
        allow_blank=True, help_text=_("Mots surveillés en plus de la liste du site, un par ligne.")
    )


class DebateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    thesis = serializers.CharField()
    context = serializers.CharField(allow_blank=True)
    consultation = serializers.IntegerField(
        allow_null=True, help_text=_("La consultation liée, s'il y en a une.")
    )
    status = _status_field(DEBATE_STATUS_HELP)
    archived = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)
    archived_at = serializers.DateTimeField(allow_null=True)
    premoderation = serializers.BooleanField(
        help_text=_("Les messages des élèves attendent la validation de l'enseignant.")
    )
    links_allowed = serializers.BooleanField()
    max_depth = serializers.IntegerField(help_text=_("Profondeur maximale des réponses."))
    classes = ClassroomRefSerializer(
        many=True, help_text=_("Les classes participantes que l'utilisateur peut voir.")
    )
    can_post = serializers.BooleanField(help_text=_("L'utilisateur peut publier maintenant."))
    can_moderate = serializers.BooleanField()
    settings = DebateSettingsSerializer(
        allow_null=True,
        help_text=_("Tous les réglages, pour ceux qui gèrent le débat ; null sinon."),
    )


class DebateCreateInputSerializer(serializers.Serializer):
    """Shapes only: debates.services.debate_create checks the rest (its errors answer 400)."""

    classrooms = serializers.ListField(child=serializers.IntegerField(min_value=1))
    thesis = serializers.CharField(allow_blank=True, trim_whitespace=False)
    context = serializers.CharField(allow_blank=True, trim_whitespace=False, default="")
    consultation = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    premoderation = serializers.BooleanField(default=True)
    links_allowed = serializers.BooleanField(default=False)
    auto_hide_reports = serializers.IntegerField(default=3)
    max_depth = serializers.IntegerField(default=4)
    extra_words = serializers.CharField(allow_blank=True, trim_whitespace=False, default="")


class DebateSettingsInputSerializer(serializers.Serializer):
    """Only what is sent changes."""

    premoderation = serializers.BooleanField(required=False)
    links_allowed = serializers.BooleanField(required=False)
    auto_hide_reports = serializers.IntegerField(required=False)
    max_depth = serializers.IntegerField(required=False)
    extra_words = serializers.CharField(allow_blank=True, trim_whitespace=False, required=False)


class DebateListFilterSerializer(serializers.Serializer):
    archived = serializers.BooleanField(default=False)


# --- Posts ------------------------------------------------------------------------------------


class ArgumentPostInputSerializer(serializers.Serializer):
    text = serializers.CharField(allow_blank=True, trim_whitespace=False)
    kind = serializers.ChoiceField(choices=ArgumentKind.choices, default=ArgumentKind.ARGUMENT)
    side = serializers.CharField(
        allow_blank=True,
        default="",
        help_text=_(
            "pour ou contre pour un argument (par rapport au parent), vide pour un commentaire."
        ),
    )
    parent = serializers.IntegerField(
        min_value=1,
        required=False,
        allow_null=True,
        help_text=_("L'argument auquel on répond ; absent ou null pour répondre à la thèse."),
    )


class ArgumentSerializer(serializers.ModelSerializer):
    """A post as its author or a moderator sees it after acting on it."""

    status = _status_field(ARGUMENT_STATUS_HELP)
    parent = serializers.IntegerField(source="parent_id", allow_null=True)
    debate = serializers.IntegerField(source="debate_id")

    class Meta:
        model = Argument
        fields = ["id", "debate", "parent", "kind", "side", "depth", "status", "text", "created_at"]
        read_only_fields = fields


class ModeratedArgumentSerializer(ArgumentSerializer):
    hold_reason = serializers.ChoiceField(choices=HoldReason.choices, allow_blank=True)

    class Meta(ArgumentSerializer.Meta):
        fields = [*ArgumentSerializer.Meta.fields, "hold_reason", "held_words", "auto_hidden"]
        read_only_fields = fields


class PostActionsSerializer(serializers.Serializer):
    """What the user may do on this post now (the services check it again)."""

    reply = serializers.BooleanField(help_text=_("Répondre par un argument pour ou contre."))
    comment = serializers.BooleanField(help_text=_("Répondre par un commentaire."))
    mark = serializers.BooleanField(help_text=_("Le trouver convaincant (ou ne plus)."))
    report = serializers.BooleanField(help_text=_("Le signaler."))
    withdraw = serializers.BooleanField(help_text=_("Le retirer (son auteur)."))
    approve = serializers.BooleanField(help_text=_("Modérateurs : le valider ou le refuser."))
    hide = serializers.BooleanField(help_text=_("Modérateurs : le masquer."))
    confirm_hide = serializers.BooleanField(
        help_text=_("Modérateurs : confirmer le masquage par les signalements.")
    )
    restore = serializers.BooleanField(help_text=_("Modérateurs : le rétablir."))


class TreeNodeSerializer(serializers.Serializer):
    """One visible post. A placeholder keeps the place of a post the viewer may not see but
    that has visible replies: no text, no author."""

    id = serializers.IntegerField()
    parent = serializers.IntegerField(source="parent_id", allow_null=True)
    kind = serializers.ChoiceField(choices=ArgumentKind.choices)
    side = serializers.CharField(allow_blank=True, help_text=_("pour, contre ou vide."))
    depth = serializers.IntegerField()
    status = _status_field(ARGUMENT_STATUS_HELP)
    text = serializers.CharField(allow_blank=True)
    author = serializers.CharField(
        allow_blank=True, help_text=_("Pseudonyme d'un élève, ou nom de l'enseignant.")
    )
    by_teacher = serializers.BooleanField()
    mine = serializers.BooleanField(help_text=_("Publié par l'utilisateur."))
    placeholder = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    convincing = serializers.IntegerField(help_text=_("Élèves qui l'ont trouvé convaincant."))
    marked = serializers.BooleanField(help_text=_("L'utilisateur l'a trouvé convaincant."))
    open_reports = serializers.IntegerField(
        allow_null=True, help_text=_("Modérateurs : signalements en attente ; null sinon.")
    )
    hold_reason = serializers.CharField(
        allow_null=True, allow_blank=True, help_text=_("Modérateurs : pourquoi il a attendu.")
    )
    held_words = serializers.CharField(
        allow_null=True, allow_blank=True, help_text=_("Modérateurs : mots surveillés trouvés.")
    )
    actions = PostActionsSerializer()


class DebateTreeSerializer(serializers.Serializer):
    debate = serializers.IntegerField()
    moderator = serializers.BooleanField()
    arguments = TreeNodeSerializer(
        many=True,
        help_text=_(
            "Les messages visibles, dans l'ordre d'affichage (en profondeur d'abord) ; "
            "`parent` reconstruit l'arbre."
        ),
    )


class ColumnEntrySerializer(serializers.Serializer):
    argument = TreeNodeSerializer()
    replies_pour = serializers.IntegerField()
    replies_contre = serializers.IntegerField()
    comments = serializers.IntegerField()


class DebateColumnsSerializer(serializers.Serializer):
    pour = ColumnEntrySerializer(many=True, help_text=_("Les plus convaincants d'abord."))
    contre = ColumnEntrySerializer(many=True)
    comments = TreeNodeSerializer(many=True, help_text=_("Commentaires sur la thèse."))


# --- Summary ----------------------------------------------------------------------------------


class StatusCountsSerializer(serializers.Serializer):
    pending = serializers.IntegerField()
    published = serializers.IntegerField()
    hidden = serializers.IntegerField()
    rejected = serializers.IntegerField()
    withdrawn = serializers.IntegerField()


class SummaryCountsSerializer(serializers.Serializer):
    pour = StatusCountsSerializer()
    contre = StatusCountsSerializer()
    comment = StatusCountsSerializer()


class TopArgumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    author = serializers.CharField()
    depth = serializers.IntegerField()
    convincing = serializers.IntegerField()


class TopArgumentsSerializer(serializers.Serializer):
    pour = TopArgumentSerializer(many=True)
    contre = TopArgumentSerializer(many=True)


class PupilParticipationSerializer(serializers.Serializer):
    pseudonym = serializers.CharField()
    classroom = serializers.CharField()
    pour = serializers.IntegerField()
    contre = serializers.IntegerField()
    comments = serializers.IntegerField()
    convincing_received = serializers.IntegerField()


class DebateSummarySerializer(serializers.Serializer):
    debate = serializers.IntegerField()
    counts = SummaryCountsSerializer(
        help_text=_("Messages par côté (arguments) ou commentaires, et par état.")
    )
    top = TopArgumentsSerializer(help_text=_("Les arguments publiés les plus convaincants."))
    participation = PupilParticipationSerializer(
        many=True, help_text=_("Ce que chaque élève a publié, jamais ce qu'il a marqué ou signalé.")
    )
    pupils = serializers.IntegerField()
    pupils_who_posted = serializers.IntegerField()
    open_reports = serializers.IntegerField()


# --- Moderation -------------------------------------------------------------------------------


class ReportEntrySerializer(serializers.Serializer):
    """A report, without its reporter."""

    reason = serializers.ChoiceField(choices=ReportReason.choices)
    reason_label = serializers.CharField()
    note = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()


class ParentRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField(allow_blank=True)


class QueueItemSerializer(serializers.Serializer):
    argument = ModeratedArgumentSerializer()
    author = serializers.CharField()
    by_teacher = serializers.BooleanField()
    parent = ParentRefSerializer(allow_null=True, help_text=_("Le message auquel il répond."))
    reports = ReportEntrySerializer(many=True, help_text=_("Signalements en attente."))


class ModerationQueueSerializer(serializers.Serializer):
    pending = QueueItemSerializer(many=True, help_text=_("En attente (pré-modération)."))
    held = QueueItemSerializer(
        many=True, help_text=_("Retenus par le filtre de mots ou pour des coordonnées.")
    )
    auto_hidden = QueueItemSerializer(
        many=True, help_text=_("Masqués par les signalements : à confirmer ou rétablir.")
    )
    reported = QueueItemSerializer(many=True, help_text=_("Publiés et signalés."))


class ModerationEventSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    action = serializers.ChoiceField(choices=ModerationAction.choices)
    action_label = serializers.CharField()
    actor = serializers.CharField(
        allow_null=True, help_text=_("Qui a agi ; null pour la plateforme (masquage automatique).")
    )
    argument = serializers.IntegerField(allow_null=True)
    pupil = serializers.CharField(
        allow_null=True, help_text=_("Pseudonyme de l'élève bloqué ou débloqué.")
    )
    reason = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()


class PostingBlockSerializer(serializers.Serializer):
    pupil = serializers.IntegerField(
        help_text=_("Identifiant de l'élève (celui de l'API des classes), pour le débloquer.")
    )
    pseudonym = serializers.CharField()
    reason = serializers.CharField()
    by = serializers.CharField(allow_null=True)
    created_at = serializers.DateTimeField()


class BlockInputSerializer(serializers.Serializer):
    argument = serializers.IntegerField(
        min_value=1, required=False, help_text=_("Bloquer l'auteur de ce message du débat.")
    )
    pupil = serializers.IntegerField(
        min_value=1, required=False, help_text=_("Ou l'identifiant de l'élève.")
    )
    reason = serializers.CharField(allow_blank=True, trim_whitespace=False, default="")

    def validate(self, attrs):
        if ("argument" in attrs) == ("pupil" in attrs):
            raise serializers.ValidationError(_("Indique soit un message, soit un élève."))
        return attrs


class ReasonInputSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, trim_whitespace=False, default="")


class ReportInputSerializer(serializers.Serializer):
    reason = serializers.CharField(help_text=_("Motif : %s.") % ", ".join(ReportReason.values))
    note = serializers.CharField(allow_blank=True, trim_whitespace=False, default="")


class ReportReceiptSerializer(serializers.Serializer):
    argument = serializers.IntegerField(source="argument_id")
    reason = serializers.CharField()
    created_at = serializers.DateTimeField()


class ConvincingSerializer(serializers.Serializer):
    argument = serializers.IntegerField()
    marked = serializers.BooleanField()
    convincing = serializers.IntegerField(help_text=_("Élèves qui le trouvent convaincant."))


# --- Arranging domain objects for the serializers ---------------------------------------------


def node_entry(node: TreeNode, *, moderator: bool) -> dict:
    entry = {
        name: getattr(node, name)
        for name in (
            "id",
            "parent_id",
            "kind",
            "side",
            "depth",
            "status",
            "text",
            "author",
            "by_teacher",
            "mine",
            "placeholder",
            "created_at",
            "convincing",
            "marked",
        )
    }
    for name in ("open_reports", "hold_reason", "held_words"):
        entry[name] = getattr(node, name) if moderator else None
    entry["actions"] = asdict(node.actions)
    return entry


def tree_entry(tree: DebateTree) -> dict:
    return {
        "debate": tree.debate.pk,
        "moderator": tree.moderator,
        "arguments": [node_entry(node, moderator=tree.moderator) for node in tree.walk()],
    }


def columns_entry(columns: DebateColumns, *, moderator: bool) -> dict:
    def entries(column):
        return [
            {
                "argument": node_entry(entry.node, moderator=moderator),
                "replies_pour": entry.replies_pour,
                "replies_contre": entry.replies_contre,
                "comments": entry.comments,
            }
            for entry in column
        ]

    return {
        Side.POUR: entries(columns.pour),
        Side.CONTRE: entries(columns.contre),
        "comments": [node_entry(node, moderator=moderator) for node in columns.comments],
    }


def summary_entry(summary: DebateSummary) -> dict:
    return {
        "debate": summary.debate.pk,
        "counts": summary.counts,
        "top": summary.top,
        "participation": summary.participation,
        "pupils": summary.pupils,
        "pupils_who_posted": summary.pupils_who_posted,
        "open_reports": summary.open_reports,
    }


def _queue_item(item: QueueItem) -> dict:
    argument = item.argument
    parent = argument.parent
    return {
        "argument": argument,
        "author": item.author,
        "by_teacher": argument.author_classroom_id is None,
        "parent": None if parent is None else {"id": parent.pk, "text": parent.text},
        "reports": [
            {
                "reason": report.reason,
                "reason_label": str(report.get_reason_display()),
                "note": report.note,
                "created_at": report.created_at,
            }
            for report in item.open_reports
        ],
    }


def queue_entry(queue: ModerationQueue) -> dict:
    return {
        name: [_queue_item(item) for item in getattr(queue, name)]
        for name in ("pending", "held", "auto_hidden", "reported")
    }


def event_entry(event, *, pseudonyms: dict[int, str]) -> dict:
    """`pseudonyms`: pupil actors' pseudonyms by user id (the selector selects the actor alone)."""
    actor = event.actor
    if actor is None:
        actor_label = None
    elif actor.is_pupil:
        actor_label = pseudonyms.get(actor.pk) or author_label(None)
    else:
        actor_label = author_label(actor)
    return {
        "id": event.pk,
        "action": event.action,
        "action_label": str(event.get_action_display()),
        "actor": actor_label,
        "argument": event.argument_id,
        "pupil": None if event.pupil_id is None else author_label(event.pupil),
        "reason": event.reason,
        "created_at": event.created_at,
    }


def block_entry(block) -> dict:
    return {
        "pupil": block.pupil_id,
        "pseudonym": author_label(block.pupil),
        "reason": block.reason,
        "by": None if block.by is None else author_label(block.by),
        "created_at": block.created_at,
    }
