"""Région → académie → département, from the reference file school/data/territories.json,
plus the overseas collectivités (no région, no académie). Codes are strings ("01", "2A", "971")."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    code = models.CharField(_("code INSEE"), max_length=3, primary_key=True)
    name = models.CharField(_("nom"), max_length=80)

    class Meta:
        verbose_name = _("région")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Academie(models.Model):
    code = models.CharField(_("numéro"), max_length=3, primary_key=True)
    name = models.CharField(_("nom"), max_length=80)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="academies")

    class Meta:
        verbose_name = _("académie")
        ordering = ["name"]

    def __str__(self):
        return self.name


class DepartementKind(models.TextChoices):
    DEPARTEMENT = "departement", _("Département")
    # Nouvelle-Calédonie is a collectivité sui generis; it is filed here too.
    COLLECTIVITE = "collectivite", _("Collectivité d'outre-mer")


class Departement(models.Model):
    """A département, or an overseas collectivité (INSEE COG codes 975, 977, 978, 986, 987,
    988): those belong to no région, and their schools depend on a vice-rectorat, not an
    académie, so both are null for them (and only for them: see the constraint)."""

    Kind = DepartementKind

    code = models.CharField(_("code INSEE"), max_length=3, primary_key=True)
    name = models.CharField(_("nom"), max_length=80)
    kind = models.CharField(
        _("type"),
        max_length=12,
        choices=DepartementKind.choices,
        default=DepartementKind.DEPARTEMENT,
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="departements", null=True, blank=True
    )
    academie = models.ForeignKey(
        Academie, on_delete=models.PROTECT, related_name="departements", null=True, blank=True
    )

    class Meta:
        verbose_name = _("département")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=DepartementKind.values),
                name="departement_kind_known",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind=DepartementKind.DEPARTEMENT)
                | models.Q(region__isnull=False, academie__isnull=False),
                name="departement_has_region_and_academie",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"

    @property
    def is_overseas(self) -> bool:
        """Outside metropolitan France: DROM (971–976) and collectivités (975–988)."""
        return self.code.startswith(("97", "98"))
