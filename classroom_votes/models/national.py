"""National questions: written by content editors in the Wagtail admin (drafts, revisions,
workflow, scheduled publishing) and run by any class. Each class that runs one gets its own
Consultation, a copy of the question at launch, linked back here so that the next step can add
up the classes' counters across the country: the option keys are therefore fixed once a class
has voted (see forms.NationalQuestionAdminForm)."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.models import (
    DraftStateMixin,
    LockableMixin,
    Orderable,
    PreviewableMixin,
    RevisionMixin,
    WorkflowMixin,
)
from wagtail.search import index

from ..tallies import BALLOTS, BLANK, OPTION_KEY_PATTERN, VotingMethod
from .consultations import (
    CONTEXT_MAX_LENGTH,
    MIN_BALLOTS_FLOOR,
    MIN_BALLOTS_MAX,
    OPTION_DESCRIPTION_MAX_LENGTH,
    OPTION_LABEL_MAX_LENGTH,
    SOURCE_SUMMARY_MAX_LENGTH,
    SOURCE_TITLE_MAX_LENGTH,
    SOURCE_URL_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    SourcePanel,
    method_option_keys,
    method_option_labels,
    sources_by_panel,
)

OPTION_KEY_MAX_LENGTH = 32
_RESERVED_KEYS = {BLANK, BALLOTS}


class NationalQuestion(
    WorkflowMixin,
    DraftStateMixin,
    LockableMixin,
    RevisionMixin,
    PreviewableMixin,
    index.Indexed,
    ClusterableModel,
):
    title = models.CharField(_("question"), max_length=TITLE_MAX_LENGTH)
    context = models.TextField(
        _("contexte"),
        max_length=CONTEXT_MAX_LENGTH,
        blank=True,
        help_text=_("Quelques lignes pour situer la question, lues par les élèves avant le vote."),
    )
    method = models.CharField(_("mode de scrutin"), max_length=24, choices=VotingMethod.choices)
    second_round = models.BooleanField(
        _("second tour entre les deux premiers"),
        default=False,
        help_text=_("Choix unique seulement : comme à l'élection présidentielle."),
    )
    min_ballots = models.PositiveSmallIntegerField(
        _("nombre minimal de bulletins pour publier les résultats d'une classe"),
        default=MIN_BALLOTS_FLOOR,
        validators=[MinValueValidator(MIN_BALLOTS_FLOOR), MaxValueValidator(MIN_BALLOTS_MAX)],
        help_text=_("En dessous, les résultats de la classe restent cachés (secret du vote)."),
    )
    opens_at = models.DateTimeField(
        _("début de la consultation nationale"),
        null=True,
        blank=True,
        help_text=_(
            "Les classes peuvent la lancer à partir de cette date (vide : dès publication)."
        ),
    )
    closes_at = models.DateTimeField(
        _("fin de la consultation nationale"),
        null=True,
        blank=True,
        help_text=_("Les votes en classe se ferment au plus tard à cette date."),
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    search_fields = [index.SearchField("title"), index.SearchField("context")]

    class Meta:
        verbose_name = _("question nationale")
        verbose_name_plural = _("questions nationales")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(method__in=VotingMethod.values),
                name="national_question_method_known",
            ),
            models.CheckConstraint(
                condition=models.Q(second_round=False) | models.Q(method=VotingMethod.SINGLE),
                name="national_question_second_round_single_only",
            ),
            models.CheckConstraint(
                condition=models.Q(opens_at__isnull=True)
                | models.Q(closes_at__isnull=True)
                | models.Q(closes_at__gt=models.F("opens_at")),
                name="national_question_closes_after_opens",
            ),
            models.CheckConstraint(
                condition=models.Q(min_ballots__gte=MIN_BALLOTS_FLOOR),
                name="national_question_min_ballots_floor",
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.second_round and self.method != VotingMethod.SINGLE:
            raise ValidationError(
                {"second_round": _("Le second tour n'existe que pour le choix unique.")}
            )
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("La fin doit venir après le début.")})

    def is_runnable(self, *, now=None) -> bool:
        """Published, and within its period: a class may launch it now."""
        now = now or timezone.now()
        if not self.live:
            return False
        if self.opens_at is not None and now < self.opens_at:
            return False
        return self.closes_at is None or now < self.closes_at

    def option_keys(self) -> tuple[str, ...]:
        """As Consultation.option_keys: what its classes' counters are keyed by."""
        return method_option_keys(self.method, self.options.all())

    def option_labels(self) -> dict[str, str]:
        """The options' labels, fixed answers included (no blank vote added to chosen options)."""
        return method_option_labels(self.method, self.options.all(), blank=False)

    def get_preview_template(self, request, mode_name):
        return "classroom_votes/consultations/national_question_preview.html"

    def get_preview_context(self, request, mode_name):
        return {
            **super().get_preview_context(request, mode_name),
            "panels": sources_by_panel(self),
        }


def option_key_from_label(label: str, taken: set[str]) -> str:
    """A stable counter key from the label: lower-case ASCII, unique among `taken`."""
    base = slugify(label)[:OPTION_KEY_MAX_LENGTH].strip("-") or "option"
    if base in _RESERVED_KEYS:
        base = f"option-{base}"
    key, n = base, 2
    while key in taken:
        suffix = f"-{n}"
        key = f"{base[: OPTION_KEY_MAX_LENGTH - len(suffix)]}{suffix}"
        n += 1
    return key


class NationalQuestionOption(Orderable):
    """An answer or candidate. Its key is made from the label when first saved and never
    changes afterwards: the classes' counters are added up by key."""

    question = ParentalKey(NationalQuestion, on_delete=models.CASCADE, related_name="options")
    key = models.CharField(
        _("identifiant"),
        max_length=OPTION_KEY_MAX_LENGTH,
        blank=True,
        help_text=_("Rempli automatiquement à partir de l'intitulé."),
    )
    label = models.CharField(_("intitulé"), max_length=OPTION_LABEL_MAX_LENGTH)
    description = models.TextField(
        _("description"), max_length=OPTION_DESCRIPTION_MAX_LENGTH, blank=True
    )

    class Meta(Orderable.Meta):
        verbose_name = _("option")
        constraints = [
            models.UniqueConstraint(fields=["question", "key"], name="national_option_unique_key"),
        ]

    def __str__(self):
        return self.label

    def clean(self):
        super().clean()
        if self.key and (not OPTION_KEY_PATTERN.fullmatch(self.key) or self.key in _RESERVED_KEYS):
            raise ValidationError(
                {"key": _("Lettres, chiffres, tirets ou soulignés, 32 caractères au plus.")}
            )


class NationalQuestionSource(Orderable):
    """One item of the three panels, as ConsultationSource."""

    question = ParentalKey(NationalQuestion, on_delete=models.CASCADE, related_name="sources")
    panel = models.CharField(_("panneau"), max_length=8, choices=SourcePanel.choices)
    title = models.CharField(_("titre"), max_length=SOURCE_TITLE_MAX_LENGTH)
    url = models.URLField(_("lien"), max_length=SOURCE_URL_MAX_LENGTH, blank=True)
    summary = models.TextField(_("résumé"), max_length=SOURCE_SUMMARY_MAX_LENGTH, blank=True)

    class Meta(Orderable.Meta):
        verbose_name = _("source")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(panel=SourcePanel.MEDIAS) | ~models.Q(url=""),
                name="national_source_medias_has_url",
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.panel == SourcePanel.MEDIAS and not self.url:
            raise ValidationError(
                {"url": _("Un article du panneau « Les médias en parlent » a besoin d'un lien.")}
            )
