"""Project configuration: settings, root URLs, the Celery app and the site templates."""

from .celery import app as celery_app

__all__ = ("celery_app",)
