"""Against the real services: PostgreSQL, Redis and a Celery worker process."""

import threading
from datetime import timedelta

import pytest
from django.core.cache import cache, caches
from django.db import connection
from django.test import Client
from django.utils import timezone

from courses.models import LessonPage, QuizAttempt
from courses.tasks import pages_publish_scheduled
from school.models import User
from tests.conftest import wagtail_tree_ensure
from tests.courses.factories import course_create, lesson_create, quiz_block
from tests.courses.test_quiz import form_data, right_answers

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def course():
    from content.seeding import SeedReport, site_structure_ensure

    # The flush after a transactional test empties even the rows Wagtail's migrations made.
    wagtail_tree_ensure()
    return course_create(parent=site_structure_ensure(report=SeedReport()))


def test_database_is_postgresql_and_cache_is_redis():
    assert connection.vendor == "postgresql"
    assert "RedisCache" in type(caches["default"]).__name__
    cache.set("hemicycle:integration", "ok", 30)
    assert cache.get("hemicycle:integration") == "ok"


def test_scheduled_lesson_is_published_by_a_real_worker(course, celery_queue):
    lesson = lesson_create(course=course, live=False)
    moderator = User.objects.create_superuser(username="moderation", password="x-secret-1")
    lesson.go_live_at = timezone.now() + timedelta(seconds=1)
    lesson.save_revision(user=moderator).publish(user=moderator)
    assert not LessonPage.objects.get(pk=lesson.pk).live
    lesson.refresh_from_db()
    revision = lesson.latest_revision
    past = timezone.now() - timedelta(seconds=1)
    revision.content["go_live_at"] = past.isoformat()
    revision.approved_go_live_at = past
    revision.save()

    result = pages_publish_scheduled.apply_async(queue=celery_queue)
    result.get(timeout=90)
    assert LessonPage.objects.get(pk=lesson.pk).live
    # Idempotent: running it again publishes nothing new and fails nothing.
    pages_publish_scheduled.apply_async(queue=celery_queue).get(timeout=60)
    assert LessonPage.objects.get(pk=lesson.pk).revisions.count() == 1


def test_concurrent_quiz_submissions_are_all_stored(course):
    lesson = lesson_create(course=course, body=[quiz_block(questions=3)])
    quiz_id, quiz = next(iter(lesson.quiz_blocks().items()))
    data = form_data(lesson, right_answers(quiz))
    pupils = [
        User.objects.create_user(username=f"pupil-{n}", password="x-secret-1") for n in range(8)
    ]
    acknowledged = []
    lock = threading.Lock()

    def submit(pupil):
        client = Client()
        client.force_login(pupil)
        for _ in range(10):
            response = client.post(
                lesson.url + f"quiz/{quiz_id}/", data, headers={"accept": "application/json"}
            )
            if response.status_code == 200 and response.json()["stored"]:
                with lock:
                    acknowledged.append(pupil.pk)
        connection.close()

    threads = [threading.Thread(target=submit, args=(pupil,)) for pupil in pupils]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(acknowledged) == 80
    assert QuizAttempt.objects.count() == 80
    for pupil in pupils:
        assert QuizAttempt.objects.filter(user=pupil, score=3).count() == 10
