"""Faults in the middle of a storm of votes, on the site served as deployed (granian, production
settings behind a TLS proxy, PostgreSQL, a Redis of the test's own): a granian worker killed,
Redis stopped for two seconds, the site's database connections cut. Pupils arrive one after
the other over a few seconds, each sending their ballot two or three times at once and opening
the consultation's page; the fault strikes early in the storm. Then every pupil whose ballot got
no receipt sends it once more, as their browser would.

What must hold: no answer is a 500; a double send is refused with ballot_already_cast; every
receipt (201) is stored and nothing else is; no vote is doubled. Only what a fault strikes in
flight may fail, and cleanly: requests a killed worker had taken are cut off unanswered, a
request whose database connection is cut under it answers 503 (send it again); a vote that
failed so may have been stored (its retry then says ballot_already_cast), never twice. Redis
going away fails nothing."""

import http.client
import json
import os
import secrets
import shutil
import signal
import subprocess
import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
from django.db import connection, transaction

from classroom_votes.consultations.services import BALLOT_ALREADY_CAST
from classroom_votes.models import Ballot, Participation
from school.errors import SERVICE_UNAVAILABLE
from tests.classroom_votes.factories import consultation_create, pupils_create
from tests.conftest import skip_or_fail
from tests.school.factories import classroom_create, school_create, teacher_create
from tests.serving import Server, free_port, served_server, session_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

CLASSES, PER_CLASS = 2, 25
WORKERS, THREADS = 2, 4
SPREAD = 4.0  # seconds over which the pupils arrive
FAULT_AT = 1.0  # seconds into the storm
REDIS_DOWN = 2.0  # seconds


def stored_ballots(consultation) -> int:
    """The consultation's ballots, mixed into the urn or still sealed (where sealed ballots
    exist), counted in one snapshot: a mix running meanwhile counts nothing twice."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        count = Ballot.objects.filter(consultation=consultation).count()
        try:
            from classroom_votes.models import SealedBallot
        except ImportError:
            return count
        return count + SealedBallot.objects.filter(consultation=consultation).count()


class PrivateRedis:
    """A redis-server of the test's own, without persistence: stopping and starting it again is
    a Redis restart that forgets everything (cached sessions included)."""

    def __init__(self):
        self.binary = shutil.which("redis-server")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603
            [self.binary, "--bind", "127.0.0.1", "--port", str(self.port)]
            + ["--save", "", "--appendonly", "no", "--loglevel", "warning"],
            stdout=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise
                time.sleep(0.05)
            finally:
                client.close()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def private_redis():
    if not shutil.which("redis-server"):
        skip_or_fail(
            "the fault tests stop and restart a Redis of their own: they need redis-server "
            "(apt-get install redis-server)"
        )
    server = PrivateRedis()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@dataclass
class World:
    consultation: object
    voters: list
    sessions: list


@pytest.fixture
def world():
    # A school abroad: the flush after a transactional test also empties the départements.
    teacher = teacher_create(school=school_create(name="Lycée français de Rome", country="IT"))
    classrooms = [
        classroom_create(teacher=teacher, name=f"2nde {n}") for n in range(1, CLASSES + 1)
    ]
    consultation = consultation_create(owner=teacher, classrooms=classrooms, min_ballots=10)
    voters = [
        user
        for classroom in classrooms
        for user in pupils_create(classroom=classroom, count=PER_CLASS)
    ]
    return World(consultation, voters, [session_for(user) for user in voters])


@dataclass
class Site:
    server: Server
    application: str  # the application name of its PostgreSQL connections


@pytest.fixture(scope="module")
def site(django_db_setup, private_redis, collected_static):
    """The site as deployed, on the test database and the test's own Redis (cache, sessions,
    broker), shared by the module's tests: each has its own consultation and pupils, and finds
    the site as the previous one left it, two workers serving."""
    application = f"hemicycle-faults-{secrets.token_hex(4)}"
    with served_server(
        connection.settings_dict,
        workers=WORKERS,
        threads=THREADS,
        production=True,
        env={
            "REDIS_URL": private_redis.url,
            "CELERY_BROKER_URL": private_redis.url,
            "CELERY_RESULT_BACKEND": private_redis.url,
            "PGAPPNAME": application,  # read by libpq, under psycopg
            "DJANGO_STATIC_ROOT": str(collected_static),
        },
    ) as server:
        yield Site(server, application)


@dataclass
class Answer:
    pupil: int
    kind: str  # "vote", "page" (the consultation's page), "retry" (a vote sent again after)
    status: int | None  # None: cut off, no answer came back
    code: str  # the API's error code, for a refusal
    at: float  # when it was sent, in seconds from the start of the storm


def _headers(address, session, *, post: bool) -> dict:
    """A logged-in browser's, behind the TLS-terminating proxy."""
    headers = {"Cookie": session.cookie, "X-Forwarded-Proto": "https"}
    if post:
        origin = f"https://{address[0]}:{address[1]}"
        headers |= {
            "Content-Type": "application/json",
            "X-CSRFToken": session.csrf,
            "Origin": origin,
            "Referer": f"{origin}/",
        }
    return headers


