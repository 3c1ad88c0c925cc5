"""Ids sent in request bodies and query strings, as an attacker would send them.

The permission matrix checks the ids of the URL; here class A's teacher, class A's pupil and an
anonymous visitor send, in the body or the query string of requests they may make, the ids of
class B (teacher B's, another school), of teacher B's consultation and debate, of pupil B, of
school B, or of a colleague's class in school A. Each request must be refused (400/401/403/404,
or a form shown again with its error) and change nothing in the database: row counts of every
model, many-to-many links included, and every pupil's class. Each case also sends its own
ids as teacher A and checks that this works, so that a case refused for another reason (a
missing field) cannot pass for a protection.

The enumeration checks itself: every writable id field of an API input serializer, every
model-choice field of a form, and every id read from request.GET or request.POST by a view
must be named by a case's `covers` (test_every_id_input_has_a_case)."""

import ast
import importlib
import inspect
import json
import pkgutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django import forms
from django.apps import apps
from django.test import Client
from django.urls import reverse
from rest_framework import serializers
from rest_framework.test import APIClient

from classroom_votes.models import Argument
from courses.models import Assignment
from school.models import Classroom, PupilProfile
from school.selectors import school_year_current
from tests.classroom_votes.debate_factories import debate_create, published
from tests.classroom_votes.factories import consultation_create
from tests.courses.factories import course_create, h5p_block, lesson_create
from tests.school.factories import classroom_create, pupil_create, teacher_create
from tests.test_permission_matrix import World, world_build

ROOT = Path(__file__).resolve().parent.parent
APPS = ("school", "courses", "classroom_votes", "content")

# What only class B's world holds: none may show in what class A's users get.
B_CLASS_NAME = "Classe Bravo Zulu"
B_PUPIL = "Zebre-Bravo-77"
B_CONSULTATION = "Consultation Bravo secrete"
B_DEBATE = "These Bravo secrete"
B_ARGUMENT = "Argument Bravo secret"
A_PUPIL = "Aigle-Alpha-11"


@dataclass
class IdWorld:
    """The matrix's world, with class B given its own consultation, debate, argument and
    assignment, teacher A a second class, and a colleague of teacher A a class in school A."""

    w: World
    a_school: object
    b_school: object
    a2: Classroom  # teacher A's second class, in school A
    colleague_class: Classroom  # a colleague's class in school A
    course2: object
    draft_lesson: object
    b_consultation: object
    b_debate: object
    b_argument: Argument
    b_assignment: Assignment
    markers: list[str] = field(default_factory=list)

    @property
    def teacher(self):
        return self.w.users["teacher"]

    @property
    def b(self) -> Classroom:
        return self.w.other_classroom


def id_world_build(site_tree) -> IdWorld:
    def pupil_make(classroom):
        pseudonym = A_PUPIL if classroom.name == "2nde A" else B_PUPIL
        return pupil_create(classroom=classroom, pseudonym=pseudonym)

    w = world_build(site_tree, pupil_make=pupil_make)
    b = w.other_classroom
    b.name = B_CLASS_NAME
    b.save(update_fields=["name"])
    teacher, other_teacher = w.users["teacher"], w.users["other_teacher"]
    a_school = w.classroom.school
    a2 = classroom_create(teacher=teacher, name="2nde A2")
    colleague = teacher_create(school=a_school)
    colleague_class = classroom_create(teacher=colleague, school=a_school, name="2nde Collegue")
    course = w.lesson.get_parent()
    course2 = course_create(parent=site_tree)
    draft_lesson = lesson_create(course=course2, body=[h5p_block(package=w.package)], live=False)
    b_consultation = consultation_create(owner=other_teacher, classrooms=[b], title=B_CONSULTATION)
    b_debate = debate_create(owner=other_teacher, classrooms=[b], thesis=B_DEBATE)
    b_argument = published(author=w.other_pupil.user, debate=b_debate, text=B_ARGUMENT)
    b_assignment = Assignment.objects.create(
        classroom=b, course=course.specific, assigned_by=other_teacher
    )
    world = IdWorld(
        w,
        a_school,
        b.school,
        a2,
        colleague_class,
        course2,
        draft_lesson,
        b_consultation,
        b_debate,
        b_argument,
        b_assignment,
    )
    world.markers = [B_CLASS_NAME, B_PUPIL, B_CONSULTATION, B_DEBATE, B_ARGUMENT, b.join_code]
    return world


