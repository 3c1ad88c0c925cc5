from celery import shared_task
from django.core.management import call_command


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def pages_publish_scheduled():
    """Publish pages whose scheduled time has come and unpublish expired ones (idempotent)."""
    call_command("publish_scheduled")


@shared_task(
    autoretry_for=(OSError,), retry_backoff=True, max_retries=5, acks_late=True, ignore_result=True
)
def h5p_package_process(package_id: int):
    """Validate and extract an uploaded H5P package (idempotent: see the service)."""
    from .services import h5p_package_process as process

    process(package_id=package_id)


@shared_task(ignore_result=True)
def h5p_packages_requeue() -> int:
    """Run by beat: hand every package still pending to a worker again, in case its own task
    never left (the broker was unreachable when the upload was committed). A package queued twice
    is checked once: the service leaves alone a package that is no longer pending."""
    from .selectors import h5p_packages_pending_ids

    pending = h5p_packages_pending_ids()
    for package_id in pending:
        h5p_package_process.delay(package_id)
    return len(pending)
