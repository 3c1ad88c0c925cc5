"""What the HTTP benchmarks share: a throwaway PostgreSQL database, the site served by gunicorn
on it, logged-in sessions, and concurrent keep-alive clients.

Figures measured this way include everything a real request goes through: HTTP parsing,
middleware, authentication, CSRF, the view, the database round trips and commits. Server,
database and clients share the machine's cores, so `CpuMeter` also says how much processor time
each of them took: on a shared machine, per-request CPU is steadier than requests per second."""

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


def _until_serving(host: str, port: int, *, timeout: float = 60) -> None:
    """Wait for the site's first HTTP answer (any status), not merely an open port."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        connection = http.client.HTTPConnection(host, port, timeout=5)
        try:
            connection.request("GET", "/api/consultations/")
            connection.getresponse().read()
            return
        except (OSError, http.client.HTTPException):
            time.sleep(0.2)
        finally:
            connection.close()
    raise RuntimeError("gunicorn did not start")


def production_environment() -> dict:
    """What config.settings.production needs, for a site behind a TLS-terminating proxy on
    this machine: the clients send the proxy's X-Forwarded-Proto (post_json_concurrently).
    The secret key, Redis and cache prefix are this process's, so that the sessions of
    session_for are signed and cached as the site's own login would have left them."""
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
    }


def _c_parser_version() -> str | None:
    """The version of gunicorn's C HTTP parser (the production extra), if it is installed."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("gunicorn_h1c")
    except PackageNotFoundError:
        return None


def http_parser() -> str:
    """The HTTP parser that gunicorn() serves with: the C one whenever it is installed."""
    c_version = _c_parser_version()
    if c_version:
        return f"gunicorn_h1c {c_version} (C)"
    return "pure Python (the production extra adds the C one: pip install -e '.[production]')"


@contextlib.contextmanager
def gunicorn(
    settings_dict,
    *,
    workers: int,
    threads: int,
    worker_class: str = "gthread",
    production: bool = False,
):
    """Serve the project with gunicorn on the given database; yield (host, port) once it
    answers. --preload, as a deployment would: Django is loaded once, before the workers fork,
    so none of them is still starting when the clients begin (that would be timed).
    `production`: with config.settings.production (Redis cache and sessions, no static file
    autorefresh) rather than the test settings."""
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
    if production:
        env |= production_environment()
    server = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            f"--workers={workers}",
            f"--worker-class={worker_class}",
            f"--threads={threads}",
            f"--bind=127.0.0.1:{port}",
            "--preload",
            "--log-level=warning",
            # Not gunicorn's "auto": with the C parser installed, it must be the one that serves
            # (gunicorn refuses to start otherwise), as http_parser() reports.
            *(["--http-parser=fast"] if _c_parser_version() else []),
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        _until_serving("127.0.0.1", port)
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


def post_json_concurrently(
    address, path: str, jobs: list, *, clients: int, behind_tls_proxy: bool = False
) -> Outcome:
    """POST each (session, body) job once, spread over `clients` keep-alive connections in
    threads; return the wall time, the status counts and every request's latency. Bodies and
    headers are prepared before the clock starts, to keep the clients' share of the cores
    small. `behind_tls_proxy`: the requests arrive as a TLS-terminating proxy passes them on
    (X-Forwarded-Proto, and an https origin for the CSRF check)."""
    outcome = Outcome(0.0)
    lock = threading.Lock()
    host = f"{address[0]}:{address[1]}"
    origin = f"{'https' if behind_tls_proxy else 'http'}://{host}"
    proxy = {"X-Forwarded-Proto": "https", "Origin": origin} if behind_tls_proxy else {}
    prepared = [
        (
            json.dumps(body).encode(),
            {
                "Content-Type": "application/json",
                "Cookie": session.cookie,
                "X-CSRFToken": session.csrf,
                "Host": host,
                "Referer": f"{origin}/",
                **proxy,
            },
        )
        for session, body in jobs
    ]
    cursor = iter(prepared)

    def work():
        connection = http.client.HTTPConnection(*address, timeout=60)
        while True:
            with lock:
                job = next(cursor, None)
            if job is None:
                break
            data, headers = job
            start = time.perf_counter()
            connection.request("POST", path, body=data, headers=headers)
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


class CpuMeter:
    """Processor seconds taken between start() and stop() by the gunicorn serving `address`
    (master and workers), the PostgreSQL backends of `database`, this process (the clients),
    and everything else on the machine (other users included). Linux only: reads /proc."""

    def __init__(self, address, database: str):
        self.bind = f"--bind={address[0]}:{address[1]}"
        self.backend = f" {database} "
        self.seconds: dict[str, float] = {}

    def _role(self, pid: int, command: str) -> str:
        if pid == os.getpid():
            return "clients"
        if self.bind in command:
            return "gunicorn"
        if command.startswith("postgres:") and self.backend in command:
            return "postgresql"
        return "other"

    def _sample(self) -> dict[int, tuple[str, float]]:
        tick = os.sysconf("SC_CLK_TCK")
        sample = {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
                command = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ")
            except OSError:
                continue  # ended meanwhile
            utime, stime = stat.rsplit(")", 1)[1].split()[11:13]
            role = self._role(int(entry), command.decode(errors="replace"))
            sample[int(entry)] = (role, (int(utime) + int(stime)) / tick)
        return sample

    def start(self) -> None:
        self._before = self._sample()

    def stop(self) -> None:
        """Processes that ended in between are not counted (none of the measured ones should)."""
        self.seconds = {"gunicorn": 0.0, "postgresql": 0.0, "clients": 0.0, "other": 0.0}
        for pid, (role, seconds) in self._sample().items():
            self.seconds[role] += seconds - self._before.get(pid, (role, 0.0))[1]

    def per_request_ms(self, requests: int) -> str:
        return ", ".join(
            f"{role} {1000 * seconds / requests:.1f}" for role, seconds in self.seconds.items()
        )