@pytest.fixture
def ids(site_tree):
    return id_world_build(site_tree)


def snapshot() -> dict:
    """Row counts of every model of the project's apps, many-to-many links included, and the
    class of every pupil: what a refused request must leave as it was."""
    state = {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in (*APPS, "authtoken", "knox")
    }
    state["pupils"] = sorted(PupilProfile.objects.values_list("user_id", "classroom_id"))
    state["hidden"] = sorted(Argument.objects.values_list("pk", "status"))
    return state


def client_for(user, *, api: bool):
    client = APIClient() if api else Client()
    if user is not None:
        client.force_login(user)
    return client


def b_markers_in(text: str, world: IdWorld) -> list[str]:
    return [marker for marker in world.markers if marker in text]


# --- The cases --------------------------------------------------------------------------------


@dataclass
class Case:
    """`covers`: the inputs this case attacks ("Serializer.field", "Form.field", or
    "module:GET.name"/"module:POST.name" for a view reading the request itself). `body(world,
    target)` builds the request for one target id: "own" for teacher A's control, any key of
    `foreign` for an attack. `get` cases send it as the query string."""

    covers: tuple[str, ...]
    url: Callable[[IdWorld], str]
    body: Callable[[IdWorld, object], dict]
    own: Callable[[IdWorld], object]
    foreign: dict[str, Callable[[IdWorld], object]]
    method: str = "post"
    api: bool = False
    roles: tuple[str, ...] = ("teacher", "pupil", "anonymous")
    # Who sends the control request: teacher A, or a role of class A when only it can act.
    control: str = "teacher"


def _classroom_create_body(world, school):
    return {
        "school": school.pk,
        "name": "Nouvelle",
        "level": "2nde",
        "school_year": school_year_current(),
    }


def _consultation_page_body(world, classrooms):
    return {
        "classrooms": [c.pk for c in classrooms],
        "title": "Une question",
        "context": "",
        "method": "yes_no",
        "options": "",
        "min_ballots": "5",
        "results_visibility": "after_close",
        "sources-TOTAL_FORMS": "0",
        "sources-INITIAL_FORMS": "0",
        "sources-MIN_NUM_FORMS": "0",
        "sources-MAX_NUM_FORMS": "30",
    }


def _debate_page_body(world, target):
    classrooms, consultation = target
    body = {
        "classrooms": [c.pk for c in classrooms],
        "thesis": "Une these",
        "context": "",
        "premoderation": "on",
        "auto_hide_reports": "3",
        "max_depth": "4",
    }
    if consultation is not None:
        body["consultation"] = consultation.pk
    return body


def _debate_api_body(world, target):
    classrooms, consultation = target
    body = {"classrooms": [c.pk for c in classrooms], "thesis": "Une these"}
    if consultation is not None:
        body["consultation"] = consultation.pk
    return body


def _xapi_body(world, lesson):
    """A scored statement on the lesson's first H5P activity, its actor naming pupil B: the
    actor must be ignored (the user is the actor) and the activity must be published."""
    path = reverse("courses:h5p_activity", args=[lesson.pk, lesson.specific.h5p_activity_ids()[0]])
    return {
        "id": str(uuid.uuid4()),
        "actor": {"account": {"name": str(world.w.other_pupil.user_id)}, "name": B_PUPIL},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
        "object": {"id": f"http://testserver{path}", "objectType": "Activity"},
        "result": {"score": {"min": 0, "raw": 1, "max": 2, "scaled": 0.5}},
    }


FOREIGN_CLASSES = {
    "class B": lambda x: [x.b],
    "a colleague's class": lambda x: [x.colleague_class],
    "class A and class B": lambda x: [x.w.classroom, x.b],
}

