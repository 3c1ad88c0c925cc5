"""The maximum score of an H5P activity, read from its content.json on the server: the xAPI
endpoint checks each score a pupil's player reports against it (courses.services.xapi), so the
maximum never comes from the pupil.

Pure: no database. One rule per content type (RULES, keyed by machine name), each the same count
as the content type's own getMaxScore() and its editor's presave.js (h5p/h5p-true-false,
h5p-multi-choice, h5p-blanks, h5p-drag-text, h5p-mark-the-words, h5p-question-set,
h5p-single-choice-set, h5p-summary; checked against the real packages in tests/courses/
test_h5p_scoring.py). A rule returns None when the content does not say for sure (an unexpected
shape, a question type it does not know inside a question set): the package's maximum then stays
unknown and an editor may set it by hand, rather than refuse a pupil's honest score."""

import json
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

# H5P writes a blank as *answer* (alternatives and a tip inside the stars: *a/b:tip*).
_STARRED = re.compile(r"\*[^*]+\*")
_STARRED_LAZY = re.compile(r"\*.*?\*")

Rule = Callable[[dict], int | None]


def _machine_name(library: str) -> str:
    """ "H5P.MultiChoice 1.14" → "H5P.MultiChoice"."""
    return library.split(" ", 1)[0] if isinstance(library, str) else ""


def _true_false(content: dict) -> int | None:
    return 1


def _multi_choice(content: dict) -> int | None:
    """One point per correct answer, or a single point (behaviour.singlePoint, or type
    "single"); at least one."""
    answers = content.get("answers")
    if not isinstance(answers, list):
        return None
    behaviour = content.get("behaviour") or {}
    if not isinstance(behaviour, dict):
        return None
    if behaviour.get("singlePoint") is True or behaviour.get("type") == "single":
        return 1
    correct = sum(1 for answer in answers if isinstance(answer, dict) and answer.get("correct"))
    return max(correct, 1)


def _single_choice_set(content: dict) -> int | None:
    """One point per question (each has one right answer)."""
    choices = content.get("choices")
    if not isinstance(choices, list):
        return None
    return len(choices) or None


def _blanks(content: dict) -> int | None:
    """One point per blank, in every text of the task."""
    questions = content.get("questions")
    if not isinstance(questions, list) or not all(isinstance(q, str) for q in questions):
        return None
    return sum(len(_STARRED.findall(question)) for question in questions) or None


def _drag_text(content: dict) -> int | None:
    """One point per drop zone (*word* or *word:tip*)."""
    text = content.get("textField")
    if not isinstance(text, str):
        return None
    return len(_STARRED_LAZY.findall(text)) or None


def _mark_the_words(content: dict) -> int | None:
    """One point per word to mark (*word*). A doubled star is an escaped one in some versions
    and not in others: unsure, so unknown."""
    text = content.get("textField")
    if not isinstance(text, str) or "**" in text:
        return None
    return len(_STARRED.findall(text)) or None


def _summary(content: dict) -> int | None:
    """One point per set of statements that has any statement."""
    summaries = content.get("summaries")
    if not isinstance(summaries, list):
        return None
    sets = [s for s in summaries if isinstance(s, dict) and s.get("summary")]
    return len(sets) or None


def _question_set(content: dict) -> int | None:
    """The sum of its questions' maxima; unknown as soon as one question's is."""
    questions = content.get("questions")
    if not isinstance(questions, list) or not questions:
        return None
    total = 0
    for question in questions:
        if not isinstance(question, dict) or not isinstance(question.get("params"), dict):
            return None
        maximum = _max_of(_machine_name(question.get("library", "")), question["params"])
        if maximum is None:
            return None
        total += maximum
    return total


RULES: dict[str, Rule] = {
    "H5P.TrueFalse": _true_false,
    "H5P.MultiChoice": _multi_choice,
    "H5P.SingleChoiceSet": _single_choice_set,
    "H5P.QuestionSet": _question_set,
    "H5P.Blanks": _blanks,
    "H5P.DragText": _drag_text,
    "H5P.MarkTheWords": _mark_the_words,
    "H5P.Summary": _summary,
}


def _max_of(machine_name: str, content: dict) -> int | None:
    rule = RULES.get(machine_name)
    if rule is None or not isinstance(content, dict):
        return None
    return rule(content)


def h5p_max_score(*, main_library: str, content: dict) -> Decimal | None:
    """The activity's maximum, or None when no rule knows it for sure."""
    maximum = _max_of(main_library, content)
    return Decimal(maximum) if maximum else None


def h5p_max_score_from_folder(*, main_library: str, folder: Path) -> Decimal | None:
    """The same, from an extracted package's content/content.json (None if unreadable)."""
    try:
        content = json.loads((folder / "content" / "content.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return h5p_max_score(main_library=main_library, content=content)
