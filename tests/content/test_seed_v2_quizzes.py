"""Seed format v2 for quizzes, final tests and teacher's guides: what the loader accepts, what it
refuses (with the file and the question named), and what seeding makes of it."""

from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

from content.final_tests import final_tests_seed, load_final_test, load_final_tests
from content.loader import SeedFormatError, parse_lesson_body
from content.quizzes import quiz_value
from content.seeding import SeedReport
from content.teacher_pages import (
    ReadyMadeInvalid,
    load_teacher_guide,
    ready_made_clean,
    teacher_guides_seed,
)
from courses.models import FinalTestPage, LessonTeacherGuide
from tests.courses.factories import READY_MADE_CONSULTATION, course_create, lesson_create

SOURCE = Path("cours/lecons/01-test.md")


def single(**extra):
    return {
        "kind": "single",
        "prompt": "Qui promulgue la loi ?",
        "choices": [
            {"text": "Le Président", "correct": True},
            {"text": "Le Premier ministre", "feedback": "Il contresigne, article 19."},
            {"text": "Le Sénat", "feedback": "Il vote la loi, il ne la promulgue pas."},
        ],
        "explanation": "Article 10.",
        **extra,
    }


def multiple(**extra):
    return {
        "kind": "multiple",
        "case": True,
        "prompt": "Une loi est votée. Qui peut saisir le Conseil constitutionnel ?",
        "choices": [
            {"text": "60 députés", "correct": True},
            {"text": "Le Président", "correct": True},
            {"text": "Un citoyen, directement", "feedback": "Seulement par une QPC, article 61-1."},
        ],
        "explanation": "Article 61.",
        **extra,
    }


def true_false(**extra):
    return {
        "kind": "true_false",
        "prompt": "Le Premier ministre est élu.",
        "answer": False,
        "feedback": "Il est nommé par le Président (article 8).",
        "explanation": "Article 8.",
        **extra,
    }


def test_a_v2_quiz_is_loaded_with_case_and_feedback():
    value = quiz_value(
        {"title": "Vérifie", "questions": [single(), multiple(), true_false()]},
        key="c/l/0",
        source=SOURCE,
    )
    q0, q1, q2 = (item["value"] for item in value["questions"])
    assert (q0["case"], q1["case"], q2["case"]) == (False, True, False)
    assert [c["value"]["feedback"] for c in q0["choices"]] == [
        "",
        "Il contresigne, article 19.",
        "Il vote la loi, il ne la promulgue pas.",
    ]
    assert q2["true_false_answer"] is False
    assert q2["true_false_feedback"] == "Il est nommé par le Président (article 8)."
    # Ids are stable: a second load gives the same (attempts stay attached).
    again = quiz_value(
        {"questions": [single(), multiple(), true_false()]}, key="c/l/0", source=SOURCE
    )
    assert [q["id"] for q in again["questions"]] == [q["id"] for q in value["questions"]]


def test_the_quiz_passes_the_blocks_own_validation():
    from courses.blocks import QuizBlock

    value = quiz_value({"questions": [single(), multiple(), true_false()]}, key="k", source=SOURCE)
    block = QuizBlock()
    block.clean(block.to_python(value))


@pytest.mark.parametrize(
    ("question", "message"),
    [
        (single(choices=[{"text": "A", "correct": True}, {"text": "B"}]), "« feedback »"),
        (
            multiple(choices=[{"text": "A", "correct": True}, {"text": "B", "correct": True}]),
            "au moins une bonne et une mauvaise",
        ),
        (
            multiple(choices=[{"text": "A", "feedback": "x"}, {"text": "B", "feedback": "y"}]),
            "au moins une bonne et une mauvaise",
        ),
        (true_false(feedback=""), "true_false a un « feedback »"),
        ({k: v for k, v in true_false().items() if k != "feedback"}, "« feedback »"),
        (true_false(answer="non"), "answer: true"),
        (single(case="oui"), "« case » vaut true ou false"),
        (single(kind="ranked"), "« kind »"),
        (
            single(choices=[{"text": "A", "correct": True}, {"text": "B", "correct": True}]),
            "exactement une bonne réponse",
        ),
        (single(explanation=""), "« explanation »"),
        (single(choices=[{"text": "A", "correct": True}]), "au moins deux"),
    ],
)
def test_a_bad_question_is_refused_naming_file_and_question(question, message):
    with pytest.raises(SeedFormatError) as error:
        quiz_value({"questions": [single(), question]}, key="k", source=SOURCE)
    assert str(SOURCE) in str(error.value) and "question 2" in str(error.value)
    assert message in str(error.value)


