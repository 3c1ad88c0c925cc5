from celery import shared_task
from django.core.management import call_command


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def pages_publish_scheduled():
    """Publish pages whose scheduled time has come and unpublish expired ones (idempotent)."""
    call_command("publish_scheduled")
