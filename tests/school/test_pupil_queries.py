"""A pupil's main pages read the pupil's profile once per request (User.pupil_profile), and their
query counts are pinned so that nothing reads it again, nor anything else, unnoticed."""

import re

import pytest
from django.urls import reverse

from courses.services import assignment_create
from tests.classroom_votes.debate_factories import debate_create
from tests.classroom_votes.factories import consultation_create
from tests.courses.factories import course_create, lesson_create, quiz_block
from tests.school.factories import classroom_create, pupil_create, teacher_create

PROFILE_READ = re.compile(r'FROM "school_pupilprofile"')

# Queries per page once the session is known, the session included (read from the cache instead
# of the database when Redis is there).
PUPIL_PAGES = {
    # session, user, profile with class and school, assignments, lessons, attempts, progress,
    # the site (for the lessons' URLs)
    "dashboard": 8,
    # site, home, the pages on the URL's path in one query, the lesson, its view restrictions,
    # session, user; recording the visit (progress row locked, time, attempts done); the quiz
    # summaries; the lesson's neighbours and breadcrumb
    "lesson": 13,
    # session, user
    "privacy": 2,
    # session, user, profile with class and school, then what each app holds about the pupil
    # (courses: attempts, progress, completed courses, xAPI statements, H5P states;
    # classroom_votes: the results the pupil has opened)
    "privacy_export": 14,
    # session, user, the class's consultations with the pupil's participation
    "consultations": 3,
    # session, user, the class's debates with their counts
    "debates": 3,
    # session, user, profile with class and school; assignments, lessons, attempts, progress,
    # the site (for the lessons' URLs); the class's votes with the pupil's participation and
    # results seen; its open debates
    "landing": 10,
}


@pytest.fixture
def pupil_world(site_tree):
    teacher = teacher_create()
    classroom = classroom_create(teacher=teacher)
    pupil = pupil_create(classroom=classroom)
    course = course_create(parent=site_tree)
    lesson = lesson_create(course=course, body=[quiz_block(questions=2)])
    assignment_create(classroom=classroom, teacher=teacher, course=course)
    consultation_create(owner=teacher, classrooms=[classroom])
    debate_create(owner=teacher, classrooms=[classroom])
    return pupil, {
        "dashboard": reverse("courses:dashboard"),
        "lesson": lesson.url,
        "privacy": reverse("school:privacy"),
        "privacy_export": reverse("school:privacy_export"),
        "consultations": reverse("classroom_votes:consultation_list"),
        "debates": reverse("classroom_votes:debate_list"),
        "landing": reverse("landing:pupil"),
    }


@pytest.mark.parametrize("page", list(PUPIL_PAGES))
def test_pupil_page_reads_the_profile_at_most_once_in_pinned_queries(
    client, pupil_world, page, settings, django_assert_num_queries
):
    pupil, urls = pupil_world
    client.force_login(pupil.user)
    client.get(urls[page])  # warm caches (site root paths, content types), first visit rows
    session_from_cache = settings.SESSION_ENGINE != "django.contrib.sessions.backends.db"
    expected = PUPIL_PAGES[page] - (1 if session_from_cache else 0)
    with django_assert_num_queries(expected) as captured:
        response = client.get(urls[page])
    assert response.status_code == 200
    profile_reads = [query for query in captured if PROFILE_READ.search(query["sql"])]
    assert len(profile_reads) <= 1, profile_reads


def test_the_profile_is_cached_on_the_user(pupil_world, django_assert_num_queries):
    pupil, _urls = pupil_world
    user = type(pupil.user).objects.get(pk=pupil.user_id)
    with django_assert_num_queries(1):
        assert user.pupil_profile == pupil
        assert user.pupil_profile.classroom.school.name
        assert user.display_name == pupil.pseudonym
    teacher = pupil.classroom.teachers.get()
    with django_assert_num_queries(0):
        assert teacher.pupil_profile is None