def test_the_lesson_body_uses_the_v2_quiz_parser():
    body = (
        "Texte.\n\n```quiz\n"
        + yaml.safe_dump(
            {"questions": [single(choices=[{"text": "A", "correct": True}, {"text": "B"}])]},
            allow_unicode=True,
        )
        + "```\n"
    )
    with pytest.raises(SeedFormatError, match="feedback"):
        parse_lesson_body(body, key="c/l", source=SOURCE)


# --- Final tests ------------------------------------------------------------------------------


def _write(path: Path, data) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def final_test_data(**extra):
    return {
        "title": "Test final — Cours",
        "pass_mark": 60,
        "questions": [single(), multiple(), true_false()],
        **extra,
    }


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (final_test_data(pass_mark=0), "pass_mark"),
        (final_test_data(pass_mark="60"), "pass_mark"),
        (final_test_data(pass_mark=101), "pass_mark"),
        (final_test_data(title=""), "title"),
        (final_test_data(questions=[]), "questions"),
        (
            final_test_data(
                questions=[single(choices=[{"text": "A", "correct": True}, {"text": "B"}])]
            ),
            "feedback",
        ),
    ],
)
def test_a_bad_final_test_is_refused(tmp_path, data, message):
    path = _write(tmp_path / "final-test.yaml", data)
    with pytest.raises(SeedFormatError, match=message):
        load_final_test(path, course_slug="cours")


def test_final_tests_are_found_by_course_slug(tmp_path):
    _write(tmp_path / "courses" / "dossier" / "course.yaml", {"slug": "mon-cours"})
    _write(tmp_path / "courses" / "dossier" / "final-test.yaml", final_test_data())
    _write(tmp_path / "courses" / "sans-test" / "course.yaml", {"slug": "autre"})
    (test,) = load_final_tests(tmp_path)
    assert (test.course_slug, test.pass_mark) == ("mon-cours", 60)


def test_final_test_seeding_is_idempotent(tmp_path, site_tree):
    course = course_create(parent=site_tree)
    root = tmp_path / "content"
    path = _write(root / "data" / "courses" / "x" / "final-test.yaml", final_test_data())
    test = load_final_test(path, course_slug=course.slug)
    report = SeedReport()
    final_tests_seed(final_tests=[test], report=report)
    page = FinalTestPage.objects.child_of(course).get()
    assert page.live and page.pass_mark == 60 and len(report.created) == 1
    quiz_id = next(iter(page.quiz_blocks()))
    final_tests_seed(final_tests=[load_final_test(path, course_slug=course.slug)], report=report)
    assert len(report.unchanged) == 1 and FinalTestPage.objects.count() == 1
    _write(path, final_test_data(pass_mark=75))
    final_tests_seed(final_tests=[load_final_test(path, course_slug=course.slug)], report=report)
    page = FinalTestPage.objects.get()
    assert page.pass_mark == 75 and next(iter(page.quiz_blocks())) == quiz_id
    assert course.specific.final_test() == page
    assert [lesson.pk for lesson in course.specific.lessons()] == []  # not a lesson


# --- Teacher's guides ---------------------------------------------------------------------------


def guide_text(
    *,
    lesson="la-constitution",
    ready_made=None,
    body="Conseils.\n\n## Exercices corrigés\n\n1. Q ? **Corrigé :** R.\n",
    **meta,
):
    front = {
        "lesson": lesson,
        "levels": ["2nde"],
        "programme": "EMC 2nde — axe 1",
        "duration_minutes": 55,
        "objectives": ["Comprendre"],
        "timing": [{"minutes": 10, "activity": "Lecture"}],
        "ready_made": READY_MADE_CONSULTATION if ready_made is None else ready_made,
        **meta,
    }
    return "---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\n" + body


def _course(tmp_path):
    return SimpleNamespace(
        slug="cours",
        source=tmp_path / "course.yaml",
        lessons=[SimpleNamespace(slug="la-constitution")],
    )


def _guide_file(tmp_path, text, name="la-constitution"):
    path = tmp_path / "teacher" / f"{name}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_a_guide_is_loaded(tmp_path):
    guide = load_teacher_guide(_guide_file(tmp_path, guide_text()), course=_course(tmp_path))
    assert guide.lesson_slug == "la-constitution" and guide.duration_minutes == 55
    assert "<b>Corrigé :</b>" in guide.body_html
    assert guide.ready_made["kind"] == "consultation" and guide.ready_made["options"] == []