def _request(address, method, path, headers, body=None) -> tuple[int | None, str]:
    """(status, error code), or (None, "") when the connection was cut before an answer."""
    client = http.client.HTTPConnection(*address, timeout=30)
    try:
        client.request(method, path, body=body, headers=headers)
        response = client.getresponse()
        data = response.read()
    except (OSError, http.client.HTTPException):
        return None, ""
    finally:
        client.close()
    code = ""
    if response.status >= 400 and response.getheader("Content-Type") == "application/json":
        code = json.loads(data).get("code", "")
    return response.status, code


def _ballot(n: int) -> str:
    return json.dumps({"content": {"choice": ("pour", "contre", "blanc")[n % 3]}})


def _storm(address, world, *, fault) -> tuple[list[Answer], float]:
    """Pupil n arrives at n × SPREAD / pupils seconds, sends their ballot 2 or 3 times at once
    and opens the consultation's page meanwhile; `fault()` runs FAULT_AT seconds in. The
    answers, and when the fault had struck (seconds from the start)."""
    vote_path = f"/api/consultations/{world.consultation.pk}/ballot/"
    page_path = f"/consultations/{world.consultation.pk}/"
    answers, failures, struck = [], [], []
    lock = threading.Lock()
    start = time.monotonic() + 0.2

    def wait_until(seconds: float) -> None:
        time.sleep(max(0.0, start + seconds - time.monotonic()))

    def send(n, kind, method, path, body=None):
        at = time.monotonic() - start
        headers = _headers(address, world.sessions[n], post=body is not None)
        status, code = _request(address, method, path, headers, body)
        with lock:
            answers.append(Answer(n, kind, status, code, at))

    def pupil(n):
        wait_until(n * SPREAD / len(world.voters))
        together = threading.Barrier(2 + n % 2)

        def vote():
            together.wait(timeout=10)
            send(n, "vote", "POST", vote_path, _ballot(n))

        copies = [threading.Thread(target=vote) for _ in range(together.parties)]
        for copy in copies:
            copy.start()
        send(n, "page", "GET", page_path)
        for copy in copies:
            copy.join()

    def strike():
        wait_until(FAULT_AT)
        try:
            fault()
            struck.append(time.monotonic() - start)
        except Exception as error:  # reported below, in the test's own thread
            failures.append(error)

    threads = [threading.Thread(target=pupil, args=(n,)) for n in range(len(world.voters))]
    threads.append(threading.Thread(target=strike))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "the storm did not end"
    if failures:
        raise failures[0]
    return answers, struck[0]


def _send_again_without_receipt(address, world, answers) -> list[Answer]:
    """Every pupil whose ballot got no receipt sends it once more, as their browser would."""
    vote_path = f"/api/consultations/{world.consultation.pk}/ballot/"
    acknowledged = {a.pupil for a in answers if a.kind == "vote" and a.status == 201}
    retries = []
    for n in sorted(set(range(len(world.voters))) - acknowledged):
        headers = _headers(address, world.sessions[n], post=True)
        status, code = _request(address, "POST", vote_path, headers, _ballot(n))
        retries.append(Answer(n, "retry", status, code, -1.0))
    return retries


def _statuses(answers) -> dict:
    counts = defaultdict(int)
    for answer in answers:
        counts[f"{answer.kind} {answer.status or 'cut'}"] += 1
    return dict(sorted(counts.items()))


def _assert_every_receipt_stored_once(world, answers, retries) -> None:
    """No server error but 503 (the database failed the request: send it again), which each
    test allows or not; double sends refused as such; pages shown to their logged-in pupil; each
    pupil's vote stored exactly once, whether its receipt came back or not."""
    votes = [a for a in answers if a.kind == "vote"] + retries
    errors = [a for a in answers + retries if a.status and a.status >= 500 and a.status != 503]
    assert not errors, _statuses(answers + retries)
    assert {a.status for a in answers if a.kind == "page"} <= {200, 503, None}, _statuses(answers)
    receipts = defaultdict(int)
    for answer in votes:
        receipts[answer.pupil] += answer.status == 201
    assert max(receipts.values()) == 1, "a pupil got two receipts"
    refusals = {(a.status, a.code) for a in votes if a.status not in (201, None)}
    assert refusals <= {(409, BALLOT_ALREADY_CAST), (503, SERVICE_UNAVAILABLE)}, refusals
    # After the storm, every vote sent again is answered: with its receipt, or as already cast
    # when the one whose answer was lost had been stored.
    assert {a.status for a in retries} <= {201, 409}, _statuses(retries)
    unanswered = {a.pupil for a in votes if a.status in (None, 503)}
    stored_unacknowledged = {a.pupil for a in retries if a.status == 409}
    assert stored_unacknowledged <= unanswered

    pupils = {user.pk for user in world.voters}
    acknowledged = {world.voters[n].pk for n, count in receipts.items() if count}
    participants = list(
        Participation.objects.filter(consultation=world.consultation).values_list(
            "user_id", flat=True
        )
    )
    assert len(participants) == len(set(participants)) == len(pupils)
    assert set(participants) == pupils
    assert acknowledged | {world.voters[n].pk for n in stored_unacknowledged} == pupils
    assert stored_ballots(world.consultation) == len(pupils)


