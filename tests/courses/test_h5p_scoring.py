"""The maximum score of an H5P activity, read on the server from its content (issue 20).

The expected figures of the real packages were checked against the content types' own
presave.js shipped inside them (run once under Node: Blanks 3, DragText 3, MultiChoice 1,
TrueFalse 1; the QuestionSet holds a Drag and Drop question, which no rule knows: unknown)."""

import json
import zipfile
from decimal import Decimal

import pytest

from courses.h5p.scoring import h5p_max_score
from tests.conftest import h5p_fixture


def _content(name: str) -> tuple[str, dict]:
    with zipfile.ZipFile(h5p_fixture(name)) as archive:
        main = json.loads(archive.read("h5p.json"))["mainLibrary"]
        return main, json.loads(archive.read("content/content.json"))


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("H5P.TrueFalse.h5p", Decimal(1)),
        ("H5P.TrueFalse.hello-world.h5p", Decimal(1)),
        ("H5P.MultiChoice.h5p", Decimal(1)),
        ("H5P.Blanks.h5p", Decimal(3)),
        ("H5P.DragText.h5p", Decimal(3)),
        ("H5P.QuestionSet.h5p", None),
        ("greetingcard1.h5p", None),
    ],
)
def test_h5p_max_score_of_the_real_packages(name, expected):
    main, content = _content(name)
    assert h5p_max_score(main_library=main, content=content) == expected


def test_multi_choice_counts_correct_answers_unless_single_point():
    answers = [{"correct": True}, {"correct": True}, {"correct": False}]
    assert h5p_max_score(main_library="H5P.MultiChoice", content={"answers": answers}) == 2
    single = {"answers": answers, "behaviour": {"singlePoint": True}}
    assert h5p_max_score(main_library="H5P.MultiChoice", content=single) == 1


def test_question_set_sums_its_questions_and_is_unknown_with_one_unknown():
    _main, blanks = _content("H5P.Blanks.h5p")
    questions = [
        {"library": "H5P.TrueFalse 1.6", "params": {"question": "?"}},
        {"library": "H5P.Blanks 1.12", "params": blanks},
    ]
    content = {"questions": questions}
    assert h5p_max_score(main_library="H5P.QuestionSet", content=content) == 4
    questions.append({"library": "H5P.DragQuestion 1.13", "params": {}})
    assert h5p_max_score(main_library="H5P.QuestionSet", content=content) is None


def test_mark_the_words_single_choice_set_and_summary():
    mark = {"textField": "Le *Sénat* et l'*Assemblée* forment le Parlement."}
    assert h5p_max_score(main_library="H5P.MarkTheWords", content=mark) == 2
    assert h5p_max_score(main_library="H5P.MarkTheWords", content={"textField": "a ** b"}) is None
    choices = {"choices": [{"question": "a"}, {"question": "b"}, {"question": "c"}]}
    assert h5p_max_score(main_library="H5P.SingleChoiceSet", content=choices) == 3
    summary = {"summaries": [{"summary": ["x", "y"]}, {"summary": []}, {"summary": ["z"]}]}
    assert h5p_max_score(main_library="H5P.Summary", content=summary) == 2


def test_a_package_passing_the_check_gets_its_maximum(db):
    from tests.courses.factories import h5p_package_upload

    package = h5p_package_upload(path=h5p_fixture("H5P.DragText.h5p"))
    package.refresh_from_db()
    assert package.is_ready and package.max_score == Decimal(3)