CASES = {
    "classroom create page: school": Case(
        covers=("ClassroomCreateForm.school",),
        url=lambda x: reverse("school:classroom_create"),
        body=_classroom_create_body,
        own=lambda x: x.a_school,
        foreign={"school B": lambda x: x.b_school},
    ),
    "classroom create API: school": Case(
        covers=("ClassroomCreateInputSerializer.school",),
        url=lambda x: reverse("school_api:classroom-list"),
        body=_classroom_create_body,
        own=lambda x: x.a_school,
        foreign={"school B": lambda x: x.b_school},
        api=True,
    ),
    "pupil move page: classroom": Case(
        covers=("PupilMoveForm.classroom",),
        url=lambda x: reverse(
            "school:pupil_move", kwargs={"pk": x.w.classroom.pk, "user_id": x.w.pupil.user_id}
        ),
        body=lambda x, classroom: {"classroom": classroom.pk},
        own=lambda x: x.a2,
        foreign={"class B": lambda x: x.b, "a colleague's class": lambda x: x.colleague_class},
    ),
    "assignment create API: classroom": Case(
        covers=(
            "AssignmentCreateInputSerializer.classroom",
            "AssignmentCreateInputSerializer.course",
            "AssignmentCreateInputSerializer.lesson",
        ),
        url=lambda x: reverse("courses_api:assignment-list"),
        body=lambda x, target: {"classroom": target[0].pk, target[1]: target[2].pk},
        own=lambda x: (x.w.classroom, "course", x.course2),
        foreign={
            "class B": lambda x: (x.b, "course", x.course2),
            "class B, a lesson": lambda x: (x.b, "lesson", x.w.lesson),
            "a colleague's class": lambda x: (x.colleague_class, "course", x.course2),
            "a draft lesson": lambda x: (x.w.classroom, "lesson", x.draft_lesson),
        },
        api=True,
    ),
    "assignments page: a draft lesson": Case(
        covers=("AssignmentForm.target",),
        url=lambda x: reverse("courses:assignments", kwargs={"pk": x.w.classroom.pk}),
        body=lambda x, page: {"target": f"{page.specific_class.__name__[:-4].lower()}:{page.pk}"},
        own=lambda x: x.course2,
        foreign={"a draft lesson": lambda x: x.draft_lesson},
    ),
    "ready-made launch: classroom": Case(
        covers=("ReadyMadeLaunchForm.classroom",),
        url=lambda x: reverse("content:ready_made_launch", kwargs={"lesson_pk": x.w.lesson.pk}),
        body=lambda x, classroom: {"classroom": classroom.pk},
        own=lambda x: x.w.classroom,
        foreign={"class B": lambda x: x.b, "a colleague's class": lambda x: x.colleague_class},
    ),
    "consultation create page: classrooms": Case(
        covers=("ConsultationCreateForm.classrooms",),
        url=lambda x: reverse("classroom_votes:consultation_create"),
        body=lambda x, classrooms: _consultation_page_body(x, classrooms),
        own=lambda x: [x.w.classroom],
        foreign=FOREIGN_CLASSES,
    ),
    "consultation create API: classrooms": Case(
        covers=("ConsultationCreateInputSerializer.classrooms",),
        url=lambda x: reverse("classroom_votes_api:consultation-list"),
        body=lambda x, classrooms: {
            "classrooms": [c.pk for c in classrooms],
            "title": "Une question",
            "method": "yes_no",
        },
        own=lambda x: [x.w.classroom],
        foreign=FOREIGN_CLASSES,
        api=True,
    ),
    "national question launch: classrooms": Case(
        covers=("NationalLaunchForm.classrooms",),
        url=lambda x: reverse(
            "classroom_votes:national_question_launch", kwargs={"pk": x.w.national_question.pk}
        ),
        body=lambda x, classrooms: {
            f"nq{x.w.national_question.pk}-classrooms": [c.pk for c in classrooms]
        },
        own=lambda x: [x.a2],
        foreign=FOREIGN_CLASSES,
    ),
    "election launch: classrooms": Case(
        covers=("NationalLaunchForm.classrooms",),
        url=lambda x: reverse("classroom_votes:election_launch", kwargs={"pk": x.w.election.pk}),
        body=lambda x, classrooms: {f"el{x.w.election.pk}-classrooms": [c.pk for c in classrooms]},
        own=lambda x: [x.a2],
        foreign=FOREIGN_CLASSES,
    ),
    "debate create page: classrooms and consultation": Case(
        covers=("DebateCreateForm.classrooms", "DebateCreateForm.consultation"),
        url=lambda x: reverse("classroom_votes:debate_create"),
        body=_debate_page_body,
        own=lambda x: ([x.w.classroom], x.w.consultation),
        foreign={
            **{name: (lambda x, f=f: (f(x), None)) for name, f in FOREIGN_CLASSES.items()},
            "B's consultation": lambda x: ([x.w.classroom], x.b_consultation),
        },
    ),
    "debate create API: classrooms and consultation": Case(
        covers=(
            "DebateCreateInputSerializer.classrooms",
            "DebateCreateInputSerializer.consultation",
        ),
        url=lambda x: reverse("classroom_votes_api:debate-list"),
        body=_debate_api_body,
        own=lambda x: ([x.w.classroom], x.w.consultation),
        foreign={
            **{name: (lambda x, f=f: (f(x), None)) for name, f in FOREIGN_CLASSES.items()},
            "B's consultation": lambda x: ([x.w.classroom], x.b_consultation),
        },
        api=True,
    ),
    "argument post page: parent": Case(
        covers=("ArgumentForm.parent", "classroom_votes.debates.views:POST.parent"),
        url=lambda x: reverse("classroom_votes:debate_argument_post", kwargs={"pk": x.w.debate.pk}),
        body=lambda x, parent: {"parent": parent.pk, "position": "pour", "text": "Une reponse."},
        own=lambda x: x.w.argument,
        foreign={"pupil B's argument in B's debate": lambda x: x.b_argument},
    ),
    "argument post API: parent": Case(
        covers=("ArgumentPostInputSerializer.parent",),
        url=lambda x: reverse("classroom_votes_api:debate-arguments", kwargs={"pk": x.w.debate.pk}),
        body=lambda x, parent: {"parent": parent.pk, "side": "pour", "text": "Une reponse."},
        own=lambda x: x.w.argument,
        foreign={"pupil B's argument in B's debate": lambda x: x.b_argument},
        api=True,
    ),
    "debate block API: argument": Case(
        covers=("BlockInputSerializer.argument",),
        url=lambda x: reverse("classroom_votes_api:debate-blocks", kwargs={"pk": x.w.debate.pk}),
        body=lambda x, argument: {"argument": argument.pk, "reason": "Propos injurieux."},
        own=lambda x: x.w.argument,
        foreign={"pupil B's argument in B's debate": lambda x: x.b_argument},
        api=True,
    ),
    "debate block API: pupil": Case(
        covers=("BlockInputSerializer.pupil",),
        url=lambda x: reverse("classroom_votes_api:debate-blocks", kwargs={"pk": x.w.debate.pk}),
        body=lambda x, user_id: {"pupil": user_id, "reason": "Propos injurieux."},
        own=lambda x: x.w.pupil.user_id,
        foreign={
            "pupil B": lambda x: x.w.other_pupil.user_id,
            "teacher B": lambda x: x.w.users["other_teacher"].pk,
        },
        api=True,
    ),
}

