"""Reads for debates. Each selector makes a fixed number of queries, whatever the size of the
debate or of its classes.

Who sees what. Moderators (debates.permissions.can_moderate_debate) see every post with its
state, its open reports and why it was held. Everyone else sees the published posts, and their
own in whatever state (a pupil learns that their post waits, or was refused, rather than
seeing it vanish). Withdrawn posts have no text left and are shown to nobody. A post a viewer
may not see but that has visible replies (hidden after it was answered, or emptied when its
author's account was erased) stays in the tree as a placeholder, without text or author, so
that the replies keep their place. Nobody but moderators is told who marked or reported
anything."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from school.models import PupilProfile

from ..components import component_pupil, components_visible_to
from ..models import (
    Argument,
    ArgumentKind,
    ArgumentReport,
    ArgumentStatus,
    ConvincingMark,
    Debate,
    HoldReason,
    ModerationEvent,
    PostingBlock,
    Side,
)
from .permissions import can_moderate_debate

TOP_ARGUMENTS = 3
ERASED_AUTHOR = _("Compte supprimé")
TEACHER_AUTHOR = _("Enseignant ou enseignante")


def author_label(user) -> str:
    """What the class is shown of an author: a pupil's pseudonym, a teacher's name (never
    their login, which is their e-mail address). Needs `author__pupil` selected."""
    if user is None:
        return str(ERASED_AUTHOR)
    if user.is_pupil:
        pupil = getattr(user, "pupil", None)
        return pupil.pseudonym if pupil is not None else str(ERASED_AUTHOR)
    return user.get_full_name() or str(TEACHER_AUTHOR)


def argument_visible(argument: Argument, *, user, moderator: bool) -> bool:
    """Whether `user` sees this post (see the module's docstring): withdrawn posts nobody;
    published ones everyone; the others moderators and their author."""
    if argument.status == ArgumentStatus.WITHDRAWN:
        return False
    if moderator or argument.status == ArgumentStatus.PUBLISHED:
        return True
    return user.is_authenticated and argument.author_id == user.pk


# --- Lists ------------------------------------------------------------------------------------


def debates_visible_to(*, user, include_archived: bool = False) -> QuerySet[Debate]:
    """What permissions.can_view_debate allows, as a queryset for lists."""
    debates = Debate.objects.select_related("owner")
    if not include_archived:
        debates = debates.filter(archived_at__isnull=True)
    return components_visible_to(debates, user=user)


# --- Who is looking, and what they may do -----------------------------------------------------


@dataclass(frozen=True)
class DebateViewer:
    """What a debate's pages and API need to know about the person looking at it, read once.
    `pupil`: their profile when they are a pupil of one of its classes (and not a moderator)."""

    user: object
    moderator: bool
    manager: bool
    pupil: PupilProfile | None
    blocked: bool

    @property
    def pupil_active(self) -> bool:
        """A pupil of the debate whose class is not archived: they may mark and report."""
        return self.pupil is not None and not self.pupil.classroom.is_archived

    def can_post(self, debate: Debate) -> bool:
        """What permissions.can_post_in_debate says, from what was read once."""
        if not debate.is_open or debate.is_archived:
            return False
        return self.moderator or (self.pupil_active and not self.blocked)


def debate_viewer(*, debate: Debate, user) -> DebateViewer:
    """No query for its owner or an administrator; two for another teacher (the classes they
    teach); two for a pupil (their profile, a posting block)."""
    moderator = can_moderate_debate(user, debate)
    pupil = None if moderator else component_pupil(user, debate)
    blocked = (
        pupil is not None and PostingBlock.objects.filter(debate=debate, pupil_id=user.pk).exists()
    )
    return DebateViewer(
        user=user,
        moderator=moderator,
        # Today the same people (permissions.can_moderate_debate): no second look-up.
        manager=moderator,
        pupil=pupil,
        blocked=blocked,
    )


@dataclass
class PostActions:
    """What the viewer may do on one post, worked out from the tree and the viewer alone: the
    buttons of the page and the `actions` of the API's tree. The services decide again."""

    reply: bool = False  # an argument pour or contre in reply
    comment: bool = False
    mark: bool = False
    report: bool = False
    withdraw: bool = False
    approve: bool = False
    hide: bool = False
    confirm_hide: bool = False  # hidden by reports: the teacher confirms or restores
    restore: bool = False

    @property
    def moderation_awaited(self) -> bool:
        """Whether the post waits for the moderator (pending, hidden by reports, reported)."""
        return self.approve or self.confirm_hide


def post_actions(node: "TreeNode", *, debate: Debate, viewer: DebateViewer) -> PostActions:
    """The rules of permissions.can_* for one node of the tree, without a query."""
    actions = PostActions()
    writable = debate.is_open and not debate.is_archived
    published = node.status == ArgumentStatus.PUBLISHED and not node.placeholder
    is_argument = node.kind == ArgumentKind.ARGUMENT
    if viewer.can_post(debate) and published and is_argument:
        actions.reply = node.depth < debate.max_depth
        actions.comment = True
    if viewer.pupil_active and published and not node.mine:
        actions.mark = writable and is_argument
        actions.report = not debate.is_archived
    actions.withdraw = (
        node.mine
        and writable
        and node.status in (ArgumentStatus.PENDING, ArgumentStatus.PUBLISHED)
        and not node.children
    )
    if viewer.moderator and not node.placeholder:
        actions.approve = node.status == ArgumentStatus.PENDING
        actions.hide = node.status == ArgumentStatus.PUBLISHED
        # Only the reports' automatic hiding leaves reports open on a hidden post.
        actions.confirm_hide = node.status == ArgumentStatus.HIDDEN and node.open_reports > 0
        actions.restore = node.status in (ArgumentStatus.HIDDEN, ArgumentStatus.REJECTED)
    return actions


# --- The tree ---------------------------------------------------------------------------------


@dataclass
class TreeNode:
    """One post as the viewer may see it. For a placeholder, `text` and `author` are empty and
    the counts zero. `open_reports`, `hold_reason` and `held_words` are filled for moderators
    only."""

    id: int
    parent_id: int | None
    kind: str
    side: str
    depth: int
    status: str
    text: str
    author: str
    by_teacher: bool
    mine: bool
    placeholder: bool
    created_at: datetime
    convincing: int
    marked: bool
    open_reports: int = 0
    hold_reason: str = ""
    held_words: str = ""
    children: list["TreeNode"] = field(default_factory=list)
    actions: "PostActions" = field(default_factory=lambda: PostActions())

    def replies(self, side: str) -> list["TreeNode"]:
        return [
            child
            for child in self.children
            if child.kind == ArgumentKind.ARGUMENT and child.side == side
        ]

    @property
    def comments(self) -> list["TreeNode"]:
        return [child for child in self.children if child.kind == ArgumentKind.COMMENT]


@dataclass
class DebateTree:
    """The posts the viewer may see, each with what the viewer may do on it (`actions`).
    `to_moderate`: how many of them wait for the moderator."""

    debate: Debate
    viewer: DebateViewer
    roots: list[TreeNode]
    nodes: dict[int, TreeNode]

    @property
    def moderator(self) -> bool:
        return self.viewer.moderator

    @property
    def can_post(self) -> bool:
        return self.viewer.can_post(self.debate)

    @property
    def to_moderate(self) -> int:
        return sum(
            1
            for node in self.nodes.values()
            if node.actions.moderation_awaited or (node.actions.hide and node.open_reports > 0)
        )

    def walk(self):
        """Every node, depth first, in display order."""
        stack = list(reversed(self.roots))
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))


