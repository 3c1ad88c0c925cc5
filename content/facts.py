"""The facts register (content/data/facts.yaml): the figures and dated facts the lessons state
(number of deputies, date of the last revision…), each with the lessons that state it and the
words they state it in. When a fact changes, the register says which lessons to correct, and
the content test fails until each of them says the new words.

An entry: key (unique), label, value, as_of (the date the value was checked), appears_in (the
slugs of the lessons that state it), text (a snippet each of those lessons contains)."""

import datetime
from dataclasses import dataclass
from pathlib import Path

import yaml

from .loader import DATA_DIR, CourseData, SeedFormatError
from .reference import normalise

FACTS_FILE = "facts.yaml"


@dataclass(frozen=True)
class Fact:
    key: str
    label: str
    value: str
    as_of: datetime.date
    appears_in: tuple[str, ...]
    text: str


def facts_load(path: Path = DATA_DIR / FACTS_FILE) -> list[Fact]:
    """The register, checked for shape; a malformed entry is an error naming it."""
    try:
        items = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise SeedFormatError(f"{path}: registre des faits introuvable.") from error
    except yaml.YAMLError as error:
        raise SeedFormatError(f"{path}: YAML invalide : {error}") from error
    if not isinstance(items, list):
        raise SeedFormatError(f"{path}: une liste d'entrées est attendue.")
    facts, keys = [], set()
    for index, item in enumerate(items, start=1):
        where = f"{path}: entrée n° {index}"
        if not isinstance(item, dict):
            raise SeedFormatError(f"{where} : un ensemble de champs est attendu.")
        missing = [
            name
            for name in ("key", "label", "value", "as_of", "appears_in", "text")
            if item.get(name) in (None, "", [])
        ]
        if missing:
            raise SeedFormatError(f"{where} : champs manquants : {', '.join(missing)}.")
        if item["key"] in keys:
            raise SeedFormatError(f"{where} : la clé « {item['key']} » apparaît deux fois.")
        as_of = item["as_of"]
        if isinstance(as_of, datetime.datetime) or not isinstance(as_of, datetime.date):
            raise SeedFormatError(f"{where} : « as_of » est une date AAAA-MM-JJ.")
        appears_in = item["appears_in"]
        if not isinstance(appears_in, list) or not all(isinstance(s, str) for s in appears_in):
            raise SeedFormatError(f"{where} : « appears_in » est une liste de slugs de leçons.")
        keys.add(item["key"])
        facts.append(
            Fact(
                key=str(item["key"]),
                label=str(item["label"]),
                value=str(item["value"]),
                as_of=as_of,
                appears_in=tuple(appears_in),
                text=str(item["text"]),
            )
        )
    return facts


def facts_check(*, facts: list[Fact], courses: list[CourseData]) -> list[str]:
    """Problems, one line each: a lesson named that does not exist, or that does not contain
    the fact's text (compared after white space and apostrophe normalisation)."""
    lessons = {lesson.slug: lesson for course in courses for lesson in course.lessons}
    problems = []
    today = datetime.date.today()
    for fact in facts:
        if fact.as_of > today:
            problems.append(f"{fact.key}: « as_of » ({fact.as_of}) est dans le futur.")
        wanted = normalise(fact.text)
        for slug in fact.appears_in:
            lesson = lessons.get(slug)
            if lesson is None:
                problems.append(f"{fact.key}: pas de leçon « {slug} ».")
            elif wanted not in normalise(lesson.text):
                problems.append(
                    f"{fact.key}: la leçon « {slug} » ({lesson.source.name}) ne contient pas "
                    f"« {fact.text} »."
                )
    return problems
