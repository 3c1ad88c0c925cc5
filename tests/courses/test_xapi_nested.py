"""Nested or mistyped JSON where the xAPI endpoint and H5P's state protocol expect strings,
numbers or short keys: a clear 400, never a 500, and nothing stored (issue 20)."""

import pytest

from courses.models import H5PUserState
from tests.courses.test_xapi import _rows, post, statement, world  # noqa: F401 (fixture)

NESTED = {
    "id as an object": lambda s: s.update(id={"a": 1}),
    "verb as a string": lambda s: s.update(verb="answered"),
    "verb id as an object": lambda s: s["verb"].update(id={"a": 1}),
    "verb id as a list": lambda s: s["verb"].update(id=["x"]),
    "object as a string": lambda s: s.update(object="x"),
    "object id as an object": lambda s: s["object"].update(id={"a": {"b": 1}}),
    "object id as a number": lambda s: s["object"].update(id=7),
    "score as a list": lambda s: s["result"].update(score=[1, 2]),
    "raw score as an object": lambda s: s["result"]["score"].update(raw={"v": 1}),
    "max score as an object": lambda s: s["result"]["score"].update(max={"v": 2}),
    "max score of zero": lambda s: s["result"]["score"].update(max=0, raw=0),
    "max score not finite": lambda s: s["result"]["score"].update(max=1e309),
    "raw score as a boolean": lambda s: s["result"]["score"].update(raw=True),
    "completion as an object": lambda s: s["result"].update(completion={"a": 1}),
    "response as an object": lambda s: s["result"].update(response={"a": [1, {"b": 2}]}),
    "context as a list": lambda s: s.update(context=[{"a": 1}]),
    "timestamp as an object": lambda s: s.update(timestamp={"a": 1}),
}


@pytest.mark.parametrize("case", list(NESTED), ids=list(NESTED))
def test_nested_or_mistyped_fields_are_refused_with_400(client, world, case):  # noqa: F811
    value = statement(world)
    NESTED[case](value)
    client.force_login(world["pupil"].user)
    response = post(client, [value])
    assert response.status_code in (200, 400), (case, response.status_code)
    if response.status_code == 400:
        assert response.json()["code"]
        assert _rows() == (0, 0, 0)


@pytest.mark.parametrize("part", ["data_type", "sub_content_id"])
def test_state_keys_longer_than_stored_are_refused_with_400(client, world, part):  # noqa: F811
    from django.urls import reverse

    kwargs = {
        "lesson_pk": world["lesson"].pk,
        "activity_id": world["activity"],
        "data_type": "state",
        "sub_content_id": "0",
    }
    kwargs[part] = "x" * 65
    client.force_login(world["pupil"].user)
    url = reverse("courses:h5p_state", kwargs=kwargs)
    response = client.post(url, {"data": "{}", "preload": "1", "invalidate": "0"})
    assert response.status_code == 400, response.status_code
    assert response.json()["success"] is False
    assert not H5PUserState.objects.exists()


def test_a_pupil_posting_too_fast_is_throttled_and_nothing_more_is_stored(
    client,
    world,  # noqa: F811
    settings,
):
    from django.core.cache import cache

    cache.clear()
    settings.HEMICYCLE_XAPI_RATE = "3/min"
    client.force_login(world["pupil"].user)
    statuses = [post(client, [statement(world)]).status_code for _ in range(5)]
    assert statuses[:3] == [200, 200, 200]
    assert statuses[3:] == [429, 429]
    assert _rows()[0] == 3
    # Another pupil has a count of their own.
    client.force_login(world["other"].user)
    assert post(client, [statement(world)]).status_code == 200
