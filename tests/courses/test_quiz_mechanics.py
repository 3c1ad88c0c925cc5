"""Quiz mechanics of seed format v2: choices shuffled per attempt, partial credit for multiple
choice questions, feedback for each wrong choice picked, case questions."""

import html
import re
from decimal import Decimal

import pytest

from config.typography import french_text
from courses.grading import (
    QUIZ_ORDER_INVALID,
    QUIZ_UNKNOWN_CHOICE,
    QuizSubmissionError,
    question_credit,
    quiz_answers_from_positions,
    quiz_choice_order,
    quiz_grade,
    quiz_questions,
)
from courses.models import QuizAttempt
from courses.ordering import ORDER_FIELD, quiz_order_seed, quiz_order_token
from tests.school.factories import classroom_create, pupil_create, teacher_create

from .factories import course_create, lesson_create, quiz_form_data


def _choice(text, correct=False, feedback=""):
    import uuid

    return {
        "type": "item",
        "id": str(uuid.uuid4()),
        "value": {"text": text, "correct": correct, "feedback": feedback},
    }


def _question(kind, choices=(), *, case=False, answer=False, tf_feedback="", prompt="Q"):
    import uuid

    return {
        "type": "item",
        "id": str(uuid.uuid4()),
        "value": {
            "kind": kind,
            "case": case,
            "prompt": prompt,
            "choices": list(choices),
            "true_false_answer": answer,
            "true_false_feedback": tf_feedback,
            "explanation": f"Règle de {prompt}",
        },
    }


def mechanics_quiz():
    """q0 single of six choices (A right); q1 multiple, three right of five; q2 true/false
    (true), as a case."""
    import uuid

    single = _question(
        "single",
        [_choice("A", True)] + [_choice(t, feedback=f"{t} est faux") for t in "BCDEF"],
        prompt="Unique",
    )
    multiple = _question(
        "multiple",
        [_choice("R1", True), _choice("R2", True), _choice("R3", True)]
        + [_choice("W1", feedback="W1 : non, article 49"), _choice("W2", feedback="W2 : non")],
        prompt="Multiple",
    )
    true_false = _question(
        "true_false", case=True, answer=True, tf_feedback="C'est vrai : article 3", prompt="VF"
    )
    return {
        "type": "quiz",
        "id": str(uuid.uuid4()),
        "value": {"title": "Mécanique", "questions": [single, multiple, true_false]},
    }


@pytest.fixture
def lesson(site_tree):
    return lesson_create(course=course_create(parent=site_tree), body=[mechanics_quiz()])


@pytest.fixture
def pupil(db):
    return pupil_create(classroom=classroom_create(teacher=teacher_create())).user


def _quiz(lesson):
    return next(iter(lesson.quiz_blocks().items()))


def _ids(quiz):
    (q0, v0), (q1, v1), (q2, _v2) = quiz_questions(quiz)
    c0 = [c.id for c in v0["choices"].bound_blocks]
    c1 = [c.id for c in v1["choices"].bound_blocks]
    return q0, c0, q1, c1, q2


def _shown_order(page_html: str, question_id: str) -> list[str]:
    """The choice labels of a question, in the order the page shows them."""
    block = page_html.split(f'data-question="{question_id}"', 1)[1].split("</fieldset>", 1)[0]
    return re.findall(r'<label class="fr-label" for="choice-[^"]+">([^<]+)</label>', block)


def _token(page_html: str) -> str:
    return re.search(rf'name="{ORDER_FIELD}" value="([^"]+)"', page_html).group(1)


# --- Shuffling --------------------------------------------------------------------------------


def test_order_is_stable_within_an_attempt_and_changes_with_the_next(client, lesson, pupil):
    client.force_login(pupil)
    quiz_id, quiz = _quiz(lesson)
    q0, c0, q1, c1, q2 = _ids(quiz)
    first = client.get(lesson.url).content.decode()
    # A reload, and an answer refused (one question left out), keep the same order.
    assert _shown_order(client.get(lesson.url).content.decode(), q0) == _shown_order(first, q0)
    refused = client.post(lesson.url + f"quiz/{quiz_id}/", {ORDER_FIELD: _token(first)})
    assert refused.status_code == 400
    assert _shown_order(client.get(lesson.url).content.decode(), q0) == _shown_order(first, q0)
    orders = {tuple(_shown_order(first, q0))}
    for _attempt in range(6):
        page = client.get(lesson.url).content.decode()
        seed = quiz_order_seed(_token(page), page_id=lesson.pk, quiz_id=quiz_id)
        data = quiz_form_data(
            page=lesson,
            quiz_id=quiz_id,
            quiz=quiz,
            answers={q0: [c0[0]], q1: c1[:3], q2: ["true"]},
            seed=seed,
        )
        assert client.post(lesson.url + f"quiz/{quiz_id}/", data).status_code == 200
        orders.add(tuple(_shown_order(client.get(lesson.url).content.decode(), q0)))
    # Six choices: 720 orders; seven attempts drawing the same one would be a broken shuffle.
    assert len(orders) > 1
    assert sorted(next(iter(orders))) == list("ABCDEF")
    assert QuizAttempt.objects.filter(user=pupil).count() == 6
    assert set(QuizAttempt.objects.values_list("score", flat=True)) == {Decimal(3)}