def _failed(answers, status) -> list[Answer]:
    return [a for a in answers if a.status == status]


def _serving(pid: int) -> bool:
    """Whether granian's worker `pid` has loaded the application and serves: its Rust runtime's
    thread is there (started after the worker set its own signal handlers)."""
    tasks = Path(f"/proc/{pid}/task").iterdir()
    return any((task / "comm").read_text().strip() == "tokio-rt-worker" for task in tasks)


def _workers_once_all_serving(server, *, timeout: float = 30) -> list[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pids = server.worker_pids()
        if len(pids) == WORKERS and all(_serving(pid) for pid in pids):
            return pids
        time.sleep(0.1)
    pytest.fail(f"granian's {WORKERS} workers were not all serving after {timeout} s")


def test_a_killed_worker_is_replaced_and_no_vote_is_lost_or_doubled(site, world):
    server = site.server
    before = _workers_once_all_serving(server)

    def kill():
        os.kill(before[0], signal.SIGKILL)

    answers, struck = _storm(server.address, world, fault=kill)
    assert server.process.poll() is None, "granian stopped"
    started = time.monotonic()
    after = _workers_once_all_serving(server)
    assert before[0] not in after and before[1] in after  # the dead one replaced
    retries = _send_again_without_receipt(server.address, world, answers)
    print(
        f"worker killed at {struck:.1f} s (replacement serving {time.monotonic() - started:.1f} s"
        f" after the storm): {_statuses(answers + retries)}"
    )

    _assert_every_receipt_stored_once(world, answers, retries)
    # Only what the dead worker had taken went unanswered: whatever was sent after the kill was.
    # (SIGKILL lands a moment after kill() returns: a tenth of a second of slack.)
    assert not _failed(answers, 503), _statuses(answers)
    cut = _failed(answers, None)
    assert all(a.at < struck + 0.1 for a in cut), (struck, cut)


def test_redis_stopped_for_two_seconds_costs_no_error(site, world, private_redis):
    outage = []

    def stop_then_start():
        private_redis.stop()
        outage.append(time.monotonic())
        time.sleep(REDIS_DOWN)
        private_redis.start()
        outage.append(time.monotonic())

    answers, struck = _storm(site.server.address, world, fault=stop_then_start)
    retries = _send_again_without_receipt(site.server.address, world, answers)
    print(f"Redis down {outage[1] - outage[0]:.1f} s: {_statuses(answers + retries)}")

    during = [a for a in answers if struck - REDIS_DOWN <= a.at <= struck]
    assert {a.kind for a in during} == {"vote", "page"}, "nothing was sent during the outage"
    assert not _failed(answers, None) and not _failed(answers, 503), _statuses(answers)
    assert not retries, _statuses(retries)
    _assert_every_receipt_stored_once(world, answers, retries)


def test_cut_database_connections_cost_no_error(site, world):
    terminated = []

    def cut_the_sites_connections():
        try:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND application_name = %s",
                    [site.application],
                )
                terminated.extend(row[0] for row in cursor.fetchall())
        finally:
            connection.close()  # this thread's own

    answers, struck = _storm(site.server.address, world, fault=cut_the_sites_connections)
    retries = _send_again_without_receipt(site.server.address, world, answers)
    print(f"{len(terminated)} connections cut: {_statuses(answers + retries)}")

    assert terminated and all(terminated), "the site had no connection to cut"
    _assert_every_receipt_stored_once(world, answers, retries)
    # A request whose connection was cut under it answers 503 (send it again), one per
    # connection at most; the next request on each connection finds it dead and opens another.
    # (A backend ends a moment after pg_terminate_backend returns: a tenth of a second of slack.)
    assert not _failed(answers, None), _statuses(answers)
    unavailable = _failed(answers, 503)
    assert len(unavailable) <= len(terminated), _statuses(answers)
    assert all(a.at < struck + 0.1 for a in unavailable), (struck, unavailable)
