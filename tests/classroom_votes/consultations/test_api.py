"""The consultations API against every role (anonymous, a pupil of the class, a pupil of another
class, the owner teacher, another teacher, an editor, an administrator), the vote through HTTP for
every method, every refusal storing nothing, and the secret ballot in every response."""

import json
import logging
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from classroom_votes import components, tallies
from classroom_votes.consultations import services
from classroom_votes.consultations.selectors import RESULTS_NOT_CLOSED, RESULTS_TOO_FEW_BALLOTS
from classroom_votes.models import Consultation, ConsultationStatus, ResultsVisibility
from classroom_votes.tallies import VotingMethod
from school import errors
from school.models import Classroom
from school.services import classroom_archive
from tests.api_pages import api_results
from tests.school.factories import classroom_create, teacher_create

from ..factories import (
    SOURCES,
    VALID_BALLOTS,
    ballots_cast,
    consultation_create,
    pupils_create,
    rows_count,
    two_classes_consultation,
)
from ..helpers import ROLES, client_for, documented_operations, json_keys, role_cases, roles_cast

pytestmark = pytest.mark.django_db


@dataclass
class World:
    classroom: Classroom
    other_classroom: Classroom
    consultation: Consultation
    draft: Consultation
    users: dict


@pytest.fixture
def world() -> World:
    teacher = teacher_create()
    classroom, other_classroom, users = roles_cast(teacher=teacher)
    consultation = consultation_create(owner=teacher, classrooms=[classroom])
    draft = consultation_create(
        owner=teacher, classrooms=[classroom], status=ConsultationStatus.DRAFT
    )
    return World(classroom, other_classroom, consultation, draft, users)


def url(consultation: Consultation, action: str = "") -> str:
    return f"/api/consultations/{consultation.pk}/" + (f"{action}/" if action else "")


# ---------------------------------------------------------------------------------------------
# Every operation × every role. 401: not logged in; 403: a role that may never do this, or a
# visible consultation the user may not act on; 404: a consultation outside the user's scope.

BODIES = {
    "create": lambda w: {
        "classrooms": [w.classroom.pk],
        "title": "Faut-il un conseil de vie lycéenne par classe ?",
        "method": "yes_no",
        "sources": SOURCES,
    },
    "ballot": lambda w: {"content": {"choice": "pour"}},
}

# fmt: off
PREFIX = "/api/consultations/"

# Paths below PREFIX.
ENDPOINTS = [
    # method path                        body      anon pup oth tea oth edi adm
    ("get",  "",                            None,     "401 200 200 200 200 403 200"),
    ("post", "",                            "create", "401 403 403 201 400 403 201"),
    ("get",  "{c}/",                        None,     "401 200 404 200 404 403 200"),
    ("post", "{draft}/open/",               None,     "401 403 403 200 404 403 200"),
    ("post", "{c}/close/",                  None,     "401 403 403 200 404 403 200"),
    ("post", "{c}/ballot/",                 "ballot", "401 201 404 403 403 403 403"),
    ("get",  "{c}/participation/",          None,     "401 403 403 200 404 403 200"),
    ("get",  "{c}/results/",                None,     "401 200 404 200 404 403 200"),
    ("get",  "{c}/results/?classroom={k}",  None,     "401 200 404 200 404 403 200"),
    # An open yes/no vote: no second round for anyone who may ask (tests in test_second_round).
    ("post", "{c}/second-round/",           None,     "401 403 403 409 404 403 409"),
]
# fmt: on
CASES = role_cases(ENDPOINTS)


def test_access_table_covers_every_documented_operation():
    documented = documented_operations("/api/consultations/")
    tested = {
        (method, PREFIX + path.split("?")[0].replace("{c}", "{id}").replace("{draft}", "{id}"))
        for method, path, _body, _statuses in ENDPOINTS
    }
    assert documented == tested
    assert len(CASES) == len(ENDPOINTS) * len(ROLES)


@pytest.mark.parametrize(("method", "path", "body", "role", "status"), CASES)
def test_endpoint_status_for_role(world, method, path, body, role, status):
    before = rows_count(), Consultation.objects.count()
    target = PREFIX + path.format(
        c=world.consultation.pk, draft=world.draft.pk, k=world.classroom.pk
    )
    kwargs = {"format": "json"}
    if body is not None:
        kwargs["data"] = BODIES[body](world)
    response = getattr(client_for(world.users[role]), method)(target, **kwargs)
    assert response.status_code == status, response.content
    if status == 401:
        assert response["WWW-Authenticate"] == "Token"
    if status in (403, 404):
        assert set(response.json()) == {"code", "detail"}
    if status >= 400:
        assert (rows_count(), Consultation.objects.count()) == before


