"""Builders for course pages with realistic lesson bodies."""

import itertools
import uuid

from courses.models import CoursePage, LessonPage

_counter = itertools.count(1)


def quiz_block(*, questions: int = 3, title: str = "Quiz") -> dict:
    """A quiz block's raw value: question i has choices a (correct), b, c; a true/false every
    third question (answer: true)."""
    items = []
    for index in range(questions):
        if index % 3 == 2:
            items.append(
                {
                    "type": "item",
                    "id": str(uuid.uuid4()),
                    "value": {
                        "kind": "true_false",
                        "prompt": f"Affirmation {index}",
                        "choices": [],
                        "true_false_answer": True,
                        "explanation": f"Explication {index}",
                    },
                }
            )
            continue
        kind = "multiple" if index % 3 == 1 else "single"
        choices = [
            {"type": "item", "id": str(uuid.uuid4()), "value": {"text": "A", "correct": True}},
            {
                "type": "item",
                "id": str(uuid.uuid4()),
                "value": {"text": "B", "correct": kind == "multiple"},
            },
            {"type": "item", "id": str(uuid.uuid4()), "value": {"text": "C", "correct": False}},
        ]
        items.append(
            {
                "type": "item",
                "id": str(uuid.uuid4()),
                "value": {
                    "kind": kind,
                    "prompt": f"Question {index}",
                    "choices": choices,
                    "true_false_answer": False,
                    "explanation": f"Explication {index}",
                },
            }
        )
    return {
        "type": "quiz",
        "id": str(uuid.uuid4()),
        "value": {"title": title, "questions": items},
    }


def content_blocks(n: int) -> list[dict]:
    """n blocks of every non-quiz kind in turn."""
    kinds = [
        {"type": "heading", "value": {"text": "Intertitre", "level": "h2"}},
        {
            "type": "rich_text",
            "value": '<p>Du <b>texte</b> et <a href="https://www.senat.fr/">un lien</a>.</p>',
        },
        {"type": "key_points", "value": {"title": "À retenir", "points": ["Un", "Deux"]}},
        {
            "type": "constitution_article",
            "value": {
                "number": "3",
                "text": "La souveraineté nationale appartient au peuple.",
                "source_url": "https://www.legifrance.gouv.fr/",
            },
        },
        {"type": "glossary_term", "value": {"term": "Suffrage", "definition": "Vote."}},
        {
            "type": "timeline",
            "value": {"title": "Dates", "events": [{"date": "1958", "label": "Constitution"}]},
        },
        {
            "type": "further_reading",
            "value": {
                "links": [{"title": "Sénat", "url": "https://www.senat.fr/", "description": ""}]
            },
        },
        {
            "type": "video",
            "value": {
                "url": "https://www.dailymotion.com/video/x1",
                "title": "Vidéo",
                "transcript": "Texte",
            },
        },
    ]
    return [dict(kinds[i % len(kinds)], id=str(uuid.uuid4())) for i in range(n)]


def course_create(*, parent, title: str | None = None) -> CoursePage:
    number = next(_counter)
    course = CoursePage(
        title=title or f"Cours {number}",
        slug=f"cours-{number}",
        intro="<p>Présentation</p>",
        estimated_minutes=60,
        learning_objectives=[("objective", "Comprendre")],
    )
    parent.add_child(instance=course)
    course.save_revision().publish()
    return course


def lesson_create(*, course, body=None, title: str | None = None, live: bool = True) -> LessonPage:
    number = next(_counter)
    lesson = LessonPage(
        title=title or f"Leçon {number}",
        slug=f"lecon-{number}",
        summary="Résumé",
        estimated_minutes=10,
        body=body if body is not None else [*content_blocks(3), quiz_block()],
        live=live,
    )
    course.add_child(instance=lesson)
    if live:
        lesson.save_revision().publish()
    return lesson


def h5p_block(*, package, title: str = "") -> dict:
    return {
        "type": "h5p",
        "id": str(uuid.uuid4()),
        "value": {"package": package.pk, "title": title, "instructions": ""},
    }


