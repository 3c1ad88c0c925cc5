"""Benchmark: ballots cast per second, end to end over HTTP on PostgreSQL.

Run with `DATABASE_URL=postgres://… .venv/bin/python -m tests.bench.ballots` (`make bench`). It
builds a throwaway database with many classes of pupils, puts a consultation (pour / contre /
blanc) to all of them, serves the site as deployed, with granian and the production settings
(sessions in Redis, as the pupils' login left them; requests as a TLS-terminating proxy passes
them on), and has concurrent clients cast every pupil's ballot through the API as that logged-in
pupil (session and CSRF token), some pupils trying twice. The first ballots warm the server up
(database connections, first requests) and are not timed. After each round it checks the secret
ballot's invariant: participations = ballots = sum of tallies, one ballot per pupil, and tallies
equal to a recount of the stored ballots. It runs BENCH_ROUNDS rounds (3), each on a new
consultation put to the same pupils, and judges the goal on their median: one round lasts a few
seconds, so on a shared machine a single one can land on a busy moment.

The server is set up as a 2-core deployment would be: 2 workers (one per core) of 4 threads each
(a request spends part of its time waiting on the database); clients, server and database share
the cores."""

import os
import random
import statistics
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
# Sessions live in Redis in production; a pupil's is cached from the login on.
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")
os.environ["CACHE_KEY_PREFIX"] = f"bench-ballots-{os.getpid()}"
django.setup()

from tests.bench.http import CpuMeter, bench_database, post_json_concurrently  # noqa: E402
from tests.serving import served, server_description, session_for  # noqa: E402