CASES["xAPI statements: activity and actor"] = Case(
    covers=("courses.api.xapi:data",),
    url=lambda x: reverse("courses_api:xapi-statements"),
    body=_xapi_body,
    own=lambda x: x.w.lesson,
    foreign={"a draft lesson's activity": lambda x: x.draft_lesson},
    api=True,
    # A teacher's statements are acknowledged and never stored (courses.services.xapi).
    control="pupil",
)

# Query-string filters: a foreign id answers 400/403/404 or a list without any of B's rows.
QUERY_CASES = {
    "assignment list API: ?classroom=": Case(
        covers=("AssignmentListFilterSerializer.classroom",),
        url=lambda x: reverse("courses_api:assignment-list"),
        body=lambda x, classroom: {"classroom": classroom.pk},
        own=lambda x: x.w.classroom,
        foreign={"class B": lambda x: x.b},
        method="get",
        api=True,
    ),
    "progress API: ?classroom=": Case(
        covers=("ProgressFilterSerializer.classroom",),
        url=lambda x: reverse("courses_api:progress"),
        body=lambda x, classroom: {"classroom": classroom.pk},
        own=lambda x: x.w.classroom,
        foreign={"class B": lambda x: x.b, "a colleague's class": lambda x: x.colleague_class},
        method="get",
        api=True,
    ),
    "consultation results API: ?classroom=": Case(
        covers=("ResultsFilterSerializer.classroom",),
        url=lambda x: reverse(
            "classroom_votes_api:consultation-results", kwargs={"pk": x.w.consultation.pk}
        ),
        body=lambda x, classroom: {"classroom": classroom.pk},
        own=lambda x: x.w.classroom,
        foreign={"class B": lambda x: x.b},
        method="get",
        api=True,
    ),
    "consultation results page: ?classe=": Case(
        covers=("classroom_votes.consultations.views:GET.classe",),
        url=lambda x: reverse(
            "classroom_votes:consultation_results", kwargs={"pk": x.w.consultation.pk}
        ),
        body=lambda x, classroom: {"classe": classroom.pk},
        own=lambda x: x.w.classroom,
        foreign={"class B": lambda x: x.b},
        method="get",
    ),
}

