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


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=8)
def national_rollup(consultation_id: int) -> int:
    """After a national consultation's close: its classes' counts added to the national
    picture (idempotent: a class counts once)."""
    from .national.services import national_rollup as rollup

    return rollup(consultation_id=consultation_id)


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def national_rollup_pending() -> list[int]:
    """Beat's catch-up for roll-ups lost while the broker or the workers were down, and the
    release of classes that have waited long enough to count a level up (idempotent)."""
    from .national.services import national_rollup_pending as pending

    return pending()
