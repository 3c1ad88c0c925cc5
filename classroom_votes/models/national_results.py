"""The national picture of a national question, by territory (see classroom_votes.national).

Three tables, written only by classroom_votes.national.services:

- NationalContribution: one closed class's tally of a national question, as its counters (and,
  for ranked choice, how many ballots gave each ranking): the class's closed result, which
  its own pupils and teacher may already read. Never a pupil, never a participation.
- ReleaseBatch: a set of contributions published together at one territory, all at once, and
  never split afterwards. Every published figure is a sum of whole batches, and each batch
  holds at least K classes of 2 schools and N ballots: nothing finer can be subtracted out.
- TerritoryResult: a territory's running sums over the batches released at it or below it.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    """The rungs of the roll-up, in the order of DEPTHS below. A school's figures are shown to
    its own members only; the others are public."""

    SCHOOL = "school", _("Établissement")
    DEPARTEMENT = "departement", _("Département")
    ACADEMIE = "academie", _("Académie")
    REGION = "region", _("Région")
    ZONE = "zone", _("Métropole ou outre-mer")
    FRANCE = "france", _("France")
    ETRANGER = "etranger", _("Établissements français à l'étranger")


# Public levels, from the bottom: a territory's classes are offered to the level above once
# they have waited long enough below (classroom_votes.national.rollup).
DEPTHS = {
    Level.DEPARTEMENT: 0,
    Level.ACADEMIE: 1,
    Level.REGION: 2,
    Level.ZONE: 3,
    Level.FRANCE: 4,
    Level.ETRANGER: 4,
}


class Zone(models.TextChoices):
    METROPOLE = "metropole", _("France métropolitaine")
    OUTRE_MER = "outre-mer", _("Outre-mer")
    ETRANGER = "etranger", _("Établissements français à l'étranger")


FRANCE_CODE = "FR"
ETRANGER_CODE = "ETR"


class ReleaseBatch(models.Model):
    question = models.ForeignKey(
        "classroom_votes.NationalQuestion", on_delete=models.CASCADE, related_name="batches"
    )
    level = models.CharField(_("niveau"), max_length=12, choices=Level.choices)
    code = models.CharField(_("territoire"), max_length=12)
    released_at = models.DateTimeField(_("publié le"))
    classes = models.PositiveIntegerField(_("classes"))
    schools = models.PositiveIntegerField(_("établissements"))
    ballots = models.PositiveIntegerField(_("bulletins"))

    class Meta:
        verbose_name = _("publication d'un lot de classes")
        ordering = ["question_id", "released_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__in=Level.values), name="release_batch_level_known"
            ),
        ]

    def __str__(self):
        return f"{self.question_id} {self.level}:{self.code} ({self.classes})"


class NationalContribution(models.Model):
    question = models.ForeignKey(
        "classroom_votes.NationalQuestion",
        on_delete=models.CASCADE,
        related_name="contributions",
    )
    # SET_NULL: the national figures outlive the class's consultation and the class itself
    # (retention erases classes; their sums, anonymous, stay).
    consultation = models.ForeignKey(
        "classroom_votes.Consultation",
        on_delete=models.SET_NULL,
        null=True,
        related_name="national_contributions",
    )
    classroom = models.ForeignKey(
        "school.Classroom",
        on_delete=models.SET_NULL,
        null=True,
        related_name="national_contributions",
    )
    school = models.ForeignKey(
        "school.School", on_delete=models.PROTECT, related_name="national_contributions"
    )
    # The school's territories when the class closed ("" where it has none: the collectivités
    # d'outre-mer have no académie nor région, schools abroad no département).
    departement = models.CharField(_("département"), max_length=3, blank=True)
    academie = models.CharField(_("académie"), max_length=3, blank=True)
    region = models.CharField(_("région"), max_length=3, blank=True)
    zone = models.CharField(_("zone"), max_length=12, choices=Zone.choices)
    ballots = models.PositiveIntegerField(_("bulletins"))
    counts = models.JSONField(_("compteurs"))
    # Ranked choice only: {"a>b>c": ballots giving that ranking}; "" for blank ballots.
    rankings = models.JSONField(_("classements"), default=dict, blank=True)
    closed_at = models.DateTimeField(_("close le"))
    public_batch = models.ForeignKey(
        ReleaseBatch,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="public_contributions",
    )
    school_batch = models.ForeignKey(
        ReleaseBatch,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="school_contributions",
    )

    class Meta:
        verbose_name = _("contribution d'une classe")
        ordering = ["question_id", "closed_at", "pk"]
        constraints = [
            # One voice per class and question: a class that runs a question twice counts once
            # (its first close).
            models.UniqueConstraint(
                fields=["question", "classroom"], name="national_contribution_one_per_class"
            ),
            models.CheckConstraint(
                condition=models.Q(zone__in=Zone.values), name="national_contribution_zone_known"
            ),
        ]
        # Partial: the classes still waiting are few among a question's hundred thousand, and
        # each close reads them (services.national_release), whatever the table's statistics.
        indexes = [
            models.Index(
                fields=["question"],
                condition=models.Q(public_batch__isnull=True),
                name="contribution_public_waiting",
            ),
            models.Index(
                fields=["question", "school"],
                condition=models.Q(school_batch__isnull=True),
                name="contribution_school_waiting",
            ),
        ]

    def __str__(self):
        return f"{self.question_id} — {self.classroom_id}"


class TerritoryResult(models.Model):
    question = models.ForeignKey(
        "classroom_votes.NationalQuestion", on_delete=models.CASCADE, related_name="territories"
    )
    level = models.CharField(_("niveau"), max_length=12, choices=Level.choices)
    code = models.CharField(_("territoire"), max_length=12)
    counts = models.JSONField(_("compteurs"), default=dict)
    rankings = models.JSONField(_("classements"), default=dict, blank=True)
    classes = models.PositiveIntegerField(_("classes"), default=0)
    schools = models.PositiveIntegerField(_("établissements"), default=0)
    ballots = models.PositiveIntegerField(_("bulletins"), default=0)
    updated_at = models.DateTimeField(_("mis à jour le"))

    class Meta:
        verbose_name = _("résultat d'un territoire")
        ordering = ["question_id", "level", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "level", "code"], name="territory_result_unique"
            ),
        ]

    def __str__(self):
        return f"{self.question_id} {self.level}:{self.code}"


def national_thresholds() -> tuple[int, int, int]:
    """(classes, schools, ballots) a published figure, and each batch in it, needs at least."""
    return (
        settings.HEMICYCLE_NATIONAL_MIN_CLASSES,
        settings.HEMICYCLE_NATIONAL_MIN_SCHOOLS,
        settings.HEMICYCLE_NATIONAL_MIN_BALLOTS,
    )
