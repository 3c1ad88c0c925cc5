"""Benchmark: response time and query count of the seeded lesson pages.

Run with `make bench` (DATABASE_URL=postgres://… to measure on PostgreSQL). It creates a
throwaway test database, seeds the real course, then requests every lesson page as an anonymous
visitor and as a logged-in pupil with quiz attempts, and prints the figures."""

import os
import statistics
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    setup_test_environment,
    teardown_test_environment,
)

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "30"))


def _measure(client, url):
    client.get(url)  # warm-up
    timings = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return timings, len(captured)


def main():
    from content.loader import load_courses
    from content.seeding import content_seed
    from courses.grading import quiz_questions
    from courses.models import LessonPage
    from courses.services import quiz_attempt_check_and_record
    from school.models import User
    from tests.courses.factories import quiz_form_data

    content_seed(courses=load_courses())
    pupil = User.objects.create_user(username="bench-pupil", password="bench-secret-1")
    lessons = list(LessonPage.objects.live().order_by("path"))
    for lesson in lessons:
        for quiz_id, quiz in lesson.quiz_blocks().items():
            answers = {}
            for question_id, question in quiz_questions(quiz):
                if question["kind"] == "true_false":
                    answers[question_id] = ["true"]
                else:
                    answers[question_id] = [question["choices"].bound_blocks[0].id]
            data = quiz_form_data(page=lesson, quiz_id=quiz_id, quiz=quiz, answers=answers)
            quiz_attempt_check_and_record(user=pupil, lesson=lesson, quiz_id=quiz_id, data=data)

    anonymous, logged_in = Client(), Client()
    logged_in.force_login(pupil)
    print(f"Lesson pages: {len(lessons)} lessons, {ROUNDS} requests each, {connection.vendor}")
    print(f"{'lesson':<48} {'anon ms':>8} {'pupil ms':>9} {'queries':>8}")
    all_anon, all_pupil = [], []
    for lesson in lessons:
        anon, anon_queries = _measure(anonymous, lesson.url)
        pupil_timings, pupil_queries = _measure(logged_in, lesson.url)
        all_anon += anon
        all_pupil += pupil_timings
        print(
            f"{lesson.slug[:48]:<48} {statistics.median(anon):8.1f} "
            f"{statistics.median(pupil_timings):9.1f} {anon_queries:>4}/{pupil_queries:<3}"
        )

    def p95(values):
        return statistics.quantiles(values, n=20)[-1]

    print(
        f"ALL median {statistics.median(all_anon):.1f} ms (anonymous), "
        f"{statistics.median(all_pupil):.1f} ms (pupil); "
        f"p95 {p95(all_anon):.1f} / {p95(all_pupil):.1f} ms"
    )


if __name__ == "__main__":
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        main()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