# ---------------------------------------------------------------------------------------------
# Reading.


def test_pupil_sees_the_consultation_and_whether_they_may_vote(world):
    client = client_for(world.users["pupil"])
    detail = client.get(url(world.consultation)).json()
    assert detail["title"] == world.consultation.title
    assert detail["method"] == "yes_no" and detail["status"] == "open"
    assert detail["phase"] == "open"
    assert [option["key"] for option in detail["options"]] == ["pour", "contre", "blanc"]
    assert [source["title"] for source in detail["panels"]["medias"]] == [SOURCES[0]["title"]]
    assert len(detail["panels"]["pour"]) == len(detail["panels"]["contre"]) == 1
    assert detail["classes"] == [{"id": world.classroom.pk, "name": "2nde A"}]
    assert (detail["has_voted"], detail["can_vote"]) == (False, True)
    client.post(url(world.consultation, "ballot"), BODIES["ballot"](world), format="json")
    detail = client.get(url(world.consultation)).json()
    assert (detail["has_voted"], detail["can_vote"]) == (True, False)
    listed = api_results(client.get("/api/consultations/"))
    assert [row["id"] for row in listed] == [world.consultation.pk]  # not the draft


def test_teacher_sees_options_and_no_pupil_fields(world):
    consultation = consultation_create(
        owner=world.users["teacher"], classrooms=[world.classroom], method=VotingMethod.SINGLE
    )
    detail = client_for(world.users["teacher"]).get(url(consultation)).json()
    assert detail["options"][0] == {
        "key": "alice",
        "label": "Alice Martin",
        "description": "Déléguée sortante",
    }
    assert detail["has_voted"] is None and detail["can_vote"] is None
    rows = api_results(client_for(world.users["teacher"]).get("/api/consultations/"))
    assert {row["id"] for row in rows} == {consultation.pk, world.consultation.pk, world.draft.pk}


# ---------------------------------------------------------------------------------------------
# Creating, opening, closing.


