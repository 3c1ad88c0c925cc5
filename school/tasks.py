from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.core.management import call_command

from . import services, teachers


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def pupils_purge_archived() -> int:
    """Retention: erase pupils of classes archived longer than the configured delay."""
    return services.pupils_purge_archived(
        older_than=timedelta(days=settings.HEMICYCLE_PUPIL_RETENTION_DAYS)
    )


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def classrooms_year_end() -> dict:
    """Retention: archive the classes whose school year has ended, reminding their teachers
    beforehand (daily, idempotent)."""
    done = services.classrooms_year_end()
    return {"reminded": done.reminded, "archived": done.archived}


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def sessions_clear() -> None:
    """Retention: expired sessions leave the database (Django's clearsessions, daily)."""
    call_command("clearsessions")


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def teachers_purge_unconfirmed() -> int:
    """Sign-ups whose confirmation link has expired, with the schools only they had created."""
    return teachers.teachers_purge_unconfirmed(
        older_than=timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)
    )


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def email_send(*, subject: str, body: str, to: list[str]) -> None:
    """An e-mail written during a request and sent by a worker, so that whether one was sent
    does not show in the request's time (the password reset, school.forms)."""
    send_mail(subject, body, None, to)