# Inputs that take no id of another class, or whose id is public, and where that is checked.
NOT_CLASS_IDS = {
    # Credentials and codes, not ids: joining and logging in are public by design, and their
    # protections are tests/school/test_join.py's and test_login.py's.
    "school.views.pupils:GET.code": "the join page prefills the code it is given",
    "school.views.pupils:GET.next": "a local redirect (tests/school/test_login.py)",
    "school.views.pupils:POST.next": "a local redirect (tests/school/test_login.py)",
    # A teacher's own API tokens: revoked by key among the user's own tokens only, anyone
    # else's answers 404 (tests/school/test_api_tokens.py).
    "school.views.tokens:POST.action": "create, revoke or revoke all: the user's own tokens",
    "school.views.tokens:POST.key": "a token's public prefix, looked up among the user's own",
    # Public reference data.
    "TeacherSignupForm.departement": "the list of départements is public",
    # Choices of the request's own object, not ids of other objects.
    "classroom_votes.debates.views:POST.retour": "where to go back, checked against a list",
    "classroom_votes.debates.views:GET.retour": "where to go back, checked against a list",
    "classroom_votes.debates.views:POST.position": "pour, contre or comment",
    "classroom_votes.debates.views:POST.text": "the post's text",
    "classroom_votes.debates.views:POST.action": "mark or unmark the argument of the URL",
    "classroom_votes.consultations.views:POST.edit": "the ballot form's own buttons",
    "classroom_votes.consultations.views:POST.confirm": "the ballot form's own buttons",
    "classroom_votes.consultations.views:POST.ajouter_source": "the creation form's own button",
    "classroom_votes.consultations.views:GET.changer": "a voting method to preselect, or none",
    "classroom_votes.national.views:GET.option": "an option key of the public question",
    # Public open data: the query string (?page=, ?page_size=) only names which page of the
    # elections' list a cache keeps under its ETag (tests/classroom_votes/elections/test_api.py).
    "classroom_votes.elections.api.views:query_params": "the page asked, in the list's ETag",
    "classroom_votes.consultations.api.views:data": (
        "the ballot's content for the consultation of the URL, cast by the user"
    ),
    "courses.views.h5p:POST.data": "the user's own saved state of the activity of the URL",
    "courses.views.h5p:POST.preload": "a flag",
    "courses.views.h5p:POST.invalidate": "a flag",
    "courses.views.lesson:POST": "the quiz of the URL's lesson, answered by the user",
    "courses.views.final_test:POST": "the final test of the URL's course, answered by the user",
}


def _all_cases():
    return {**CASES, **QUERY_CASES}


def _case_params(cases):
    # One test per case and target, every role inside: the world is costly to build.
    for name, case in cases.items():
        for target in case.foreign:
            yield pytest.param(name, target, id=f"{name} | {target}")


