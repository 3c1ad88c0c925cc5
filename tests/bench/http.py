"""What the HTTP benchmarks share: a throwaway PostgreSQL database, the site served by gunicorn
on it, logged-in sessions, and concurrent keep-alive clients.

Figures measured this way include everything a real request goes through: HTTP parsing,
middleware, authentication, CSRF, the view, the database round trips and commits."""

import contextlib
import http.client
import json
import os
import secrets
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@contextlib.contextmanager
def bench_database(name: str):
    """Create the test database `name` on the server of DATABASE_URL; drop it afterwards."""
    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment

    if connection.vendor != "postgresql":
        sys.exit("This benchmark measures PostgreSQL: set DATABASE_URL=postgres://…")
    setup_test_environment()
    connection.settings_dict["TEST"]["NAME"] = name
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        yield connection.settings_dict
    finally:
        connection.close()
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def gunicorn(settings_dict, *, workers: int, threads: int):
    """Serve the project with gunicorn on the given database; yield (host, port)."""
    database_url = (
        f"postgres://{settings_dict['USER']}:{settings_dict['PASSWORD'] or ''}"
        f"@{settings_dict['HOST'] or '127.0.0.1'}:{settings_dict['PORT'] or 5432}"
        f"/{settings_dict['NAME']}"
    )
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url,
        "LOG_LEVEL": "WARNING",
    }
    server = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            f"--workers={workers}",
            "--worker-class=gthread",
            f"--threads={threads}",
            f"--bind=127.0.0.1:{port}",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                break
            time.sleep(0.2)
        else:
            raise RuntimeError("gunicorn did not start")
        yield "127.0.0.1", port
    finally:
        server.terminate()
        server.wait(timeout=30)


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


@dataclass
class Outcome:
    seconds: float
    statuses: dict = field(default_factory=dict)
    latencies_ms: list = field(default_factory=list)


def post_json_concurrently(address, path: str, jobs: list, *, clients: int) -> Outcome:
    """POST each (session, body) job once, spread over `clients` keep-alive connections in
    threads; return the wall time, the status counts and every request's latency."""
    outcome = Outcome(0.0)
    lock = threading.Lock()
    cursor = iter(jobs)

    def work():
        connection = http.client.HTTPConnection(*address, timeout=60)
        while True:
            with lock:
                job = next(cursor, None)
            if job is None:
                break
            session, body = job
            data = json.dumps(body).encode()
            start = time.perf_counter()
            connection.request(
                "POST",
                path,
                body=data,
                headers={
                    "Content-Type": "application/json",
                    "Cookie": session.cookie,
                    "X-CSRFToken": session.csrf,
                    "Host": f"{address[0]}:{address[1]}",
                    "Referer": f"http://{address[0]}:{address[1]}/",
                },
            )
            response = connection.getresponse()
            response.read()
            elapsed = (time.perf_counter() - start) * 1000
            with lock:
                outcome.statuses[response.status] = outcome.statuses.get(response.status, 0) + 1
                outcome.latencies_ms.append(elapsed)
        connection.close()

    threads = [threading.Thread(target=work) for _ in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    outcome.seconds = time.perf_counter() - start
    return outcome
