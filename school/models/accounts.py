"""Accounts. Pupils are pseudonymous: no email and no real name are ever required."""

from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    class Role(models.TextChoices):
        PUPIL = "pupil", _("Élève")
        TEACHER = "teacher", _("Enseignant ou enseignante")
        EDITOR = "editor", _("Rédacteur ou rédactrice")
        ADMIN = "admin", _("Administrateur ou administratrice")

    role = models.CharField(_("rôle"), max_length=16, choices=Role.choices, default=Role.PUPIL)
    # Set when a teacher who signed up follows the link sent to their address; until then the
    # account is inactive and cannot log in (school.teachers). Accounts made otherwise (the
    # admin, createsuperuser, pupils) never need it: only inactive + None means "unconfirmed".
    email_confirmed_at = models.DateTimeField(_("adresse confirmée le"), null=True, blank=True)

    class Meta(AbstractUser.Meta):
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")

    def __str__(self):
        return self.username

    @property
    def is_pupil(self) -> bool:
        return self.role == self.Role.PUPIL

    @property
    def is_teacher(self) -> bool:
        return self.role == self.Role.TEACHER

    @cached_property
    def pupil_profile(self) -> "PupilProfile | None":
        """A pupil's profile with their class and its school, read at most once per user
        object, hence once per request for request.user; None for every other role."""
        if not self.is_pupil or self.pk is None:
            return None
        return (
            PupilProfile.objects.select_related("classroom__school").filter(user_id=self.pk).first()
        )

    @property
    def display_name(self) -> str:
        if self.pupil_profile is not None:
            return self.pupil_profile.pseudonym
        return self.get_full_name() or self.username


class PupilProfile(models.Model):
    """A pupil's place in a class. The pseudonym is all the class sees; the login is
    class code + pseudonym + secret."""

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, primary_key=True, related_name="pupil"
    )
    classroom = models.ForeignKey(
        "school.Classroom",
        verbose_name=_("classe"),
        on_delete=models.CASCADE,
        related_name="pupils",
    )
    pseudonym = models.CharField(_("pseudonyme"), max_length=40)
    # The pseudonym's canonical form (school.pseudonyms.pseudonym_canonical), kept by save():
    # what login looks pupils up by and what must be unique in a class, so that no Unicode
    # variant of a pseudonym is a second pupil who looks like the first.
    pseudonym_key = models.CharField(_("forme canonique du pseudonyme"), max_length=160)
    created_at = models.DateTimeField(auto_now_add=True)
    # None while a pupil who joined waits for their teacher: they then see nothing of the class
    # (school.middleware.WaitingPupilMiddleware).
    approved_at = models.DateTimeField(_("accepté le"), null=True, blank=True)

    class Meta:
        verbose_name = _("élève")
        ordering = ["pseudonym"]
        constraints = [
            models.UniqueConstraint(
                fields=["pseudonym_key", "classroom"], name="pupil_unique_pseudonym_key_per_class"
            )
        ]

    def __str__(self):
        return self.pseudonym

    def save(self, *args, **kwargs):
        from ..pseudonyms import pseudonym_canonical

        self.pseudonym_key = pseudonym_canonical(self.pseudonym)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "pseudonym" in update_fields:
            kwargs["update_fields"] = {*update_fields, "pseudonym_key"}
        super().save(*args, **kwargs)

    @property
    def is_waiting(self) -> bool:
        return self.approved_at is None
