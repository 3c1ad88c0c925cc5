"""Benchmark: response time and query count of the teacher's class progress table and its CSV.

Run with `DATABASE_URL=postgres://… .venv/bin/python -m tests.bench.dashboard`. It creates a
throwaway test database, a course of 20 lessons with quizzes and two classes following it: one
of 35 pupils and one of the largest size a class may have (HEMICYCLE_CLASS_MAX_PUPILS), with
realistic attempts and progress (most pupils well into the course, a few behind, some quizzes
retried); then it requests the pages as each class's teacher and prints the figures, and how
the class table's p95 grows from one size to the other (it should stay flat)."""

import os
import random
import statistics
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from tests.bench.http import bench_database  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "30"))
PUPILS = int(os.environ.get("BENCH_PUPILS", "35"))
LESSONS = int(os.environ.get("BENCH_LESSONS", "20"))


def _measure(client, url):
    client.get(url)  # warm-up
    timings = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return timings, len(captured)


def _course_build():
    from content.seeding import SeedReport, site_structure_ensure
    from tests.courses.factories import content_blocks, course_create, lesson_create, quiz_block

    index = site_structure_ensure(report=SeedReport())
    course = course_create(parent=index, title="La Ve République et ses institutions")
    lessons = []
    for number in range(LESSONS):
        quizzes = [quiz_block(questions=5)]
        if number % 4 == 3:  # every fourth lesson has a second, shorter quiz
            quizzes.append(quiz_block(questions=3, title="Pour aller plus loin"))
        lessons.append(
            lesson_create(
                course=course, body=[*content_blocks(8), *quizzes], title=f"Leçon {number + 1}"
            )
        )
    return course, lessons


def _class_build(rng: random.Random, *, course, lessons, size: int):
    from courses.grading import quiz_grade
    from courses.models import LessonProgress
    from courses.services import assignment_create, lesson_progress_touch, quiz_attempt_record
    from tests.courses.progress_factories import (
        answers_with_score,
        classroom_with_pupils,
        school_create,
        teacher_create,
    )

    school = school_create()
    teacher = teacher_create(school=school, email=f"bench-teacher-{size}@example.fr")
    classroom, pupils = classroom_with_pupils(teacher=teacher, school=school, pupils=size)
    assignment_create(classroom=classroom, teacher=teacher, course=course)

    attempts = 0
    for pupil in pupils:
        # Most pupils are well into the course, a few have barely started.
        reached = min(LESSONS, max(0, int(rng.gauss(LESSONS * 0.6, LESSONS * 0.3))))
        for position, lesson in enumerate(lessons[: reached + 1]):
            lesson_progress_touch(user=pupil.user, lesson=lesson)
            if position == reached:
                continue  # opened, not finished
            for quiz_id, quiz in lesson.quiz_blocks().items():
                questions = len(quiz["questions"])
                for _try in range(rng.choice((1, 1, 1, 2, 2, 3))):
                    score = rng.randint(questions // 2, questions)
                    result = quiz_grade(quiz, answers_with_score(quiz, score))
                    quiz_attempt_record(
                        user=pupil.user, lesson=lesson, quiz_id=quiz_id, result=result
                    )
                    attempts += 1
    for progress in LessonProgress.objects.filter(user__pupil__classroom=classroom):
        LessonProgress.objects.filter(pk=progress.pk).update(
            time_spent_seconds=rng.randint(60, 1500)
        )
    return classroom, teacher, pupils, attempts


def _class_measure(rng, *, course, lessons, size: int) -> float:
    """Print the figures of a class of `size` pupils; return the class table's p95 (ms)."""
    classroom, teacher, pupils, attempts = _class_build(
        rng, course=course, lessons=lessons, size=size
    )
    client = Client()
    client.force_login(teacher)
    base = f"/suivi/classes/{classroom.pk}/"
    pages = [
        ("class table", base),
        ("CSV export", base + "export.csv"),
        ("pupil detail", base + f"eleves/{pupils[0].user_id}/"),
        ("question rates", base + f"lecons/{lessons[0].pk}/"),
    ]
    print(
        f"\nClass of {len(pupils)} pupils × {len(lessons)} lessons, {attempts} quiz attempts; "
        f"{ROUNDS} requests each, {connection.vendor}"
    )
    print(f"{'page':<16} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    table_p95 = None
    for name, url in pages:
        timings, queries = _measure(client, url)
        p95 = statistics.quantiles(timings, n=20)[-1]
        table_p95 = p95 if table_p95 is None else table_p95
        print(f"{name:<16} {statistics.median(timings):10.1f} {p95:8.1f} {queries:>8}")

    pupil_client = Client()
    pupil_client.force_login(pupils[0].user)
    timings, queries = _measure(pupil_client, "/suivi/")
    p95 = statistics.quantiles(timings, n=20)[-1]
    print(f"{'pupil dashboard':<16} {statistics.median(timings):10.1f} {p95:8.1f} {queries:>8}")
    return table_p95


def main():
    rng = random.Random(1958)
    course, lessons = _course_build()
    largest = settings.HEMICYCLE_CLASS_MAX_PUPILS
    small = _class_measure(rng, course=course, lessons=lessons, size=PUPILS)
    large = _class_measure(rng, course=course, lessons=lessons, size=largest)
    print(
        f"\nClass table p95: {small:.1f} ms for {PUPILS} pupils, {large:.1f} ms for {largest} "
        f"(the maximum class size): × {large / small:.2f} for × {largest / PUPILS:.2f} pupils"
    )


if __name__ == "__main__":
    # A database of its own: a test run on the same server keeps its test_<name> database.
    with bench_database("test_hemicycle_bench_dashboard"):
        main()
