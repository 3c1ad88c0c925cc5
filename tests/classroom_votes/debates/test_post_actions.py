"""What a viewer may do on each post is worked out once (debates.selectors.post_actions): the
debate's page shows those buttons, and the API's tree says the same in `actions`."""

from dataclasses import asdict

import pytest
from django.test import Client
from rest_framework.test import APIClient

from classroom_votes.debates import services
from classroom_votes.debates.selectors import debate_tree
from classroom_votes.models import ArgumentKind, Side
from school.services import classroom_archive

from ..debate_factories import debate_world, post, published

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    world = debate_world(pupils=4)
    first = published(author=world.pupils[1], debate=world.debate, side=Side.POUR)
    reply = published(author=world.pupil, debate=world.debate, parent=first, side=Side.CONTRE)
    post(author=world.pupils[2], debate=world.debate, side=Side.CONTRE)  # pending
    post(author=world.pupils[1], debate=world.debate, kind=ArgumentKind.COMMENT, parent=first)
    for reporter in world.pupils[2:4]:
        services.argument_report(argument=first, reporter=reporter, reason="other")
    world.first, world.reply = first, reply
    return world


def _api_actions(user, debate) -> dict[int, dict]:
    client = APIClient()
    client.force_authenticate(user)
    response = client.get(f"/api/debates/{debate.pk}/tree/")
    assert response.status_code == 200
    return {node["id"]: node["actions"] for node in response.json()["arguments"]}


def _page_actions(user, debate) -> dict[int, dict]:
    client = Client()
    client.force_login(user)
    response = client.get(f"/debats/{debate.pk}/")
    assert response.status_code == 200
    return {node.id: asdict(node.actions) for node in response.context["tree"].walk()}


@pytest.mark.parametrize("who", ["teacher", "author", "classmate", "blocked", "archived"])
def test_the_page_and_the_api_tree_offer_the_same_actions(world, who):
    user = world.teacher if who == "teacher" else world.pupil
    if who == "classmate":
        user = world.pupils[3]
    if who == "blocked":
        services.pupil_block(debate=world.debate, pupil=user, by=world.teacher, reason="Pause")
    if who == "archived":
        classroom_archive(classroom=world.classroom)
    api = _api_actions(user, world.debate)
    assert api == _page_actions(user, world.debate)
    assert api == {
        node.id: asdict(node.actions)
        for node in debate_tree(debate=world.debate, viewer=user).walk()
    }


def test_actions_follow_the_viewer(world):
    teacher = _api_actions(world.teacher, world.debate)
    assert teacher[world.first.pk] | {"reply": True} == {
        "reply": True,
        "comment": True,
        "mark": False,
        "report": False,
        "withdraw": False,
        "approve": False,
        "hide": True,
        "confirm_hide": False,
        "restore": False,
    }
    author = _api_actions(world.pupil, world.debate)
    # Their own reply: they may withdraw it, not mark nor report it.
    assert author[world.reply.pk]["withdraw"] and not author[world.reply.pk]["report"]
    assert author[world.first.pk]["mark"] and author[world.first.pk]["report"]
    assert not any(actions["approve"] or actions["hide"] for actions in author.values())
    services.pupil_block(debate=world.debate, pupil=world.pupil, by=world.teacher, reason="x")
    blocked = _api_actions(world.pupil, world.debate)
    assert not blocked[world.first.pk]["reply"] and not blocked[world.first.pk]["comment"]
    assert blocked[world.first.pk]["mark"]  # the block is about posting
    services.debate_close(debate=world.debate, by=world.teacher)
    closed = _api_actions(world.pupils[3], world.debate)
    assert not closed[world.first.pk]["mark"] and closed[world.first.pk]["report"]
