import html
import json
from decimal import Decimal

import pytest

from config.typography import french_text
from courses.grading import (
    QUIZ_MISSING_ANSWER,
    QUIZ_TOO_LARGE,
    QUIZ_TOO_MANY_ANSWERS,
    QUIZ_UNKNOWN_CHOICE,
    QUIZ_UNKNOWN_QUESTION,
    QuizSubmissionError,
    quiz_grade,
)
from courses.models import QuizAttempt
from courses.selectors import quiz_attempt_summaries
from school.models import User

from .factories import course_create, lesson_create, quiz_block, quiz_form_data


@pytest.fixture
def lesson(site_tree):
    return lesson_create(course=course_create(parent=site_tree), body=[quiz_block(questions=3)])


@pytest.fixture
def pupil(db):
    return User.objects.create_user(username="renard-bleu-27", password="secret-pupil-1")


def _quiz(lesson):
    quiz_id, quiz = next(iter(lesson.quiz_blocks().items()))
    return quiz_id, quiz


def _questions(quiz):
    return list(quiz["questions"].bound_blocks)


def right_answers(quiz) -> dict[str, list[str]]:
    """q0 single: choice A; q1 multiple: A and B; q2 true/false: true."""
    q0, q1, q2 = _questions(quiz)
    c0 = [c.id for c in q0.value["choices"].bound_blocks]
    c1 = [c.id for c in q1.value["choices"].bound_blocks]
    return {q0.id: [c0[0]], q1.id: [c1[0], c1[1]], q2.id: ["true"]}


def form_data(lesson, answers):
    quiz_id, quiz = _quiz(lesson)
    return quiz_form_data(page=lesson, quiz_id=quiz_id, quiz=quiz, answers=answers)


def test_quiz_grade_counts_exact_answers_only(lesson):
    _quiz_id, quiz = _quiz(lesson)
    answers = right_answers(quiz)
    assert quiz_grade(quiz, answers).score == 3
    q0, q1, q2 = _questions(quiz)
    partial = dict(answers, **{q1.id: answers[q1.id][:1]})  # one of two right choices
    wrong_tf = dict(answers, **{q2.id: ["false"]})
    result = quiz_grade(quiz, partial)
    assert result.score == Decimal("2.5") and not result.questions[1].correct
    result = quiz_grade(quiz, wrong_tf)
    assert (result.score, result.max_score) == (2, 3)
    assert [q.correct for q in result.questions] == [True, True, False]
    assert result.questions[2].explanation == "Explication 2"


@pytest.mark.parametrize(
    ("tamper", "code"),
    [
        (lambda a, qs: {**a, "not-a-question": ["x"]}, QUIZ_UNKNOWN_QUESTION),
        (lambda a, qs: {k: v for k, v in a.items() if k != qs[0].id}, QUIZ_MISSING_ANSWER),
        (lambda a, qs: {**a, qs[0].id: [""]}, QUIZ_MISSING_ANSWER),
        (lambda a, qs: {**a, qs[0].id: ["forged-choice"]}, QUIZ_UNKNOWN_CHOICE),
        (lambda a, qs: {**a, qs[2].id: ["maybe"]}, QUIZ_UNKNOWN_CHOICE),
        (lambda a, qs: {**a, qs[2].id: ["true", "false"]}, QUIZ_TOO_MANY_ANSWERS),
    ],
)
def test_quiz_grade_rejects_bad_input(lesson, tamper, code):
    _quiz_id, quiz = _quiz(lesson)
    with pytest.raises(QuizSubmissionError) as error:
        quiz_grade(quiz, tamper(right_answers(quiz), _questions(quiz)))
    assert error.value.code == code


def test_quiz_post_without_javascript_renders_feedback_and_stores_attempt(client, lesson, pupil):
    client.force_login(pupil)
    quiz_id, quiz = _quiz(lesson)
    response = client.post(lesson.url + f"quiz/{quiz_id}/", form_data(lesson, right_answers(quiz)))
    assert response.status_code == 200
    page = response.content.decode()
    assert french_text("Ton score : 3 sur 3") in page and "Explication 1" in page
    attempt = QuizAttempt.objects.get()
    assert (attempt.user, attempt.lesson_id, attempt.quiz_id) == (pupil, lesson.pk, quiz_id)
    assert (attempt.score, attempt.max_score) == (3, 3)


def test_quiz_post_as_json_returns_feedback_in_place(client, lesson, pupil):
    client.force_login(pupil)
    quiz_id, quiz = _quiz(lesson)
    response = client.post(
        lesson.url + f"quiz/{quiz_id}/",
        form_data(lesson, right_answers(quiz)),
        headers={"accept": "application/json"},
    )
    data = response.json()
    assert response.status_code == 200
    assert (data["score"], data["max_score"], data["stored"], data["attempts"]) == (3, 3, True, 1)
    assert all(question["correct"] for question in data["questions"])