def h5p_package_ready(*, title: str = "Vrai ou faux", files: dict | None = None):
    """A package as the extraction leaves it, without going through a zip: for tests about what
    happens around a ready package."""
    from courses.models import H5PPackage
    from courses.services import h5p_content_dir

    key = uuid.uuid4()
    folder = h5p_content_dir(key=key)
    for name, text in (files or {"h5p.json": '{"title": "Vrai ou faux"}'}).items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return H5PPackage.objects.create(
        title=title,
        status=H5PPackage.Status.READY,
        content_key=key,
        main_library="H5P.TrueFalse",
    )


def h5p_package_upload(*, path, title: str | None = None, user=None):
    """An editor's upload of a real .h5p file, processed as the worker would."""
    from django.core.files import File

    from courses.models import H5PPackage
    from courses.services import h5p_package_process

    with open(path, "rb") as handle:
        package = H5PPackage(title=title or path.stem, uploaded_by=user)
        package.file.save(path.name, File(handle), save=True)
    return h5p_package_process(package_id=package.pk)


def quiz_form_data(*, page, quiz_id: str, quiz, answers: dict, seed: str = "seed-1") -> dict:
    """The quiz form a reader shown the order of `seed` would post for these answers (by choice
    id, or "true"/"false"): the signed seed and each choice's position in that order. Values
    that are not a choice of the question (forged ones) are sent as they are."""
    from courses.grading import quiz_choice_order, quiz_questions
    from courses.ordering import ORDER_FIELD, quiz_order_token

    questions = dict(quiz_questions(quiz))
    data = {ORDER_FIELD: quiz_order_token(page_id=page.pk, quiz_id=quiz_id, seed=seed)}
    for question_id, values in answers.items():
        question = questions.get(question_id)
        order = (
            [choice_id for choice_id, _text, _ok in quiz_choice_order(question_id, question, seed)]
            if question is not None
            else []
        )
        data[f"q-{question_id}"] = [
            str(order.index(value)) if value in order else value for value in values
        ]
    return data


def final_test_create(*, course, pass_mark: int = 60, quiz: dict | None = None):
    """The course's final test page, published, with one quiz (factories.quiz_block by default)."""
    from courses.models import FinalTestPage

    page = FinalTestPage(
        title="Test final",
        slug="test-final",
        pass_mark=pass_mark,
        quiz=[quiz or quiz_block(questions=3, title="Test final")],
    )
    course.add_child(instance=page)
    page.save_revision().publish()
    return page


READY_MADE_CONSULTATION = {
    "kind": "consultation",
    "title": "Faut-il abaisser le droit de vote à 16 ans ?",
    "context": "Le droit de vote est fixé à 18 ans depuis 1974.",
    "method": "yes_no",
    "options": [],
    "sources": [
        {
            "panel": "medias",
            "title": "Le vote à 16 ans en débat",
            "url": "https://www.vie-publique.fr/",
            "summary": "Un état des lieux.",
        },
        {"panel": "pour", "title": "Arguments pour", "url": "", "summary": "Plus tôt engagés."},
        {"panel": "contre", "title": "Arguments contre", "url": "", "summary": "Trop tôt."},
    ],
}
READY_MADE_DEBATE = {
    "kind": "debate",
    "thesis": "Le référendum devrait être plus souvent utilisé.",
    "context": "",
}


def teacher_guide_create(*, lesson, ready_made: dict | None = None):
    from courses.models import LessonTeacherGuide

    return LessonTeacherGuide.objects.create(
        lesson=lesson,
        levels=["2nde"],
        programme="EMC 2nde — axe 1",
        duration_minutes=55,
        objectives=["Comprendre le vote"],
        timing=[{"minutes": 10, "activity": "Lecture"}],
        body="<h2>Exercices corrigés</h2><p>1. Question. <b>Corrigé :</b> réponse secrète.</p>",
        ready_made=READY_MADE_CONSULTATION if ready_made is None else ready_made,
    )
