"""xAPI statements from H5P players: validation, the actor rule, deduplication, and scores feeding
attempts, lesson completion and the teachers' tables exactly as native quizzes do."""

import json
import uuid

import pytest
from django.urls import reverse

from courses.models import ExerciseKind, LessonProgress, QuizAttempt, XAPIStatement
from courses.selectors import class_progress_summary
from courses.services import assignment_create
from courses.xapi import (
    XAPI_BAD_ID,
    XAPI_BAD_SCORE,
    XAPI_MALFORMED,
    XAPI_MISSING_FIELD,
    XAPI_TOO_LARGE,
    XAPI_TOO_MANY,
    XAPI_UNKNOWN_ACTIVITY,
)
from school import errors
from tests.api_pages import api_results

from .factories import (
    course_create,
    h5p_block,
    h5p_package_ready,
    lesson_create,
    quiz_block,
    quiz_form_data,
)
from .progress_factories import (
    answers_with_score,
    classroom_with_pupils,
    school_create,
    teacher_create,
)

URL = "/api/xapi/statements/"


@pytest.fixture
def world(site_tree):
    school = school_create()
    teacher = teacher_create(school=school)
    classroom, (pupil, other) = classroom_with_pupils(teacher=teacher, school=school, pupils=2)
    package = h5p_package_ready()
    course = course_create(parent=site_tree)
    lesson = lesson_create(
        course=course,
        body=[quiz_block(questions=2), h5p_block(package=package, title="Vrai ou faux")],
    )
    assignment_create(classroom=classroom, teacher=teacher, course=course)
    return {
        "teacher": teacher,
        "classroom": classroom,
        "pupil": pupil,
        "other": other,
        "lesson": lesson,
        "activity": lesson.h5p_activity_ids()[0],
    }


def iri(world, *, sub: str | None = None) -> str:
    path = reverse("courses:h5p_activity", args=[world["lesson"].pk, world["activity"]])
    return f"http://testserver{path}" + (f"?subContentId={sub}" if sub else "")


def statement(world, *, verb="answered", raw=1, maximum=2, sub=None, **extra) -> dict:
    value = {
        "id": str(uuid.uuid4()),
        "actor": {"name": "Hémicycle", "mbox": "mailto:eleve@hemicycle.invalid"},
        "verb": {"id": f"http://adlnet.gov/expapi/verbs/{verb}", "display": {"en-US": verb}},
        "object": {"id": iri(world, sub=sub), "objectType": "Activity"},
        "result": {"score": {"min": 0, "raw": raw, "max": maximum, "scaled": raw / maximum}},
    }
    value.update(extra)
    return value


def post(client, data, **kwargs):
    return client.post(URL, data=json.dumps(data), content_type="application/json", **kwargs)


def _rows():
    return (
        XAPIStatement.objects.count(),
        QuizAttempt.objects.count(),
        LessonProgress.objects.count(),
    )


def test_a_scored_statement_is_an_attempt_and_feeds_progress(client, world):
    client.force_login(world["pupil"].user)
    sent = statement(world, raw=1, maximum=2)
    response = post(client, sent)
    assert response.status_code == 200
    assert response.json() == {"stored": [sent["id"]], "duplicates": [], "ignored": []}
    attempt = QuizAttempt.objects.get()
    assert (attempt.user, attempt.lesson, attempt.quiz_id, attempt.kind) == (
        world["pupil"].user,
        world["lesson"],
        world["activity"],
        ExerciseKind.H5P,
    )
    assert (attempt.score, attempt.max_score) == (1, 2)
    stored = XAPIStatement.objects.get()
    assert stored.attempt == attempt and stored.verb == "answered"
    assert LessonProgress.objects.filter(user=world["pupil"].user).exists()


def test_a_batch_is_taken_whole(client, world):
    client.force_login(world["pupil"].user)
    batch = [statement(world, raw=0), statement(world, verb="completed", raw=2)]
    response = post(client, batch)
    assert response.status_code == 200 and len(response.json()["stored"]) == 2
    assert QuizAttempt.objects.count() == 2


def test_a_replayed_statement_changes_nothing(client, world):
    client.force_login(world["pupil"].user)
    sent = statement(world)
    post(client, sent)
    before = _rows()
    again = post(client, sent)
    assert again.status_code == 200
    assert again.json() == {"stored": [], "duplicates": [sent["id"]], "ignored": []}
    assert _rows() == before
    # Even in the same batch, an id counts once.
    twice = statement(world)
    assert post(client, [twice, twice]).json()["stored"] == [twice["id"]]


