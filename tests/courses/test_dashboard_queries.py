"""The progress pages run a fixed number of queries, whatever the number of pupils, lessons,
assignments and attempts."""

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses.services import assignment_create, lesson_progress_touch
from school.services import pupils_bulk_create

from .factories import course_create, lesson_create, quiz_block
from .progress_factories import (
    attempt_record,
    classroom_with_pupils,
    school_create,
    teacher_create,
)


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def _activity(pupils, lessons):
    """Every other pupil opens each lesson and does its quizzes, some twice."""
    for index, pupil in enumerate(pupils):
        for lesson in lessons:
            if index % 2:
                continue
            lesson_progress_touch(user=pupil.user, lesson=lesson)
            for quiz_index in range(len(lesson.quiz_blocks())):
                attempt_record(user=pupil.user, lesson=lesson, score=1, quiz_index=quiz_index)
                if index % 4 == 0:
                    attempt_record(user=pupil.user, lesson=lesson, score=2, quiz_index=quiz_index)


@pytest.fixture
def small_class(site_tree):
    school = school_create()
    teacher = teacher_create(school=school)
    classroom, pupils = classroom_with_pupils(teacher=teacher, school=school, pupils=5)
    course = course_create(parent=site_tree)
    lessons = [lesson_create(course=course, body=[quiz_block(questions=3)]) for _ in range(2)]
    assignment_create(classroom=classroom, teacher=teacher, course=course)
    _activity(pupils, lessons)
    return classroom, teacher, pupils, lessons


def _grow(site_tree, classroom, teacher, pupils):
    """From 5 to 40 pupils, from 2 lessons in one course to 11 lessons in two courses plus a
    lesson assigned alone, with more attempts."""
    new_pupils = [c.pupil for c in pupils_bulk_create(classroom=classroom, count=35)]
    course = course_create(parent=site_tree)
    lessons = [
        lesson_create(course=course, body=[quiz_block(questions=4), quiz_block(questions=2)])
        for _ in range(7)
    ]
    lessons.append(lesson_create(course=course, body=[]))
    assignment_create(classroom=classroom, teacher=teacher, course=course)
    alone = lesson_create(course=course_create(parent=site_tree), body=[quiz_block(questions=5)])
    assignment_create(classroom=classroom, teacher=teacher, lesson=alone)
    _activity(pupils + new_pupils, [*lessons, alone])
    return new_pupils


@pytest.mark.parametrize("page", ["", "export.csv", "devoirs/", "eleves/{pupil}/"])
def test_teacher_pages_query_count_is_constant_as_class_and_lessons_grow(
    client, site_tree, small_class, page
):
    classroom, teacher, pupils, lessons = small_class
    client.force_login(teacher)
    url = f"/suivi/classes/{classroom.pk}/" + page.format(pupil=pupils[0].user_id)
    _count(client, url)  # warm caches (site root paths, content types)
    before = _count(client, url)
    _grow(site_tree, classroom, teacher, pupils)
    assert _count(client, url) == before


def test_lesson_questions_query_count_is_constant_as_class_grows(client, site_tree, small_class):
    classroom, teacher, pupils, lessons = small_class
    client.force_login(teacher)
    url = f"/suivi/classes/{classroom.pk}/lecons/{lessons[0].pk}/"
    _count(client, url)
    before = _count(client, url)
    new_pupils = [c.pupil for c in pupils_bulk_create(classroom=classroom, count=35)]
    _activity(new_pupils, lessons)
    assert _count(client, url) == before


def test_pupil_dashboard_query_count_is_constant_as_lessons_grow(client, site_tree, small_class):
    classroom, teacher, pupils, lessons = small_class
    client.force_login(pupils[0].user)
    _count(client, "/suivi/")
    before = _count(client, "/suivi/")
    _grow(site_tree, classroom, teacher, pupils)
    assert _count(client, "/suivi/") == before


def test_class_dashboard_query_count_is_small(client, small_class):
    classroom, teacher, _pupils, _lessons = small_class
    client.force_login(teacher)
    url = f"/suivi/classes/{classroom.pk}/"
    _count(client, url)
    # session, user, class, permission, assignments, lessons, pupils, attempts, progress,
    # final test completions
    assert _count(client, url) <= 10


# At most: session, user, class, permission, assignments, lessons, pupils, results per
# exercise, progress, final test completions (PostgreSQL runs one fewer than SQLite here).
CLASS_TABLE_QUERIES = 10


def test_class_table_query_count_is_pinned_from_one_pupil_to_the_class_size_cap(client, site_tree):
    school = school_create()
    teacher = teacher_create(school=school)
    classroom, pupils = classroom_with_pupils(teacher=teacher, school=school, pupils=1)
    course = course_create(parent=site_tree)
    lessons = [
        lesson_create(course=course, body=[quiz_block(questions=3), quiz_block(questions=2)])
        for _ in range(4)
    ]
    assignment_create(classroom=classroom, teacher=teacher, course=course)
    client.force_login(teacher)
    url = f"/suivi/classes/{classroom.pk}/"
    _count(client, url)  # warm caches (site root paths, content types)
    counts = {}
    for size in (1, 35, settings.HEMICYCLE_CLASS_MAX_PUPILS):
        added = size - len(pupils)
        if added:
            pupils += [c.pupil for c in pupils_bulk_create(classroom=classroom, count=added)]
        _activity(pupils[-max(added, 1) :], lessons)
        counts[size] = _count(client, url)
    assert counts == dict.fromkeys(counts, counts[1])
    assert counts[1] <= CLASS_TABLE_QUERIES