def test_true_false_keeps_vrai_then_faux(lesson):
    quiz_id, quiz = _quiz(lesson)
    (_q0, _v0), (_q1, _v1), (q2, v2) = quiz_questions(quiz)
    for seed in ("a", "b", "c"):
        assert [text for _id, text, _ok in quiz_choice_order(q2, v2, seed)] == ["Vrai", "Faux"]


def test_scoring_does_not_depend_on_the_order(lesson):
    _quiz_id, quiz = _quiz(lesson)
    q0, c0, q1, c1, q2 = _ids(quiz)
    answers = {q0: [c0[0]], q1: [c1[0], c1[3]], q2: ["false"]}
    questions = dict(quiz_questions(quiz))
    results = set()
    for seed in ("un", "deux", "trois", "quatre"):
        orders = {
            qid: [cid for cid, _t, _ok in quiz_choice_order(qid, questions[qid], seed)]
            for qid in answers
        }
        positions = {qid: [str(orders[qid].index(v)) for v in vs] for qid, vs in answers.items()}
        mapped = quiz_answers_from_positions(quiz, positions, seed=seed)
        assert {qid: sorted(v) for qid, v in mapped.items()} == {
            qid: sorted(v) for qid, v in answers.items()
        }
        results.add(quiz_grade(quiz, mapped, seed=seed).score)
    assert results == {Decimal(1)}  # 1 + 0 (one right, one wrong of three right) + 0


@pytest.mark.parametrize("position", ["6", "-1", "1.0", "a", "０", "99999999999999999999"])
def test_a_tampered_position_is_refused(client, lesson, pupil, position):
    client.force_login(pupil)
    quiz_id, quiz = _quiz(lesson)
    q0, c0, q1, c1, q2 = _ids(quiz)
    data = quiz_form_data(
        page=lesson, quiz_id=quiz_id, quiz=quiz, answers={q0: [c0[0]], q1: c1[:3], q2: ["true"]}
    )
    data[f"q-{q0}"] = [position]
    response = client.post(
        lesson.url + f"quiz/{quiz_id}/", data, headers={"accept": "application/json"}
    )
    assert response.status_code == 400 and response.json()["error"] == QUIZ_UNKNOWN_CHOICE
    assert not QuizAttempt.objects.exists()


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token, lesson, quiz_id: None,
        lambda token, lesson, quiz_id: token[:-1] + ("A" if token[-1] != "A" else "B"),
        lambda token, lesson, quiz_id: token.replace(":seed-1:", ":seed-2:"),
        # A valid token of another quiz, or of another page.
        lambda token, lesson, quiz_id: quiz_order_token(page_id=lesson.pk, quiz_id="x", seed="1"),
        lambda token, lesson, quiz_id: quiz_order_token(
            page_id=lesson.pk + 1, quiz_id=quiz_id, seed="seed-1"
        ),
    ],
)
def test_a_missing_altered_or_foreign_order_is_refused(client, lesson, pupil, tamper):
    client.force_login(pupil)
    quiz_id, quiz = _quiz(lesson)
    q0, c0, q1, c1, q2 = _ids(quiz)
    data = quiz_form_data(
        page=lesson, quiz_id=quiz_id, quiz=quiz, answers={q0: [c0[0]], q1: c1[:3], q2: ["true"]}
    )
    token = tamper(data[ORDER_FIELD], lesson, quiz_id)
    if token is None:
        del data[ORDER_FIELD]
    else:
        data[ORDER_FIELD] = token
    response = client.post(
        lesson.url + f"quiz/{quiz_id}/", data, headers={"accept": "application/json"}
    )
    assert response.status_code == 400 and response.json()["error"] == QUIZ_ORDER_INVALID
    assert not QuizAttempt.objects.exists()
    with pytest.raises(QuizSubmissionError):
        quiz_order_seed(token, page_id=lesson.pk, quiz_id=quiz_id)


def test_the_page_never_shows_which_choice_is_right_nor_the_feedback(client, lesson, pupil):
    client.force_login(pupil)
    page = client.get(lesson.url).content.decode()
    quiz_id, quiz = _quiz(lesson)
    _q0, c0, _q1, _c1, _q2 = _ids(quiz)
    assert "est faux" not in page and "article 49" not in page
    assert c0[0] not in page  # choices are named by position, not by id


# --- Partial credit ---------------------------------------------------------------------------

