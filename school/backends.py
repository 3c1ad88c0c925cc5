"""Pupil login: class code + pseudonym + secret. No email, no real name."""

from django.contrib.auth.backends import ModelBackend

from .models import PupilProfile
from .pseudonyms import join_code_normalise


def axes_username(request, credentials) -> str:
    """What django-axes counts failures against: the username, or class code + pseudonym."""
    credentials = credentials or {}
    if credentials.get("class_code") is not None:
        code = join_code_normalise(credentials.get("class_code", ""))
        return f"{code}:{(credentials.get('pseudonym') or '').strip().lower()}"
    return credentials.get("username") or ""


class PupilBackend(ModelBackend):
    def authenticate(self, request, class_code=None, pseudonym=None, secret=None, **kwargs):
        if class_code is None or pseudonym is None or secret is None:
            return None
        profile = (
            PupilProfile.objects.select_related("user", "classroom")
            .filter(
                classroom__join_code=join_code_normalise(class_code),
                classroom__archived_at__isnull=True,
                pseudonym__iexact=" ".join(pseudonym.split()),
            )
            .first()
        )
        if profile is None:
            # Same cost as a real check, so timing does not reveal which pseudonyms exist.
            self.user_model().set_password(secret)
            return None
        user = profile.user
        if user.check_password(secret) and self.user_can_authenticate(user):
            return user
        return None
