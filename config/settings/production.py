"""Production: refuses to start without its secrets."""

import base64
import binascii

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

for _name in (
    "DJANGO_SECRET_KEY",
    "DATABASE_URL",
    "REDIS_URL",
    "DJANGO_ALLOWED_HOSTS",
    "HEMICYCLE_BALLOT_SEAL_KEYS",
    # Teachers confirm their address and reset their password by e-mail.
    "EMAIL_URL",
    "DEFAULT_FROM_EMAIL",
):
    if not env(_name, default=""):
        raise ImproperlyConfigured(f"{_name} must be set in production.")

# A seal key that does not decode would only fail at the first vote; a batch below the floor of
# the results would narrow a pupil's vote below it (classroom_votes.consultations).
for _key in HEMICYCLE_BALLOT_SEAL_KEYS:  # noqa: F405
    try:
        _bytes = base64.urlsafe_b64decode(_key + "=" * (-len(_key) % 4))
    except (binascii.Error, ValueError):
        _bytes = b""
    if len(_bytes) != 32:
        raise ImproperlyConfigured(
            "HEMICYCLE_BALLOT_SEAL_KEYS: each key is 32 bytes in URL-safe base64."
        )
if HEMICYCLE_BALLOT_BATCH < 5:  # noqa: F405
    raise ImproperlyConfigured("HEMICYCLE_BALLOT_BATCH must be 5 or more in production.")
# Below these, a published territory could come too close to one class or one school.
if (
    HEMICYCLE_NATIONAL_MIN_CLASSES < 3  # noqa: F405
    or HEMICYCLE_NATIONAL_MIN_SCHOOLS < 2  # noqa: F405
    or HEMICYCLE_NATIONAL_MIN_BALLOTS < 30  # noqa: F405
):
    raise ImproperlyConfigured(
        "HEMICYCLE_NATIONAL_MIN_CLASSES, _SCHOOLS and _BALLOTS must be at least 3, 2 and 30."
    )

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CELERY_TASK_ALWAYS_EAGER = False
# A worker runs beat: the urn is mixed by the clock (HEMICYCLE_BALLOT_MIX_SECONDS).
HEMICYCLE_BALLOT_MIX_INLINE = False
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
}
