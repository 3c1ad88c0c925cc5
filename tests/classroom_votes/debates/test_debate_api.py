"""The debates API against every role (anonymous, a pupil of the class, a pupil of another
class, the owner teacher, another teacher, an editor, an administrator); every endpoint and
moderation path through HTTP; every refusal with its status, stable code and French message,
storing nothing; pseudonyms only in what pupils are shown; the tree's query count."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from classroom_votes import components
from classroom_votes.debates import moderation, services
from classroom_votes.models import (
    Argument,
    ArgumentKind,
    ArgumentReport,
    ArgumentStatus,
    ConvincingMark,
    Debate,
    DebateClassroom,
    ModerationEvent,
    PostingBlock,
    Side,
)
from school import errors
from school.models import Classroom, PupilProfile, User
from school.services import classroom_archive
from tests.api_pages import api_results
from tests.school.factories import classroom_create, pupil_create, teacher_create

from ..debate_factories import debate_create, post, published
from ..factories import consultation_create
from ..helpers import (
    PSEUDONYM,
    ROLES,
    client_for,
    documented_operations,
    json_keys,
    role_cases,
    roles_cast,
)

pytestmark = pytest.mark.django_db


@dataclass
class World:
    classroom: Classroom
    other_classroom: Classroom
    debate: Debate
    closed: Debate
    users: dict
    classmates: list[User]
    argument: Argument  # the pupil's, published
    other: Argument  # a classmate's, published, reported by a third pupil
    pending: Argument  # a classmate's, waiting for the teacher
    hidden: Argument  # hidden by the teacher
    marked: Argument  # the pupil found it convincing
    blocked: User

    @property
    def pupil(self) -> User:
        return self.users["pupil"]

    @property
    def teacher(self) -> User:
        return self.users["teacher"]


@pytest.fixture
def world() -> World:
    teacher = teacher_create(first_name="Claire", last_name="Dupont")
    classroom, other_classroom, users = roles_cast(teacher=teacher)
    classmates = [
        pupil_create(classroom=classroom, pseudonym=f"Chouette-{number:02d}").user
        for number in range(1, 4)
    ]
    debate = debate_create(owner=teacher, classrooms=[classroom])
    closed = debate_create(owner=teacher, classrooms=[classroom], thesis="Faut-il un uniforme ?")
    services.debate_close(debate=closed, by=teacher)
    argument = published(author=users["pupil"], debate=debate)
    other = published(
        author=classmates[0], debate=debate, side=Side.CONTRE, text="À 16 ans on manque de recul."
    )
    pending = post(author=classmates[0], debate=debate, text="Les lycéens votent déjà au CVL.")
    hidden = published(author=classmates[1], debate=debate, text="Un argument à masquer.")
    services.argument_hide(argument=hidden, by=teacher, reason="Hors sujet")
    marked = published(author=classmates[1], debate=debate, text="On paie déjà des impôts.")
    services.convincing_mark(argument=marked, user=users["pupil"])
    services.argument_report(argument=other, reporter=classmates[1], reason="insult")
    blocked = classmates[2]
    services.pupil_block(debate=debate, pupil=blocked, by=teacher, reason="Insultes répétées")
    return World(
        classroom,
        other_classroom,
        debate,
        closed,
        users,
        classmates,
        argument,
        other,
        pending,
        hidden,
        marked,
        blocked,
    )


def debate_url(debate: Debate, action: str = "") -> str:
    return f"/api/debates/{debate.pk}/" + (f"{action}/" if action else "")


def argument_url(argument: Argument, action: str) -> str:
    return f"/api/arguments/{argument.pk}/{action}/"


def state() -> tuple:
    """Everything a refused request must leave as it was."""
    return (
        list(
            Debate.objects.order_by("pk").values_list(
                "pk",
                "status",
                "archived_at",
                "premoderation",
                "links_allowed",
                "auto_hide_reports",
                "max_depth",
                "extra_words",
            )
        ),
        DebateClassroom.objects.count(),
        list(Argument.objects.order_by("pk").values_list("pk", "status", "text", "auto_hidden")),
        list(ConvincingMark.objects.order_by("pk").values_list("pk", "argument_id")),
        list(ArgumentReport.objects.order_by("pk").values_list("pk", "resolved_at")),
        ModerationEvent.objects.count(),
        list(PostingBlock.objects.order_by("pk").values_list("pk", "pupil_id")),
    )


def assert_refused(response, status: int, code: str) -> None:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code, body
    assert body["detail"] and body["detail"] != code  # a French message, not the code


# ---------------------------------------------------------------------------------------------
# Every operation × every role. 401: not logged in; 403: a role that may never use debates, or a
# visible debate or post the user may not act on; 404: outside the user's scope.

BODIES = {
    "create": lambda w: {"classrooms": [w.classroom.pk], "thesis": "Faut-il un CVL par classe ?"},
    "settings": lambda w: {"max_depth": 3, "extra_words": "nul, naze"},
    "block": lambda w: {"argument": w.other.pk, "reason": "Propos blessants"},
    "post": lambda w: {"text": "Le vote à 16 ans existe en Autriche.", "side": "pour"},
    "report": lambda w: {"reason": "insult", "note": "Il se moque."},
    "reason": lambda w: {"reason": "Propos blessant pour un camarade"},
}

# fmt: off
ENDPOINTS = [
    # method   path                               body        anon pup oth tea oth edi adm
    ("get",    "/api/debates/",                   None,       "401 200 200 200 200 403 200"),
    ("post",   "/api/debates/",                   "create",   "401 403 403 201 400 403 201"),
    ("get",    "/api/debates/{d}/",               None,       "401 200 404 200 404 403 200"),
    ("patch",  "/api/debates/{d}/",               "settings", "401 403 404 200 404 403 200"),
    ("post",   "/api/debates/{d}/close/",         None,       "401 403 404 200 404 403 200"),
    ("post",   "/api/debates/{closed}/reopen/",   None,       "401 403 404 200 404 403 200"),
    ("post",   "/api/debates/{d}/archive/",       None,       "401 403 404 200 404 403 200"),
    ("get",    "/api/debates/{d}/tree/",          None,       "401 200 404 200 404 403 200"),
    ("get",    "/api/debates/{d}/columns/",       None,       "401 200 404 200 404 403 200"),
    ("get",    "/api/debates/{d}/summary/",       None,       "401 403 404 200 404 403 200"),
    ("get",    "/api/debates/{d}/moderation/",    None,       "401 403 404 200 404 403 200"),
    ("get",    "/api/debates/{d}/log/",           None,       "401 403 404 200 404 403 200"),
    ("get",    "/api/debates/{d}/blocks/",        None,       "401 403 404 200 404 403 200"),
    ("post",   "/api/debates/{d}/blocks/",        "block",    "401 403 404 201 404 403 201"),
    ("delete", "/api/debates/{d}/blocks/{u}/",    None,       "401 403 404 204 404 403 204"),
    ("post",   "/api/debates/{d}/arguments/",     "post",     "401 201 404 201 404 403 201"),
    ("post",   "/api/arguments/{a}/withdraw/",    None,       "401 200 404 403 404 403 403"),
    ("post",   "/api/arguments/{o}/convincing/",  None,       "401 201 404 403 404 403 403"),
    ("delete", "/api/arguments/{m}/convincing/",  None,       "401 200 404 403 404 403 403"),
    ("post",   "/api/arguments/{o}/report/",      "report",   "401 201 404 403 404 403 403"),
    ("post",   "/api/arguments/{p}/approve/",     None,       "401 404 404 200 404 403 200"),
    ("post",   "/api/arguments/{p}/reject/",      "reason",   "401 404 404 200 404 403 200"),
    ("post",   "/api/arguments/{o}/hide/",        "reason",   "401 403 404 200 404 403 200"),
    ("post",   "/api/arguments/{h}/restore/",     "reason",   "401 404 404 200 404 403 200"),
    ("post",   "/api/arguments/{o}/dismiss-reports/", None,   "401 403 404 200 404 403 200"),
]
# fmt: on
CASES = role_cases(ENDPOINTS)
PLACEHOLDERS = {"{d}", "{closed}", "{a}", "{o}", "{m}", "{p}", "{h}"}


def _target(world: World, path: str) -> str:
    return path.format(
        d=world.debate.pk,
        closed=world.closed.pk,
        u=world.blocked.pk,
        a=world.argument.pk,
        o=world.other.pk,
        m=world.marked.pk,
        p=world.pending.pk,
        h=world.hidden.pk,
    )


def test_access_table_covers_every_documented_operation():
    documented = documented_operations("/api/debates/", "/api/arguments/")
    tested = set()
    for method, path, _body, _statuses in ENDPOINTS:
        for placeholder in PLACEHOLDERS:
            path = path.replace(placeholder, "{id}")
        tested.add((method, path.replace("{u}", "{user_pk}")))
    assert documented == tested
    assert len(CASES) == len(ENDPOINTS) * len(ROLES)


@pytest.mark.parametrize(("method", "path", "body", "role", "status"), CASES)
def test_endpoint_status_for_role(world, method, path, body, role, status):
    before = state()
    kwargs = {"format": "json"}
    if body is not None:
        kwargs["data"] = BODIES[body](world)
    response = getattr(client_for(world.users[role]), method)(_target(world, path), **kwargs)
    assert response.status_code == status, response.content
    if status == 401:
        assert response["WWW-Authenticate"] == "Token"
    if status in (403, 404):
        assert set(response.json()) == {"code", "detail"}
        assert response.json()["detail"]
    if status >= 400:
        assert state() == before


@pytest.mark.parametrize("role", ["other_pupil", "other_teacher"])
def test_a_method_a_route_does_not_take_still_answers_404_outside_the_scope(world, role):
    client = client_for(world.users[role])
    assert client.get(debate_url(world.debate, "close")).status_code == 404
    assert client.put(debate_url(world.debate), {}, format="json").status_code == 404
    assert client.get(argument_url(world.argument, "approve")).status_code == 404
    # In scope, the same requests are only refused for their method.
    teacher = client_for(world.teacher)
    assert teacher.get(debate_url(world.debate, "close")).status_code == 405
    assert teacher.get(argument_url(world.argument, "approve")).status_code == 405


def test_token_authentication_works(world):
    _instance, token = AuthToken.objects.create(user=world.teacher)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get(debate_url(world.debate, "moderation")).status_code == 200


# ---------------------------------------------------------------------------------------------
# Reading: what each one sees, and only pseudonyms.

PRIVATE_KEYS = {"user", "user_id", "author_id", "reporter", "reporters", "username", "email"}


def _tree(client, debate) -> dict[int, dict]:
    response = client.get(debate_url(debate, "tree"))
    assert response.status_code == 200, response.content
    return {node["id"]: node for node in response.json()["arguments"]}


def test_pupil_sees_published_posts_and_their_own_pending_one_only(world):
    own_pending = post(author=world.pupil, debate=world.debate, text="Mon avis attend.")
    client = client_for(world.pupil)
    nodes = _tree(client, world.debate)
    assert set(nodes) == {world.argument.pk, world.other.pk, world.marked.pk, own_pending.pk}
    assert nodes[own_pending.pk]["status"] == "pending" and nodes[own_pending.pk]["mine"]
    mine = nodes[world.argument.pk]
    assert mine["author"] == PSEUDONYM and mine["mine"] and not mine["by_teacher"]
    assert nodes[world.other.pk]["author"] == "Chouette-01"
    assert nodes[world.marked.pk]["marked"] is True and nodes[world.marked.pk]["convincing"] == 1
    # Nothing only moderators see: reports, hold reasons, watched words.
    for node in nodes.values():
        assert node["open_reports"] is None and node["hold_reason"] is None
        assert node["held_words"] is None
    body = client.get(debate_url(world.debate, "tree")).json()
    assert body["moderator"] is False
    assert not json_keys(body) & PRIVATE_KEYS


def test_moderator_sees_every_post_with_its_state_and_reports(world):
    nodes = _tree(client_for(world.teacher), world.debate)
    assert world.pending.pk in nodes and world.hidden.pk in nodes
    assert nodes[world.pending.pk]["hold_reason"] == "premoderation"
    assert nodes[world.hidden.pk]["status"] == "hidden"
    assert nodes[world.other.pk]["open_reports"] == 1
    assert nodes[world.marked.pk]["marked"] is False  # the teacher did not mark it
    for node in nodes.values():
        assert node["author"] in {PSEUDONYM, "Chouette-01", "Chouette-02"}


def test_a_hidden_post_with_replies_stays_as_a_placeholder(world):
    reply = published(author=world.classmates[0], debate=world.debate, parent=world.argument)
    services.argument_hide(argument=world.argument, by=world.teacher, reason="Insulte")
    nodes = _tree(client_for(world.classmates[1]), world.debate)
    placeholder = nodes[world.argument.pk]
    assert placeholder["placeholder"] is True
    assert placeholder["text"] == "" and placeholder["author"] == ""
    assert nodes[reply.pk]["parent"] == world.argument.pk


def test_columns_put_pour_and_contre_apart_the_most_convincing_first(world):
    body = client_for(world.pupil).get(debate_url(world.debate, "columns")).json()
    assert [entry["argument"]["id"] for entry in body["pour"]] == [
        world.marked.pk,
        world.argument.pk,
    ]
    assert [entry["argument"]["id"] for entry in body["contre"]] == [world.other.pk]
    assert body["pour"][0]["replies_pour"] == 0 and body["comments"] == []


def test_detail_gives_settings_to_managers_only(world):
    pupil = client_for(world.pupil).get(debate_url(world.debate)).json()
    assert pupil["thesis"] == world.debate.thesis and pupil["status"] == "open"
    assert pupil["premoderation"] is True and pupil["links_allowed"] is False
    assert pupil["settings"] is None and pupil["can_post"] is True
    assert pupil["can_moderate"] is False
    assert pupil["classes"] == [{"id": world.classroom.pk, "name": "2nde A"}]
    blocked = client_for(world.blocked).get(debate_url(world.debate)).json()
    assert blocked["can_post"] is False
    teacher = client_for(world.teacher).get(debate_url(world.debate)).json()
    assert teacher["settings"] == {
        "premoderation": True,
        "links_allowed": False,
        "auto_hide_reports": 3,
        "max_depth": 4,
        "extra_words": "",
    }
    assert teacher["can_moderate"] is True


def test_list_shows_archived_debates_only_when_asked(world):
    services.debate_archive(debate=world.closed, by=world.teacher)
    client = client_for(world.pupil)
    assert [row["id"] for row in api_results(client.get("/api/debates/"))] == [world.debate.pk]
    archived = api_results(client.get("/api/debates/", {"archived": "true"}))
    assert {row["id"] for row in archived} == {world.debate.pk, world.closed.pk}
    assert api_results(client_for(world.users["other_pupil"]).get("/api/debates/")) == []
    assert client.get("/api/debates/", {"archived": "peut-être"}).status_code == 400


def test_summary_counts_what_pupils_published_never_who_marked(world):
    body = client_for(world.teacher).get(debate_url(world.debate, "summary")).json()
    assert body["counts"]["pour"]["published"] == 2
    assert body["counts"]["pour"]["pending"] == 1 and body["counts"]["pour"]["hidden"] == 1
    assert body["counts"]["contre"]["published"] == 1
    assert body["top"]["pour"][0]["id"] == world.marked.pk
    assert body["top"]["pour"][0]["author"] == "Chouette-02"
    assert body["pupils"] == 4 and body["pupils_who_posted"] == 3 and body["open_reports"] == 1
    assert not json_keys(body) & PRIVATE_KEYS


# ---------------------------------------------------------------------------------------------
# Creating and managing.


def test_teacher_creates_an_open_premoderated_debate(world):
    consultation = consultation_create(owner=world.teacher, classrooms=[world.classroom])
    body = BODIES["create"](world) | {
        "context": "<b>Débat</b> préparé en EMC.",
        "consultation": consultation.pk,
        "extra_words": "nul\nnaze",
    }
    response = client_for(world.teacher).post("/api/debates/", body, format="json")
    assert response.status_code == 201, response.content
    created = Debate.objects.get(pk=response.json()["id"])
    assert created.owner == world.teacher and created.status == "open"
    assert created.premoderation is True and created.links_allowed is False
    assert created.context == "Débat préparé en EMC." and created.consultation == consultation
    assert response.json()["settings"]["extra_words"] == "nul\nnaze"
    assert list(created.classrooms.all()) == [world.classroom]


def _creation_case(world, case):
    other_consultation = consultation_create(
        owner=world.users["other_teacher"], classrooms=[world.other_classroom]
    )
    return {
        "thesis_blank": ({"thesis": "  "}, 400, services.DEBATE_THESIS_INVALID),
        "thesis_missing": ({"thesis": None}, 400, "input_invalid"),
        "no_classroom": ({"classrooms": []}, 400, components.NO_CLASSROOM),
        "other_classroom": (
            {"classrooms": [world.other_classroom.pk]},
            400,
            components.CLASSROOM_NOT_MANAGED,
        ),
        "unknown_classroom": (
            {"classrooms": [999_999]},
            400,
            components.CLASSROOM_NOT_MANAGED,
        ),
        "auto_hide": ({"auto_hide_reports": 0}, 400, services.DEBATE_AUTO_HIDE_INVALID),
        "max_depth": ({"max_depth": 9}, 400, services.DEBATE_MAX_DEPTH_INVALID),
        "words": ({"extra_words": "x"}, 400, moderation.WORDS_INVALID),
        "consultation": (
            {"consultation": other_consultation.pk},
            400,
            services.DEBATE_CONSULTATION_NOT_ALLOWED,
        ),
        "unknown_consultation": (
            {"consultation": 999_999},
            400,
            services.DEBATE_CONSULTATION_NOT_ALLOWED,
        ),
        "premoderation": ({"premoderation": "peut-être"}, 400, "input_invalid"),
    }[case]


@pytest.mark.parametrize(
    "case",
    [
        "thesis_blank",
        "thesis_missing",
        "no_classroom",
        "other_classroom",
        "unknown_classroom",
        "auto_hide",
        "max_depth",
        "words",
        "consultation",
        "unknown_consultation",
        "premoderation",
    ],
)
def test_creation_refuses_bad_input_and_stores_nothing(world, case):
    change, status, code = _creation_case(world, case)
    before = state()
    response = client_for(world.teacher).post(
        "/api/debates/", BODIES["create"](world) | change, format="json"
    )
    assert_refused(response, status, code)
    assert state() == before


def test_creation_in_an_archived_class_is_a_conflict(world):
    classroom = classroom_create(teacher=world.teacher, name="Ancienne")
    classroom_archive(classroom=classroom)
    before = state()
    response = client_for(world.teacher).post(
        "/api/debates/", BODIES["create"](world) | {"classrooms": [classroom.pk]}, format="json"
    )
    assert_refused(response, 409, components.CLASSROOM_ARCHIVED)
    assert state() == before


def test_settings_change_what_is_sent_and_enter_the_log(world):
    client = client_for(world.teacher)
    response = client.patch(
        debate_url(world.debate), {"premoderation": False, "auto_hide_reports": 5}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["settings"]["premoderation"] is False
    world.debate.refresh_from_db()
    assert (world.debate.premoderation, world.debate.auto_hide_reports) == (False, 5)
    assert world.debate.max_depth == 4
    log = api_results(client.get(debate_url(world.debate, "log")))
    assert log[0]["action"] == "settings" and log[0]["actor"] == "Claire Dupont"
    before = state()
    for change, code in [
        ({"max_depth": 0}, services.DEBATE_MAX_DEPTH_INVALID),
        ({"auto_hide_reports": 51}, services.DEBATE_AUTO_HIDE_INVALID),
        ({"extra_words": "<script>"}, moderation.WORDS_INVALID),
        ({"max_depth": "profond"}, "input_invalid"),
    ]:
        assert_refused(client.patch(debate_url(world.debate), change, format="json"), 400, code)
    assert state() == before


def test_a_teacher_of_one_class_reads_but_does_not_manage(world):
    colleague = teacher_create()
    world.classroom.teachers.add(colleague)
    shared = classroom_create(teacher=world.teacher, name="2nde B")
    debate = debate_create(owner=world.teacher, classrooms=[world.classroom, shared])
    client = client_for(colleague)
    assert client.get(debate_url(debate, "tree")).status_code == 200
    assert client.get(debate_url(debate)).json()["classes"] == [
        {"id": world.classroom.pk, "name": "2nde A"}
    ]
    before = state()
    assert_refused(client.post(debate_url(debate, "close")), 403, services.DEBATE_NOT_ALLOWED)
    assert_refused(
        client.get(debate_url(debate, "moderation")), 403, services.MODERATION_NOT_ALLOWED
    )
    assert_refused(
        client.post(debate_url(debate, "arguments"), BODIES["post"](world), format="json"),
        403,
        components.NOT_A_PUPIL,
    )
    assert state() == before


def test_close_reopen_archive_follow_the_debate_state(world):
    client = client_for(world.teacher)
    closed = client.post(debate_url(world.debate, "close"))
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert_refused(client.post(debate_url(world.debate, "close")), 409, services.DEBATE_CLOSED)
    pupil = client_for(world.pupil)
    before = state()
    assert_refused(
        pupil.post(debate_url(world.debate, "arguments"), BODIES["post"](world), format="json"),
        409,
        services.DEBATE_CLOSED,
    )
    assert_refused(pupil.post(argument_url(world.other, "convincing")), 409, services.DEBATE_CLOSED)
    assert state() == before
    reopened = client.post(debate_url(world.debate, "reopen"))
    assert reopened.status_code == 200 and reopened.json()["status"] == "open"
    assert_refused(
        client.post(debate_url(world.debate, "reopen")), 409, services.DEBATE_ALREADY_OPEN
    )
    archived = client.post(debate_url(world.debate, "archive"))
    assert archived.status_code == 200 and archived.json()["archived"] is True
    before = state()
    for response in (
        client.post(debate_url(world.debate, "reopen")),
        client.patch(debate_url(world.debate), {"max_depth": 2}, format="json"),
        pupil.post(argument_url(world.other, "report"), BODIES["report"](world), format="json"),
    ):
        assert_refused(response, 409, services.DEBATE_ARCHIVED)
    assert state() == before
    # Moderation still applies to an archived debate.
    hide = client.post(argument_url(world.other, "hide"), BODIES["reason"](world), format="json")
    assert hide.status_code == 200


# ---------------------------------------------------------------------------------------------
# Posting.


def _post(client, world, **body):
    return client.post(
        debate_url(world.debate, "arguments"), BODIES["post"](world) | body, format="json"
    )


def test_pupil_post_waits_for_the_teacher_and_is_plain_text(world):
    response = _post(
        client_for(world.pupil),
        world,
        text="<script>alert(1)</script><b>Oui</b>, et &eacute;coutons-les.",
        side="contre",
        parent=world.other.pk,
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "pending" and body["text"] == "Oui, et écoutons-les."
    assert (body["parent"], body["depth"], body["side"]) == (world.other.pk, 2, "contre")
    assert set(body) == {
        "id",
        "debate",
        "parent",
        "kind",
        "side",
        "depth",
        "status",
        "text",
        "created_at",
    }
    queue = client_for(world.teacher).get(debate_url(world.debate, "moderation")).json()
    [item] = [item for item in queue["pending"] if item["argument"]["id"] == body["id"]]
    assert item["author"] == PSEUDONYM and item["parent"]["id"] == world.other.pk


def test_teacher_post_and_comment_are_published_at_once(world):
    client = client_for(world.teacher)
    response = _post(client, world, text="Source : https://www.vie-publique.fr")
    assert response.status_code == 201 and response.json()["status"] == "published"
    comment = _post(client, world, kind="comment", side="", text="Pensez aux sources.")
    assert comment.status_code == 201 and comment.json()["kind"] == "comment"
    assert _tree(client_for(world.pupil), world.debate)[comment.json()["id"]]["by_teacher"]


@pytest.mark.parametrize(
    ("text", "hold_reason", "held_words"),
    [
        ("C'est nul et naze.", "word_filter", "naze, nul"),
        ("Écris-moi : renard@example.org", "contact_details", ""),
    ],
)
def test_filters_hold_a_post_even_without_premoderation(world, text, hold_reason, held_words):
    services.debate_settings_update(
        debate=world.debate, by=world.teacher, premoderation=False, extra_words="nul\nnaze"
    )
    response = _post(client_for(world.pupil), world, text=text)
    assert response.status_code == 201 and response.json()["status"] == "pending"
    assert "hold_reason" not in response.json()
    queue = client_for(world.teacher).get(debate_url(world.debate, "moderation")).json()
    [item] = queue["held"]
    assert item["argument"]["hold_reason"] == hold_reason
    assert item["argument"]["held_words"] in (held_words, "nul, naze")
    clean = _post(client_for(world.classmates[0]), world, text="Rien à redire.")
    assert clean.json()["status"] == "published"


def _posting_case(world, case):
    pupil, classmate = world.pupil, world.classmates[0]
    comment = published(author=world.teacher, debate=world.debate, kind=ArgumentKind.COMMENT)
    other_debate = debate_create(owner=world.teacher, classrooms=[world.classroom])
    elsewhere = published(author=world.teacher, debate=other_debate)
    return {
        "empty": (pupil, {"text": "   "}, 400, moderation.TEXT_EMPTY),
        "markup_only": (pupil, {"text": "<p><br></p>"}, 400, moderation.TEXT_EMPTY),
        "too_long": (pupil, {"text": "a" * 1001}, 400, moderation.TEXT_TOO_LONG),
        "link": (pupil, {"text": "Lis www.exemple.fr"}, 400, moderation.TEXT_LINK_REFUSED),
        "side": (pupil, {"side": "neutre"}, 400, services.ARGUMENT_SIDE_INVALID),
        "comment_side": (
            pupil,
            {"kind": "comment", "side": "pour"},
            400,
            services.ARGUMENT_SIDE_INVALID,
        ),
        "kind": (pupil, {"kind": "sondage"}, 400, "input_invalid"),
        "text_missing": (pupil, {"text": None}, 400, "input_invalid"),
        "reply_to_comment": (
            pupil,
            {"parent": comment.pk},
            400,
            services.ARGUMENT_PARENT_IS_COMMENT,
        ),
        # Someone else's pending post is not even said to exist.
        "parent_pending": (pupil, {"parent": world.pending.pk}, 404, services.ARGUMENT_NOT_FOUND),
        "parent_elsewhere": (pupil, {"parent": elsewhere.pk}, 404, services.ARGUMENT_NOT_FOUND),
        "parent_unknown": (pupil, {"parent": 999_999}, 404, services.ARGUMENT_NOT_FOUND),
        "own_pending_parent": (
            classmate,
            {"parent": world.pending.pk},
            400,
            services.ARGUMENT_PARENT_NOT_PUBLISHED,
        ),
        "blocked": (world.blocked, {}, 403, services.PUPIL_BLOCKED),
    }[case]


@pytest.mark.parametrize(
    "case",
    [
        "empty",
        "markup_only",
        "too_long",
        "link",
        "side",
        "comment_side",
        "kind",
        "text_missing",
        "reply_to_comment",
        "parent_pending",
        "parent_elsewhere",
        "parent_unknown",
        "own_pending_parent",
        "blocked",
    ],
)
def test_refused_post_answers_its_code_and_stores_nothing(world, case):
    author, change, status, code = _posting_case(world, case)
    before = state()
    assert_refused(_post(client_for(author), world, **change), status, code)
    assert state() == before


def test_replies_stop_at_the_debates_depth(world):
    services.debate_settings_update(debate=world.debate, by=world.teacher, max_depth=1)
    client = client_for(world.pupil)
    before = state()
    assert_refused(_post(client, world, parent=world.other.pk), 400, services.ARGUMENT_TOO_DEEP)
    assert state() == before
    comment = _post(client, world, parent=world.other.pk, kind="comment", side="")
    assert comment.status_code == 201  # a comment is a leaf: it may go one deeper


def test_archived_class_cannot_post(world):
    classroom_archive(classroom=world.classroom)
    before = state()
    assert_refused(_post(client_for(world.pupil), world), 409, components.CLASSROOM_ARCHIVED)
    assert state() == before


def test_malformed_json_is_bad_input(world):
    before = state()
    response = client_for(world.pupil).post(
        debate_url(world.debate, "arguments"), "{pas du json", content_type="application/json"
    )
    assert response.status_code == 400 and response.json()["code"] == errors.BODY_MALFORMED
    assert state() == before


def test_rate_limit_answers_429_with_retry_after(world, settings):
    settings.HEMICYCLE_DEBATE_RATE_LIMITS = [(3, 1), (20, 60)]
    client = client_for(world.classmates[1])  # two posts already (hidden, marked)
    assert _post(client, world).status_code == 201
    before = state()
    response = _post(client, world)
    assert_refused(response, 429, services.RATE_LIMITED)
    assert response["Retry-After"] == "60"
    assert "1 min" in response.json()["detail"]
    assert state() == before


# ---------------------------------------------------------------------------------------------
# Withdrawing, marks and reports.


def test_author_withdraws_a_post_without_replies(world):
    client = client_for(world.pupil)
    response = client.post(argument_url(world.argument, "withdraw"))
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "withdrawn" and response.json()["text"] == ""
    assert world.argument.pk not in _tree(client, world.debate)
    assert client.post(argument_url(world.argument, "withdraw")).status_code == 404


def test_a_post_with_replies_cannot_be_withdrawn(world):
    published(author=world.classmates[0], debate=world.debate, parent=world.argument)
    before = state()
    response = client_for(world.pupil).post(argument_url(world.argument, "withdraw"))
    assert_refused(response, 409, services.ARGUMENT_HAS_REPLIES)
    assert state() == before
    other = client_for(world.classmates[0]).post(argument_url(world.argument, "withdraw"))
    assert_refused(other, 403, services.ARGUMENT_NOT_YOURS)


def test_convincing_marks_count_without_saying_who(world):
    client = client_for(world.pupil)
    url = argument_url(world.other, "convincing")
    marked = client.post(url)
    assert marked.status_code == 201
    assert marked.json() == {"argument": world.other.pk, "marked": True, "convincing": 1}
    before = state()
    assert_refused(client.post(url), 409, services.CONVINCING_ALREADY)
    assert state() == before
    node = _tree(client_for(world.classmates[1]), world.debate)[world.other.pk]
    assert (node["convincing"], node["marked"]) == (1, False)
    unmarked = client.delete(url)
    assert unmarked.status_code == 200 and unmarked.json()["convincing"] == 0
    before = state()
    assert_refused(client.delete(url), 409, services.CONVINCING_NOT_MARKED)
    assert_refused(
        client.post(argument_url(world.argument, "convincing")),
        400,
        services.CONVINCING_OWN_ARGUMENT,
    )
    comment = published(author=world.teacher, debate=world.debate, kind=ArgumentKind.COMMENT)
    before = state()
    assert_refused(
        client.post(argument_url(comment, "convincing")), 400, services.CONVINCING_NOT_AN_ARGUMENT
    )
    assert state() == before


def test_a_blocked_pupil_still_marks_and_reports(world):
    client = client_for(world.blocked)
    assert client.post(argument_url(world.argument, "convincing")).status_code == 201
    report = client.post(
        argument_url(world.argument, "report"), BODIES["report"](world), format="json"
    )
    assert report.status_code == 201


def test_report_refusals_store_nothing(world):
    client = client_for(world.classmates[1])  # has reported `other` already
    before = state()
    for argument, body, status, code in [
        (world.other, BODIES["report"](world), 409, services.REPORT_ALREADY),
        (world.marked, BODIES["report"](world), 400, services.REPORT_OWN_POST),
        (world.argument, {"reason": "pas beau"}, 400, services.REPORT_REASON_INVALID),
        (world.argument, {}, 400, "input_invalid"),
        (world.argument, {"reason": "other", "note": "x" * 301}, 400, moderation.TEXT_TOO_LONG),
    ]:
        response = client.post(argument_url(argument, "report"), body, format="json")
        assert_refused(response, status, code)
    assert state() == before


def test_reports_hide_a_post_until_the_teacher_decides(world):
    # Three pupils accepted long ago (classroom_votes.debates.reports: the floor is three).
    reporters = world.classmates
    PupilProfile.objects.filter(user__in=reporters).update(
        approved_at=timezone.now() - timedelta(days=7)
    )
    for reporter in reporters:
        response = client_for(reporter).post(
            argument_url(world.argument, "report"),
            {"reason": "harassment", "note": "Ça vise quelqu'un."},
            format="json",
        )
        assert response.status_code == 201, response.content
        assert set(response.json()) == {"argument", "reason", "created_at"}
    world.argument.refresh_from_db()
    assert world.argument.status == ArgumentStatus.HIDDEN and world.argument.auto_hidden
    assert world.argument.pk not in _tree(client_for(world.classmates[0]), world.debate)
    teacher = client_for(world.teacher)
    queue = teacher.get(debate_url(world.debate, "moderation")).json()
    [item] = queue["auto_hidden"]
    assert item["argument"]["id"] == world.argument.pk and item["author"] == PSEUDONYM
    assert [report["reason"] for report in item["reports"]] == ["harassment"] * 3
    assert item["reports"][0]["reason_label"] and item["reports"][0]["note"]
    assert not json_keys(queue) & PRIVATE_KEYS  # reporters are never named
    log = api_results(teacher.get(debate_url(world.debate, "log")))
    assert log[0]["action"] == "auto_hide" and log[0]["actor"] is None
    restored = teacher.post(
        argument_url(world.argument, "restore"), {"reason": "Rien de blessant"}, format="json"
    )
    assert restored.status_code == 200 and restored.json()["status"] == "published"
    assert restored.json()["auto_hidden"] is False
    assert teacher.get(debate_url(world.debate, "moderation")).json()["auto_hidden"] == []


# ---------------------------------------------------------------------------------------------
# Moderation.


def test_approve_and_reject_pending_posts(world):
    teacher = client_for(world.teacher)
    approved = teacher.post(argument_url(world.pending, "approve"))
    assert approved.status_code == 200 and approved.json()["status"] == "published"
    assert approved.json()["hold_reason"] == "premoderation"
    before = state()
    assert_refused(
        teacher.post(argument_url(world.pending, "approve")), 409, services.ARGUMENT_STATE_INVALID
    )
    assert_refused(
        teacher.post(argument_url(world.pending, "reject"), {}, format="json"),
        409,
        services.ARGUMENT_STATE_INVALID,
    )
    assert state() == before
    waiting = post(author=world.pupil, debate=world.debate, text="Encore un avis.")
    rejected = teacher.post(
        argument_url(waiting, "reject"), {"reason": "Reformule sans insulte."}, format="json"
    )
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    # Its author still sees it, refused; the class does not.
    assert _tree(client_for(world.pupil), world.debate)[waiting.pk]["status"] == "rejected"
    assert waiting.pk not in _tree(client_for(world.classmates[0]), world.debate)
    log = api_results(teacher.get(debate_url(world.debate, "log")))
    assert (log[0]["action"], log[0]["reason"], log[0]["argument"]) == (
        "reject",
        "Reformule sans insulte.",
        waiting.pk,
    )
    assert log[0]["action_label"] == "Refusé"


def test_hide_and_restore_need_a_reason_kept_in_the_log(world):
    teacher = client_for(world.teacher)
    before = state()
    for action, argument in (("hide", world.other), ("restore", world.hidden)):
        for body in ({}, {"reason": "   "}, {"reason": "x" * 501}):
            response = teacher.post(argument_url(argument, action), body, format="json")
            assert_refused(response, 400, services.REASON_REQUIRED)
    assert_refused(
        teacher.post(argument_url(world.pending, "hide"), BODIES["reason"](world), format="json"),
        409,
        services.ARGUMENT_STATE_INVALID,
    )
    assert state() == before
    hidden = teacher.post(argument_url(world.other, "hide"), BODIES["reason"](world), format="json")
    assert hidden.status_code == 200 and hidden.json()["status"] == "hidden"
    restored = teacher.post(argument_url(world.hidden, "restore"), {"reason": "Erreur"}, "json")
    assert restored.status_code == 200 and restored.json()["status"] == "published"
    log = api_results(teacher.get(debate_url(world.debate, "log")))
    assert [(row["action"], row["reason"]) for row in log[:2]] == [
        ("restore", "Erreur"),
        ("hide", "Propos blessant pour un camarade"),
    ]
    assert log[0]["actor"] == "Claire Dupont"


def test_dismissing_reports_keeps_the_post_and_closes_them(world):
    teacher = client_for(world.teacher)
    response = teacher.post(argument_url(world.other, "dismiss-reports"), {}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "published"
    assert not ArgumentReport.objects.filter(argument=world.other, resolved_at__isnull=True)
    assert teacher.get(debate_url(world.debate, "moderation")).json()["reported"] == []
    before = state()
    again = teacher.post(argument_url(world.other, "dismiss-reports"), {}, format="json")
    assert_refused(again, 409, services.ARGUMENT_STATE_INVALID)
    assert state() == before


def test_pupil_cannot_moderate_a_post_they_see(world):
    client = client_for(world.pupil)
    before = state()
    for action in ("hide", "dismiss-reports"):
        response = client.post(argument_url(world.other, action), {"reason": "Non"}, "json")
        assert_refused(response, 403, services.MODERATION_NOT_ALLOWED)
    assert_refused(
        client.post(argument_url(world.other, "approve")), 403, services.MODERATION_NOT_ALLOWED
    )
    for action in ("log", "moderation", "blocks"):
        response = client.get(debate_url(world.debate, action))
        assert_refused(response, 403, services.MODERATION_NOT_ALLOWED)
    assert_refused(
        client.get(debate_url(world.debate, "summary")), 403, services.MODERATION_NOT_ALLOWED
    )
    assert state() == before


# ---------------------------------------------------------------------------------------------
# Posting blocks.


def test_block_by_post_list_and_unblock(world):
    teacher = client_for(world.teacher)
    url = debate_url(world.debate, "blocks")
    response = teacher.post(url, {"argument": world.argument.pk, "reason": "Insultes"}, "json")
    assert response.status_code == 201, response.content
    assert response.json()["pupil"] == world.pupil.pk
    assert response.json()["pseudonym"] == PSEUDONYM and response.json()["by"] == "Claire Dupont"
    rows = api_results(teacher.get(url))
    assert {row["pseudonym"] for row in rows} == {PSEUDONYM, "Chouette-03"}
    before = state()
    assert_refused(_post(client_for(world.pupil), world), 403, services.PUPIL_BLOCKED)
    again = teacher.post(url, {"pupil": world.pupil.pk, "reason": "Encore"}, "json")
    assert_refused(again, 409, services.PUPIL_ALREADY_BLOCKED)
    assert state() == before
    unblocked = teacher.delete(f"{url}{world.pupil.pk}/", {"reason": "Excuses faites"}, "json")
    assert unblocked.status_code == 204
    assert _post(client_for(world.pupil), world).status_code == 201
    log = api_results(teacher.get(debate_url(world.debate, "log")))
    unblock = next(row for row in log if row["action"] == "unblock")
    assert (unblock["pupil"], unblock["reason"]) == (PSEUDONYM, "Excuses faites")
    before = state()
    assert_refused(teacher.delete(f"{url}{world.pupil.pk}/"), 409, services.PUPIL_NOT_BLOCKED)
    assert_refused(teacher.delete(f"{url}999999/"), 409, services.PUPIL_NOT_BLOCKED)
    assert state() == before


def test_block_refusals_store_nothing(world):
    teacher = client_for(world.teacher)
    url = debate_url(world.debate, "blocks")
    teacher_post = published(author=world.teacher, debate=world.debate)
    other_debate = debate_create(owner=world.teacher, classrooms=[world.classroom])
    elsewhere = published(author=world.teacher, debate=other_debate)
    outsider = world.users["other_pupil"]
    before = state()
    for body, status, code in [
        ({"argument": world.other.pk}, 400, services.REASON_REQUIRED),
        ({"argument": teacher_post.pk, "reason": "x"}, 400, services.PUPIL_NOT_IN_DEBATE),
        ({"pupil": outsider.pk, "reason": "x"}, 400, services.PUPIL_NOT_IN_DEBATE),
        ({"pupil": 999_999, "reason": "x"}, 400, services.PUPIL_NOT_IN_DEBATE),
        ({"argument": elsewhere.pk, "reason": "x"}, 404, services.ARGUMENT_NOT_FOUND),
        ({"reason": "x"}, 400, "input_invalid"),
        (
            {"argument": world.other.pk, "pupil": world.pupil.pk, "reason": "x"},
            400,
            "input_invalid",
        ),
    ]:
        assert_refused(teacher.post(url, body, format="json"), status, code)
    assert state() == before


def test_log_names_pupils_by_pseudonym_only(world):
    client_for(world.pupil).post(argument_url(world.argument, "withdraw"))
    response = client_for(world.teacher).get(debate_url(world.debate, "log"))
    log = api_results(response)
    withdraw = next(row for row in log if row["action"] == "withdraw")
    assert withdraw["actor"] == PSEUDONYM
    block = next(row for row in log if row["action"] == "block")
    assert block["pupil"] == "Chouette-03" and block["reason"] == "Insultes répétées"
    text = response.content.decode()
    for user in (world.pupil, world.blocked):
        assert user.username not in text
    assert not json_keys(response.json()) & PRIVATE_KEYS


# ---------------------------------------------------------------------------------------------
# Query counts and the schema.


def _grow(world, count: int) -> None:
    """`count` more posts of every kind: replies, comments, marks, reports, pending ones."""
    services.debate_settings_update(debate=world.debate, by=world.teacher, premoderation=False)
    authors = [pupil_create(classroom=world.classroom).user for _ in range(count)]
    for index, author in enumerate(authors):
        parent = world.argument if index % 2 else world.other
        reply = published(author=author, debate=world.debate, parent=parent, side=Side.CONTRE)
        post(author=author, debate=world.debate, kind=ArgumentKind.COMMENT, parent=reply)
        services.convincing_mark(argument=reply, user=world.pupil)
        # Another new pupil reports it: one pupil's reports are rate-limited.
        reporter = authors[(index + 1) % count]
        services.argument_report(argument=reply, reporter=reporter, reason="other")


# The debate (with its visibility) and the posts with their counts, and for a pupil their
# profile and posting block (what they may do on each post): nothing per post. The session and
# the user are left out (forced authentication): Redis or the database holds them.
TREE_QUERIES = {"pupil": 4, "teacher": 2, "admin": 2}


@pytest.mark.parametrize("role", ["pupil", "teacher", "admin"])
def test_tree_query_count_does_not_grow_with_the_debate(world, role, django_assert_num_queries):
    client = APIClient()
    client.force_authenticate(world.users[role])
    for action in ("tree", "columns"):
        for extra in (2, 12):
            _grow(world, extra)
            with django_assert_num_queries(TREE_QUERIES[role]):
                response = client.get(debate_url(world.debate, action))
            assert response.status_code == 200
    nodes = _tree(client, world.debate)
    assert len(nodes) >= 2 * (2 + 12) + 3  # the replies and their comments are all there


def test_schema_lists_the_debate_paths(client):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = set(response.json()["paths"])
    assert {
        "/api/debates/",
        "/api/debates/{id}/",
        "/api/debates/{id}/tree/",
        "/api/debates/{id}/moderation/",
        "/api/debates/{id}/blocks/{user_pk}/",
        "/api/debates/{id}/arguments/",
        "/api/arguments/{id}/convincing/",
        "/api/arguments/{id}/dismiss-reports/",
    } <= paths


def test_schema_generates_without_warnings(tmp_path):
    call_command("spectacular", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
    text = (tmp_path / "schema.yml").read_text()
    assert "/api/debates/{id}/tree/:" in text and "/api/arguments/{id}/hide/:" in text