def _send(client, case: Case, world: IdWorld, target):
    url, body = case.url(world), case.body(world, target)
    if case.method == "get":
        return client.get(url, body)
    if case.api:
        return client.post(url, body, format="json")
    return client.post(url, body)


def _refused(response, case: Case) -> bool:
    if response.status_code in (400, 401, 403, 404):
        return True
    if case.api:
        return False
    if response.status_code == 302:
        return response["Location"].startswith(reverse("login"))
    # A page form shown again with its error.
    return response.status_code == 200 and case.method == "post"


# Where a request with a foreign id succeeds: the test is written as it should be.
HOLES: dict[tuple[str, str], str] = {}


def _maybe_hole(request, name, target):
    reason = HOLES.get((name, target))
    if reason:
        request.applymarker(pytest.mark.xfail(strict=True, reason=f"HOLE: {reason}"))


@pytest.mark.parametrize(("name", "target"), list(_case_params(CASES)))
def test_a_foreign_id_in_the_body_is_refused_and_changes_nothing(ids, request, name, target):
    _maybe_hole(request, name, target)
    case = CASES[name]
    before = snapshot()
    for role in case.roles:
        client = client_for(ids.w.users[role], api=case.api)
        response = _send(client, case, ids, case.foreign[target](ids))
        assert _refused(response, case), (role, response.status_code, response.content[:500])
        assert snapshot() == before, f"the request of {role} changed the database"
    # The control: the same request with teacher A's own ids does what it says.
    control = ids.teacher if case.control == "teacher" else ids.w.users[case.control]
    client = client_for(control, api=case.api)
    response = _send(client, case, ids, case.own(ids))
    assert response.status_code in (200, 201, 302), (response.status_code, response.content[:800])
    assert snapshot() != before, "the control changed nothing: the case proves nothing"


@pytest.mark.parametrize(("name", "target"), list(_case_params(QUERY_CASES)))
def test_a_foreign_id_in_the_query_string_shows_nothing_of_class_b(ids, request, name, target):
    _maybe_hole(request, name, target)
    case = QUERY_CASES[name]
    foreign = case.foreign[target](ids)
    before = snapshot()
    for role in case.roles:
        client = client_for(ids.w.users[role], api=case.api)
        response = _send(client, case, ids, foreign)
        assert response.status_code in (200, 400, 401, 403, 404) or (
            response.status_code == 302 and response["Location"].startswith(reverse("login"))
        ), (role, response.status_code)
        text = response.content.decode()
        assert not b_markers_in(text, ids), (role, b_markers_in(text, ids))
        if response.status_code == 200 and case.api:
            assert foreign.pk not in _ids_named_classroom(response.json()), (role, text)
    assert snapshot() == before
    # The control: teacher A's own id answers, with class A in it.
    own = _send(client_for(ids.teacher, api=case.api), case, ids, case.own(ids))
    assert own.status_code == 200, own.status_code
    if case.api:
        assert case.own(ids).pk in _ids_named_classroom(own.json()) or own.json() == [], own.json()


def _ids_named_classroom(value) -> set[int]:
    """Every value of a `classroom` key in a JSON document, at any depth."""
    found = set()
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "classroom" and isinstance(item, int):
                found.add(item)
            elif key == "classroom" and isinstance(item, dict) and "id" in item:
                found.add(item["id"])
            else:
                found |= _ids_named_classroom(item)
    elif isinstance(value, list):
        for item in value:
            found |= _ids_named_classroom(item)
    return found


# --- Two ids in the URL: class A's object with class B's inner id ------------------------------

