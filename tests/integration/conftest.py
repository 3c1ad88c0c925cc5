"""What the integration tests share: a real Celery worker process on the test database
(PostgreSQL) and Redis broker, and the static files collected as a deployment collects them."""

import os
import subprocess
import sys
import uuid

import pytest
from django.conf import settings as django_settings
from django.db import connection

from config.celery import app as celery_app
from tests.conftest import ROOT
from tests.serving import database_url, production_environment


@pytest.fixture
def celery_worker_start():
    """start(queue, **env) -> a `celery worker` process (solo pool) on that queue, on the test
    database and media folder; `env` adds to its environment. Every worker started is stopped
    after the test (a test may also kill one itself)."""
    workers = []

    def start(queue: str, **extra_env: str) -> subprocess.Popen:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": database_url(connection.settings_dict),
            "CELERY_TASK_ALWAYS_EAGER": "false",
            # Files the worker writes (H5P packages) go where the test looks for them.
            "DJANGO_MEDIA_ROOT": str(django_settings.MEDIA_ROOT),
            **extra_env,
        }
        worker = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool=solo",
                "--queues",
                queue,
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=WARNING",
            ],
            cwd=ROOT,
            env=env,
        )
        workers.append(worker)
        return worker

    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        yield start
    finally:
        celery_app.conf.task_always_eager = eager
        for worker in workers:
            if worker.poll() is not None:
                continue
            worker.terminate()
            try:
                worker.wait(timeout=15)
            except subprocess.TimeoutExpired:
                worker.kill()


@pytest.fixture
def celery_queue(celery_worker_start):
    """Start `celery worker` on a queue of its own; yield the queue's name."""
    queue = f"hemicycle-test-{uuid.uuid4().hex[:8]}"
    celery_worker_start(queue)
    return queue


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory):
    """`manage.py collectstatic` with the production settings, as a deployment runs it (once a
    run: it takes seconds); the folder, for the served site's DJANGO_STATIC_ROOT."""
    root = tmp_path_factory.mktemp("static")
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity=0"],
        cwd=ROOT,
        env={
            **os.environ,
            **production_environment(),
            "DATABASE_URL": database_url(connection.settings_dict),
            "DJANGO_STATIC_ROOT": str(root),
        },
        check=True,
        timeout=300,
    )
    return root


def h5p_package_settled(package, timeout: float = 60):
    """The package once a worker has settled it (no longer pending), refreshed; fails the test
    after `timeout` seconds."""
    import time

    from courses.models import H5PPackage

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        package.refresh_from_db()
        if package.status != H5PPackage.Status.PENDING:
            return package
        time.sleep(0.2)
    pytest.fail(f"the worker did not settle package {package.pk} in {timeout} s")
