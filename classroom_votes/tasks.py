"""Celery tasks: thin wrappers around services, owning their retries."""

from celery import shared_task
from django.db import OperationalError

from .consultations import services


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def consultations_apply_schedule() -> dict[str, list[int]]:
    """Open and close consultations whose scheduled time has come (idempotent; run every
    minute by beat)."""
    opened, closed = services.consultations_apply_schedule()
    return {"opened": opened, "closed": closed}
