from datetime import timedelta

from celery import shared_task
from django.conf import settings

from . import services, teachers


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def pupils_purge_archived() -> int:
    """Retention: erase pupils of classes archived longer than the configured delay."""
    return services.pupils_purge_archived(
        older_than=timedelta(days=settings.HEMICYCLE_PUPIL_RETENTION_DAYS)
    )


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def teachers_purge_unconfirmed() -> int:
    """Sign-ups whose confirmation link has expired, with the schools only they had created."""
    return teachers.teachers_purge_unconfirmed(
        older_than=timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)
    )
