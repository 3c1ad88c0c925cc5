"""What the HTTP benchmarks share: a throwaway PostgreSQL database, the site served on it as
deployed (tests/serving.py), logged-in sessions, and concurrent keep-alive clients.

Figures measured this way include everything a real request goes through: HTTP parsing,
middleware, authentication, CSRF, the view, the database round trips and commits. Server,
database and clients share the machine's cores, so `CpuMeter` also says how much processor time
each of them took: on a shared machine, per-request CPU is steadier than requests per second."""

import contextlib
import http.client
import json
import os
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path


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
    return _requests_concurrently(
        address, [("POST", path, data, headers) for data, headers in prepared], clients=clients
    )


def _requests_concurrently(address, requests: list, *, clients: int) -> Outcome:
    """Send each (method, path, body, headers) once, spread over `clients` keep-alive
    connections in threads; the wall time, the status counts and every request's latency."""
    outcome = Outcome(0.0)
    lock = threading.Lock()
    cursor = iter(requests)

    def work():
        connection = http.client.HTTPConnection(*address, timeout=60)
        while True:
            with lock:
                job = next(cursor, None)
            if job is None:
                break
            method, path, data, headers = job
            start = time.perf_counter()
            connection.request(method, path, body=data, headers=headers)
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
    """Processor seconds taken between start() and stop() by the server on `address`
    (master and workers), the PostgreSQL backends of `database`, this process (the clients),
    and everything else on the machine (other users included). Linux only: reads /proc."""

    def __init__(self, address, database: str):
        self.bind = f"--port={address[1]} "  # in the command line of granian and its workers
        self.backend = f" {database} "
        self.seconds: dict[str, float] = {}

    def _role(self, pid: int, command: str) -> str:
        if pid == os.getpid():
            return "clients"
        if self.bind in command:
            return "server"
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
        self.seconds = {"server": 0.0, "postgresql": 0.0, "clients": 0.0, "other": 0.0}
        for pid, (role, seconds) in self._sample().items():
            self.seconds[role] += seconds - self._before.get(pid, (role, 0.0))[1]

    def per_request_ms(self, requests: int) -> str:
        return ", ".join(
            f"{role} {1000 * seconds / requests:.1f}" for role, seconds in self.seconds.items()
        )


def get_concurrently(
    address, paths: list, *, clients: int, cookie: str = "", behind_tls_proxy: bool = False
) -> Outcome:
    """GET each path once, as post_json_concurrently posts (`behind_tls_proxy` likewise)."""
    headers = {"Host": f"{address[0]}:{address[1]}", **({"Cookie": cookie} if cookie else {})}
    if behind_tls_proxy:
        headers["X-Forwarded-Proto"] = "https"
    return _requests_concurrently(
        address, [("GET", path, None, headers) for path in paths], clients=clients
    )


def server_memory_mib(server) -> float:
    """Resident memory of a served site, its main process and its workers (Linux)."""
    total_kib = 0
    for pid in [server.process.pid, *server.worker_pids()]:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total_kib += int(line.split()[1])
    return total_kib / 1024
