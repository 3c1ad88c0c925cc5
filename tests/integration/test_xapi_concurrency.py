"""xAPI batches raced on PostgreSQL, each request on its own connection as the server's workers
would be (issue 24: a batch is one transaction without a savepoint per statement). The same
batch sent twice at once is kept once and both answers are honest; two different batches of one
pupil at once both land; the hourly quota holds against simultaneous batches."""

import json

import pytest
from django.test import Client

from courses.models import QuizAttempt, XAPIStatement
from tests.conftest import wagtail_tree_ensure

from ..courses.test_xapi import URL, statement
from ..courses.test_xapi import world as world  # noqa: F401  (the fixture)
from .threads import run_together

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site_tree(transactional_db, territories):
    from content.seeding import SeedReport, site_structure_ensure

    wagtail_tree_ensure()  # the flush after a transactional test empties the page tree too
    return site_structure_ensure(report=SeedReport())


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _send(client, batch):
    def job():
        response = client.post(URL, data=json.dumps(batch), content_type="application/json")
        return response.status_code, response.json()

    return job


def test_the_same_batch_twice_at_once_is_kept_once(world):  # noqa: F811
    pupil = world["pupil"].user
    batch = [statement(world) for _ in range(10)]
    ids = sorted(item["id"] for item in batch)
    results = run_together([_send(_client(pupil), batch) for _ in range(4)])

    assert all(status == 200 for status, _body in results), results
    # Every id is stored by exactly one request and told as a duplicate to the others.
    stored = sorted(i for _status, body in results for i in body["stored"])
    assert stored == ids
    for _status, body in results:
        assert sorted(body["stored"] + body["duplicates"]) == ids
    assert XAPIStatement.objects.count() == 10
    assert QuizAttempt.objects.count() == 10  # no attempt left behind by a rolled-back batch


def test_different_batches_of_one_pupil_at_once_all_land(world):  # noqa: F811
    pupil = world["pupil"].user
    batches = [[statement(world) for _ in range(5)] for _ in range(4)]
    results = run_together([_send(_client(pupil), batch) for batch in batches])

    assert [status for status, _body in results] == [200] * 4, results
    assert XAPIStatement.objects.filter(user=pupil).count() == 20
    assert QuizAttempt.objects.filter(user=pupil).count() == 20


def test_the_hourly_quota_holds_against_simultaneous_batches(world, settings):  # noqa: F811
    settings.HEMICYCLE_XAPI_MAX_KEPT_PER_ACTIVITY_HOUR = 12
    pupil = world["pupil"].user
    results = run_together(
        [_send(_client(pupil), [statement(world) for _ in range(5)]) for _ in range(4)]
    )

    assert sorted(status for status, _body in results) == [200, 200, 429, 429], results
    assert XAPIStatement.objects.filter(user=pupil).count() == 10


def test_a_replay_that_slips_past_the_look_up_rolls_back_and_is_told_a_duplicate(
    world,  # noqa: F811
    monkeypatch,
):
    """The race the first test may or may not hit, forced: the look-up misses ids another
    request has just committed, the insert fails, the batch is rolled back whole and retried."""
    from courses.services import xapi

    pupil = world["pupil"].user
    first = [statement(world) for _ in range(3)]
    status, _body = _send(_client(pupil), first)()
    assert status == 200
    looked_up = xapi._ids_already_kept
    misses = []

    def miss_once(statements):
        if not misses:
            misses.append(True)
            return set()
        return looked_up(statements)

    monkeypatch.setattr(xapi, "_ids_already_kept", miss_once)
    fresh = [statement(world) for _ in range(2)]
    status, body = _send(_client(pupil), first + fresh)()

    assert status == 200 and misses == [True]
    assert sorted(body["duplicates"]) == sorted(item["id"] for item in first)
    assert sorted(body["stored"]) == sorted(item["id"] for item in fresh)
    assert XAPIStatement.objects.count() == 5
    assert QuizAttempt.objects.count() == 5
