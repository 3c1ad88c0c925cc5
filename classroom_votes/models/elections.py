"""Real elections: the official results per territory, imported from the Ministry of the
Interior's open-data files (classroom_votes.elections.importing, the only writer), so that a class
can vote as a mock election and compare. Figures are stored as published: nothing here is pupil
data."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

NAME_MAX_LENGTH = 200
CANDIDATE_KEY_MAX_LENGTH = 32
TERRITORY_CODE_MAX_LENGTH = 3
# The Ministry's code of the French established abroad (no département).
ABROAD_CODE = "ZZ"


class ElectionKind(models.TextChoices):
    PRESIDENTIELLE = "presidentielle", _("Élection présidentielle")
    LEGISLATIVES = "legislatives", _("Élections législatives")
    EUROPEENNES = "europeennes", _("Élections européennes")
    REFERENDUM = "referendum", _("Référendum")


class Election(models.Model):
    Kind = ElectionKind

    name = models.CharField(_("nom"), max_length=NAME_MAX_LENGTH, unique=True)
    kind = models.CharField(_("type"), max_length=16, choices=ElectionKind.choices)
    round_number = models.PositiveSmallIntegerField(_("tour"), default=1)
    date = models.DateField(_("date du scrutin"))
    source_url = models.URLField(_("source"), max_length=500, blank=True)
    licence = models.CharField(_("licence"), max_length=200, blank=True)
    imported_at = models.DateTimeField(_("importée le"))
    # SHA-256 of the imported file: the same file again changes nothing.
    content_hash = models.CharField(_("empreinte du fichier"), max_length=64)

    class Meta:
        verbose_name = _("élection")
        ordering = ["-date", "-round_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "date", "round_number"], name="election_unique_round"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=ElectionKind.values), name="election_kind_known"
            ),
            models.CheckConstraint(
                condition=models.Q(round_number__gte=1, round_number__lte=2),
                name="election_round_1_or_2",
            ),
        ]

    def __str__(self):
        return self.name

    def get_launch_url(self) -> str:
        return reverse("classroom_votes:election_launch", kwargs={"pk": self.pk})


class ElectionCandidate(models.Model):
    class Sex(models.TextChoices):
        F = "F", _("Femme")
        M = "M", _("Homme")

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="candidates")
    order = models.PositiveSmallIntegerField(_("ordre"))
    # The option key of a mock election (tallies.OPTION_KEY_PATTERN).
    key = models.CharField(_("identifiant"), max_length=CANDIDATE_KEY_MAX_LENGTH)
    first_name = models.CharField(_("prénom"), max_length=100)
    last_name = models.CharField(_("nom"), max_length=100)
    sex = models.CharField(_("sexe"), max_length=1, choices=Sex.choices)

    class Meta:
        verbose_name = _("candidat")
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(fields=["election", "order"], name="candidate_unique_order"),
            models.UniqueConstraint(fields=["election", "key"], name="candidate_unique_key"),
            models.CheckConstraint(
                condition=models.Q(sex__in=["F", "M"]), name="candidate_sex_known"
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        """« Prénom NOM », as on a ballot paper."""
        return f"{self.first_name} {self.last_name.upper()}"


class ElectionResult(models.Model):
    """One row of the Ministry's file: a département, an overseas territory or the French
    abroad, with its counts."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="results")
    # As in the file: "01".."95", "2A", "2B", "ZA".."ZZ".
    territory_code = models.CharField(_("code du territoire"), max_length=3)
    label = models.CharField(_("libellé"), max_length=100)
    # INSEE département codes the row covers: one, two for ZX (977, 978), none for ZZ.
    departement_codes = models.JSONField(_("départements (INSEE)"), default=list, blank=True)
    inscrits = models.PositiveIntegerField(_("inscrits"))
    abstentions = models.PositiveIntegerField(_("abstentions"))
    votants = models.PositiveIntegerField(_("votants"))
    blancs = models.PositiveIntegerField(_("blancs"))
    nuls = models.PositiveIntegerField(_("nuls"))
    exprimes = models.PositiveIntegerField(_("exprimés"))

    class Meta:
        verbose_name = _("résultat par territoire")
        verbose_name_plural = _("résultats par territoire")
        ordering = ["territory_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["election", "territory_code"], name="election_result_unique_territory"
            ),
            models.CheckConstraint(
                condition=models.Q(inscrits__gte=models.F("votants"))
                & models.Q(votants__gte=models.F("exprimes"))
                & models.Q(exprimes__gte=0),
                name="election_result_counts_ordered",
            ),
            # Holds on every row of the 2022 files (checked before writing this constraint).
            models.CheckConstraint(
                condition=models.Q(
                    votants=models.F("exprimes") + models.F("blancs") + models.F("nuls")
                ),
                name="election_result_votants_sum",
            ),
            models.CheckConstraint(
                condition=models.Q(abstentions=models.F("inscrits") - models.F("votants")),
                name="election_result_abstentions",
            ),
        ]

    def __str__(self):
        return f"{self.election_id} / {self.territory_code}"

    @property
    def is_abroad(self) -> bool:
        return self.territory_code == ABROAD_CODE


class ElectionCandidateResult(models.Model):
    result = models.ForeignKey(
        ElectionResult, on_delete=models.CASCADE, related_name="candidate_results"
    )
    candidate = models.ForeignKey(
        ElectionCandidate, on_delete=models.CASCADE, related_name="results"
    )
    voix = models.PositiveIntegerField(_("voix"))

    class Meta:
        verbose_name = _("voix d'un candidat")
        verbose_name_plural = _("voix des candidats")
        constraints = [
            models.UniqueConstraint(fields=["result", "candidate"], name="candidate_result_unique"),
        ]

    def __str__(self):
        return f"{self.result_id} / {self.candidate_id}: {self.voix}"