def test_teacher_creates_a_draft_with_options_and_sources(world):
    body = BODIES["create"](world) | {
        "method": "majority_judgment",
        "options": [{"key": "a", "label": "Projet A"}, {"key": "b", "label": "Projet B"}],
    }
    response = client_for(world.users["teacher"]).post("/api/consultations/", body, format="json")
    assert response.status_code == 201, response.content
    created = Consultation.objects.get(pk=response.json()["id"])
    assert created.status == ConsultationStatus.DRAFT and created.owner == world.users["teacher"]
    assert [option["key"] for option in response.json()["options"]] == ["a", "b"]
    assert created.sources.count() == 3


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"options": [{"key": "x", "label": "X"}]}, tallies.OPTIONS_FIXED),
        ({"title": "  "}, services.CONSULTATION_TITLE_INVALID),
        ({"method": "tirage_au_sort"}, services.CONSULTATION_METHOD_INVALID),
        ({"classrooms": []}, components.NO_CLASSROOM),
        ({"min_ballots": 0}, services.CONSULTATION_MIN_BALLOTS_INVALID),
        ({"min_ballots": 4}, services.CONSULTATION_MIN_BALLOTS_INVALID),
        ({"sources": [{"panel": "medias", "title": "Sans lien"}]}, services.SOURCE_URL_REQUIRED),
        ({"title": None}, "input_invalid"),
        ({"classrooms": [999_999]}, "input_invalid"),
    ],
)
def test_creation_rejects_bad_input_and_stores_nothing(world, change, code):
    before = Consultation.objects.count()
    response = client_for(world.users["teacher"]).post(
        "/api/consultations/", BODIES["create"](world) | change, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == code and response.json()["detail"]
    assert Consultation.objects.count() == before


def test_open_and_close_follow_the_consultation_state(world):
    client = client_for(world.users["teacher"])
    assert client.post(url(world.draft, "close")).json()["code"] == services.CONSULTATION_NOT_OPEN
    opened = client.post(url(world.draft, "open"))
    assert opened.status_code == 200 and opened.json()["status"] == "open"
    again = client.post(url(world.draft, "open"))
    assert again.status_code == 409 and again.json()["code"] == services.CONSULTATION_ALREADY_OPEN
    closed = client.post(url(world.draft, "close"))
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert client.post(url(world.draft, "close")).status_code == 409


def test_a_teacher_of_the_class_who_does_not_manage_it_cannot_close(world):
    colleague = teacher_create()
    world.classroom.teachers.add(colleague)
    shared = classroom_create(teacher=world.users["teacher"])
    consultation = consultation_create(
        owner=world.users["teacher"], classrooms=[world.classroom, shared]
    )
    response = client_for(colleague).post(url(consultation, "close"))
    assert response.status_code == 403
    assert response.json()["code"] == services.CONSULTATION_NOT_ALLOWED
    assert client_for(colleague).get(url(consultation)).status_code == 200
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.OPEN


# ---------------------------------------------------------------------------------------------
# Voting.


@pytest.mark.parametrize("method", list(VotingMethod))
def test_vote_through_the_api_stores_exactly_one_ballot(world, method):
    consultation = consultation_create(
        owner=world.users["teacher"], classrooms=[world.classroom], method=method
    )
    content, increments = VALID_BALLOTS[method]
    before = rows_count()
    response = client_for(world.users["pupil"]).post(
        url(consultation, "ballot"), {"content": content}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json() == {
        "consultation": consultation.pk,
        "voted_on": timezone.localdate().isoformat(),
    }
    # no-store, with the never-cache directives every answer to a user gets (config.middleware).
    assert "no-store" in response["Cache-Control"]
    participations, ballots, total = rows_count()
    # A participation and a sealed ballot; the counters move when the ballots are mixed.
    assert (participations, ballots, total) == (before[0] + 1, before[1] + 1, before[2])


def test_double_vote_is_refused_with_409_and_stores_nothing(world):
    client = client_for(world.users["pupil"])
    first = client.post(url(world.consultation, "ballot"), BODIES["ballot"](world), format="json")
    assert first.status_code == 201
    before = rows_count()
    second = client.post(
        url(world.consultation, "ballot"), {"content": {"choice": "contre"}}, format="json"
    )
    assert second.status_code == 409
    assert second.json()["code"] == services.BALLOT_ALREADY_CAST
    assert rows_count() == before


def _refusal_setup(world, case):
    """(consultation, voter, content) for each refused vote."""
    pupil, teacher = world.users["pupil"], world.users["teacher"]
    yes = {"choice": "pour"}
    if case == "closed":
        return (
            consultation_create(owner=teacher, classrooms=[world.classroom], status="closed"),
            pupil,
            yes,
        )
    if case == "not_yet_open":
        # Opened, but its scheduled opening is still ahead (the schedule task is late).
        Consultation.objects.filter(pk=world.consultation.pk).update(
            opens_at=timezone.now() + timedelta(hours=1)
        )
        return world.consultation, pupil, yes
    if case == "draft":
        return world.draft, pupil, yes
    if case == "other_class":
        return world.consultation, world.users["other_pupil"], yes
    if case == "archived_class":
        classroom_archive(classroom=world.classroom)
        return world.consultation, pupil, yes
    if case == "invalid_option":
        return world.consultation, pupil, {"choice": "peut-etre"}
    if case == "incomplete_grades":
        consultation = consultation_create(
            owner=teacher, classrooms=[world.classroom], method=VotingMethod.MAJORITY_JUDGMENT
        )
        return consultation, pupil, {"grades": {"alice": "bien", "bruno": "passable"}}
    if case == "wrong_method":
        return world.consultation, pupil, {"approved": ["pour"]}
    if case == "not_an_object":
        return world.consultation, pupil, "pour"
    raise AssertionError(case)


@pytest.mark.parametrize(
    ("case", "status", "code"),
    [
        ("closed", 409, services.CONSULTATION_CLOSED),
        ("not_yet_open", 409, services.CONSULTATION_NOT_OPEN),
        ("draft", 404, services.CONSULTATION_NOT_FOUND),
        ("other_class", 404, services.CONSULTATION_NOT_FOUND),
        ("archived_class", 409, components.CLASSROOM_ARCHIVED),
        ("invalid_option", 400, tallies.BALLOT_UNKNOWN_OPTION),
        ("incomplete_grades", 400, tallies.BALLOT_INCOMPLETE_GRADES),
        ("wrong_method", 400, tallies.BALLOT_WRONG_METHOD),
        ("not_an_object", 400, tallies.BALLOT_MALFORMED),
    ],
)
def test_refused_vote_answers_its_code_and_stores_nothing(world, case, status, code):
    consultation, voter, content = _refusal_setup(world, case)
    before = rows_count()
    response = client_for(voter).post(
        url(consultation, "ballot"), {"content": content}, format="json"
    )
    assert response.status_code == status, response.content
    assert set(response.json()) == {"code", "detail"} and response.json()["code"] == code
    assert rows_count() == before


def test_malformed_json_and_missing_content_store_nothing(world):
    client, before = client_for(world.users["pupil"]), rows_count()
    broken = client.post(
        url(world.consultation, "ballot"), "{not json", content_type="application/json"
    )
    missing = client.post(url(world.consultation, "ballot"), {}, format="json")
    for response in (broken, missing):
        assert response.status_code == 400
        assert response.json()["code"] == tallies.BALLOT_MALFORMED
    assert rows_count() == before


def test_oversized_ballot_is_refused_with_413(world):
    before = rows_count()
    response = client_for(world.users["pupil"]).post(
        url(world.consultation, "ballot"),
        {"content": {"choice": "pour", "padding": "x" * 20_000}},
        format="json",
    )
    assert response.status_code == 413
    assert response.json()["code"] == errors.BODY_TOO_LARGE
    assert rows_count() == before


# ---------------------------------------------------------------------------------------------
# Participation and results.


def _voted(world, *, count: int, method=VotingMethod.YES_NO, **extra) -> Consultation:
    consultation = consultation_create(
        owner=world.users["teacher"], classrooms=[world.classroom], method=method, **extra
    )
    voters = pupils_create(classroom=world.classroom, count=count)
    content = VALID_BALLOTS[method][0]
    ballots_cast(consultation=consultation, voters=voters, contents=[content] * count)
    return consultation


def test_participation_lists_who_voted_never_what(world):
    consultation = _voted(world, count=3)
    response = client_for(world.users["teacher"]).get(url(consultation, "participation"))
    [row] = api_results(response)
    assert row["classroom"] == {"id": world.classroom.pk, "name": "2nde A"}
    assert (row["inscrits"], row["votants"]) == (4, 3)
    assert len(row["voters"]) == 3 and "Renard-Bleu-27" not in row["voters"]
    assert set(row) == {"classroom", "inscrits", "votants", "voters", "voters_hidden"}
    assert row["voters_hidden"] is False


def test_live_results_keep_the_names_of_voters_until_the_close(world):
    """Names arriving one by one beside live results would say what each newcomer voted."""
    consultation = _voted(world, count=10, results_visibility=ResultsVisibility.LIVE)
    services.ballots_mix(consultation_id=consultation.pk)
    teacher = client_for(world.users["teacher"])
    [row] = api_results(teacher.get(url(consultation, "participation")))
    assert (row["votants"], row["voters"], row["voters_hidden"]) == (10, [], True)
    assert teacher.get(url(consultation, "results")).json()["published"] is True
    services.consultation_close(consultation=consultation, by=world.users["teacher"])
    [row] = api_results(teacher.get(url(consultation, "participation")))
    assert len(row["voters"]) == 10 and row["voters_hidden"] is False


def test_results_hidden_before_close(world):
    consultation = _voted(world, count=5)
    body = client_for(world.users["pupil"]).get(url(consultation, "results")).json()
    assert body["published"] is False and body["reason"] == RESULTS_NOT_CLOSED
    assert body["result"] is None and body["message"]


def test_results_hidden_below_min_ballots_even_closed(world):
    consultation = _voted(world, count=2)
    services.consultation_close(consultation=consultation, by=world.users["teacher"])
    body = client_for(world.users["teacher"]).get(url(consultation, "results")).json()
    assert body["published"] is False and body["reason"] == RESULTS_TOO_FEW_BALLOTS
    assert body["ballots"] == 2 and body["result"] is None


def test_live_results_are_published_while_open_a_batch_at_a_time(world):
    """Live results are what the mixing has counted: nothing until a class has 2k = 10 sealed
    ballots, then all but k = 5 of them, and so on by batches of 5 or more."""
    consultation = _voted(world, count=10, results_visibility=ResultsVisibility.LIVE)
    pupil = client_for(world.users["pupil"])
    body = pupil.get(url(consultation, "results")).json()
    assert (body["published"], body["ballots"]) == (False, 0)
    assert services.ballots_mix(consultation_id=consultation.pk) == 5
    body = pupil.get(url(consultation, "results")).json()
    assert body["published"] is True and body["ballots"] == 5
    result = body["result"]
    assert (result["votants"], result["blancs"], result["exprimes"]) == (5, 0, 5)
    assert result["winner"] == "pour" and result["tie"] is False
    assert result["rows"][0]["key"] == "pour" and result["rows"][0]["label"] == "Pour"
    assert result["rows"][0]["count"] == 5 and result["rows"][0]["percentage"] == 100.0


def test_majority_judgment_results_show_the_mentions(world):
    consultation = _voted(world, count=5, method=VotingMethod.MAJORITY_JUDGMENT)
    services.consultation_close(consultation=consultation, by=world.users["teacher"])
    response = client_for(world.users["teacher"]).get(
        url(consultation, "results"), {"classroom": world.classroom.pk}
    )
    body = response.json()
    assert body["published"] is True and body["classroom"]["id"] == world.classroom.pk
    rows = {row["key"]: row for row in body["result"]["rows"]}
    assert rows["chloe"]["majority_grade"] == "excellent"
    assert rows["chloe"]["majority_grade_label"] == "Excellent"
    assert rows["chloe"]["count"] is None
    assert {share["grade"] for share in rows["alice"]["grades"]} >= {"bien"}
    assert body["result"]["winner"] == "chloe"
    assert "tie_break_used" in body["result"]["details"]


def test_results_of_another_class_of_the_consultation_are_404_to_its_outsiders():
    """?classroom= is no way round the classes one may see: a pupil or a teacher of class A
    gets A's result, and a 404 for B's (as for a class outside the consultation)."""
    two = two_classes_consultation()
    results = url(two.consultation, "results")
    for user, own, other in (
        (two.pupil_a, two.a, two.b),
        (two.teacher_a, two.a, two.b),
        (two.pupil_b, two.b, two.a),
        (two.teacher_b, two.b, two.a),
    ):
        client = client_for(user)
        mine = client.get(results, {"classroom": own.pk})
        assert mine.status_code == 200 and mine.json()["published"] is True
        assert mine.json()["classroom"]["id"] == own.pk
        theirs = client.get(results, {"classroom": other.pk})
        assert theirs.status_code == 404, (user.pk, theirs.content)
        assert "result" not in theirs.json()
    # Those who run the vote see each class's.
    for classroom, winner in ((two.a, "pour"), (two.b, "contre")):
        body = client_for(two.owner).get(results, {"classroom": classroom.pk}).json()
        assert body["published"] is True and body["result"]["winner"] == winner


def test_results_of_a_class_outside_the_consultation_are_404(world):
    response = client_for(world.users["admin"]).get(
        url(world.consultation, "results"), {"classroom": world.other_classroom.pk}
    )
    assert response.status_code == 404
    bad = client_for(world.users["admin"]).get(
        url(world.consultation, "results"), {"classroom": "x"}
    )
    assert bad.status_code == 400


# ---------------------------------------------------------------------------------------------
# The secret ballot in every response and log.

CONTENT_KEYS = {"content", "choice", "approved", "grades", "ranking"}
PUPIL_KEYS = {"user", "user_id", "pupil", "pupil_id", "voter", "voters", "pseudonym"}


def test_no_response_puts_a_pupil_beside_a_content(world, caplog):
    consultation = consultation_create(
        owner=world.users["teacher"],
        classrooms=[world.classroom],
        method=VotingMethod.SINGLE,
        results_visibility=ResultsVisibility.LIVE,
    )
    pupil = world.users["pupil"]
    with caplog.at_level(logging.DEBUG):
        receipt = client_for(pupil).post(
            url(consultation, "ballot"), {"content": {"choice": "chloe"}}, format="json"
        )
    assert receipt.status_code == 201
    assert set(receipt.json()) == {"consultation", "voted_on"}
    assert "chloe" not in receipt.content.decode()
    for record in caplog.records:
        message = record.getMessage()
        assert "chloe" not in message or (pupil.username not in message and "Renard" not in message)

    teacher = client_for(world.users["teacher"])
    response = teacher.get(url(consultation, "participation"))
    participation = api_results(response)
    assert not json_keys(response.json()) & CONTENT_KEYS
    assert "chloe" not in response.content.decode()
    # Live results beside a live list of names would be one: the names wait for the close.
    assert (participation[0]["votants"], participation[0]["voters"]) == (1, [])

    for client in (teacher, client_for(pupil)):
        results = client.get(url(consultation, "results")).json()
        # One sealed ballot: nothing counted yet, nothing published.
        assert (results["published"], results["ballots"]) == (False, 0)
        assert not json_keys(results) & PUPIL_KEYS
        text = json.dumps(results)
        assert "Renard-Bleu-27" not in text and pupil.username not in text
