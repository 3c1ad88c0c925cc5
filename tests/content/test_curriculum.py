"""Seed format v2 over the real content (content/data): every quotation stands in its reference
text, every lesson is dated, sourced and opens with « L'essentiel », the facts register holds.
A reference text that a lesson needs and that is missing fails here: it is never skipped."""

import pytest

from content.facts import facts_check, facts_load
from content.loader import load_courses
from content.reference import (
    ReferenceLibrary,
    article_block_problems,
    inline_quotation_problem,
    inline_quotations,
)


@pytest.fixture(scope="module")
def courses():
    return load_courses()


@pytest.fixture(scope="module")
def library():
    return ReferenceLibrary()


def _lessons(courses):
    return [lesson for course in courses for lesson in course.lessons]


def test_every_article_block_quotes_its_reference_text(courses, library):
    problems = [
        f"{lesson.source.name}: {problem}"
        for lesson in _lessons(courses)
        for block in lesson.body
        if block["type"] == "constitution_article"
        for problem in article_block_problems(block["value"], library)
    ]
    assert not problems, "\n".join(problems)


def test_every_referenced_inline_quotation_stands_in_its_text(courses, library):
    checked, problems = 0, []
    for lesson in _lessons(courses):
        for quotation in inline_quotations(lesson.text):
            checked += 1
            problem = inline_quotation_problem(quotation, library)
            if problem:
                problems.append(f"{lesson.source.name}, {problem}")
    assert checked, "no inline quotation with a reference found: is the pattern still right?"
    assert not problems, "\n".join(problems)


def test_every_lesson_follows_format_v2(courses):
    """verified, sources, and an « L'essentiel » block of 400 to 500 words opening the body."""
    problems = [problem for lesson in _lessons(courses) for problem in lesson.v2_problems()]
    assert not problems, "\n".join(problems)


def test_the_facts_register_holds(courses):
    problems = facts_check(facts=facts_load(), courses=courses)
    assert not problems, "\n".join(problems)
