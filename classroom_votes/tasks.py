"""Celery tasks: thin wrappers around services, owning their retries."""

import datetime

from celery import shared_task
from django.db import OperationalError

from .consultations import services
from .elections import importing


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


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def election_import(
    *, source: str, name: str, date: str, round_number: int = 1, kind: str = "presidentielle"
) -> dict:
    """Import a real election's results from an https URL or a local path (idempotent: the
    same file again changes nothing). A refused file raises ElectionFileError, not retried."""
    outcome = importing.election_import_from_source(
        source=source,
        name=name,
        date=datetime.date.fromisoformat(date),
        round_number=round_number,
        kind=kind,
    )
    return {"election": outcome.election.pk, "created": outcome.created, "changed": outcome.changed}
