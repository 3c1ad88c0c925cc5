"""A course's final test: passing it (score ≥ pass mark) records the course's completion, once
per pupil and course, best score kept, shown to the pupil and to their teacher."""

import html
from decimal import Decimal

import pytest
from django.db import IntegrityError

from config.typography import french_text
from courses.grading import quiz_questions
from courses.models import CourseCompletion, QuizAttempt
from courses.progress import final_test_passed
from school.services import pupils_erase
from tests.school.factories import classroom_create, pupil_create, teacher_create

from .factories import course_create, final_test_create, lesson_create, quiz_block, quiz_form_data
from .progress_factories import answers_with_score


@pytest.fixture
def course(site_tree):
    course = course_create(parent=site_tree, title="La Ve République")
    lesson_create(course=course)
    return course


@pytest.fixture
def final_test(course):
    # Three questions: 2/3 = 66,7 % passes a pass mark of 60; 1/3 does not.
    return final_test_create(course=course, pass_mark=60)


@pytest.fixture
def people(db):
    teacher = teacher_create()
    classroom = classroom_create(teacher=teacher)
    return teacher, classroom, pupil_create(classroom=classroom)


def _submit(client, page, score, *, json=False):
    quiz_id, quiz = next(iter(page.quiz_blocks().items()))
    data = quiz_form_data(
        page=page, quiz_id=quiz_id, quiz=quiz, answers=answers_with_score(quiz, score)
    )
    headers = {"accept": "application/json"} if json else {}
    return client.post(page.url + f"quiz/{quiz_id}/", data, headers=headers)


@pytest.mark.parametrize(
    ("score", "maximum", "mark", "passed"),
    [
        (6, 10, 60, True),
        (Decimal("5.999"), 10, 60, False),
        (2, 3, 67, False),
        (2, 3, 66, True),
        (0, 3, 1, False),
        (3, 3, 100, True),
    ],
)
def test_pass_mark_is_compared_exactly(score, maximum, mark, passed):
    assert final_test_passed(score=score, max_score=maximum, pass_mark=mark) is passed


def test_failing_records_nothing_passing_records_the_completion(client, final_test, course, people):
    _teacher, _classroom, pupil = people
    client.force_login(pupil.user)
    response = _submit(client, final_test, 1)
    assert response.status_code == 200 and "data-final-test-failed" in response.content.decode()
    assert not CourseCompletion.objects.exists()
    response = _submit(client, final_test, 2)
    assert "data-final-test-passed" in response.content.decode()
    completion = CourseCompletion.objects.get()
    assert (completion.user, completion.course_id) == (pupil.user, course.pk)
    assert (completion.score, completion.max_score) == (2, 3)
    # No lesson attempt is made by the final test.
    assert not QuizAttempt.objects.exists()


def test_best_score_is_kept_and_the_first_pass_date_too(client, final_test, people):
    _teacher, _classroom, pupil = people
    client.force_login(pupil.user)
    _submit(client, final_test, 2)
    first = CourseCompletion.objects.get()
    _submit(client, final_test, 3)
    _submit(client, final_test, 2)
    _submit(client, final_test, 0)
    completion = CourseCompletion.objects.get()
    assert (completion.score, completion.completed_at) == (3, first.completed_at)
    assert completion.best_at > first.best_at


def test_one_completion_per_pupil_and_course_in_the_database(final_test, course, people):
    from django.utils import timezone

    _teacher, _classroom, pupil = people
    now = timezone.now()
    fields = {"score": 2, "max_score": 3, "completed_at": now, "best_at": now}
    CourseCompletion.objects.create(user=pupil.user, course=course, **fields)
    with pytest.raises(IntegrityError):
        CourseCompletion.objects.create(user=pupil.user, course=course, **fields)


@pytest.mark.parametrize("who", ["anonymous", "teacher"])
def test_only_pupils_complete_a_course(client, final_test, people, who):
    teacher, _classroom, _pupil = people
    if who == "teacher":
        client.force_login(teacher)
    response = _submit(client, final_test, 3, json=True)
    assert response.status_code == 200 and response.json()["passed"] is True
    assert response.json()["stored"] is False
    assert not CourseCompletion.objects.exists()


def test_a_tampered_answer_to_the_final_test_stores_nothing(client, final_test, people):
    _teacher, _classroom, pupil = people
    client.force_login(pupil.user)
    quiz_id, quiz = next(iter(final_test.quiz_blocks().items()))
    data = quiz_form_data(
        page=final_test, quiz_id=quiz_id, quiz=quiz, answers=answers_with_score(quiz, 3)
    )
    first = next(key for key in data if key.startswith("q-"))
    data[first] = ["7"]
    assert client.post(final_test.url + f"quiz/{quiz_id}/", data).status_code == 400
    assert not CourseCompletion.objects.exists()


def test_course_page_shows_the_final_test_and_the_pupils_completion(
    client, final_test, course, people
):
    _teacher, _classroom, pupil = people
    client.force_login(pupil.user)
    page = client.get(course.url).content.decode()
    assert "data-final-test" in page and final_test.url in page and "data-completion" not in page
    _submit(client, final_test, 3)
    page = html.unescape(client.get(course.url).content.decode())
    assert "data-completion" in page and "meilleur score 3/3" in page
    test_page = html.unescape(client.get(final_test.url).content.decode())
    assert "Tu as réussi ce test" in test_page
    assert french_text("Seuil de réussite : 60 %") in test_page


def test_teacher_sees_completions_in_the_class_progress(client, final_test, course, people):
    from courses.services import assignment_create

    teacher, classroom, pupil = people
    other_class_pupil = pupil_create(classroom=classroom_create(teacher=teacher_create()))
    assignment_create(classroom=classroom, teacher=teacher, course=course)
    for someone in (pupil, other_class_pupil):
        client.force_login(someone.user)
        _submit(client, final_test, 2)
    client.force_login(teacher)
    page = html.unescape(client.get(f"/suivi/classes/{classroom.pk}/").content.decode())
    assert "La Ve République" in page and "2/3" in page
    assert page.count("data-course-completion") == 1


def test_completion_is_deleted_with_the_pupil_and_exported_with_their_data(
    client, final_test, people
):
    from courses.privacy import courses_data_export

    _teacher, _classroom, pupil = people
    client.force_login(pupil.user)
    _submit(client, final_test, 3)
    exported = courses_data_export(pupil.user)["cours_termines"]
    assert exported[0]["cours"] == "La Ve République" and exported[0]["score"] == 3
    assert pupils_erase(user_ids={pupil.user_id}) == 1
    assert not CourseCompletion.objects.exists()


def test_final_test_quiz_block_is_a_quiz_block(final_test):
    quiz_id, quiz = next(iter(final_test.quiz_blocks().items()))
    assert len(quiz_questions(quiz)) == 3
    assert quiz_block()["type"] == "quiz"


def test_the_last_lesson_leads_to_the_final_test(client, course, final_test):
    first = course.lessons().first()
    last = lesson_create(course=course)
    assert final_test.url in client.get(last.url).content.decode()
    assert "data-final-test-link" not in client.get(first.url).content.decode()
