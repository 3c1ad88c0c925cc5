"""Benchmark: the national picture of a national question at the scale of the country.

Run with `DATABASE_URL=postgres://… .venv/bin/python -m tests.bench.national --classes 120000`
(`make bench` runs it at BENCH_NATIONAL_CLASSES, 120,000 by default; `--classes 2000` takes a
minute). It creates a throwaway database beside DATABASE_URL's (test_<name>_bench_national),
builds a yes/no national question closed by `--classes` classes spread over every département
(the Departement rows) and, for 3 % of the schools, abroad, about 25 ballots each (120,000
classes: 3 million ballots' worth), then prints:

(a) the first release of every waiting class, and the full recompute (national_recompute);
(b) what one more class's close adds: national_rollup of a real closed consultation of the
    question, median of --closes runs (goal < 20 ms);
(c) the API's results endpoint (and its 304), and the public national page when this branch
    has it, p50 / p95 over --requests requests through the Django test client (goal p95 < 50 ms);
(d) the rows and the size on disk of the tables of the roll-up.

The classes are written as what a close writes, not voted: a class's close hands its closed
count to the question as one NationalContribution (its counters, never a pupil), so 3 million
ballots are 120,000 contributions, inserted with bulk_create together with their schools and
classes (tests/classroom_votes/national/factories.py). They closed over the last 30 days, so
that the waiting classes pool upwards as they would. For (b), each class is a real consultation
of the question (classroom_votes.consultations.services), whose counters are set as the mixing
would have left them and which is marked closed without the close's own roll-up, so that the
roll-up can be timed alone: reading the class's count, writing its contribution, releasing what
became safe."""

import argparse
import os
import random
import statistics
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import Resolver404, resolve  # noqa: E402
from django.utils import timezone  # noqa: E402

GOAL_CLOSE_MS = 20
GOAL_P95_MS = 50
TABLES = (
    "classroom_votes_nationalcontribution",
    "classroom_votes_releasebatch",
    "classroom_votes_territoryresult",
    "school_school",
    "school_classroom",
)


def _ms(seconds: float) -> float:
    return seconds * 1000


def _percentiles(timings: list[float]) -> tuple[float, float]:
    p95 = statistics.quantiles(timings, n=20)[-1] if len(timings) > 1 else timings[0]
    return statistics.median(timings), p95


def build(*, classes: int, rng: random.Random):
    from tests.classroom_votes.factories import national_question_create
    from tests.classroom_votes.national.factories import contributions_bulk_create

    question = national_question_create(title="Faut-il abaisser le droit de vote à 16 ans ?")
    start = time.perf_counter()
    contributions_bulk_create(question=question, classes=classes, rng=rng)
    return question, time.perf_counter() - start


def closed_consultations(*, question, count: int, rng: random.Random) -> list[int]:
    """`count` consultations of `question`, one new class each in an existing school of a
    random département, closed with about 25 ballots counted, their roll-up not run yet."""
    from classroom_votes.consultations.services import consultation_create_from_national
    from classroom_votes.models import Consultation, ConsultationStatus, Tally
    from school.models import School
    from tests.school.factories import classroom_create, teacher_create

    schools = list(School.objects.filter(departement__isnull=False).order_by("?")[:count])
    ids = []
    for school in schools:
        teacher = teacher_create(school=school)
        classroom = classroom_create(teacher=teacher, school=school)
        consultation = consultation_create_from_national(
            owner=teacher, national_question=question, classrooms=[classroom]
        )
        ballots = rng.randint(18, 32)
        pour = rng.randint(0, ballots)
        for key, value in (("pour", pour), ("contre", ballots - pour)):
            Tally.objects.filter(consultation=consultation, key=key).update(count=value)
        Consultation.objects.filter(pk=consultation.pk).update(
            status=ConsultationStatus.CLOSED, closed_at=timezone.now()
        )
        ids.append(consultation.pk)
    return ids


def _page_path(question) -> str | None:
    """The public national page, when this branch has it (another branch adds it)."""
    path = f"/consultations/nationales/{question.pk}/resultats/"
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return path if match.namespace == "classroom_votes" else None  # not Wagtail's catch-all


def _get_timings(client: Client, path: str, requests: int, **headers) -> tuple[list[float], int]:
    timings, status = [], None
    for n in range(requests + 1):
        # An address per request: the anonymous throttle is measured, never reached.
        address = f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"
        start = time.perf_counter()
        response = client.get(path, REMOTE_ADDR=address, **headers)
        elapsed = _ms(time.perf_counter() - start)
        status = response.status_code
        if n:  # the first warms up
            timings.append(elapsed)
    return timings, status


def table_figures() -> list[tuple[str, int, str]]:
    with connection.cursor() as cursor:
        rows = []
        for table in TABLES:
            cursor.execute(
                f"SELECT count(*), pg_size_pretty(pg_total_relation_size('{table}')) FROM {table}"  # noqa: S608
            )
            count, size = cursor.fetchone()
            rows.append((table, count, size))
    return rows


