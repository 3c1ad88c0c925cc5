"""Pupil login: class code + pseudonym + secret. No email, no real name."""

import hashlib
import hmac

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from .models import PupilProfile
from .pseudonyms import join_code_normalise


def pupil_pseudonym_key(pseudonym) -> str:
    """Case and runs of spaces do not make a different pseudonym."""
    return " ".join((pseudonym or "").split()).lower()


def axes_username(request, credentials) -> str:
    """What django-axes counts failures against: the username, or for a pupil a keyed hash of
    class code + pseudonym, so the failure log never holds a pseudonym in clear."""
    credentials = credentials or {}
    if credentials.get("class_code") is not None:
        code = join_code_normalise(credentials.get("class_code", ""))
        key = f"{code}:{pupil_pseudonym_key(credentials.get('pseudonym'))}"
        digest = hmac.new(settings.SECRET_KEY.encode(), key.encode(), hashlib.sha256)
        return f"pupil:{digest.hexdigest()[:40]}"
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
            get_user_model()().set_password(secret)
            return None
        user = profile.user
        if user.check_password(secret) and self.user_can_authenticate(user):
            return user
        return None
