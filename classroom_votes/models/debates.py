"""Classroom debates, after Kialo Edu: a thesis put to one or more classes, and a tree of
arguments *pour* and *contre* (each argument can receive its own pro and con replies), with
comments, "convincing" marks, reports and the teacher's moderation. Only debates.services writes
these rows.

One table holds arguments and comments (Argument.kind): they are posted, filtered, held,
reported, hidden, restored and rate-limited in exactly the same way, so one model keeps a single
foreign key in reports, marks and the audit log and one moderation queue. What differs is
small: a comment has no side, is never a parent and cannot be marked convincing.

Pupils' rows point at the user with SET_NULL, like the liste d'émargement, so that erasing a
pupil never takes away a post others replied to: the tree stays whole. Their words go all the
same: before the account is deleted, debates.services.pupil_debate_words_erase empties their
posts (left as withdrawn placeholders) and report notes. A posting block is about the pupil
only and goes with them (CASCADE)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

THESIS_MAX_LENGTH = 300
CONTEXT_MAX_LENGTH = 5000
ARGUMENT_MAX_LENGTH = 1000
REASON_MAX_LENGTH = 500
REPORT_NOTE_MAX_LENGTH = 300
EXTRA_WORDS_MAX_LENGTH = 3000
HELD_WORDS_MAX_LENGTH = 200
AUTO_HIDE_REPORTS_MAX = 50
MAX_DEPTH_LIMIT = 8


class DebateStatus(models.TextChoices):
    OPEN = "open", _("Ouvert")
    CLOSED = "closed", _("Clos")


class Debate(models.Model):
    Status = DebateStatus

    # SET_NULL: the class's debate outlives the teacher's account, as consultations do.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("créé par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="debates_owned",
    )
    thesis = models.CharField(_("thèse"), max_length=THESIS_MAX_LENGTH)
    context = models.TextField(_("contexte"), max_length=CONTEXT_MAX_LENGTH, blank=True)
    # A debate may prepare or follow a vote; deleting the vote leaves the debate standalone.
    consultation = models.ForeignKey(
        "classroom_votes.Consultation",
        verbose_name=_("consultation liée"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="debates",
    )
    classrooms = models.ManyToManyField(
        "school.Classroom",
        verbose_name=_("classes"),
        through="DebateClassroom",
        related_name="debates",
    )
    premoderation = models.BooleanField(
        _("pré-modération"),
        default=True,
        help_text=_("Les messages des élèves ne sont visibles qu'après validation."),
    )
    links_allowed = models.BooleanField(_("liens autorisés"), default=False)
    auto_hide_reports = models.PositiveSmallIntegerField(
        _("signalements avant masquage automatique"), default=3
    )
    max_depth = models.PositiveSmallIntegerField(_("profondeur maximale des réponses"), default=4)
    # Added to the site's list (settings.HEMICYCLE_DEBATE_WORD_LIST), one entry a line, as
    # moderation.words_clean leaves them: the teacher knows the words that hurt in their class.
    extra_words = models.TextField(
        _("mots à surveiller en plus"), max_length=EXTRA_WORDS_MAX_LENGTH, blank=True
    )
    status = models.CharField(
        _("état"), max_length=8, choices=DebateStatus.choices, default=DebateStatus.OPEN
    )
    closed_at = models.DateTimeField(_("clos le"), null=True, blank=True, editable=False)
    archived_at = models.DateTimeField(_("archivé le"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("débat")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=DebateStatus.values), name="debate_status_known"
            ),
            models.CheckConstraint(
                condition=models.Q(auto_hide_reports__gte=1)
                & models.Q(auto_hide_reports__lte=AUTO_HIDE_REPORTS_MAX),
                name="debate_auto_hide_reports_range",
            ),
            models.CheckConstraint(
                condition=models.Q(max_depth__gte=1) & models.Q(max_depth__lte=MAX_DEPTH_LIMIT),
                name="debate_max_depth_range",
            ),
            models.CheckConstraint(
                condition=models.Q(status=DebateStatus.OPEN, closed_at__isnull=True)
                | models.Q(status=DebateStatus.CLOSED, closed_at__isnull=False),
                name="debate_status_closed_at",
            ),
            # Archiving freezes a closed debate.
            models.CheckConstraint(
                condition=models.Q(archived_at__isnull=True) | models.Q(status=DebateStatus.CLOSED),
                name="debate_archived_is_closed",
            ),
        ]

    def __str__(self):
        return self.thesis

    def get_absolute_url(self) -> str:
        return reverse("classroom_votes:debate_detail", kwargs={"pk": self.pk})

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def is_open(self) -> bool:
        return self.status == DebateStatus.OPEN


class DebateClassroom(models.Model):
    """A class taking part. PROTECT, as for consultations: a class is archived, never deleted."""

    debate = models.ForeignKey(Debate, on_delete=models.CASCADE, related_name="debate_classrooms")
    classroom = models.ForeignKey(
        "school.Classroom", on_delete=models.PROTECT, related_name="debate_links"
    )

    class Meta:
        verbose_name = _("classe participante")
        verbose_name_plural = _("classes participantes")
        constraints = [
            models.UniqueConstraint(fields=["debate", "classroom"], name="debate_classroom_unique")
        ]

    def __str__(self):
        return f"{self.debate_id} / {self.classroom_id}"


class ArgumentKind(models.TextChoices):
    ARGUMENT = "argument", _("Argument")
    COMMENT = "comment", _("Commentaire")


class Side(models.TextChoices):
    """Relative to the parent: for or against the thesis, or the argument replied to."""

    POUR = "pour", _("Pour")
    CONTRE = "contre", _("Contre")


class ArgumentStatus(models.TextChoices):
    PENDING = "pending", _("En attente de validation")
    PUBLISHED = "published", _("Publié")
    HIDDEN = "hidden", _("Masqué")
    REJECTED = "rejected", _("Refusé")
    # By its author while nobody had replied, or when the author's account is erased: the
    # text is gone; the row keeps the tree, the rate limit and the audit log exact.
    WITHDRAWN = "withdrawn", _("Retiré")


class HoldReason(models.TextChoices):
    """Why a post waits for the teacher (kept after the decision, for the log)."""

    NONE = "", _("Aucune")
    PREMODERATION = "premoderation", _("Pré-modération")
    WORD_FILTER = "word_filter", _("Mot surveillé")
    CONTACT_DETAILS = "contact_details", _("Coordonnées personnelles")


class Argument(models.Model):
    Kind = ArgumentKind
    Side = Side
    Status = ArgumentStatus
    HoldReason = HoldReason

    debate = models.ForeignKey(Debate, on_delete=models.CASCADE, related_name="arguments")
    # RESTRICT: an argument with replies cannot be deleted on its own (the replies would lose
    # their place); deleting the whole debate still takes every argument with it.
    parent = models.ForeignKey(
        "self",
        verbose_name=_("en réponse à"),
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="replies",
    )
    kind = models.CharField(
        _("type"), max_length=8, choices=ArgumentKind.choices, default=ArgumentKind.ARGUMENT
    )
    side = models.CharField(_("côté"), max_length=8, choices=Side.choices, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="debate_posts",
    )
    # The pupil's class when they posted (they may move since); empty for teachers.
    author_classroom = models.ForeignKey(
        "school.Classroom",
        verbose_name=_("classe de l'auteur"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="debate_posts",
    )
    # Plain text (moderation.text_sanitize): no markup, whitespace normalised.
    text = models.TextField(_("texte"), max_length=ARGUMENT_MAX_LENGTH, blank=True)
    status = models.CharField(_("état"), max_length=10, choices=ArgumentStatus.choices)
    hold_reason = models.CharField(
        _("mis en attente pour"), max_length=16, choices=HoldReason.choices, blank=True
    )
    held_words = models.CharField(
        _("mots surveillés trouvés"), max_length=HELD_WORDS_MAX_LENGTH, blank=True
    )
    # Hidden by the pupils' reports, not yet confirmed or restored by the teacher.
    auto_hidden = models.BooleanField(_("masqué par les signalements"), default=False)
    # 1 for a direct answer to the thesis; a reply is one deeper than its parent.
    depth = models.PositiveSmallIntegerField(_("profondeur"))
    created_at = models.DateTimeField(_("publié le"), default=timezone.now)

    class Meta:
        verbose_name = _("argument")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["debate", "status"], name="argument_debate_status"),
            # The rate limit counts a pupil's recent posts in a debate.
            models.Index(fields=["debate", "author", "created_at"], name="argument_rate_limit"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=ArgumentKind.values), name="argument_kind_known"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ArgumentStatus.values),
                name="argument_status_known",
            ),
            models.CheckConstraint(
                condition=models.Q(hold_reason__in=HoldReason.values),
                name="argument_hold_reason_known",
            ),
            models.CheckConstraint(
                condition=models.Q(kind=ArgumentKind.ARGUMENT, side__in=Side.values)
                | models.Q(kind=ArgumentKind.COMMENT, side=""),
                name="argument_side_matches_kind",
            ),
            models.CheckConstraint(
                condition=models.Q(parent__isnull=True, depth=1)
                | models.Q(parent__isnull=False, depth__gt=1),
                name="argument_depth_matches_parent",
            ),
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("pk")), name="argument_not_own_parent"
            ),
            models.CheckConstraint(
                condition=~models.Q(status=ArgumentStatus.PENDING) | ~models.Q(hold_reason=""),
                name="argument_pending_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(auto_hidden=False) | models.Q(status=ArgumentStatus.HIDDEN),
                name="argument_auto_hidden_is_hidden",
            ),
            models.CheckConstraint(
                condition=models.Q(status=ArgumentStatus.WITHDRAWN, text="")
                | (~models.Q(status=ArgumentStatus.WITHDRAWN) & ~models.Q(text="")),
                name="argument_text_unless_withdrawn",
            ),
        ]

    def __str__(self):
        return f"{self.debate_id} #{self.pk} ({self.kind} {self.side})"


class ConvincingMark(models.Model):
    """A pupil found this argument convincing. Counted in public, never shown by whom."""

    argument = models.ForeignKey(
        Argument, on_delete=models.CASCADE, related_name="convincing_marks"
    )
    # SET_NULL: an erased pupil's mark still counts; NULLs never collide in the constraint.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="debate_convincing_marks",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("argument convaincant")
        verbose_name_plural = _("arguments convaincants")
        constraints = [
            models.UniqueConstraint(fields=["argument", "user"], name="convincing_one_per_pupil")
        ]

    def __str__(self):
        return f"{self.argument_id} ✓"


class ReportReason(models.TextChoices):
    INSULT = "insult", _("Insulte ou propos blessant")
    HARASSMENT = "harassment", _("Harcèlement ou moquerie")
    DISCRIMINATION = "discrimination", _("Propos raciste, sexiste, homophobe…")
    PERSONAL_DATA = "personal_data", _("Informations personnelles")
    OFF_TOPIC = "off_topic", _("Hors sujet")
    OTHER = "other", _("Autre")


class ArgumentReport(models.Model):
    Reason = ReportReason

    argument = models.ForeignKey(Argument, on_delete=models.CASCADE, related_name="reports")
    # SET_NULL: the report stays in the teacher's queue when the reporter is erased.
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="debate_reports",
    )
    reason = models.CharField(_("motif"), max_length=16, choices=ReportReason.choices)
    note = models.TextField(_("précision"), max_length=REPORT_NOTE_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(_("signalé le"), auto_now_add=True)
    # Set when the teacher decides (hides, restores, approves or dismisses): only open
    # reports count towards the automatic hiding.
    resolved_at = models.DateTimeField(_("traité le"), null=True, blank=True)
    # Whether the report weighs towards the automatic hiding, decided when it is made: a pupil
    # of standing in the debate's classes, not flagged (debates.services.argument_report).
    counts = models.BooleanField(_("compte pour le masquage automatique"), default=True)
    # The teacher's verdict: True when they hid the post (or confirmed its hiding), False when
    # they restored it or dismissed the reports; None while open or without a verdict.
    upheld = models.BooleanField(_("signalement fondé"), null=True, blank=True)

    class Meta:
        verbose_name = _("signalement")
        ordering = ["created_at", "pk"]
        indexes = [
            # The per-pupil rate limit and the reporter's record.
            models.Index(fields=["reporter", "created_at"], name="report_reporter_recent"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["argument", "reporter"], name="report_one_per_pupil"),
            models.CheckConstraint(
                condition=models.Q(reason__in=ReportReason.values), name="report_reason_known"
            ),
        ]

    def __str__(self):
        return f"{self.argument_id}: {self.reason}"


class ModerationAction(models.TextChoices):
    APPROVE = "approve", _("Validé")
    REJECT = "reject", _("Refusé")
    HIDE = "hide", _("Masqué")
    AUTO_HIDE = "auto_hide", _("Masqué automatiquement après signalements")
    RESTORE = "restore", _("Rétabli")
    DISMISS_REPORTS = "dismiss_reports", _("Signalements écartés")
    WITHDRAW = "withdraw", _("Retiré par son auteur")
    BLOCK = "block", _("Élève bloqué")
    UNBLOCK = "unblock", _("Élève débloqué")
    SETTINGS = "settings", _("Réglages modifiés")
    CLOSE = "close", _("Débat clos")
    REOPEN = "reopen", _("Débat rouvert")
    ARCHIVE = "archive", _("Débat archivé")


class ModerationEvent(models.Model):
    """The audit log: append-only, written by the service that acts, in its transaction."""

    Action = ModerationAction

    debate = models.ForeignKey(Debate, on_delete=models.CASCADE, related_name="moderation_events")
    argument = models.ForeignKey(
        Argument,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="moderation_events",
    )
    # The pupil a block is about.
    pupil = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # None: the platform (automatic hiding).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=16, choices=ModerationAction.choices)
    reason = models.TextField(_("raison"), max_length=REASON_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(_("le"), default=timezone.now)

    class Meta:
        verbose_name = _("action de modération")
        verbose_name_plural = _("journal de modération")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(action__in=ModerationAction.values),
                name="moderation_action_known",
            )
        ]

    def __str__(self):
        return f"{self.debate_id} {self.action} {self.argument_id or ''}"


class PostingBlock(models.Model):
    """This pupil may read, mark and report in this debate, but no longer post."""

    debate = models.ForeignKey(Debate, on_delete=models.CASCADE, related_name="posting_blocks")
    pupil = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("élève"),
        on_delete=models.CASCADE,
        related_name="debate_posting_blocks",
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("par"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    reason = models.TextField(_("raison"), max_length=REASON_MAX_LENGTH)
    created_at = models.DateTimeField(_("le"), auto_now_add=True)

    class Meta:
        verbose_name = _("blocage")
        constraints = [
            models.UniqueConstraint(fields=["debate", "pupil"], name="posting_block_unique"),
            models.CheckConstraint(condition=~models.Q(reason=""), name="posting_block_reason"),
        ]

    def __str__(self):
        return f"{self.debate_id} / {self.pupil_id}"