# Routes whose URL names an object and something inside it: the inner id is class B's.
MIXED_URLS = {
    "school:pupil_secret_reset": lambda x: {
        "pk": x.w.classroom.pk,
        "user_id": x.w.other_pupil.user_id,
    },
    **{
        name: (lambda x: {"pk": x.w.classroom.pk, "user_id": x.w.other_pupil.user_id})
        for name in (
            "school:pupil_approve",
            "school:pupil_refuse",
            "school:pupil_rename",
            "school:pupil_unlock",
        )
    },
    "school:pupil_move": lambda x: {"pk": x.w.classroom.pk, "user_id": x.w.other_pupil.user_id},
    "school:pupil_delete": lambda x: {"pk": x.w.classroom.pk, "user_id": x.w.other_pupil.user_id},
    "courses:pupil_detail": lambda x: {"pk": x.w.classroom.pk, "user_pk": x.w.other_pupil.user_id},
    "courses:assignment_remove": lambda x: {
        "pk": x.w.classroom.pk,
        "assignment_pk": x.b_assignment.pk,
    },
    "classroom_votes:consultation_pv": lambda x: {
        "pk": x.w.consultation.pk,
        "classroom_pk": x.b.pk,
    },
    "classroom_votes:debate_pupil_block": lambda x: {
        "pk": x.w.debate.pk,
        "user_pk": x.w.other_pupil.user_id,
    },
    "classroom_votes:debate_pupil_unblock": lambda x: {
        "pk": x.w.debate.pk,
        "user_pk": x.w.other_pupil.user_id,
    },
    "classroom_votes_api:debate-unblock": lambda x: {
        "pk": x.w.debate.pk,
        "user_pk": x.w.other_pupil.user_id,
    },
    **{
        f"classroom_votes:debate_argument_{action}": (
            lambda x: {"pk": x.w.debate.pk, "argument_pk": x.b_argument.pk}
        )
        for action in (
            "approve",
            "convincing",
            "hide",
            "reject",
            "report",
            "reports_dismiss",
            "restore",
            "withdraw",
        )
    },
}
# Two ids, but the inner one is public content, not another class's.
MIXED_EXEMPT = {
    "courses:lesson_questions": "the lesson is public content; the class is the URL's",
    "courses:h5p_state": "lesson and activity are public; the state is the user's own",
    "courses:h5p_activity": "public",
    "courses:h5p_player": "public: the same page for everyone, nothing personal",
    "courses:h5p_file": "public",
    # A user id and a one-time token signed for that user: a pair that works only together
    # (tests/school/test_teacher_accounts.py tries tampered and crossed links).
    "school:teacher_confirm": "uid and token signed together",
    "school:password_reset_confirm": "uid and token signed together (Django's reset)",
}


def test_every_url_with_two_ids_has_a_mixed_case():
    from tests.test_permission_matrix import _url_names

    two = {name for name, kwargs in _url_names() if len(kwargs) >= 2}
    assert two == set(MIXED_URLS) | set(MIXED_EXEMPT), (
        f"without a case: {sorted(two - set(MIXED_URLS) - set(MIXED_EXEMPT))}; "
        f"stale: {sorted((set(MIXED_URLS) | set(MIXED_EXEMPT)) - two)}"
    )


@pytest.mark.parametrize("name", sorted(MIXED_URLS))
@pytest.mark.parametrize("role", ["teacher", "pupil"])
def test_class_a_url_with_class_b_inner_id_is_refused(ids, name, role):
    url = reverse(name, kwargs=MIXED_URLS[name](ids))
    api = name.startswith("classroom_votes_api:")
    client = client_for(ids.w.users[role], api=api)
    before = snapshot()
    for method in ("get", "post", "delete"):
        response = getattr(client, method)(url, {"reason": "x", "enabled": "0"})
        if response.status_code == 405 or (method == "get" and response.status_code == 302):
            # 405: a method the route does not take; a GET sent back to the object's page.
            if response.status_code == 302:
                assert not b_markers_in(client.get(response["Location"]).content.decode(), ids)
            continue
        assert response.status_code in (400, 403, 404, 409) or (
            response.status_code == 302 and response["Location"].startswith(reverse("login"))
        ), (method, response.status_code)
        assert not b_markers_in(response.content.decode(), ids)
    assert snapshot() == before


# --- The enumeration checks itself ------------------------------------------------------------

ID_NAMES = {
    "school",
    "classroom",
    "classrooms",
    "course",
    "lesson",
    "consultation",
    "parent",
    "argument",
    "pupil",
    "debate",
    "user",
    "target",
}