def test_the_actor_is_always_the_logged_in_user(client, world):
    client.force_login(world["pupil"].user)
    foreign = statement(
        world,
        actor={"name": world["other"].pseudonym, "account": {"name": str(world["other"].user.pk)}},
    )
    assert post(client, foreign).status_code == 200
    kept = XAPIStatement.objects.get()
    assert kept.user == world["pupil"].user and "actor" not in kept.payload
    assert not QuizAttempt.objects.filter(user=world["other"].user).exists()


def test_sub_questions_and_other_verbs_are_acknowledged_not_kept(client, world):
    client.force_login(world["pupil"].user)
    inner = statement(world, sub="abc-123")
    interacted = statement(world, verb="interacted")
    interacted.pop("result")
    response = post(client, [inner, interacted])
    assert response.status_code == 200
    assert sorted(response.json()["ignored"]) == sorted([inner["id"], interacted["id"]])
    assert _rows() == (0, 0, 0)


def test_a_kept_verb_without_score_is_stored_without_attempt(client, world):
    client.force_login(world["pupil"].user)
    completed = statement(world, verb="completed")
    completed["result"] = {"completion": True}
    assert post(client, completed).json()["stored"] == [completed["id"]]
    assert XAPIStatement.objects.get().completion is True
    assert not QuizAttempt.objects.exists()


def _bad(world, change):
    value = statement(world)
    change(value)
    return value


BAD = {
    "not an object": (lambda w: "answered", XAPI_MALFORMED),
    "no id": (lambda w: _bad(w, lambda s: s.pop("id")), XAPI_MISSING_FIELD),
    "id not a uuid": (lambda w: _bad(w, lambda s: s.update(id="42")), XAPI_BAD_ID),
    "no verb": (lambda w: _bad(w, lambda s: s.pop("verb")), XAPI_MISSING_FIELD),
    "no object": (lambda w: _bad(w, lambda s: s.pop("object")), XAPI_MISSING_FIELD),
    "foreign object": (
        lambda w: _bad(w, lambda s: s["object"].update(id="https://evil.example/x")),
        XAPI_UNKNOWN_ACTIVITY,
    ),
    "activity not in lesson": (
        lambda w: _bad(
            w,
            lambda s: s["object"].update(
                id=s["object"]["id"].replace(w["activity"], str(uuid.uuid4()))
            ),
        ),
        XAPI_UNKNOWN_ACTIVITY,
    ),
    "score above max": (lambda w: statement(w, raw=3, maximum=2), XAPI_BAD_SCORE),
    "negative score": (lambda w: statement(w, raw=-1, maximum=2), XAPI_BAD_SCORE),
    "score not a number": (
        lambda w: _bad(w, lambda s: s["result"]["score"].update(raw="1")),
        XAPI_BAD_SCORE,
    ),
    "result not an object": (lambda w: _bad(w, lambda s: s.update(result=[])), XAPI_MALFORMED),
    "success not a boolean": (
        lambda w: _bad(w, lambda s: s["result"].update(success="yes")),
        XAPI_MALFORMED,
    ),
    "oversized": (
        lambda w: _bad(w, lambda s: s.update(context={"extensions": {"x": "a" * 20_000}})),
        XAPI_TOO_LARGE,
    ),
}


@pytest.mark.parametrize("case", list(BAD), ids=list(BAD))
def test_a_bad_statement_spoils_the_batch_and_nothing_is_stored(client, world, case):
    build, code = BAD[case]
    client.force_login(world["pupil"].user)
    response = post(client, [statement(world), build(world)])
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == code and body["index"] == 1
    assert body["detail"].startswith("Déclaration n° 2")
    assert _rows() == (0, 0, 0)


def test_empty_and_oversized_batches_are_refused(client, world, settings):
    client.force_login(world["pupil"].user)
    assert post(client, []).json()["code"] == XAPI_MALFORMED
    settings.HEMICYCLE_XAPI_MAX_STATEMENTS = 3
    response = post(client, [statement(world) for _ in range(4)])
    assert response.status_code == 400 and response.json()["code"] == XAPI_TOO_MANY
    settings.HEMICYCLE_XAPI_MAX_BODY_BYTES = 1000
    response = post(client, [statement(world) for _ in range(3)])
    assert response.status_code == 413 and response.json()["code"] == errors.BODY_TOO_LARGE
    assert _rows() == (0, 0, 0)


