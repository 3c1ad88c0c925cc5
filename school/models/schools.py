"""Schools (UAI) and their classes."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..pseudonyms import join_code_format
from .territories import Departement

UAI_PATTERN = re.compile(r"^[0-9]{7}[A-Z]$")
# The UAI key letter is the 7-digit number modulo 23 in this alphabet (no I, O, Q).
UAI_KEY_ALPHABET = "ABCDEFGHJKLMNPRSTUVWXYZ"


def uai_key(number: str) -> str:
    return UAI_KEY_ALPHABET[int(number) % 23]


def validate_uai(value: str) -> None:
    if not UAI_PATTERN.match(value or "") or uai_key(value[:7]) != value[7]:
        raise ValidationError(
            _("« %(value)s » n'est pas un code UAI valide (7 chiffres et une lettre clé)."),
            code="invalid_uai",
            params={"value": value},
        )


class School(models.Model):
    uai = models.CharField(_("code UAI"), max_length=8, unique=True, validators=[validate_uai])
    name = models.CharField(_("nom"), max_length=200)
    commune = models.CharField(_("commune"), max_length=120)
    departement = models.ForeignKey(
        Departement,
        verbose_name=_("département"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="schools",
    )
    # ISO 3166-1 alpha-2 code for a French school abroad (then no département).
    country = models.CharField(_("pays (établissement à l'étranger)"), max_length=2, blank=True)
    teachers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("enseignants"), related_name="schools", blank=True
    )

    class Meta:
        verbose_name = _("établissement")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(departement__isnull=False) & models.Q(country=""))
                | (models.Q(departement__isnull=True) & ~models.Q(country="")),
                name="school_in_france_or_abroad",
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.commune})"

    @property
    def is_abroad(self) -> bool:
        return self.departement_id is None


class Classroom(models.Model):
    class Level(models.TextChoices):
        TROISIEME = "3e", _("3e")
        SECONDE = "2nde", _("2nde")
        PREMIERE = "1re", _("1re")
        TERMINALE = "terminale", _("Terminale")
        CAP = "cap", _("CAP")
        BAC_PRO = "bac_pro", _("Bac pro")

    school = models.ForeignKey(
        School, verbose_name=_("établissement"), on_delete=models.PROTECT, related_name="classrooms"
    )
    name = models.CharField(_("nom"), max_length=80)
    level = models.CharField(_("niveau"), max_length=16, choices=Level.choices)
    # The year the school year starts: 2026 for 2026-2027.
    school_year = models.PositiveSmallIntegerField(_("année scolaire"))
    teachers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("enseignants"), related_name="classrooms"
    )
    # Codes made before issue 19 have 6 characters; they keep working (pupils type them at
    # login) until the teacher asks for a new one, which has JOIN_CODE_LENGTH.
    join_code = models.CharField(_("code de la classe"), max_length=12, unique=True)
    # Joining is closed until the teacher opens it, and then only until join_closes_at (checked
    # when a pupil joins: nothing has to run to close it).
    join_enabled = models.BooleanField(_("inscription ouverte"), default=False)
    join_closes_at = models.DateTimeField(_("inscription ouverte jusqu'au"), null=True, blank=True)
    # A pupil who joins waits until a teacher of the class accepts them.
    join_approval = models.BooleanField(_("valider les nouveaux élèves"), default=True)
    # Below settings.HEMICYCLE_CLASS_MAX_PUPILS, which applies when this is empty.
    max_pupils = models.PositiveSmallIntegerField(
        _("nombre maximal d'élèves"), null=True, blank=True
    )
    archived_at = models.DateTimeField(_("archivée le"), null=True, blank=True)
    # When the teachers were told that the end of the school year would archive the class
    # (school.services.classrooms_year_end): once, whatever the task's runs.
    year_end_reminded_at = models.DateTimeField(
        _("rappel de fin d'année envoyé le"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("classe")
        ordering = ["-school_year", "name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"), "school", "school_year", name="classroom_unique_name_per_year"
            ),
            models.CheckConstraint(
                condition=models.Q(max_pupils__isnull=True) | models.Q(max_pupils__gte=1),
                name="classroom_max_pupils_positive",
            ),
            # Open joining always closes itself.
            models.CheckConstraint(
                condition=models.Q(join_enabled=False) | models.Q(join_closes_at__isnull=False),
                name="classroom_join_open_until",
            ),
        ]

    def __str__(self):
        return f"{self.name} — {self.school_year_label}"

    @property
    def school_year_label(self) -> str:
        return f"{self.school_year}-{self.school_year + 1}"

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def join_is_open(self) -> bool:
        """Whether a pupil may join now: opened by the teacher, not past its closing time, not
        archived. The class size is checked apart, under a lock (services.pupil_check_and_join)."""
        return (
            self.join_enabled
            and not self.is_archived
            and self.join_closes_at is not None
            and timezone.now() < self.join_closes_at
        )

    @property
    def pupils_limit(self) -> int:
        """The most pupils the class may have: the teacher's limit, never above the site's."""
        ceiling = settings.HEMICYCLE_CLASS_MAX_PUPILS
        return min(self.max_pupils, ceiling) if self.max_pupils else ceiling

    @property
    def join_code_display(self) -> str:
        return join_code_format(self.join_code)


class SchoolMembershipRequest(models.Model):
    """A teacher asks to join a school. They become one of its teachers (School.teachers) only
    when an approved teacher of that school, or an administrator, approves (school.teachers)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente")
        APPROVED = "approved", _("Acceptée")
        REFUSED = "refused", _("Refusée")

    school = models.ForeignKey(
        School,
        verbose_name=_("établissement"),
        on_delete=models.CASCADE,
        related_name="membership_requests",
    )
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("enseignant"),
        on_delete=models.CASCADE,
        related_name="school_membership_requests",
    )
    status = models.CharField(
        _("état"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    # The school did not exist before this request: only an administrator may approve it.
    school_created = models.BooleanField(_("établissement créé par la demande"), default=False)
    created_at = models.DateTimeField(_("demandée le"), auto_now_add=True)
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("décidée par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("demande de rattachement")
        verbose_name_plural = _("demandes de rattachement")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                "school",
                "teacher",
                condition=models.Q(status="pending"),
                name="membership_request_one_pending",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "approved", "refused"]),
                name="membership_request_status_known",
            ),
        ]

    def __str__(self):
        return f"{self.teacher} → {self.school}"
