"""The facts register's check (content.facts) on data written for the test."""

import pytest

from content.facts import facts_check, facts_load
from content.loader import SeedFormatError, load_courses
from tests.content.v2_seed import v2_course_write

FACTS = """- key: deputes-nombre
  label: Nombre maximal de députés
  value: "577"
  as_of: 2026-12-01
  appears_in: [le-parlement-en-action]
  text: Le Parlement vote la loi et contrôle le Gouvernement.
"""


@pytest.fixture
def courses(tmp_path):
    v2_course_write(tmp_path)
    return load_courses(tmp_path)


def _facts(tmp_path, text):
    path = tmp_path / "facts.yaml"
    path.write_text(text, encoding="utf-8")
    return facts_load(path)


def test_a_fact_stated_by_its_lessons_passes(tmp_path, courses):
    facts = _facts(tmp_path, FACTS.replace("la loi et", "la   loi et"))
    assert facts[0].value == "577"
    assert facts_check(facts=facts, courses=courses) == []


def test_a_lesson_that_lost_the_words_is_named(tmp_path, courses):
    facts = _facts(tmp_path, FACTS.replace("vote la loi", "vote les lois"))
    (problem,) = facts_check(facts=facts, courses=courses)
    assert "deputes-nombre" in problem and "01-le-parlement-en-action.md" in problem


def test_an_unknown_lesson_is_named(tmp_path, courses):
    facts = _facts(tmp_path, FACTS.replace("[le-parlement-en-action]", "[le-senat]"))
    assert facts_check(facts=facts, courses=courses) == [
        "deputes-nombre: pas de leçon « le-senat »."
    ]


def test_a_future_date_is_a_problem(tmp_path, courses):
    facts = _facts(tmp_path, FACTS.replace("2026-12-01", "2999-01-01"))
    assert "dans le futur" in facts_check(facts=facts, courses=courses)[0]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('  value: "577"\n', "", "champs manquants : value"),
        ("as_of: 2026-12-01", "as_of: bientôt", "« as_of » est une date"),
        ("appears_in: [le-parlement-en-action]", "appears_in: le-parlement", "liste de slugs"),
    ],
)
def test_malformed_register_is_refused(tmp_path, old, new, message):
    with pytest.raises(SeedFormatError, match=message):
        _facts(tmp_path, FACTS.replace(old, new))


def test_a_key_twice_is_refused(tmp_path):
    with pytest.raises(SeedFormatError, match="apparaît deux fois"):
        _facts(tmp_path, FACTS + FACTS)