def test_malformed_json_is_refused(client, world):
    client.force_login(world["pupil"].user)
    response = client.post(URL, data="{not json", content_type="application/json")
    assert response.status_code == 400 and _rows() == (0, 0, 0)


def test_anonymous_statements_are_refused(client, world):
    assert post(client, statement(world)).status_code in (401, 403)
    assert _rows() == (0, 0, 0)


def test_session_posts_need_the_csrf_token(world):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world["pupil"].user)
    assert post(strict, statement(world)).status_code == 403
    strict.get(world["lesson"].url)
    token = strict.cookies["csrftoken"].value
    assert post(strict, statement(world), headers={"X-CSRFToken": token}).status_code == 200


def test_unpublished_lesson_takes_no_statement(client, world):
    world["lesson"].unpublish()
    client.force_login(world["pupil"].user)
    response = post(client, statement(world))
    assert response.status_code == 400 and response.json()["code"] == XAPI_UNKNOWN_ACTIVITY


def _cell(world):
    summary = class_progress_summary(classroom=world["classroom"])
    row = next(r for r in summary.rows if r.pupil == world["pupil"])
    return row.cells[0]


def test_lesson_completes_when_quiz_and_h5p_are_both_done(client, world):
    pupil, lesson = world["pupil"], world["lesson"]
    client.force_login(pupil.user)
    client.get(lesson.url)
    quiz_id, quiz = next(iter(lesson.quiz_blocks().items()))
    data = quiz_form_data(
        page=lesson, quiz_id=quiz_id, quiz=quiz, answers=answers_with_score(quiz, 2)
    )
    assert client.post(lesson.url + f"quiz/{quiz_id}/", data).status_code == 200
    assert _cell(world).status == "started"  # the H5P activity is an exercise too
    post(client, statement(world, raw=1, maximum=2))
    cell = _cell(world)
    assert cell.status == "completed"
    # The mean of 2/2 (100 %) and 1/2 (50 %).
    assert [quiz.best_label for quiz in cell.quizzes] == ["2/2", "1/2"]
    assert cell.label == "Terminée · 75 %"


def test_teacher_sees_h5p_scores_next_to_quiz_scores(client, world):
    pupil = world["pupil"]
    client.force_login(pupil.user)
    post(client, [statement(world, raw=1, maximum=4), statement(world, raw=3, maximum=4)])
    cell = _cell(world)
    h5p = next(quiz for quiz in cell.quizzes if quiz.is_h5p)
    assert (h5p.title, h5p.attempts, h5p.best_label, h5p.last_label) == (
        "Vrai ou faux",
        2,
        "3/4",
        "3/4",
    )
    assert cell.score_percent == 75  # the quiz is not done: only the activity counts
    client.force_login(world["teacher"])
    classroom = world["classroom"]
    table = client.get(f"/suivi/classes/{classroom.pk}/").content.decode()
    assert "<span data-lesson-score>75 %</span>" in table
    detail = client.get(f"/suivi/classes/{classroom.pk}/eleves/{pupil.user_id}/").content.decode()
    assert "Vrai ou faux" in detail and "meilleur résultat 3/4" in detail
    csv_text = client.get(f"/suivi/classes/{classroom.pk}/export.csv").content.decode("utf-8-sig")
    header, *rows = [line.split(";") for line in csv_text.strip().splitlines()]
    mine = next(row for row in rows if row[0] == pupil.pseudonym)
    assert mine[header.index("Score moyen (%)")] == "75"
    assert mine[header.index("Meilleur résultat par exercice")] == "Vrai ou faux : 3/4"
    api = api_results(client.get("/api/progress/", {"classroom": classroom.pk}))
    entry = next(e for e in api if e["pseudonym"] == pupil.pseudonym)
    assert entry["score_percent"] == 75
    h5p_entry = next(e for e in entry["exercises"] if e["kind"] == "h5p")
    assert (h5p_entry["best_score"], h5p_entry["best_max_score"]) == (3, 4)


def test_pupil_export_holds_statements_and_state(client, world):
    client.force_login(world["pupil"].user)
    post(client, statement(world))
    state_url = reverse(
        "courses:h5p_state", args=[world["lesson"].pk, world["activity"], "state", "0"]
    )
    client.post(state_url, {"data": '{"answers": [1]}'})
    data = client.get(reverse("school:privacy_export")).json()
    text = json.dumps(data)
    assert '"declarations_xapi"' in text and '"etats_activites_h5p"' in text
    assert '{\\"answers\\": [1]}' in text
