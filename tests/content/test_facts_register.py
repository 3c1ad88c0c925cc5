"""The register of facts that age (content/data/facts.yaml) stays true to the lessons: each fact
names the lessons it appears in, and each of those lessons says it in the words the register
quotes."""

import datetime
from pathlib import Path

import pytest
import yaml

DATA = Path(__file__).resolve().parents[2] / "content" / "data"
REGISTER = DATA / "facts.yaml"
FIELDS = {"key", "label", "value", "as_of", "appears_in", "text"}


def _lessons_by_slug() -> dict[str, str]:
    """Lesson slug -> the lesson file's text, for every course, read from the Markdown files."""
    lessons = {}
    for path in sorted(DATA.glob("courses/*/lessons/*.md")):
        text = path.read_text(encoding="utf-8")
        front = yaml.safe_load(text.split("\n---\n", 1)[0].removeprefix("---\n"))
        assert front["slug"] not in lessons, f"{path}: slug {front['slug']} twice"
        lessons[front["slug"]] = text
    return lessons


@pytest.fixture(scope="module")
def facts():
    return yaml.safe_load(REGISTER.read_text(encoding="utf-8"))


def test_facts_register_is_well_formed(facts):
    assert isinstance(facts, list) and facts
    keys = [fact["key"] for fact in facts]
    assert len(keys) == len(set(keys)), "a key appears twice"
    for fact in facts:
        assert set(fact) == FIELDS, fact.get("key")
        assert isinstance(fact["as_of"], datetime.date), fact["key"]
        slugs = fact["appears_in"]
        assert slugs and all(isinstance(slug, str) for slug in slugs), fact["key"]
        assert fact["text"].strip() and fact["value"].strip() and fact["label"].strip(), fact["key"]


def _unmatched(facts, lessons: dict[str, str]) -> list[str]:
    """Every (fact, lesson) pair where the lesson is missing or does not say the fact's words."""
    problems = []
    for fact in facts:
        for slug in fact["appears_in"]:
            if slug not in lessons:
                problems.append(f"{fact['key']}: no lesson {slug}")
            elif fact["text"] not in lessons[slug]:
                problems.append(f"{fact['key']}: « {fact['text']} » not in {slug}")
    return problems


def test_each_fact_appears_verbatim_in_every_lesson_it_names(facts):
    assert _unmatched(facts, _lessons_by_slug()) == []


def test_a_lesson_that_lost_the_fact_or_does_not_exist_is_reported(facts):
    fact = facts[0]
    (slug,) = fact["appears_in"][:1]
    reworded = {slug: "Une leçon dont la phrase datée a été réécrite."}
    assert _unmatched([fact], reworded) == [f"{fact['key']}: « {fact['text']} » not in {slug}"]
    assert _unmatched([fact], {}) == [f"{fact['key']}: no lesson {slug}"]
