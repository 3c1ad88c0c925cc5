"""Benchmark: xAPI statements ingested per second, end to end over HTTP on PostgreSQL.

Run with `DATABASE_URL=postgres://… .venv/bin/python -m tests.bench.xapi` (`make bench`). It
builds a throwaway database with a lesson holding two H5P activities and a class of pupils,
serves the site with granian, as deployed, and has concurrent clients post the statements an
H5P player sends (one per request, as the player does, then in batches), as logged-in pupils
with their session and CSRF token. Afterwards it checks that every statement was kept exactly
once, that a replay changed nothing, and prints statements per second."""

import os
import statistics
import uuid

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
django.setup()

from tests.bench.http import bench_database, post_json_concurrently  # noqa: E402
from tests.serving import served, server_description, session_for  # noqa: E402

# A class of 40: the class-size cap (HEMICYCLE_CLASS_MAX_PUPILS, 45) refuses more.
PUPILS = int(os.environ.get("BENCH_PUPILS", "40"))
STATEMENTS = int(os.environ.get("BENCH_STATEMENTS", "3000"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "8"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))  # one per core, as deployed (README)
BATCH = int(os.environ.get("BENCH_BATCH", "20"))
PATH = "/api/xapi/statements/"


def _build():
    from content.seeding import SeedReport, site_structure_ensure
    from courses.services import assignment_create
    from tests.courses.factories import (
        content_blocks,
        course_create,
        h5p_block,
        h5p_package_ready,
        lesson_create,
    )
    from tests.courses.progress_factories import (
        classroom_with_pupils,
        school_create,
        teacher_create,
    )

    index = site_structure_ensure(report=SeedReport())
    school = school_create()
    teacher = teacher_create(school=school, email="bench-xapi@example.fr")
    classroom, pupils = classroom_with_pupils(teacher=teacher, school=school, pupils=PUPILS)
    course = course_create(parent=index, title="La Ve République")
    package = h5p_package_ready()
    lesson = lesson_create(
        course=course,
        body=[*content_blocks(4), h5p_block(package=package), h5p_block(package=package)],
    )
    assignment_create(classroom=classroom, teacher=teacher, course=course)
    return lesson, pupils


def _statement(iri: str, index: int) -> dict:
    """What TrueFalse, DragText or a QuestionSet sends: answered with a score, plus the
    sub-question and interaction statements the server acknowledges without keeping."""
    kind = index % 4
    statement = {
        "id": str(uuid.uuid4()),
        "actor": {"name": "Hémicycle", "mbox": "mailto:eleve@hemicycle.invalid"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
        "object": {"id": iri, "objectType": "Activity"},
        "result": {"score": {"min": 0, "raw": index % 5, "max": 4 + index % 2}},
        "context": {"contextActivities": {"category": [{"id": "http://h5p.org/libraries/x"}]}},
    }
    if kind == 1:
        statement["verb"]["id"] = "http://adlnet.gov/expapi/verbs/completed"
    elif kind == 2:
        statement["object"]["id"] = f"{iri}?subContentId={uuid.uuid4()}"
    elif kind == 3:
        statement["verb"]["id"] = "http://adlnet.gov/expapi/verbs/interacted"
        statement.pop("result")
    return statement


def _report(label: str, outcome, statements: int):
    latencies = outcome.latencies_ms
    p95 = statistics.quantiles(latencies, n=20)[-1] if len(latencies) > 1 else latencies[0]
    print(
        f"{label:<28} {statements / outcome.seconds:10.0f} {len(latencies) / outcome.seconds:9.0f}"
        f" {statistics.median(latencies):9.1f} {p95:8.1f}  {outcome.statuses}"
    )


def _workload(lesson, pupils, address):
    """(single statements, batches, how many the server keeps). Statements name the site as it is
    served, host and port: an activity address of another host or port is refused
    (courses.xapi)."""
    host, port = address
    iris = [
        f"http://{host}:{port}/h5p/activites/{lesson.pk}/{activity}/"
        for activity in lesson.h5p_activity_ids()
    ]
    sessions = [session_for(pupil.user) for pupil in pupils]
    singles = [(sessions[i % len(sessions)], _statement(iris[i % 2], i)) for i in range(STATEMENTS)]
    batches = [
        (
            sessions[b % len(sessions)],
            [_statement(iris[(b + j) % 2], b * BATCH + j) for j in range(BATCH)],
        )
        for b in range(STATEMENTS // BATCH)
    ]
    kept = sum(
        1
        for _s, body in singles
        if "?" not in body["object"]["id"] and body["verb"]["id"].rsplit("/", 1)[-1] != "interacted"
    )
    kept += sum(
        1
        for _s, batch in batches
        for body in batch
        if "?" not in body["object"]["id"] and not body["verb"]["id"].endswith("interacted")
    )
    return singles, batches, kept


def main(settings_dict):
    from courses.models import QuizAttempt, XAPIStatement

    lesson, pupils = _build()
    print(
        f"xAPI ingestion over HTTP: {server_description(workers=WORKERS, threads=4)}, "
        f"{CLIENTS} clients, {PUPILS} pupils, PostgreSQL, {os.cpu_count()} CPUs"
    )
    print(f"{'run':<28} {'stmt/s':>10} {'req/s':>9} {'median ms':>9} {'p95 ms':>8}  statuses")
    with served(settings_dict, workers=WORKERS, threads=4) as address:
        singles, batches, kept = _workload(lesson, pupils, address)
        post_json_concurrently(address, PATH, singles[:50], clients=CLIENTS)  # warm-up
        outcome = post_json_concurrently(address, PATH, singles[50:], clients=CLIENTS)
        _report("one statement per request", outcome, len(singles) - 50)
        outcome = post_json_concurrently(address, PATH, batches, clients=CLIENTS)
        _report(f"batches of {BATCH}", outcome, len(batches) * BATCH)
        stored = XAPIStatement.objects.count()
        attempts = QuizAttempt.objects.count()
        replay = post_json_concurrently(address, PATH, singles[:500], clients=CLIENTS)
        _report("replay of 500 (no-op)", replay, 500)
    assert stored == kept, (stored, kept)
    assert XAPIStatement.objects.count() == stored and QuizAttempt.objects.count() == attempts
    print(
        f"kept {stored} statements ({attempts} scored attempts), every one once; replay: no change"
    )


if __name__ == "__main__":
    with bench_database("test_hemicycle_bench_xapi") as settings_dict:
        main(settings_dict)
