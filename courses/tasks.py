from celery import shared_task
from django.conf import settings
from django.core.management import call_command


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def pages_publish_scheduled():
    """Publish pages whose scheduled time has come and unpublish expired ones (idempotent)."""
    call_command("publish_scheduled")


# Time limits need a prefork (or gevent) pool: a solo worker ignores them. Whatever the pool,
# beat's h5p_packages_requeue is what guarantees that a check ends (courses.services.h5p).
@shared_task(
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
    acks_late=True,
    ignore_result=True,
    soft_time_limit=settings.HEMICYCLE_H5P_TASK_TIME_LIMIT - 30,
    time_limit=settings.HEMICYCLE_H5P_TASK_TIME_LIMIT,
)
def h5p_package_process(package_id: int):
    """Validate and extract an uploaded H5P package (idempotent: see the service)."""
    from .services import h5p_package_process as process

    process(package_id=package_id)


@shared_task(ignore_result=True)
def h5p_packages_requeue(now=None) -> int:
    """Run by beat: give up on checks that did not finish in time (shown as failed, with a way
    to start again) and hand every other pending check to a worker again, in case its task
    never left (broker unreachable at upload) or died with its worker (killed: with acks_late
    on Redis its message only comes back after the visibility timeout). A package queued twice
    is checked once. `now` (a datetime): for tests. Returns the number queued again."""
    from .services import h5p_packages_recover

    _given_up, pending = h5p_packages_recover(now=now)
    return len(pending)


@shared_task(ignore_result=True)
def h5p_files_sweep(now=None) -> None:
    """Run by beat: remove staging folders a killed extraction left and files no package
    references (courses.services.h5p_sweep). `now` (a datetime): for tests."""
    from .services import h5p_files_sweep as sweep

    sweep(now=now)
