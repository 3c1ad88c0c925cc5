"""Builders for schools, classes, pupils and their progress, through the apps' own services."""

import itertools

from courses.grading import quiz_grade, quiz_questions
from courses.models import LessonPage
from courses.services import quiz_attempt_record
from school.models import School, User
from school.services import classroom_create, pupils_bulk_create
from tests.school.factories import school_create, teacher_create

__all__ = ["school_create", "teacher_create"]  # re-exported for the courses tests

_counter = itertools.count(1)


def classroom_with_pupils(*, teacher: User, school: School, pupils: int, name: str | None = None):
    """A class of `pupils` pupils; returns (classroom, [PupilProfile sorted by pseudonym])."""
    classroom = classroom_create(
        teacher=teacher,
        school=school,
        name=name or f"2nde {next(_counter)}",
        level="2nde",
        school_year=2026,
    )
    credentials = pupils_bulk_create(classroom=classroom, count=pupils)
    profiles = [credential.pupil for credential in credentials]
    return classroom, sorted(profiles, key=lambda profile: profile.pseudonym.lower())


def answers_with_score(quiz, score: int) -> dict[str, list[str]]:
    """Answers to a factories.quiz_block quiz getting exactly the first `score` questions right
    (the others wrong)."""
    answers = {}
    for index, (question_id, question) in enumerate(quiz_questions(quiz)):
        right = index < score
        if question["kind"] == "true_false":
            answers[question_id] = ["true" if right else "false"]
            continue
        choices = [child.id for child in question["choices"].bound_blocks]
        if question["kind"] == "multiple":
            answers[question_id] = choices[:2] if right else choices[2:]
        else:
            answers[question_id] = choices[:1] if right else choices[2:]
    return answers


def attempt_record(*, user: User, lesson: LessonPage, score: int, quiz_index: int = 0):
    """Store a graded attempt with the given score, as a quiz POST would (progress included)."""
    quiz_id, quiz = list(lesson.quiz_blocks().items())[quiz_index]
    result = quiz_grade(quiz, answers_with_score(quiz, score))
    assert result.score == score
    return quiz_attempt_record(user=user, lesson=lesson, quiz_id=quiz_id, result=result)
