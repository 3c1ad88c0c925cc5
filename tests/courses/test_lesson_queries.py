"""The lesson page's query count depends on neither the number of blocks nor of quizzes."""

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from school.models import User

from .factories import (
    content_blocks,
    course_create,
    h5p_block,
    h5p_package_ready,
    lesson_create,
    quiz_block,
)


def _session_from_cache() -> int:
    """1 when the session is read from the cache (Redis there) instead of the database."""
    return int(settings.SESSION_ENGINE != "django.contrib.sessions.backends.db")


def _queries_for(client, lesson) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(lesson.url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("logged_in", [False, True])
def test_lesson_page_query_count_is_constant(client, site_tree, logged_in):
    if logged_in:
        client.force_login(User.objects.create_user(username="pupil", password="x-secret-1"))
    course = course_create(parent=site_tree)
    small = lesson_create(course=course, body=[*content_blocks(2), quiz_block(questions=1)])
    large = lesson_create(
        course=course,
        body=[*content_blocks(80), *(quiz_block(questions=8) for _ in range(12))],
    )
    lesson_create(course=course)
    _queries_for(client, small)  # warm caches (site root, content types), first visit rows
    _queries_for(client, large)
    small_count = _queries_for(client, small)
    assert small_count == _queries_for(client, large)
    # site, home page, the lesson's path in one query, the specific lesson, its view
    # restrictions (once), siblings, breadcrumb; logged in: session, user, the pupil's progress
    # (read, touch) and quiz summaries
    assert small_count == (13 - _session_from_cache() if logged_in else 7)


def test_pupil_lesson_page_with_h5p_is_constant_whatever_the_activities(
    client, site_tree, settings, tmp_path
):
    """The pupil-specific parts (progress touch, quiz summaries, saved H5P states) are a fixed
    number of queries: two more with H5P activities, however many there are."""
    settings.MEDIA_ROOT = tmp_path
    client.force_login(User.objects.create_user(username="pupil", password="x-secret-1"))
    course = course_create(parent=site_tree)
    package = h5p_package_ready()
    one = lesson_create(course=course, body=[*content_blocks(1), h5p_block(package=package)])
    many = lesson_create(
        course=course,
        body=[
            *content_blocks(1),
            *(h5p_block(package=package) for _ in range(6)),
            *(quiz_block(questions=2) for _ in range(3)),
        ],
    )
    for lesson in (one, many):
        _queries_for(client, lesson)
    assert _queries_for(client, one) == _queries_for(client, many) == 15 - _session_from_cache()
