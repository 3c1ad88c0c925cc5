"""The progress rules (courses.progress), through real requests of a pupil to lesson pages and
quiz forms, as the teacher's pages then show them."""

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from courses.models import LessonProgress
from courses.selectors import LessonStatus, class_progress_summary
from courses.services import assignment_create

from .factories import course_create, lesson_create, quiz_block, quiz_form_data
from .progress_factories import (
    answers_with_score,
    classroom_with_pupils,
    school_create,
    teacher_create,
)


@pytest.fixture
def setting(site_tree):
    school = school_create()
    teacher = teacher_create(school=school)
    classroom, (pupil,) = classroom_with_pupils(teacher=teacher, school=school, pupils=1)
    course = course_create(parent=site_tree)
    two_quizzes = lesson_create(course=course, body=[quiz_block(questions=3), quiz_block()])
    no_quiz = lesson_create(course=course, body=[])
    assignment_create(classroom=classroom, teacher=teacher, course=course)
    return classroom, teacher, pupil, two_quizzes, no_quiz


def _post_quiz(client, lesson, index: int, score: int):
    quiz_id, quiz = list(lesson.quiz_blocks().items())[index]
    answers = answers_with_score(quiz, score)
    data = quiz_form_data(page=lesson, quiz_id=quiz_id, quiz=quiz, answers=answers)
    response = client.post(lesson.url + f"quiz/{quiz_id}/", data)
    assert response.status_code == 200


def _cell(classroom, lesson):
    summary = class_progress_summary(classroom=classroom)
    index = [column.lesson.pk for column in summary.lessons].index(lesson.pk)
    return summary.rows[0].cells[index]


def test_lesson_status_is_todo_before_opening(setting):
    classroom, _teacher, _pupil, two_quizzes, no_quiz = setting
    assert _cell(classroom, two_quizzes).status == LessonStatus.TODO
    assert _cell(classroom, no_quiz).label == "À faire"


def test_lesson_status_is_started_when_only_opened(client, setting):
    classroom, _teacher, pupil, two_quizzes, _no_quiz = setting
    client.force_login(pupil.user)
    assert client.get(two_quizzes.url).status_code == 200
    cell = _cell(classroom, two_quizzes)
    assert (cell.status, cell.label, cell.opened_at is not None) == (
        LessonStatus.STARTED,
        "Commencée",
        True,
    )


def test_lesson_status_stays_started_until_every_quiz_is_attempted(client, setting):
    classroom, _teacher, pupil, two_quizzes, _no_quiz = setting
    client.force_login(pupil.user)
    client.get(two_quizzes.url)
    _post_quiz(client, two_quizzes, index=0, score=3)
    _post_quiz(client, two_quizzes, index=0, score=2)
    cell = _cell(classroom, two_quizzes)
    assert (cell.status, cell.label) == (LessonStatus.STARTED, "Commencée · 100 %")
    _post_quiz(client, two_quizzes, index=1, score=1)
    cell = _cell(classroom, two_quizzes)
    assert (cell.status, cell.label) == (
        LessonStatus.COMPLETED,
        "Terminée · 67 %",
    )  # mean of 3/3 and 1/3
    assert cell.completed_at is not None and cell.attempts == 3


def test_lesson_completed_by_quiz_attempts_even_without_prior_page_view(client, setting):
    classroom, _teacher, pupil, two_quizzes, _no_quiz = setting
    client.force_login(pupil.user)
    _post_quiz(client, two_quizzes, index=0, score=0)
    _post_quiz(client, two_quizzes, index=1, score=0)
    assert _cell(classroom, two_quizzes).label == "Terminée · 0 %"


def test_lesson_without_quiz_is_completed_on_opening(client, setting):
    classroom, _teacher, pupil, _two_quizzes, no_quiz = setting
    client.force_login(pupil.user)
    client.get(no_quiz.url)
    cell = _cell(classroom, no_quiz)
    assert (cell.status, cell.label) == (LessonStatus.COMPLETED, "Terminée")


def test_teacher_visit_does_not_create_progress(client, setting):
    _classroom, teacher, _pupil, _two_quizzes, no_quiz = setting
    client.force_login(teacher)
    client.get(no_quiz.url)
    assert not LessonProgress.objects.exists()


def test_time_spent_adds_coarse_gaps_capped_and_ignores_long_breaks(client, setting):
    classroom, teacher, pupil, two_quizzes, _no_quiz = setting
    client.force_login(pupil.user)
    start = timezone.now()
    # 3 minutes count; a 25-minute gap counts 10 (cap); a 45-minute break counts nothing;
    # a quiz 2 minutes later counts 2.
    for offset, action in [
        (0, "open"),
        (3, "open"),
        (28, "open"),
        (73, "open"),
        (75, "quiz"),
    ]:
        with mock.patch(
            "django.utils.timezone.now", return_value=start + timedelta(minutes=offset)
        ):
            if action == "open":
                client.get(two_quizzes.url)
            else:
                _post_quiz(client, two_quizzes, index=0, score=1)
    cell = _cell(classroom, two_quizzes)
    assert cell.time_spent_seconds == (3 + 10 + 0 + 2) * 60
    assert cell.time_spent_minutes == 15

    client.force_login(teacher)
    response = client.get(f"/suivi/classes/{classroom.pk}/eleves/{pupil.user_id}/")
    assert "15 min" in response.content.decode()


def test_time_spent_is_shown_in_rounded_minutes_in_the_export(client, setting):
    classroom, teacher, pupil, two_quizzes, _no_quiz = setting
    LessonProgress.objects.create(user=pupil.user, lesson=two_quizzes, time_spent_seconds=89)
    client.force_login(teacher)
    content = client.get(f"/suivi/classes/{classroom.pk}/export.csv").content.decode()
    row = next(line for line in content.splitlines() if two_quizzes.title in line)
    assert row.endswith(";1") and ";Commencée;" in row
