"""A Celery worker killed (SIGKILL) in the middle of an H5P extraction, on PostgreSQL with Redis
as the broker: with acks_late its message only comes back after Redis' visibility timeout (an
hour), so beat's tasks are what end the check and clean up. They run here with time moved
forward; the package ends failed with a message, nothing is left in the staging folder, and the
editor's « Relancer la vérification » on a new worker makes it ready."""

import os
import signal
import time
import uuid
import zipfile
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files import File
from django.utils import timezone

from courses import tasks
from courses.models import H5PPackage
from courses.services import (
    H5P_PACKAGE_CHECK_TIMEOUT,
    h5p_content_root,
    h5p_package_check_retry,
    h5p_package_submit,
    h5p_tmp_root,
)
from tests.courses import h5p_corpus
from tests.integration.conftest import h5p_package_settled

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

# Big enough that writing it takes the worker a few seconds (the limits are raised for it).
FILES, FILE_BYTES = 1800, 160 * 1024
WORKER_LIMITS = {
    "HEMICYCLE_H5P_MAX_UPLOAD_BYTES": str(400 * 1024 * 1024),
    "HEMICYCLE_H5P_MAX_UNPACKED_BYTES": str(400 * 1024 * 1024),
}


def _big_package(directory):
    path = directory / "gros-paquet.h5p"
    blob = os.urandom(FILE_BYTES)  # incompressible: stored as is, within the ratio limits
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        for name, data in h5p_corpus.base_entries().items():
            archive.writestr(name, data)
        for index in range(FILES):
            archive.writestr(f"content/images/image-{index:04d}.png", blob[index:] + blob[:index])
    return path


def _staging_with_files(timeout: float = 60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        root = h5p_tmp_root()
        for folder in root.iterdir() if root.is_dir() else ():
            images = folder / "content" / "images"
            if images.is_dir() and any(images.iterdir()):
                return folder
        time.sleep(0.002)
    pytest.fail(f"no extraction under way in {h5p_tmp_root()} after {timeout} s")


def test_worker_killed_during_extraction_ends_failed_then_retry_makes_it_ready(
    territories, celery_worker_start, monkeypatch, tmp_path
):
    queue = f"hemicycle-test-{uuid.uuid4().hex[:8]}"

    def delay_on_test_queue(package_id):
        return tasks.h5p_package_process.apply_async(args=[package_id], queue=queue)

    monkeypatch.setattr(tasks.h5p_package_process, "delay", delay_on_test_queue)
    worker = celery_worker_start(queue, **WORKER_LIMITS)
    path = _big_package(tmp_path)
    with open(path, "rb") as handle:
        package = H5PPackage(title="Gros paquet")
        package.file.save(path.name, File(handle), save=True)
    h5p_package_submit(package=package)  # autocommit: the task leaves at once

    staging = _staging_with_files()
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)

    package.refresh_from_db()
    assert package.status == H5PPackage.Status.PENDING  # killed before the end, for real
    assert package.check_attempts == 1  # the started try was committed before extracting
    assert staging.exists(), "the kill came after the extraction finished"
    assert not list(h5p_content_root().iterdir())

    # Beat, before the timeout: still pending, queued again (no worker listens any more).
    assert tasks.h5p_packages_requeue() == 1
    # Beat, once the timeout has passed: the check is given up, with what to do.
    later = timezone.now() + timedelta(minutes=settings.HEMICYCLE_H5P_CHECK_TIMEOUT_MINUTES + 1)
    assert tasks.h5p_packages_requeue(now=later) == 0
    package.refresh_from_db()
    assert package.status == H5PPackage.Status.FAILED
    assert package.error_code == H5P_PACKAGE_CHECK_TIMEOUT
    assert "Relancer la vérification" in package.error
    assert package.file.storage.exists(package.file.name)  # kept for the retry

    # The sweep, once the staging folder is old enough: nothing half-written is left.
    swept = later + timedelta(minutes=settings.HEMICYCLE_H5P_SWEEP_AFTER_MINUTES)
    tasks.h5p_files_sweep(now=swept)
    assert not list(h5p_tmp_root().iterdir())
    assert not list(h5p_content_root().iterdir())

    # The editor asks again; a new worker (the old queue's messages are stale) checks it.
    celery_worker_start(queue, **WORKER_LIMITS)
    assert h5p_package_check_retry(package=package)
    package = h5p_package_settled(package, timeout=90)
    assert package.status == H5PPackage.Status.READY, package.error
    assert [p.name for p in h5p_content_root().iterdir()] == [str(package.content_key)]
    assert not list(h5p_tmp_root().iterdir())