def _count_of(queryset: QuerySet) -> Coalesce:
    """A correlated COUNT on a related table, as an annotation (no join, no GROUP BY)."""
    counted = (
        queryset.filter(argument=OuterRef("pk"))
        .order_by()
        .values("argument")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _tree_rows(*, debate: Debate, viewer, moderator: bool) -> list[Argument]:
    rows = (
        Argument.objects.filter(debate=debate)
        .select_related("author__pupil")
        .annotate(convincing=_count_of(ConvincingMark.objects.all()))
        .order_by("created_at", "pk")
    )
    if viewer.is_authenticated:
        rows = rows.annotate(
            marked=Exists(ConvincingMark.objects.filter(argument=OuterRef("pk"), user_id=viewer.pk))
        )
    if moderator:
        rows = rows.annotate(
            open_reports=_count_of(ArgumentReport.objects.filter(resolved_at__isnull=True))
        )
    return list(rows)


def debate_tree(*, debate: Debate, viewer, seen_as: DebateViewer | None = None) -> DebateTree:
    """The tree the user `viewer` may see, with convincing counts and what they may do on each
    post. One query for the posts, whatever their number, and those of debate_viewer unless
    the caller read it already (`seen_as`). The caller has checked that the viewer may see the
    debate (can_view_debate)."""
    seen_as = seen_as or debate_viewer(debate=debate, user=viewer)
    moderator = seen_as.moderator
    rows = _tree_rows(debate=debate, viewer=viewer, moderator=moderator)

    by_id = {row.pk: row for row in rows}
    shown = {row.pk for row in rows if argument_visible(row, user=viewer, moderator=moderator)}
    # Ancestors of what is shown, hidden themselves: placeholders.
    placeholders = set()
    for row_id in list(shown):
        parent_id = by_id[row_id].parent_id
        while parent_id is not None and parent_id not in shown and parent_id not in placeholders:
            placeholders.add(parent_id)
            parent_id = by_id[parent_id].parent_id

    nodes: dict[int, TreeNode] = {}
    roots: list[TreeNode] = []
    for row in rows:  # chronological: a parent always comes before its replies
        if row.pk not in shown and row.pk not in placeholders:
            continue
        placeholder = row.pk in placeholders
        node = TreeNode(
            id=row.pk,
            parent_id=row.parent_id,
            kind=row.kind,
            side=row.side,
            depth=row.depth,
            status=row.status,
            text="" if placeholder else row.text,
            author="" if placeholder else author_label(row.author),
            by_teacher=row.author_classroom_id is None,
            mine=viewer.is_authenticated and row.author_id == viewer.pk,
            placeholder=placeholder,
            created_at=row.created_at,
            convincing=0 if placeholder else row.convincing,
            marked=bool(getattr(row, "marked", False)) and not placeholder,
        )
        if moderator:
            node.open_reports = row.open_reports
            node.hold_reason = row.hold_reason
            node.held_words = row.held_words
        nodes[row.pk] = node
        if row.parent_id is None:
            roots.append(node)
        else:
            nodes[row.parent_id].children.append(node)
    for node in nodes.values():  # once every node has its children
        node.actions = post_actions(node, debate=debate, viewer=seen_as)
    return DebateTree(debate=debate, viewer=seen_as, roots=roots, nodes=nodes)


# --- The two columns --------------------------------------------------------------------------


@dataclass(frozen=True)
class ColumnEntry:
    """A direct argument on the thesis, with what answers it (visible posts only)."""

    node: TreeNode
    replies_pour: int
    replies_contre: int
    comments: int


@dataclass(frozen=True)
class DebateColumns:
    pour: list[ColumnEntry]
    contre: list[ColumnEntry]
    comments: list[TreeNode]  # on the thesis itself


def _entry(node: TreeNode) -> ColumnEntry:
    def count(nodes):
        return sum(1 for child in nodes if not child.placeholder)

    return ColumnEntry(
        node=node,
        replies_pour=count(node.replies(Side.POUR)),
        replies_contre=count(node.replies(Side.CONTRE)),
        comments=count(node.comments),
    )


def debate_columns(*, tree: DebateTree) -> DebateColumns:
    """Pour on one side, contre on the other: the arguments on the thesis, the most
    convincing first. Built from the tree: no query."""
    arguments = sorted(
        (node for node in tree.roots if node.kind == ArgumentKind.ARGUMENT),
        key=lambda node: (-node.convincing, node.created_at, node.id),
    )
    return DebateColumns(
        pour=[_entry(node) for node in arguments if node.side == Side.POUR],
        contre=[_entry(node) for node in arguments if node.side == Side.CONTRE],
        comments=[node for node in tree.roots if node.kind == ArgumentKind.COMMENT],
    )


# --- The teacher's summary --------------------------------------------------------------------


@dataclass(frozen=True)
class TopArgument:
    id: int
    text: str
    author: str
    depth: int
    convincing: int


@dataclass(frozen=True)
class PupilParticipation:
    """What a pupil did in public: their published posts, and the convincing marks those
    received (counts shown to all). Never what they wrote that was not published, nor what
    they marked or reported."""

    pseudonym: str
    classroom: str
    pour: int
    contre: int
    comments: int
    convincing_received: int

    @property
    def posts(self) -> int:
        return self.pour + self.contre + self.comments


@dataclass(frozen=True)
class DebateSummary:
    """`counts[kind_or_side][status]`: "pour" and "contre" for arguments (at every depth),
    "comment" for comments; withdrawn posts included. `top` per side: the published arguments
    with at least one mark, the most convincing first. `participation`: every pupil now in the
    debate's classes, and any other pupil who published (moved since), by pseudonym. Erased
    pupils' posts are counted as withdrawn."""

    debate: Debate
    counts: dict[str, dict[str, int]]
    top: dict[str, list[TopArgument]]
    participation: list[PupilParticipation]
    pupils: int
    pupils_who_posted: int
    open_reports: int

    def total(self, status: str = ArgumentStatus.PUBLISHED) -> int:
        return sum(row.get(status, 0) for row in self.counts.values())


def debate_summary(*, debate: Debate) -> DebateSummary:
    """For the teacher (can_view_debate_summary). Four queries."""
    counts: dict[str, dict[str, int]] = {
        key: dict.fromkeys(ArgumentStatus.values, 0) for key in (Side.POUR, Side.CONTRE, "comment")
    }
    for kind, side, status, count in (
        Argument.objects.filter(debate=debate)
        .order_by()
        .values_list("kind", "side", "status")
        .annotate(count=Count("pk"))
    ):
        counts[side if kind == ArgumentKind.ARGUMENT else "comment"][status] += count

    published = list(
        Argument.objects.filter(debate=debate, status=ArgumentStatus.PUBLISHED)
        .select_related("author__pupil", "author_classroom")
        .annotate(convincing=_count_of(ConvincingMark.objects.all()))
        .order_by("created_at", "pk")
    )
    top: dict[str, list[TopArgument]] = {Side.POUR: [], Side.CONTRE: []}
    ranked = sorted(
        (row for row in published if row.kind == ArgumentKind.ARGUMENT and row.convincing),
        key=lambda row: (-row.convincing, row.created_at, row.pk),
    )
    for row in ranked:
        if len(top[row.side]) < TOP_ARGUMENTS:
            top[row.side].append(
                TopArgument(row.pk, row.text, author_label(row.author), row.depth, row.convincing)
            )

    posted: dict[int, Counter] = defaultdict(Counter)
    names: dict[int, tuple[str, str]] = {}
    for row in published:
        if row.author_classroom_id is None or row.author_id is None:
            continue  # a teacher's post (erased pupils' posts are withdrawn, not published)
        posted[row.author_id][row.side or "comment"] += 1
        posted[row.author_id]["convincing"] += row.convincing
        names[row.author_id] = (author_label(row.author), row.author_classroom.name)
    for user_id, pseudonym, classroom in PupilProfile.objects.filter(
        classroom__debates=debate
    ).values_list("user_id", "pseudonym", "classroom__name"):
        names[user_id] = (pseudonym, classroom)
    participation = sorted(
        (
            PupilParticipation(
                pseudonym=pseudonym,
                classroom=classroom,
                pour=posted[user_id][Side.POUR],
                contre=posted[user_id][Side.CONTRE],
                comments=posted[user_id]["comment"],
                convincing_received=posted[user_id]["convincing"],
            )
            for user_id, (pseudonym, classroom) in names.items()
        ),
        key=lambda row: (row.pseudonym.casefold(), row.classroom),
    )
    open_reports = ArgumentReport.objects.filter(
        argument__debate=debate, resolved_at__isnull=True
    ).count()
    return DebateSummary(
        debate=debate,
        counts=counts,
        top=top,
        participation=participation,
        pupils=len(participation),
        pupils_who_posted=sum(1 for row in participation if row.posts),
        open_reports=open_reports,
    )


# --- Moderation -------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueItem:
    argument: Argument  # with `parent` (the context) and `author__pupil` selected
    author: str
    open_reports: list[ArgumentReport]

    @property
    def report_reasons(self) -> Counter:
        return Counter(report.reason for report in self.open_reports)


@dataclass(frozen=True)
class ModerationQueue:
    """What waits for the teacher, oldest first: pending by pre-moderation; held by the word
    filter or for contact details; hidden by reports (to confirm or restore); published with
    open reports. Reporters are not named: the reasons and notes are what the teacher needs."""

    pending: list[QueueItem]
    held: list[QueueItem]
    auto_hidden: list[QueueItem]
    reported: list[QueueItem]

    def __len__(self) -> int:
        return len(self.pending) + len(self.held) + len(self.auto_hidden) + len(self.reported)


def debate_moderation_queue(*, debate: Debate) -> ModerationQueue:
    """Two queries."""
    open_reports = ArgumentReport.objects.filter(resolved_at__isnull=True)
    rows = (
        Argument.objects.filter(debate=debate)
        .filter(
            Q(status=ArgumentStatus.PENDING)
            | Q(status=ArgumentStatus.HIDDEN, auto_hidden=True)
            | Q(
                Exists(open_reports.filter(argument=OuterRef("pk"))),
                status=ArgumentStatus.PUBLISHED,
            )
        )
        .select_related("author__pupil", "parent")
        .prefetch_related(
            Prefetch("reports", queryset=open_reports.order_by("pk"), to_attr="open_reports")
        )
        .order_by("created_at", "pk")
    )
    queue = ModerationQueue(pending=[], held=[], auto_hidden=[], reported=[])
    for row in rows:
        item = QueueItem(
            argument=row, author=author_label(row.author), open_reports=row.open_reports
        )
        if row.status == ArgumentStatus.PENDING:
            target = queue.pending if row.hold_reason == HoldReason.PREMODERATION else queue.held
        elif row.status == ArgumentStatus.HIDDEN:
            target = queue.auto_hidden
        else:
            target = queue.reported
        target.append(item)
    return queue


def debate_moderation_log(*, debate: Debate, limit: int = 200) -> list[ModerationEvent]:
    """The audit log, newest first, with actor, argument and pupil selected. One query."""
    return list(
        ModerationEvent.objects.filter(debate=debate)
        .select_related("actor", "argument", "pupil__pupil")
        .order_by("-created_at", "-pk")[:limit]
    )


def debate_blocks(*, debate: Debate) -> list[PostingBlock]:
    return list(
        PostingBlock.objects.filter(debate=debate)
        .select_related("pupil__pupil", "by")
        .order_by("pupil__pupil__pseudonym")
    )


# --- Personal data export ---------------------------------------------------------------------


def pupil_debates_export(user) -> dict:
    """For the pupil's data export (school.privacy): their posts in every state, their marks
    and reports, and the blocks that concern them. Nothing written by anyone else but the
    debates' theses and the reason a teacher gave for a block."""
    posts = [
        {
            "debat": thesis,
            "type": kind,
            "cote": side,
            "texte": text,
            "etat": status,
            "publie_le": created_at.isoformat(),
        }
        for thesis, kind, side, text, status, created_at in Argument.objects.filter(author=user)
        .order_by("created_at", "pk")
        .values_list("debate__thesis", "kind", "side", "text", "status", "created_at")
    ]
    marks = [
        {"debat": thesis, "argument": argument_id, "le": created_at.isoformat()}
        for thesis, argument_id, created_at in ConvincingMark.objects.filter(user=user)
        .order_by("created_at", "pk")
        .values_list("argument__debate__thesis", "argument_id", "created_at")
    ]
    reports = [
        {
            "debat": thesis,
            "message": argument_id,
            "motif": reason,
            "precision": note,
            "le": created_at.isoformat(),
            "traite": resolved_at is not None,
        }
        for thesis, argument_id, reason, note, created_at, resolved_at in (
            ArgumentReport.objects.filter(reporter=user)
            .order_by("created_at", "pk")
            .values_list(
                "argument__debate__thesis",
                "argument_id",
                "reason",
                "note",
                "created_at",
                "resolved_at",
            )
        )
    ]
    blocks = [
        {"debat": thesis, "raison": reason, "le": created_at.isoformat()}
        for thesis, reason, created_at in PostingBlock.objects.filter(pupil=user)
        .order_by("created_at")
        .values_list("debate__thesis", "reason", "created_at")
    ]
    return {
        "messages": posts,
        "arguments_convaincants": marks,
        "signalements": reports,
        "blocages": blocks,
    }


def teacher_debates_export(user) -> list[dict]:
    """The debates a teacher created, for their own export (school.teachers): the thesis and its
    state, not the pupils' arguments."""
    return [
        {
            "these": debate.thesis,
            "etat": debate.get_status_display(),
            "cree_le": debate.created_at.isoformat(),
        }
        for debate in Debate.objects.filter(owner=user).order_by("created_at", "pk")
    ]


def debates_linked_to(*, user, consultation) -> list:
    """The debates tied to `consultation` that `user` may see, open ones first, as links for
    the consultation's pages (consultations.related). One query."""
    from ..consultations.related import RelatedLink

    return [
        RelatedLink(label=debate.thesis, url=debate.get_absolute_url(), is_open=debate.is_open)
        for debate in debates_visible_to(user=user)
        .filter(consultation_id=consultation.pk)
        .order_by("-status", "-created_at", "-pk")  # "open" after "closed"
    ]