def test_every_attempt_is_kept_with_best_and_last_scores(client, lesson, pupil):
    client.force_login(pupil)
    quiz_id, quiz = _quiz(lesson)
    right = right_answers(quiz)
    q2 = _questions(quiz)[2].id
    url = lesson.url + f"quiz/{quiz_id}/"
    for answers in (dict(right, **{q2: ["false"]}), right, dict(right, **{q2: ["false"]})):
        client.post(url, form_data(lesson, answers))
    assert list(QuizAttempt.objects.order_by("pk").values_list("score", flat=True)) == [2, 3, 2]
    summary = quiz_attempt_summaries(user=pupil, lesson=lesson)[quiz_id]
    assert (summary.attempts, summary.best_label, summary.last_label) == (3, "3/3", "2/3")
    assert (
        french_text("ton meilleur résultat : 3/3 (dernier : 2/3)")
        in client.get(lesson.url).content.decode()
    )


def test_quiz_post_by_anonymous_user_gives_feedback_but_stores_nothing(client, lesson):
    quiz_id, quiz = _quiz(lesson)
    response = client.post(lesson.url + f"quiz/{quiz_id}/", form_data(lesson, right_answers(quiz)))
    assert response.status_code == 200
    assert "ce résultat n'est pas enregistré" in html.unescape(response.content.decode())
    assert not QuizAttempt.objects.exists()


@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        (lambda d: {**d, "q-unknown": "x"}, "question qui n'existe pas"),
        (lambda d: dict(list(d.items())[:1] + list(d.items())[2:]), "Réponds à toutes les"),
        (lambda d: {k: v if k == "ordre" else ["forged"] for k, v in d.items()}, "n'existe pas"),
    ],
)
def test_quiz_post_with_bad_input_is_refused_and_stores_nothing(
    client, lesson, pupil, tamper, message
):
    client.force_login(pupil)
    quiz_id, quiz = _quiz(lesson)
    response = client.post(
        lesson.url + f"quiz/{quiz_id}/", tamper(form_data(lesson, right_answers(quiz)))
    )
    assert response.status_code == 400
    assert message in html.unescape(response.content.decode())
    json_response = client.post(
        lesson.url + f"quiz/{quiz_id}/",
        tamper(form_data(lesson, right_answers(quiz))),
        headers={"accept": "application/json"},
    )
    assert json_response.status_code == 400 and message in json_response.json()["message"]
    assert not QuizAttempt.objects.exists()


def test_quiz_post_with_too_many_fields_is_refused(client, lesson, pupil, settings):
    settings.HEMICYCLE_QUIZ_MAX_FIELDS = 5
    client.force_login(pupil)
    quiz_id, _quiz_value = _quiz(lesson)
    data = {f"q-{n}": "x" for n in range(6)}
    response = client.post(
        lesson.url + f"quiz/{quiz_id}/", data, headers={"accept": "application/json"}
    )
    assert response.status_code == 400 and response.json()["error"] == QUIZ_TOO_LARGE
    assert not QuizAttempt.objects.exists()


def test_quiz_post_to_unknown_quiz_is_not_found(client, lesson, pupil):
    client.force_login(pupil)
    assert client.post(lesson.url + "quiz/nope/", {}).status_code == 404
    assert not QuizAttempt.objects.exists()


def test_quiz_post_requires_csrf_token(lesson, pupil):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(pupil)
    quiz_id, quiz = _quiz(lesson)
    response = client.post(lesson.url + f"quiz/{quiz_id}/", form_data(lesson, right_answers(quiz)))
    assert response.status_code == 403
    assert not QuizAttempt.objects.exists()


def test_quiz_get_redirects_to_the_quiz_in_the_lesson(client, lesson):
    quiz_id, _quiz_value = _quiz(lesson)
    response = client.get(lesson.url + f"quiz/{quiz_id}/")
    assert response.status_code == 302 and response.url.endswith(f"#quiz-{quiz_id}")


def test_quiz_block_rejects_inconsistent_questions():
    from django.core.exceptions import ValidationError

    from courses.blocks import QuizQuestionBlock

    block = QuizQuestionBlock()
    two_right = block.to_python(
        {
            "kind": "single",
            "prompt": "?",
            "choices": [{"text": "a", "correct": True}, {"text": "b", "correct": True}],
            "true_false_answer": False,
            "explanation": "e",
        }
    )
    with pytest.raises(ValidationError):
        block.clean(two_right)
    no_right = block.to_python(
        {
            "kind": "multiple",
            "prompt": "?",
            "choices": [{"text": "a"}, {"text": "b"}],
            "true_false_answer": False,
            "explanation": "e",
        }
    )
    with pytest.raises(ValidationError):
        block.clean(no_right)
    json.dumps(block.get_api_representation(block.to_python({"kind": "true_false"})))
