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


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def ballots_mix_pending() -> list[int]:
    """Mix the sealed ballots of open consultations into the urn, by batches (idempotent; run by
    beat every HEMICYCLE_BALLOT_MIX_SECONDS)."""
    return services.ballots_mix_pending()


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def urn_vacuum() -> bool:
    """After a close: the dead row versions of the urn removed (idempotent)."""
    return services.urn_vacuum()
