"""Test run: the database comes from DATABASE_URL (PostgreSQL in CI, SQLite otherwise)."""

import os
import secrets
from pathlib import Path

from .base import *  # noqa: F403
from .base import REDIS_URL, env

DEBUG = False
SECRET_KEY = "test-only-key"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ALLOWED_HOSTS = ["*"]
MEDIA_ROOT = Path(env("DJANGO_MEDIA_ROOT", default="/tmp/hemicycle-test-media"))  # noqa: S108
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
WHITENOISE_AUTOREFRESH = True
# Unit tests run tasks inline; the integration tests switch this off and use a real worker.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
HEMICYCLE_BALLOT_MIX_INLINE = env.bool(
    "HEMICYCLE_BALLOT_MIX_INLINE", default=CELERY_TASK_ALWAYS_EAGER
)

# Every key a test run writes in Redis (cache, sessions, Celery's queues and results) starts with
# a prefix of its own, and tests/conftest.py deletes those keys at the end of the run. The
# processes the tests start (a Celery worker, the served site) inherit it from the environment.
HEMICYCLE_TEST_KEY_PREFIX = os.environ.setdefault(
    "HEMICYCLE_TEST_KEY_PREFIX", f"hemicycle-test-{secrets.token_hex(4)}"
)
if REDIS_URL:
    CACHES["default"]["KEY_PREFIX"] = HEMICYCLE_TEST_KEY_PREFIX  # noqa: F405
    CACHES["throttles"]["KEY_PREFIX"] = HEMICYCLE_TEST_KEY_PREFIX  # noqa: F405
# The suite logs in hundreds of times a minute from one address: the throttles' own tests set
# the production rates back (tests/school/test_throttles.py).
HEMICYCLE_LOGIN_RATES = {"address": "100000/min", "global": "100000/min"}
# DRF's per-address and per-user rates likewise: without Redis their counts live in the test
# process's memory for the whole run (tests that check them patch the classes' rates).
REST_FRAMEWORK = {  # noqa: F405
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {"anon": "100000/min", "user": "100000/min"},
}
HEMICYCLE_THROTTLE_SCOPE_RATES = {}
# The suite posts statements faster than a pupil (tests/courses/test_xapi_nested.py sets a
# real rate).
HEMICYCLE_XAPI_RATE = "100000/min"
HEMICYCLE_H5P_STATE_RATE = "100000/min"
CELERY_BROKER_TRANSPORT_OPTIONS = {"global_keyprefix": f"{HEMICYCLE_TEST_KEY_PREFIX}:"}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"global_keyprefix": f"{HEMICYCLE_TEST_KEY_PREFIX}:"}