def _project_modules():
    for app in APPS:
        package = importlib.import_module(app)
        for info in pkgutil.walk_packages(package.__path__, f"{app}."):
            # Where requests are read: views, forms and the APIs (importing every module,
            # tasks and data loaders included, before the test database exists breaks its
            # migrations).
            if not any(part in info.name for part in ("views", "forms", "api")):
                continue
            yield importlib.import_module(info.name)


def _id_inputs() -> set[str]:
    """Every input that may carry an id: writable related fields (and integer id fields) of
    API input serializers, model-choice and id fields of forms, and each key a view reads
    from request.GET / request.POST itself."""
    found = set()
    for module in _project_modules():
        for cls_name, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ != module.__name__:
                continue
            if issubclass(cls, serializers.Serializer):
                for name, f in cls._declared_fields.items():
                    if f.read_only:
                        continue
                    related = isinstance(
                        f, (serializers.RelatedField, serializers.ManyRelatedField)
                    )
                    if related or (
                        name in ID_NAMES
                        and cls_name.endswith(("InputSerializer", "FilterSerializer"))
                    ):
                        found.add(f"{cls_name}.{name}")
            elif issubclass(cls, forms.BaseForm):
                for name, f in cls.base_fields.items():
                    if isinstance(f, forms.ModelChoiceField) or name in ID_NAMES:
                        found.add(f"{cls_name}.{name}")
        found |= _request_reads(module)
    return found


def _request_reads(module) -> set[str]:
    """`module:GET.key` for each request.GET/POST.get("key") (or ["key"], or `"key" in`) of a
    module's source; `module:POST` for request.POST handed over whole to a service."""
    try:
        tree = ast.parse(inspect.getsource(module))
    except (OSError, TypeError):
        return set()
    found = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in ("GET", "POST", "data", "query_params")
            and isinstance(node.value, ast.Name)
            and node.value.id == "request"
        ):
            found.add((node, node.attr))
    reads = set()
    parents = {child: parent for parent in ast.walk(tree) for child in ast.iter_child_nodes(parent)}
    for node, kind in found:
        parent = parents.get(node)
        key = None
        if isinstance(parent, ast.Attribute) and parent.attr in ("get", "getlist"):
            call = parents.get(parent)
            if isinstance(call, ast.Call) and call.args and isinstance(call.args[0], ast.Constant):
                key = call.args[0].value
        elif isinstance(parent, ast.Subscript) and isinstance(parent.slice, ast.Constant):
            key = parent.slice.value
        elif isinstance(parent, ast.Compare) and isinstance(parent.left, ast.Constant):
            key = parent.left.value
        elif isinstance(parent, ast.keyword) and parent.arg == "data":
            call = parents.get(parent)
            callee = getattr(getattr(call, "func", None), "id", "")
            if not callee.endswith("Serializer"):  # a serializer's fields are walked above
                reads.add(f"{module.__name__}:{kind}")
            continue
        elif kind in ("data", "query_params"):
            call = parent if isinstance(parent, ast.Call) else None
            callee = getattr(getattr(call, "func", None), "id", "")
            if not callee.endswith("Serializer"):
                reads.add(f"{module.__name__}:{kind}")
            continue
        if key is not None:
            reads.add(f"{module.__name__}:{kind}.{key}")
    return reads


def test_every_id_input_has_a_case(db):
    covered = {item for case in _all_cases().values() for item in case.covers}
    inputs = _id_inputs()
    assert "ClassroomCreateInputSerializer.school" in inputs, "the walk is broken"
    missing = inputs - covered - set(NOT_CLASS_IDS)
    assert not missing, f"inputs without a case here: {sorted(missing)}"
    stale = (covered | set(NOT_CLASS_IDS)) - inputs
    assert not stale, f"cases for inputs that no longer exist: {sorted(stale)}"


def test_the_world_keeps_class_b_apart(ids):
    # The markers must be class B's alone, or the absence checks prove nothing.
    a_side = json.dumps(
        [ids.w.classroom.name, ids.w.classroom.join_code, A_PUPIL, ids.w.consultation.title]
    )
    assert not b_markers_in(a_side, ids)
