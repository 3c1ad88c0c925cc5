"""H5P packages uploaded by editors, what pupils' players send back (xAPI) and their saved state."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class H5PPackage(models.Model):
    """An uploaded .h5p file. A Celery task validates and extracts it after the upload commits;
    only a package in the READY state is played in lessons."""

    class Status(models.TextChoices):
        PENDING = "pending", _("En cours de vérification")
        READY = "ready", _("Prêt")
        FAILED = "failed", _("Refusé")

    title = models.CharField(_("titre"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    file = models.FileField(
        _("fichier H5P"),
        upload_to="h5p/uploads/",
        blank=True,
        validators=[FileExtensionValidator(["h5p"])],
        help_text=_("Un fichier .h5p exporté depuis un éditeur H5P, bibliothèques incluses."),
    )
    status = models.CharField(
        _("état"), max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    error_code = models.CharField(_("code d'erreur"), max_length=64, blank=True)
    error = models.TextField(_("erreur"), blank=True)
    # The folder under MEDIA_ROOT/h5p/content/ holding the extracted files: a new one per
    # successful extraction, so a lesson keeps playing the old content until the swap.
    content_key = models.UUIDField(_("dossier du contenu"), null=True, blank=True, editable=False)
    main_library = models.CharField(_("type de contenu"), max_length=255, blank=True)
    metadata = models.JSONField(_("h5p.json"), default=dict, blank=True, editable=False)
    # The score a pupil's player must report as its maximum: computed from content.json when
    # the package passes the check (courses.h5p.scoring), or set by an editor. Unknown (None):
    # the xAPI endpoint only applies its general bounds (courses.services.xapi).
    max_score = models.DecimalField(
        _("score maximal"),
        max_digits=8,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.001")), MaxValueValidator(Decimal(10_000))],
        help_text=_(
            "Le score maximal que l'activité annonce. Calculé à la vérification du fichier pour "
            "les types courants (vrai/faux, choix multiple, texte à trous…) ; à renseigner pour "
            "les autres. Vide : tout score entre 0 et 10 000 est accepté."
        ),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("déposé par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(_("déposé le"), auto_now_add=True)
    processed_at = models.DateTimeField(_("vérifié le"), null=True, blank=True, editable=False)
    # The check under way (of `file`, or of `candidate_file`): when it was asked for and how many
    # times a worker started it. Beat gives up on it past HEMICYCLE_H5P_CHECK_TIMEOUT_MINUTES or
    # HEMICYCLE_H5P_CHECK_MAX_ATTEMPTS (courses.services.h5p_packages_recover).
    check_started_at = models.DateTimeField(
        _("vérification demandée le"), null=True, blank=True, editable=False
    )
    check_attempts = models.PositiveSmallIntegerField(
        _("essais de vérification"), default=0, editable=False
    )
    # A replacement file for a READY package, checked aside while the live version keeps playing:
    # it takes the place of `file` only once it passes. Refused, it is deleted and the editor
    # reads why in candidate_error.
    candidate_file = models.FileField(
        _("nouvelle version"), upload_to="h5p/uploads/", blank=True, editable=False
    )
    candidate_status = models.CharField(
        _("état de la nouvelle version"),
        max_length=16,
        choices=Status.choices,
        blank=True,
        editable=False,
    )
    candidate_error_code = models.CharField(max_length=64, blank=True, editable=False)
    candidate_error = models.TextField(_("nouvelle version refusée"), blank=True, editable=False)

    class Meta:
        verbose_name = _("activité H5P")
        verbose_name_plural = _("activités H5P")
        ordering = ["title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="ready") | models.Q(content_key__isnull=False),
                name="h5ppackage_ready_has_content",
            )
        ]

    def __str__(self):
        return self.title

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY

    @property
    def is_checking(self) -> bool:
        """A check of the live file or of a replacement is waiting for a worker."""
        return self.Status.PENDING in (self.status, self.candidate_status)

    @property
    def status_summary(self) -> str:
        """The state an editor reads in the listing and the chooser, with the refusal reason."""
        if self.status == self.Status.FAILED:
            return _("Refusé : %(reason)s") % {"reason": self.error}
        if self.status == self.Status.PENDING or not self.candidate_status:
            return self.get_status_display()
        if self.candidate_status == self.Status.PENDING:
            return _("Prêt (nouvelle version en cours de vérification)")
        return _("Prêt (nouvelle version refusée : %(reason)s)") % {"reason": self.candidate_error}


class H5PUserState(models.Model):
    """What the H5P content-user-data protocol saves for one user and one activity, so a pupil
    finds their answers again. Size-capped (settings.HEMICYCLE_H5P_STATE_MAX_BYTES)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="h5p_states"
    )
    lesson = models.ForeignKey(
        "courses.LessonPage", on_delete=models.CASCADE, related_name="h5p_states"
    )
    activity_id = models.CharField(_("activité"), max_length=64)
    data_type = models.CharField(max_length=64)
    sub_content_id = models.CharField(max_length=64, default="0")
    data = models.TextField()
    preload = models.BooleanField(default=True)
    invalidate = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("état d'une activité H5P")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "lesson", "activity_id", "data_type", "sub_content_id"],
                name="h5pstate_unique_per_activity",
            )
        ]

    def __str__(self):
        return f"{self.user} — {self.lesson_id}/{self.activity_id}/{self.data_type}"


class XAPIStatement(models.Model):
    """An xAPI statement kept because its verb means something for progress. The actor is
    always the logged-in user who posted it; the statement id makes a replay a no-op."""

    statement_id = models.UUIDField(_("identifiant"), unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="xapi_statements"
    )
    lesson = models.ForeignKey(
        "courses.LessonPage", on_delete=models.CASCADE, related_name="xapi_statements"
    )
    activity_id = models.CharField(_("activité"), max_length=64)
    verb = models.CharField(_("verbe"), max_length=32)
    # As received (a float): the attempt holds the exact decimal that counts.
    score_raw = models.FloatField(null=True, blank=True)
    score_max = models.FloatField(null=True, blank=True)
    success = models.BooleanField(null=True, blank=True)
    completion = models.BooleanField(null=True, blank=True)
    attempt = models.OneToOneField(
        "courses.QuizAttempt",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="xapi_statement",
    )
    # The statement as received, without its actor (replaced by `user`).
    payload = models.JSONField(default=dict)
    stored_at = models.DateTimeField(_("reçu le"), auto_now_add=True)

    class Meta:
        verbose_name = _("déclaration xAPI")
        verbose_name_plural = _("déclarations xAPI")
        indexes = [models.Index(fields=["user", "lesson"], name="xapi_user_lesson")]

    def __str__(self):
        return f"{self.statement_id} {self.verb}"