def _consultation(**changes):
    return {**READY_MADE_CONSULTATION, **changes}


SOURCES = READY_MADE_CONSULTATION["sources"]


@pytest.mark.parametrize(
    ("ready_made", "message"),
    [
        (_consultation(kind="sondage"), "« kind »"),
        (_consultation(method="plebiscite"), "« method »"),
        (_consultation(title="x" * 201), "dépasse 200"),
        (_consultation(title=""), "« title » est vide"),
        (_consultation(options=["Oui", "Non"]), "réponses fixes"),
        (_consultation(method="single", options=["Seule"]), "de 2 à 8"),
        (_consultation(method="single", options=[f"O{i}" for i in range(9)]), "de 2 à 8"),
        (
            _consultation(sources=[s for s in SOURCES if s["panel"] != "contre"]),
            "il manque : contre",
        ),
        (_consultation(sources=[{**SOURCES[0], "url": ""}, *SOURCES[1:]]), "besoin d'une « url »"),
        (
            _consultation(sources=[{**SOURCES[0], "url": "javascript:alert(1)"}, *SOURCES[1:]]),
            "url",
        ),
        (_consultation(sources=[{**SOURCES[0], "panel": "neutre"}, *SOURCES[1:]]), "« panel »"),
        (_consultation(thesis="En trop"), "champs inconnus"),
        ({"kind": "debate", "thesis": ""}, "« thesis » est vide"),
        ({"kind": "debate", "thesis": "x" * 201}, "dépasse 200"),
        ({"kind": "debate", "thesis": "T", "method": "yes_no"}, "champs inconnus"),
        ("consultation", "ready_made"),
    ],
)
def test_invalid_ready_made_data_is_refused_at_load_with_a_clear_error(
    tmp_path, ready_made, message
):
    path = _guide_file(tmp_path, guide_text(ready_made=ready_made))
    with pytest.raises(SeedFormatError) as error:
        load_teacher_guide(path, course=_course(tmp_path))
    assert str(path) in str(error.value) and "ready_made" in str(error.value)
    assert message in str(error.value)


def test_ready_made_options_become_keyed_options():
    cleaned = ready_made_clean(
        _consultation(
            method="majority_judgment", options=["Oui", {"label": "Non", "description": "D"}]
        )
    )
    assert cleaned["options"] == [
        {"key": "option-1", "label": "Oui", "description": ""},
        {"key": "option-2", "label": "Non", "description": "D"},
    ]
    with pytest.raises(ReadyMadeInvalid):
        ready_made_clean(_consultation(method="single", options=["Oui", "Oui", 3]))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (guide_text(lesson="autre"), "« lesson »"),
        (guide_text(levels=["CM2"]), "levels"),
        (guide_text(duration_minutes="55"), "duration_minutes"),
        (guide_text(timing=[{"minutes": 10}]), "timing"),
        (guide_text(programme=""), "programme"),
        (guide_text(body="\n"), "texte pour l'enseignant"),
    ],
)
def test_a_bad_guide_is_refused(tmp_path, text, message):
    with pytest.raises(SeedFormatError, match=message):
        load_teacher_guide(_guide_file(tmp_path, text), course=_course(tmp_path))


def test_a_guide_for_a_lesson_the_course_does_not_have_is_refused(tmp_path):
    path = _guide_file(tmp_path, guide_text(lesson="inconnue"), name="inconnue")
    with pytest.raises(SeedFormatError, match="pas de leçon « inconnue »"):
        load_teacher_guide(path, course=_course(tmp_path))


def test_guides_are_seeded_on_their_lesson(tmp_path, site_tree):
    course = course_create(parent=site_tree)
    lesson = lesson_create(course=course)
    other_course = course_create(parent=site_tree)
    lesson_create(course=other_course)  # another lesson with another slug
    root = tmp_path / "content" / "data" / "courses" / "x"
    course_data = SimpleNamespace(
        slug=course.slug, source=root / "course.yaml", lessons=[SimpleNamespace(slug=lesson.slug)]
    )
    path = _guide_file(root, guide_text(lesson=lesson.slug), name=lesson.slug)
    guide = load_teacher_guide(path, course=course_data)
    report = SeedReport()
    teacher_guides_seed(guides=[guide], report=report)
    stored = LessonTeacherGuide.objects.get()
    assert stored.lesson_id == lesson.pk and stored.ready_made == guide.ready_made
    teacher_guides_seed(guides=[guide], report=report)
    assert (len(report.created), len(report.unchanged)) == (1, 1)
