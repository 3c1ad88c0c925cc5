"""The site served as it is deployed, for the tests and benchmarks that go through HTTP: granian
(WSGI) on a given database, with the production settings or the test ones, and the cookies of
logged-in users."""

import contextlib
import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import ROOT


def database_url(settings_dict) -> str:
    """DATABASE_URL for another process on the database of `settings_dict` (PostgreSQL)."""
    return (
        f"postgres://{settings_dict['USER']}:{settings_dict['PASSWORD'] or ''}"
        f"@{settings_dict['HOST'] or '127.0.0.1'}:{settings_dict['PORT'] or 5432}"
        f"/{settings_dict['NAME']}"
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _until_serving(host: str, port: int, server: subprocess.Popen, *, timeout: float = 60) -> None:
    """Wait for the site's first HTTP answer (any status), not merely an open port."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server stopped at start (exit code {server.returncode})")
        connection = http.client.HTTPConnection(host, port, timeout=5)
        try:
            connection.request("GET", "/api/consultations/")
            connection.getresponse().read()
            return
        except (OSError, http.client.HTTPException):
            time.sleep(0.2)
        finally:
            connection.close()
    raise RuntimeError("the server did not answer")


def production_environment() -> dict:
    """What config.settings.production needs, for a site behind a TLS-terminating proxy on
    this machine: clients send the proxy's X-Forwarded-Proto. The secret key, Redis and cache
    prefix are this process's, so that the sessions of session_for are signed and cached as the
    site's own login would have left them."""
    import redis
    from django.conf import settings

    if not settings.REDIS_URL:
        sys.exit("Production settings need Redis: set REDIS_URL=redis://…")
    try:
        redis.Redis.from_url(settings.REDIS_URL).ping()
    except redis.RedisError as error:
        sys.exit(f"Production settings need Redis ({settings.REDIS_URL}: {error}).")
    return {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "REDIS_URL": settings.REDIS_URL,
        "CACHE_KEY_PREFIX": settings.CACHES["default"]["KEY_PREFIX"],
        # The same keys as the tests: what the served site seals, they mix and count.
        "HEMICYCLE_BALLOT_SEAL_KEYS": ",".join(settings.HEMICYCLE_BALLOT_SEAL_KEYS),
        # Nothing is sent from the served site: the e-mails are printed on its console.
        "EMAIL_URL": "consolemail://",
        "DEFAULT_FROM_EMAIL": "Hémicycle <ne-pas-repondre@localhost>",
    }


# What the README's production command and deploy/systemd/hemicycle-web.service give granian
# besides its size and address (tests/config/test_deployment.py keeps the three in step). A worker
# that dies is replaced at once, instead of taking the whole server down with it; and a worker
# that does not stop within 10 s of being asked is killed, so that a stop never hangs: granian
# 2.8 forks a replacement worker with the main process's signal handlers, which swallow a
# SIGTERM until the worker has loaded the application.
GRANIAN_OPTIONS = ("--interface=wsgi", "--respawn-failed-workers", "--workers-kill-timeout=10")


def server_description(*, workers: int, threads: int) -> str:
    from importlib.metadata import version

    return f"granian {version('granian')} (WSGI), {workers} workers × {threads} threads"


@dataclass
class Server:
    """The served site: its address and granian's main process (workers are its children)."""

    address: tuple[str, int]
    process: subprocess.Popen

    def worker_pids(self) -> list[int]:
        """The pids of granian's workers: the main process's children, as the kernel lists them
        for each of its threads (Linux)."""
        tasks = Path(f"/proc/{self.process.pid}/task").iterdir()
        return sorted(int(pid) for task in tasks for pid in (task / "children").read_text().split())


@contextlib.contextmanager
def served(settings_dict, *, workers: int, threads: int, production: bool = False, env=None):
    """Serve the project with granian, as deployed (README), on the database of
    `settings_dict`; yield (host, port) once it answers. `production`: with
    config.settings.production (Redis cache and sessions, manifest static files, HTTPS behind a
    proxy) rather than the test settings. `env`: more environment for the server."""
    with served_server(
        settings_dict, workers=workers, threads=threads, production=production, env=env
    ) as server:
        yield server.address


@contextlib.contextmanager
def served_server(settings_dict, *, workers: int, threads: int, production: bool = False, env=None):
    """As `served`, yielding the Server (address and process)."""
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url(settings_dict),
        "LOG_LEVEL": "WARNING",
    }
    if production:
        environment |= production_environment()
    environment |= env or {}
    with granian_served(
        "config.wsgi:application", environment, workers=workers, threads=threads
    ) as server:
        yield server


@contextlib.contextmanager
def granian_served(application: str, environment: dict, *, workers: int, threads: int):
    """Serve the WSGI `application` ("module:name") with granian, as deployed (GRANIAN_OPTIONS),
    in `environment`; yield the Server once it answers, stop it and its workers afterwards."""
    port = free_port()
    server = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "granian",
            *GRANIAN_OPTIONS,
            f"--workers={workers}",
            f"--blocking-threads={threads}",
            "--host=127.0.0.1",
            f"--port={port}",
            "--log-level=warning",
            "--no-access-log",
            application,
        ],
        cwd=ROOT,
        env=environment,
        process_group=0,
    )
    try:
        _until_serving("127.0.0.1", port, server)
        yield Server(("127.0.0.1", port), server)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)  # granian and its workers: none left behind
            raise


@dataclass
class Session:
    """A logged-in user's cookies and CSRF header, as a browser would send them."""

    cookie: str
    csrf: str


def session_for(user) -> Session:
    from django.test import Client

    client = Client()
    client.force_login(user)
    csrf = secrets.token_hex(16)  # a 32-character CSRF secret, sent as cookie and header
    return Session(f"sessionid={client.cookies['sessionid'].value}; csrftoken={csrf}", csrf)
