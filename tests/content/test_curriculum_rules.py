"""Rules of the civic curriculum (issue 23, seed format v2) over the real seed data in
content/data: every lesson has a teacher's guide with a valid ready-made question, every course
a final test, and every quiz is built as the format asks (case questions, varied multiple choice
questions, feedback on every wrong choice: the loader refuses a quiz without it).

These tests read the content written for the curriculum: they pass once that content is in."""

from collections import Counter

import pytest

from content.final_tests import FILE_NAME, load_final_tests
from content.loader import load_courses
from content.teacher_pages import load_teacher_guides

CASE_SHARE_MIN = 0.4
FINAL_TEST_QUESTIONS = range(10, 16)


@pytest.fixture(scope="module")
def courses():
    return load_courses()


@pytest.fixture(scope="module")
def final_tests():
    return {test.course_slug: test for test in load_final_tests()}


def _quizzes(courses, final_tests):
    """(where, quiz block value) for every lesson quiz and every final test."""
    for course in courses:
        for lesson in course.lessons:
            for block in lesson.body:
                if block["type"] == "quiz":
                    yield f"{lesson.source}", block["value"]
    for test in final_tests.values():
        yield f"{test.source}", test.quiz["value"]


def _questions(quiz) -> list[dict]:
    return [item["value"] for item in quiz["questions"]]


def test_there_is_a_curriculum(courses):
    assert courses and all(course.lessons for course in courses)


def test_every_lesson_has_a_teacher_guide_with_a_valid_ready_made(courses):
    # Loading checks each guide and its ready-made question (content.teacher_pages).
    guides = load_teacher_guides(courses)
    have = {(guide.course_slug, guide.lesson_slug) for guide in guides}
    missing = [
        f"{course.source.parent / 'teacher' / lesson.slug}.md"
        for course in courses
        for lesson in course.lessons
        if (course.slug, lesson.slug) not in have
    ]
    assert not missing, "lessons without a teacher's guide:\n" + "\n".join(missing)
    for guide in guides:
        assert guide.ready_made["kind"] in ("consultation", "debate"), guide.source


def test_every_course_has_a_final_test(courses, final_tests):
    missing = [
        str(course.source.parent / FILE_NAME)
        for course in courses
        if course.slug not in final_tests
    ]
    assert not missing, "courses without a final test:\n" + "\n".join(missing)
    for test in final_tests.values():
        questions = _questions(test.quiz["value"])
        assert len(questions) in FINAL_TEST_QUESTIONS, (str(test.source), len(questions))
        cases = sum(1 for question in questions if question["case"])
        assert 2 * cases >= len(questions), (str(test.source), "at least half case: true")


def test_every_quiz_has_enough_case_questions(courses, final_tests):
    short = []
    for where, quiz in _quizzes(courses, final_tests):
        questions = _questions(quiz)
        cases = sum(1 for question in questions if question["case"])
        if cases < CASE_SHARE_MIN * len(questions):
            short.append(f"{where}: {cases} case: true of {len(questions)} questions")
    assert not short, "quizzes with less than 40 % of case questions:\n" + "\n".join(short)


def _multiple_shapes(quiz) -> list[tuple[int, int]]:
    """(right choices, choices) of each multiple choice question."""
    return [
        (sum(1 for c in q["choices"] if c["value"]["correct"]), len(q["choices"]))
        for q in _questions(quiz)
        if q["kind"] == "multiple"
    ]


def test_multiple_choice_questions_vary_their_number_of_right_answers(courses, final_tests):
    same = []
    every_shape = Counter()
    for where, quiz in _quizzes(courses, final_tests):
        shapes = _multiple_shapes(quiz)
        every_shape.update(shapes)
        for right, total in shapes:
            assert 1 <= right < total, (where, "a multiple question has a right and a wrong choice")
        if len(shapes) >= 2 and len({right for right, _total in shapes}) == 1:
            same.append(f"{where}: every multiple question has {shapes[0][0]} right answers")
    assert not same, "quizzes whose multiple questions all have as many right answers:\n" + (
        "\n".join(same)
    )
    if every_shape:
        # Not always 3 of 4 (nor any one shape) across the curriculum.
        shape, count = every_shape.most_common(1)[0]
        assert count < sum(every_shape.values()), f"every multiple question is {shape}"


def test_every_wrong_choice_has_feedback(courses, final_tests):
    for where, quiz in _quizzes(courses, final_tests):
        for question in _questions(quiz):
            if question["kind"] == "true_false":
                assert question["true_false_feedback"], where
            for choice in question["choices"]:
                value = choice["value"]
                assert value["correct"] or value["feedback"], (where, question["prompt"])


def test_right_answers_of_single_questions_are_not_always_at_the_same_place(courses, final_tests):
    for course in courses:
        positions = Counter()
        quizzes = [
            block["value"]
            for lesson in course.lessons
            for block in lesson.body
            if block["type"] == "quiz"
        ]
        if course.slug in final_tests:
            quizzes.append(final_tests[course.slug].quiz["value"])
        for quiz in quizzes:
            for question in _questions(quiz):
                if question["kind"] == "single":
                    right = [c["value"]["correct"] for c in question["choices"]].index(True)
                    positions[right] += 1
        if sum(positions.values()) >= 3:
            assert len(positions) >= 2, (course.slug, "right answer always at", positions)
