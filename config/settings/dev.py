"""First run on a laptop: SQLite, eager Celery, debug on."""

from .base import *  # noqa: F403

DEBUG = True
ALLOWED_HOSTS = ["*"]