def run(*, classes: int, closes: int = 50, requests: int = 200, out=print) -> dict:
    """Build and measure on the current database (PostgreSQL); print with `out`. Returns the
    figures, for tests/bench/test_national.py."""
    from classroom_votes.models import NationalContribution, ReleaseBatch, TerritoryResult
    from classroom_votes.national import services

    rng = random.Random(2026)
    figures = {}
    question, built = build(classes=classes, rng=rng)
    out(
        f"National picture: {classes:,} closed classes, "
        f"{sum(NationalContribution.objects.values_list('ballots', flat=True)):,} ballots, "
        f"on {connection.vendor} (built in {built:.1f} s)"
    )

    start = time.perf_counter()
    with transaction.atomic():
        locked = type(question).objects.select_for_update().get(pk=question.pk)
        services.national_release(question=locked, now=timezone.now())
    figures["first_release_s"] = time.perf_counter() - start
    pending = NationalContribution.objects.filter(public_batch__isnull=True).count()
    out(
        f"(a) first release of every class: {figures['first_release_s']:.2f} s "
        f"({ReleaseBatch.objects.count():,} batches, {pending:,} classes still waiting)"
    )
    start = time.perf_counter()
    report = services.national_recompute(question_id=question.pk)
    figures["recompute_s"] = time.perf_counter() - start
    out(
        f"    full recompute: {figures['recompute_s']:.2f} s ({report.classes:,} classes, "
        f"{report.territories:,} territories, {len(report.differences)} differences)"
    )

    if connection.vendor == "postgresql":
        # Planner statistics as a live database has them: autovacuum lags a bulk load, and
        # statistics taken before the first release would say every class is still waiting.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    consultation_ids = closed_consultations(question=question, count=closes, rng=rng)
    timings, commits, queries = [], [], 0
    for consultation_id in consultation_ids:
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            added = services.national_rollup(consultation_id=consultation_id)
            timings.append(_ms(time.perf_counter() - start))
        assert added == 1, added
        queries = len(captured)
        commits.append(
            sum(1000 * float(q["time"]) for q in captured.captured_queries if q["sql"] == "COMMIT")
        )
    figures["close_ms"] = statistics.median(timings)
    verdict = "ok" if figures["close_ms"] < GOAL_CLOSE_MS else "MISSED"
    out(
        f"(b) one more class's close adds (national_rollup): median {figures['close_ms']:.1f} ms, "
        f"max {max(timings):.1f} ms over {len(timings)} closes, {queries} queries (goal < "
        f"{GOAL_CLOSE_MS} ms: {verdict}); of which COMMIT (fsync) median "
        f"{statistics.median(commits):.1f} ms"
    )

    client = Client()
    api = f"/api/national-questions/{question.pk}/results/"
    etag = client.get(api)["ETag"]
    paths = [("API results", api, {}), ("API results 304", api, {"HTTP_IF_NONE_MATCH": etag})]
    paths.append(("API one level", f"{api}?level=departement", {}))
    page = _page_path(question)
    if page is not None:
        paths.append(("national page", page, {}))
    out(f"(c) {requests} GET each, Django test client   p50 ms   p95 ms  status")
    for name, path, headers in paths:
        timings, status = _get_timings(client, path, requests, **headers)
        p50, p95 = _percentiles(timings)
        figures[f"{name}_p95_ms"] = p95
        verdict = "ok" if p95 < GOAL_P95_MS else "MISSED"
        out(
            f"    {name:<36} {p50:7.1f} {p95:8.1f}  {status}  (goal p95 < {GOAL_P95_MS}: {verdict})"
        )
    if page is None:
        out("    national page /consultations/nationales/<pk>/resultats/: not on this branch")

    shown = TerritoryResult.objects.filter(question=question, classes__gt=0).count()
    out(f"(d) {shown:,} territory rows (schools' own included)")
    if connection.vendor == "postgresql":
        for table, count, size in table_figures():
            out(f"    {table:<40} {count:>10,} rows {size:>10}")
    return figures


def main(argv=None):
    from tests.bench.http import bench_database

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = int(os.environ.get("BENCH_NATIONAL_CLASSES", "120000"))
    parser.add_argument("--classes", type=int, default=default)
    parser.add_argument("--closes", type=int, default=50, help="closes timed in (b)")
    parser.add_argument("--requests", type=int, default=200, help="requests per URL in (c)")
    args = parser.parse_args(argv)
    if connection.vendor != "postgresql":
        sys.exit("This benchmark measures PostgreSQL: set DATABASE_URL=postgres://…")
    name = f"test_{connection.settings_dict['NAME']}_bench_national"
    with bench_database(name):
        run(classes=args.classes, closes=args.closes, requests=args.requests)


if __name__ == "__main__":
    main()
