"""Benchmark: ballots cast per second, end to end over HTTP on PostgreSQL.

Run with `DATABASE_URL=postgres://… .venv/bin/python -m tests.bench.ballots` (`make bench`). It
builds a throwaway database with one consultation (pour / contre / blanc) open in many classes,
serves the site with gunicorn, and has concurrent clients cast every pupil's ballot through the
API as that logged-in pupil (session and CSRF token), some pupils trying twice. Afterwards it
checks the secret ballot's invariant: participations = ballots = sum of tallies, one ballot per
pupil, and tallies equal to the count of the stored ballots."""

import os
import random
import statistics

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
django.setup()

from tests.bench.http import (  # noqa: E402
    bench_database,
    gunicorn,
    post_json_concurrently,
    session_for,
)

CLASSES = int(os.environ.get("BENCH_CLASSES", "40"))
PUPILS_PER_CLASS = int(os.environ.get("BENCH_PUPILS_PER_CLASS", "30"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "16"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
THREADS = int(os.environ.get("BENCH_THREADS", "4"))
DOUBLE_VOTERS = int(os.environ.get("BENCH_DOUBLE_VOTERS", "50"))


def _build():
    from school.models import User
    from school.services import pupils_bulk_create
    from tests.classroom_votes.factories import consultation_create
    from tests.school.factories import classroom_create, school_create, teacher_create

    teacher = teacher_create(school=school_create())
    classrooms = [classroom_create(teacher=teacher, name=f"2nde {n + 1}") for n in range(CLASSES)]
    for classroom in classrooms:
        pupils_bulk_create(classroom=classroom, count=PUPILS_PER_CLASS)
    consultation = consultation_create(owner=teacher, classrooms=classrooms)
    pupils = list(User.objects.filter(pupil__classroom__in=classrooms))
    return consultation, pupils


def main(settings_dict):
    from classroom_votes.models import Ballot, Participation
    from classroom_votes.selectors import consultation_invariant
    from classroom_votes.tallies import tally_from_ballots

    rng = random.Random(1958)
    consultation, pupils = _build()
    sessions = [session_for(pupil) for pupil in pupils]
    choices = ("pour", "contre", "blanc")
    jobs = [(session, {"content": {"choice": rng.choice(choices)}}) for session in sessions]
    jobs += [(session, {"content": {"choice": "pour"}}) for session in sessions[:DOUBLE_VOTERS]]
    rng.shuffle(jobs)
    path = f"/api/consultations/{consultation.pk}/ballot/"
    print(
        f"Ballots over HTTP: gunicorn {WORKERS} workers × {THREADS} threads, {CLIENTS} clients, "
        f"{len(pupils)} pupils in {CLASSES} classes ({DOUBLE_VOTERS} try twice), PostgreSQL, "
        f"{os.cpu_count()} CPUs"
    )
    with gunicorn(settings_dict, workers=WORKERS, threads=THREADS) as address:
        outcome = post_json_concurrently(address, path, jobs, clients=CLIENTS)
    cast = outcome.statuses.get(201, 0)
    latencies = outcome.latencies_ms
    print(
        f"{cast / outcome.seconds:.0f} ballots/s ({len(jobs) / outcome.seconds:.0f} requests/s), "
        f"median {statistics.median(latencies):.1f} ms, "
        f"p95 {statistics.quantiles(latencies, n=20)[-1]:.1f} ms; statuses {outcome.statuses}"
    )
    participations, ballots, tally_total = consultation_invariant(consultation=consultation)
    stored = list(
        Ballot.objects.filter(consultation=consultation).values_list("content", flat=True)
    )
    counted = tally_from_ballots(
        method=consultation.method, options=consultation.option_keys(), ballots=stored
    )
    assert participations == ballots == tally_total == cast == len(pupils), (
        participations,
        ballots,
        tally_total,
        cast,
    )
    assert Participation.objects.filter(consultation=consultation).values(
        "user"
    ).distinct().count() == len(pupils)
    assert outcome.statuses.get(409, 0) == DOUBLE_VOTERS
    print(
        f"invariant holds: {participations} participations = {ballots} ballots = {tally_total} "
        f"in the tallies, one per pupil; {DOUBLE_VOTERS} second tries refused; tallies {counted}"
    )


if __name__ == "__main__":
    with bench_database("test_hemicycle_bench_ballots") as settings_dict:
        main(settings_dict)