R, W = "right", "wrong"


@pytest.mark.parametrize(
    ("right_count", "wrong_count", "ticked_right", "ticked_wrong", "credit"),
    [
        (3, 2, 3, 0, "1"),  # exactly right
        (3, 2, 2, 0, "0.666"),  # 2/3, rounded down: never more than earned
        (3, 2, 1, 0, "0.333"),
        (3, 2, 3, 1, "0.666"),  # (3 − 1) / 3
        (3, 2, 2, 1, "0.333"),
        (3, 2, 1, 1, "0"),
        (3, 2, 3, 2, "0.333"),  # ticking everything: (3 − 2) / 3
        (2, 2, 2, 2, "0"),  # ticking everything when as many wrong as right
        (1, 3, 1, 3, "0"),  # floored at 0
        (1, 3, 0, 1, "0"),
        (2, 2, 1, 0, "0.5"),
        (4, 1, 3, 0, "0.75"),
        (4, 4, 4, 4, "0"),
    ],
)
def test_partial_credit_rule(right_count, wrong_count, ticked_right, ticked_wrong, credit):
    expected = {f"{R}{i}" for i in range(right_count)}
    chosen = {f"{R}{i}" for i in range(ticked_right)} | {f"{W}{i}" for i in range(ticked_wrong)}
    assert wrong_count >= ticked_wrong
    assert question_credit(kind="multiple", chosen=chosen, expected=expected) == Decimal(credit)


def test_single_and_true_false_have_no_partial_credit():
    assert question_credit(kind="single", chosen={"a"}, expected={"a"}) == 1
    assert question_credit(kind="single", chosen={"b"}, expected={"a"}) == 0
    assert question_credit(kind="true_false", chosen={"false"}, expected={"true"}) == 0


def test_partial_credit_is_stored_exactly_and_shown(client, lesson, pupil):
    client.force_login(pupil)
    quiz_id, quiz = _quiz(lesson)
    q0, c0, q1, c1, q2 = _ids(quiz)
    data = quiz_form_data(
        page=lesson, quiz_id=quiz_id, quiz=quiz, answers={q0: [c0[0]], q1: c1[:2], q2: ["true"]}
    )
    response = client.post(lesson.url + f"quiz/{quiz_id}/", data)
    page = html.unescape(response.content.decode())
    assert french_text("Ton score : 2,666 sur 3") in page
    assert french_text("Réponse en partie juste : 0,666 point sur 1.") in page
    attempt = QuizAttempt.objects.get()
    assert (attempt.score, attempt.max_score) == (Decimal("2.666"), 3)
    json_response = client.post(
        lesson.url + f"quiz/{quiz_id}/", data, headers={"accept": "application/json"}
    ).json()
    assert json_response["score"] == 2.666
    assert [q["credit"] for q in json_response["questions"]] == [1, 0.666, 1]


# --- Feedback ---------------------------------------------------------------------------------


def test_feedback_is_shown_for_each_wrong_choice_picked_and_only_those(client, lesson, pupil):
    client.force_login(pupil)
    quiz_id, quiz = _quiz(lesson)
    q0, c0, q1, c1, q2 = _ids(quiz)
    answers = {q0: [c0[2]], q1: [c1[0], c1[3]], q2: ["false"]}
    data = quiz_form_data(page=lesson, quiz_id=quiz_id, quiz=quiz, answers=answers)
    page = html.unescape(client.post(lesson.url + f"quiz/{quiz_id}/", data).content.decode())
    assert "C est faux" in page and french_text("W1 : non, article 49") in page
    assert french_text("C'est vrai : article 3") in page  # the true/false answer's
    for not_picked in ("B est faux", "D est faux", "W2 : non"):
        assert not_picked not in page
    assert page.count("data-choice-feedback") == 3
    assert page.count("data-case") == 1  # « Cas pratique » on the result too
    data = client.post(
        lesson.url + f"quiz/{quiz_id}/", data, headers={"accept": "application/json"}
    ).json()
    feedback = {q["id"]: [item["feedback"] for item in q["feedback"]] for q in data["questions"]}
    assert feedback == {
        q0: ["C est faux"],
        q1: ["W1 : non, article 49"],
        q2: ["C'est vrai : article 3"],
    }
    # Positions in the JSON are those of the order shown.
    seed = "seed-1"
    questions = dict(quiz_questions(quiz))
    order = [cid for cid, _t, _ok in quiz_choice_order(q0, questions[q0], seed)]
    first = data["questions"][0]
    assert first["correct_choices"] == [str(order.index(c0[0]))]
    assert first["feedback"][0]["choice"] == str(order.index(c0[2]))


def test_case_questions_are_marked_on_the_quiz(client, lesson):
    page = client.get(lesson.url).content.decode()
    assert page.count("data-case") == 1 and "Cas pratique" in page