CLASSES = int(os.environ.get("BENCH_CLASSES", "80"))
PUPILS_PER_CLASS = int(os.environ.get("BENCH_PUPILS_PER_CLASS", "30"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "16"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
THREADS = int(os.environ.get("BENCH_THREADS", "4"))
DOUBLE_VOTERS = int(os.environ.get("BENCH_DOUBLE_VOTERS", "50"))
WARM_UP = int(os.environ.get("BENCH_WARM_UP", "300"))
DATABASE = "test_hemicycle_bench_ballots"
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
GOAL = 500  # ballots/s on a 2-core machine (issue 5)


def _build():
    from school.models import User
    from school.services import pupils_bulk_create
    from tests.school.factories import classroom_create, school_create, teacher_create

    teacher = teacher_create(school=school_create())
    classrooms = [classroom_create(teacher=teacher, name=f"2nde {n + 1}") for n in range(CLASSES)]
    for classroom in classrooms:
        pupils_bulk_create(classroom=classroom, count=PUPILS_PER_CLASS)
    pupils = list(User.objects.filter(pupil__classroom__in=classrooms))
    return teacher, classrooms, pupils


def _round(address, sessions, consultation, rng, *, number: int) -> tuple[float, int]:
    """Every pupil votes once on `consultation` (the first WARM_UP untimed), DOUBLE_VOTERS of
    them a second time among the timed votes; print the figures and return (ballots/s, cast)."""
    choices = ("pour", "contre", "blanc")
    first = [(session, {"content": {"choice": rng.choice(choices)}}) for session in sessions]
    warm_up, timed = first[:WARM_UP], first[WARM_UP:]
    # Second tries among the timed votes, so that some race their pupil's first one.
    again = sessions[WARM_UP : WARM_UP + DOUBLE_VOTERS]
    timed += [(session, {"content": {"choice": "pour"}}) for session in again]
    rng.shuffle(timed)
    path = f"/api/consultations/{consultation.pk}/ballot/"
    warmed = post_json_concurrently(address, path, warm_up, clients=CLIENTS, behind_tls_proxy=True)
    meter = CpuMeter(address, DATABASE)
    meter.start()
    outcome = post_json_concurrently(address, path, timed, clients=CLIENTS, behind_tls_proxy=True)
    meter.stop()
    cast = outcome.statuses.get(201, 0)
    latencies = outcome.latencies_ms
    rate = cast / outcome.seconds
    print(
        f"round {number}: {rate:.0f} ballots/s ({len(timed) / outcome.seconds:.0f} "
        f"requests/s), median {statistics.median(latencies):.1f} ms, "
        f"p95 {statistics.quantiles(latencies, n=20)[-1]:.1f} ms; statuses {outcome.statuses}"
    )
    print(f"  CPU ms per request: {meter.per_request_ms(len(timed))}")
    assert outcome.statuses.get(409, 0) == DOUBLE_VOTERS, outcome.statuses
    return rate, cast + warmed.statuses.get(201, 0)


def _close(consultation, teacher) -> None:
    """The close: every sealed ballot opened and mixed into the urn and the counters (the
    served site has no beat here, so all of them wait for it)."""
    from classroom_votes.consultations.services import consultation_close
    from classroom_votes.models import SealedBallot

    waiting = SealedBallot.objects.filter(consultation=consultation).count()
    started = time.perf_counter()
    consultation_close(consultation=consultation, by=teacher)
    elapsed = time.perf_counter() - started
    assert not SealedBallot.objects.filter(consultation=consultation).exists()
    print(f"  close: {waiting} sealed ballots mixed into the urn in {elapsed * 1000:.0f} ms")


def _check_invariant(consultation, *, cast: int, pupils: int) -> None:
    """Participations = ballots = sum of tallies = ballots acknowledged = pupils, one ballot
    per pupil, and tallies equal to a recount of the stored ballots."""
    from classroom_votes.consultations.selectors import consultation_invariant
    from classroom_votes.models import Ballot, Participation, Tally
    from classroom_votes.tallies import tally_from_ballots, tally_merge

    participations, ballots, tally_total = consultation_invariant(consultation=consultation)
    assert participations == ballots == tally_total == cast == pupils, (
        participations,
        ballots,
        tally_total,
        cast,
    )
    voters = Participation.objects.filter(consultation=consultation).values("user").distinct()
    assert voters.count() == pupils
    stored = Ballot.objects.filter(consultation=consultation).values_list("content", flat=True)
    counted = tally_from_ballots(
        method=consultation.method, options=consultation.option_keys(), ballots=list(stored)
    )
    counters = Tally.objects.filter(consultation=consultation).values_list("key", "count")
    stored_counts = tally_merge(tallies=({key: count} for key, count in counters))
    assert counted == stored_counts, (counted, stored_counts)


def main(settings_dict):
    from tests.classroom_votes.factories import consultation_create

    rng = random.Random(1958)
    teacher, classrooms, pupils = _build()
    sessions = [session_for(pupil) for pupil in pupils]
    print(
        f"Ballots over HTTP: {server_description(workers=WORKERS, threads=THREADS)} "
        f"(production settings behind a TLS proxy: sessions in Redis), {CLIENTS} "
        f"clients, {len(pupils)} pupils in {CLASSES} classes, {ROUNDS} rounds of a new "
        f"consultation each ({WARM_UP} untimed warm-up votes, {DOUBLE_VOTERS} try twice), "
        f"PostgreSQL, {os.cpu_count()} CPUs; load average before {os.getloadavg()[0]:.2f}"
    )
    rates = []
    with served(settings_dict, workers=WORKERS, threads=THREADS, production=True) as address:
        for number in range(1, ROUNDS + 1):
            consultation = consultation_create(owner=teacher, classrooms=classrooms)
            rate, cast = _round(address, sessions, consultation, rng, number=number)
            _close(consultation, teacher)
            _check_invariant(consultation, cast=cast, pupils=len(pupils))
            rates.append(rate)
    rate = statistics.median(rates)
    print(
        f"median of {ROUNDS} rounds: {rate:.1f} ballots/s; goal: at least {GOAL} ballots/s on "
        f"{os.cpu_count()} CPUs: {'met' if rate >= GOAL else 'NOT met'}"
    )
    print(
        f"invariant holds after every round: participations = ballots = sum of tallies = "
        f"{len(pupils)}, one per pupil; {DOUBLE_VOTERS} second tries refused each time; "
        "tallies equal to a recount of the stored ballots"
    )


if __name__ == "__main__":
    with bench_database(DATABASE) as settings_dict:
        main(settings_dict)
