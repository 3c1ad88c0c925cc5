"""A consultation: one question put to one or more of a teacher's classes, with its options and
the three panels pupils read before voting. Only services write these rows."""

import enum
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..tallies import BALLOTS, BLANK, Scale5Level, VotingMethod, YesNoChoice

TITLE_MAX_LENGTH = 300
# Results are published above this many ballots at the least: fewer, and the count would come
# too close to each pupil's vote (the secret ballot's floor, for consultations and national
# questions alike).
MIN_BALLOTS_FLOOR = 5
MIN_BALLOTS_MAX = 1000
CONTEXT_MAX_LENGTH = 5000
OPTION_LABEL_MAX_LENGTH = 200
OPTION_DESCRIPTION_MAX_LENGTH = 1000
SOURCE_TITLE_MAX_LENGTH = 200
SOURCE_URL_MAX_LENGTH = 500
SOURCE_SUMMARY_MAX_LENGTH = 2000
PANEL_TITLE_MAX_LENGTH = 80

# Their answers are fixed by tallies, labels included: they get no ConsultationOption rows.
FIXED_ANSWERS = {
    VotingMethod.YES_NO: YesNoChoice,
    VotingMethod.SCALE5: Scale5Level,
}


class Phase(enum.StrEnum):
    """Where a consultation stands for a voter at a given moment (derived, never stored)."""

    NOT_OPEN = "not_open"
    OPEN = "open"
    OVER = "over"


class ConsultationStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    OPEN = "open", _("Ouverte")
    CLOSED = "closed", _("Close")


class ResultsVisibility(models.TextChoices):
    AFTER_CLOSE = "after_close", _("Après la clôture")
    LIVE = "live", _("En direct pendant le vote")


class SourcePanel(models.TextChoices):
    MEDIAS = "medias", _("Les médias en parlent")
    POUR = "pour", _("Ils sont pour")
    CONTRE = "contre", _("Ils sont contre")


# What a consultation's panels are called unless its teacher renames them (never empty: a blank
# title falls back to these). Plain strings, as stored; the same words as SourcePanel's labels.
PANEL_TITLE_DEFAULTS = {
    SourcePanel.MEDIAS: "Les médias en parlent",
    SourcePanel.POUR: "Ils sont pour",
    SourcePanel.CONTRE: "Ils sont contre",
}


def method_option_keys(method: str, options) -> tuple[str, ...]:
    """The option keys of a consultation or national question, in display order: the fixed
    answers of yes/no and the scale, or the keys of `options` (rows with key and label)."""
    fixed = FIXED_ANSWERS.get(method)
    if fixed is not None:
        return tuple(key for key in fixed.values if key != BLANK)
    return tuple(option.key for option in options)


def method_option_labels(method: str, options, *, blank: bool = True) -> dict[str, str]:
    """Their labels (a fixed answer's blank vote included), with the blank vote's added unless
    `blank` is False."""
    fixed = FIXED_ANSWERS.get(method)
    if fixed is not None:
        labels = {key: str(label) for key, label in fixed.choices}
    else:
        labels = {option.key: option.label for option in options}
    if blank:
        labels.setdefault(BLANK, str(YesNoChoice.BLANC.label))
    return labels


def sources_by_panel(question) -> list[dict]:
    """The three panels of a consultation or national question, in their fixed order, each
    with its title (a consultation's own, else the default) and its sources (possibly none):
    [{"key", "label", "sources"}]."""
    by_panel: dict[str, list] = {value: [] for value in SourcePanel.values}
    for source in question.sources.all():
        by_panel[source.panel].append(source)
    return [
        {
            "key": key,
            "label": getattr(question, f"panel_title_{key}", "") or label,
            "sources": by_panel[key],
        }
        for key, label in SourcePanel.choices
    ]


