from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """Every account. Pupils are pseudonymous: no email and no real name are ever required."""

    class Role(models.TextChoices):
        PUPIL = "pupil", _("Élève")
        TEACHER = "teacher", _("Enseignant ou enseignante")
        EDITOR = "editor", _("Rédacteur ou rédactrice")
        ADMIN = "admin", _("Administrateur ou administratrice")

    role = models.CharField(_("rôle"), max_length=16, choices=Role.choices, default=Role.PUPIL)

    class Meta(AbstractUser.Meta):
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")

    def __str__(self):
        return self.username