class Consultation(models.Model):
    Status = ConsultationStatus
    ResultsVisibility = ResultsVisibility

    # SET_NULL: the class's results outlive the teacher's account; managers of every class
    # (see permissions) and administrators can still run it.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("créée par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consultations_owned",
    )
    title = models.CharField(_("question"), max_length=TITLE_MAX_LENGTH)
    context = models.TextField(_("contexte"), max_length=CONTEXT_MAX_LENGTH, blank=True)
    method = models.CharField(_("mode de scrutin"), max_length=24, choices=VotingMethod.choices)
    second_round = models.BooleanField(_("second tour entre les deux premiers"), default=False)
    classrooms = models.ManyToManyField(
        "school.Classroom",
        verbose_name=_("classes"),
        through="ConsultationClassroom",
        related_name="consultations",
    )
    status = models.CharField(_("état"), max_length=8, choices=Status.choices, default=Status.DRAFT)
    opens_at = models.DateTimeField(_("ouverture programmée"), null=True, blank=True)
    closes_at = models.DateTimeField(_("clôture programmée"), null=True, blank=True)
    opened_at = models.DateTimeField(_("ouverte le"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("close le"), null=True, blank=True, editable=False)
    min_ballots = models.PositiveSmallIntegerField(
        _("nombre minimal de bulletins pour publier les résultats"), default=MIN_BALLOTS_FLOOR
    )
    results_visibility = models.CharField(
        _("résultats visibles"),
        max_length=16,
        choices=ResultsVisibility.choices,
        default=ResultsVisibility.AFTER_CLOSE,
    )
    # A class's run of a national question: a copy made at launch (services), kept linked so
    # that the classes' counters add up across the country. PROTECT: national results outlive
    # any edit in the admin (wagtail_hooks refuses the deletion with a message).
    national_question = models.ForeignKey(
        "classroom_votes.NationalQuestion",
        verbose_name=_("question nationale"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultations",
    )
    # A mock election: the class votes on a real election's candidates and compares with its
    # official results (classroom_votes.elections). PROTECT: the comparison needs them.
    election = models.ForeignKey(
        "classroom_votes.Election",
        verbose_name=_("élection réelle"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultations",
    )
    # Set on a second round (services.consultation_second_round_create). One-to-one: the
    # database refuses a second second round of the same first round (a double click, two
    # teachers at once). PROTECT: a second round's procès-verbal records the first round too.
    first_round = models.OneToOneField(
        "self",
        verbose_name=_("premier tour"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="second_round_consultation",
    )
    panel_title_medias = models.CharField(
        _("titre du panneau des médias"),
        max_length=PANEL_TITLE_MAX_LENGTH,
        default=PANEL_TITLE_DEFAULTS[SourcePanel.MEDIAS],
    )
    panel_title_pour = models.CharField(
        _("titre du panneau pour"),
        max_length=PANEL_TITLE_MAX_LENGTH,
        default=PANEL_TITLE_DEFAULTS[SourcePanel.POUR],
    )
    panel_title_contre = models.CharField(
        _("titre du panneau contre"),
        max_length=PANEL_TITLE_MAX_LENGTH,
        default=PANEL_TITLE_DEFAULTS[SourcePanel.CONTRE],
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("consultation")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # What the schedule task scans every minute.
            models.Index(fields=["status", "opens_at"], name="consultation_status_opens"),
            models.Index(fields=["status", "closes_at"], name="consultation_status_closes"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(method__in=VotingMethod.values),
                name="consultation_method_known",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ConsultationStatus.values),
                name="consultation_status_known",
            ),
            models.CheckConstraint(
                condition=models.Q(results_visibility__in=ResultsVisibility.values),
                name="consultation_visibility_known",
            ),
            models.CheckConstraint(
                condition=models.Q(second_round=False) | models.Q(method=VotingMethod.SINGLE),
                name="consultation_second_round_single_only",
            ),
            models.CheckConstraint(
                condition=models.Q(min_ballots__gte=MIN_BALLOTS_FLOOR),
                name="consultation_min_ballots_floor",
            ),
            models.CheckConstraint(
                condition=models.Q(opens_at__isnull=True)
                | models.Q(closes_at__isnull=True)
                | models.Q(closes_at__gt=models.F("opens_at")),
                name="consultation_closes_after_opens",
            ),
            # The timestamps services set follow the status: a draft was never opened, an open
            # consultation was opened and not closed, a closed one was both.
            models.CheckConstraint(
                condition=models.Q(
                    status=ConsultationStatus.DRAFT, opened_at__isnull=True, closed_at__isnull=True
                )
                | models.Q(
                    status=ConsultationStatus.OPEN, opened_at__isnull=False, closed_at__isnull=True
                )
                | models.Q(
                    status=ConsultationStatus.CLOSED,
                    opened_at__isnull=False,
                    closed_at__isnull=False,
                ),
                name="consultation_status_timestamps",
            ),
            # A blank title falls back to the default (services): a panel is never untitled.
            models.CheckConstraint(
                condition=~models.Q(panel_title_medias="")
                & ~models.Q(panel_title_pour="")
                & ~models.Q(panel_title_contre=""),
                name="consultation_panel_titles_not_empty",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("classroom_votes:consultation_detail", kwargs={"pk": self.pk})

    def phase(self, *, now: datetime) -> Phase:
        """Whether a ballot may be cast at `now`: the status, then the scheduled window (the
        schedule task may not have caught up with it yet)."""
        if self.status == self.Status.CLOSED:
            return Phase.OVER
        if self.status == self.Status.DRAFT:
            return Phase.NOT_OPEN
        if self.closes_at is not None and now >= self.closes_at:
            return Phase.OVER
        if self.opens_at is not None and now < self.opens_at:
            return Phase.NOT_OPEN
        return Phase.OPEN

    def option_keys(self) -> tuple[str, ...]:
        """The option keys tallies need, in display order (prefetch `options` to save a query)."""
        return method_option_keys(self.method, self.options.all())

    def option_labels(self) -> dict[str, str]:
        """Labels of every key a result may show: the options and the blank vote."""
        return method_option_labels(self.method, self.options.all())


class ConsultationClassroom(models.Model):
    """A class taking part. PROTECT: a class that voted is archived, never deleted, so that no
    ballot disappears as a side effect."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="consultation_classrooms"
    )
    classroom = models.ForeignKey(
        "school.Classroom", on_delete=models.PROTECT, related_name="consultation_links"
    )
    # Inscrits when the vote closed, for the procès-verbal (pupils join and leave afterwards).
    registered_count = models.PositiveIntegerField(_("inscrits à la clôture"), null=True)
    # When the class's closed tally was handed to its national question's roll-up (or found too
    # small to count there): null until then, which is how beat finds a roll-up that was lost.
    national_rollup_at = models.DateTimeField(_("comptée au niveau national le"), null=True)

    class Meta:
        verbose_name = _("classe participante")
        verbose_name_plural = _("classes participantes")
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "classroom"], name="consultation_classroom_unique"
            )
        ]

    def __str__(self):
        return f"{self.consultation_id} / {self.classroom_id}"


class ConsultationOption(models.Model):
    """An answer of a single, approval, majority-judgment or ranked consultation."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="options")
    # As tallies.options_validate accepts: it is the counter key and the ballot's vocabulary.
    key = models.CharField(_("identifiant"), max_length=32)
    label = models.CharField(_("intitulé"), max_length=OPTION_LABEL_MAX_LENGTH)
    description = models.TextField(
        _("description"), max_length=OPTION_DESCRIPTION_MAX_LENGTH, blank=True
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("option")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "key"], name="option_unique_key"),
            models.CheckConstraint(
                condition=~models.Q(key__in=[BLANK, BALLOTS, ""]), name="option_key_not_reserved"
            ),
        ]

    def __str__(self):
        return self.label


class ConsultationSource(models.Model):
    """One item of the panels shown before the vote, as in Mon e-parti."""

    Panel = SourcePanel

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="sources")
    panel = models.CharField(_("panneau"), max_length=8, choices=Panel.choices)
    title = models.CharField(_("titre"), max_length=SOURCE_TITLE_MAX_LENGTH)
    # Required for the press panel: an article is cited with its link; an argument may not be.
    url = models.URLField(_("lien"), max_length=SOURCE_URL_MAX_LENGTH, blank=True)
    summary = models.TextField(_("résumé"), max_length=SOURCE_SUMMARY_MAX_LENGTH, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("source")
        ordering = ["panel", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(panel__in=SourcePanel.values), name="source_panel_known"
            ),
            models.CheckConstraint(
                condition=~models.Q(panel=SourcePanel.MEDIAS) | ~models.Q(url=""),
                name="source_medias_has_url",
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.panel == self.Panel.MEDIAS and not self.url:
            raise ValidationError(
                {"url": _("Un article du panneau « Les médias en parlent » a besoin d'un lien.")}
            )
