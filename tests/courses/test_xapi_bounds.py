"""The xAPI endpoint and the saved states within bounds (issue 20): only lessons given to the
pupil's class, only checked packages, only this site's addresses, scores checked against the
package's own maximum and kept exactly, quotas per pupil. Each refusal: a code, a French
message, nothing stored."""

import uuid
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse

from config.typography import french_text
from courses.api.xapi import XAPIStatementsView
from courses.models import H5PPackage, H5PUserState, QuizAttempt
from courses.services.h5p import H5P_STATE_QUOTA_BYTES, H5P_STATE_QUOTA_COUNT
from courses.services.xapi import (
    XAPI_MAX_MISMATCH,
    XAPI_NOT_ASSIGNED,
    XAPI_PACKAGE_NOT_READY,
    XAPI_QUOTA,
)
from courses.views.h5p import H5P_STATE_THROTTLED
from courses.xapi import (
    XAPI_BAD_SCORE,
    XAPI_FOREIGN_HOST,
    XAPI_INEXACT_SCORE,
    XAPI_UNKNOWN_ACTIVITY,
)
from tests.courses.test_xapi import _rows, iri, post, statement, world  # noqa: F401 (fixture)

from .factories import course_create, h5p_block, lesson_create


def _package() -> H5PPackage:
    return H5PPackage.objects.get()


def _refused(response, code: str, status: int = 400):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code
    assert body["detail"]  # the French message
    return body


def test_a_lesson_not_given_to_the_pupils_class_is_refused(client, world, site_tree):  # noqa: F811
    course = course_create(parent=site_tree)
    lesson = lesson_create(course=course, body=[h5p_block(package=_package())])
    value = statement(world)
    path = reverse("courses:h5p_activity", args=[lesson.pk, lesson.h5p_activity_ids()[0]])
    value["object"]["id"] = f"http://testserver{path}"
    client.force_login(world["pupil"].user)
    _refused(post(client, [statement(world), value]), XAPI_NOT_ASSIGNED)
    assert _rows() == (0, 0, 0)  # the whole batch, the good statement too


def test_a_pupil_waiting_for_approval_records_nothing(client, world):  # noqa: F811
    # Turned away before the view (school.middleware); the service would refuse too.
    pupil = world["pupil"]
    pupil.approved_at = None
    pupil.save()
    client.force_login(pupil.user)
    assert post(client, statement(world)).status_code == 403
    assert _rows() == (0, 0, 0)


def test_an_unpublished_lesson_is_refused(client, world):  # noqa: F811
    world["lesson"].unpublish()
    client.force_login(world["pupil"].user)
    _refused(post(client, statement(world)), XAPI_UNKNOWN_ACTIVITY)
    assert _rows() == (0, 0, 0)


@pytest.mark.parametrize("status", [H5PPackage.Status.PENDING, H5PPackage.Status.FAILED])
def test_an_activity_whose_package_is_not_ready_is_refused(client, world, status):  # noqa: F811
    H5PPackage.objects.update(status=status, content_key=None)
    client.force_login(world["pupil"].user)
    _refused(post(client, statement(world)), XAPI_PACKAGE_NOT_READY)
    assert _rows() == (0, 0, 0)


@pytest.mark.parametrize(
    "host", ["evil.example", "testserver.evil.example", "testserver:8443", "user@testserver"]
)
def test_an_activity_address_of_another_host_is_refused(client, world, host):  # noqa: F811
    value = statement(world)
    value["object"]["id"] = value["object"]["id"].replace("//testserver", f"//{host}")
    client.force_login(world["pupil"].user)
    _refused(post(client, value), XAPI_FOREIGN_HOST)
    assert _rows() == (0, 0, 0)


def test_a_maximum_other_than_the_packages_is_refused(client, world):  # noqa: F811
    H5PPackage.objects.update(max_score=3)
    client.force_login(world["pupil"].user)
    _refused(post(client, statement(world, raw=10_000, maximum=10_000)), XAPI_MAX_MISMATCH)
    _refused(post(client, statement(world, raw=1, maximum=1)), XAPI_MAX_MISMATCH)
    assert _rows() == (0, 0, 0)
    assert post(client, statement(world, raw=3, maximum=3)).status_code == 200


def test_a_score_above_the_packages_maximum_is_refused(client, world):  # noqa: F811
    H5PPackage.objects.update(max_score=3)
    client.force_login(world["pupil"].user)
    _refused(post(client, statement(world, raw=4, maximum=3)), XAPI_BAD_SCORE)
    assert _rows() == (0, 0, 0)


def test_without_a_known_maximum_the_general_bounds_hold(client, world):  # noqa: F811
    client.force_login(world["pupil"].user)
    _refused(post(client, statement(world, raw=10_001, maximum=10_001)), XAPI_BAD_SCORE)
    assert post(client, statement(world, raw=7, maximum=10)).status_code == 200


def test_a_fractional_score_is_stored_exactly_and_shown_in_french(client, world):  # noqa: F811
    H5PPackage.objects.update(max_score=3)
    client.force_login(world["pupil"].user)
    assert post(client, statement(world, raw=2.6, maximum=3)).status_code == 200
    attempt = QuizAttempt.objects.get()
    assert (attempt.score, attempt.max_score) == (Decimal("2.6"), Decimal(3))
    page = client.get(world["lesson"].url).content.decode()
    assert french_text("ton meilleur résultat : 2,6/3") in page
    assert "3/3" not in page


def test_a_score_with_more_decimals_than_kept_is_refused_not_rounded(client, world):  # noqa: F811
    client.force_login(world["pupil"].user)
    _refused(post(client, statement(world, raw=1 / 3, maximum=1)), XAPI_INEXACT_SCORE)
    assert _rows() == (0, 0, 0)


def test_a_teacher_previewing_is_acknowledged_and_nothing_is_stored(client, world):  # noqa: F811
    client.force_login(world["teacher"])
    sent = statement(world)
    response = post(client, sent)
    assert response.status_code == 200
    assert response.json() == {"stored": [], "duplicates": [], "ignored": [sent["id"]]}
    assert _rows() == (0, 0, 0)


def test_statements_past_the_hourly_quota_are_refused(client, world, settings):  # noqa: F811
    settings.HEMICYCLE_XAPI_MAX_KEPT_PER_ACTIVITY_HOUR = 3
    client.force_login(world["pupil"].user)
    assert post(client, [statement(world) for _ in range(2)]).status_code == 200
    # A batch crossing the quota is refused whole.
    _refused(post(client, [statement(world) for _ in range(2)]), XAPI_QUOTA, status=429)
    assert _rows()[0] == 2
    assert post(client, statement(world)).status_code == 200
    _refused(post(client, statement(world)), XAPI_QUOTA, status=429)
    assert _rows()[:2] == (3, 3)
    # Statements that are not kept do not count; another pupil has a quota of their own.
    assert post(client, statement(world, verb="interacted")).status_code == 200
    client.force_login(world["other"].user)
    assert post(client, statement(world)).status_code == 200


def test_the_statements_view_is_throttled_at_the_production_rate():
    import config.settings.base as base
    from school.throttles import rate_parse

    assert [throttle.__name__ for throttle in XAPIStatementsView.throttle_classes] == [
        "XAPIRateThrottle"
    ]
    limit, period = rate_parse(base.HEMICYCLE_XAPI_RATE)
    assert limit * 60 / period <= 600  # a player sends a few a minute
    limit, period = rate_parse(base.HEMICYCLE_H5P_STATE_RATE)
    assert limit * 60 / period <= 120


def _state_url(world, data_type="state"):  # noqa: F811
    return reverse(
        "courses:h5p_state",
        kwargs={
            "lesson_pk": world["lesson"].pk,
            "activity_id": world["activity"],
            "data_type": data_type,
            "sub_content_id": "0",
        },
    )


def _save(client, world, data, data_type="state"):  # noqa: F811
    return client.post(
        _state_url(world, data_type), {"data": data, "preload": "1", "invalidate": "0"}
    )


def test_saved_states_past_the_count_quota_are_refused(client, world, settings):  # noqa: F811
    settings.HEMICYCLE_H5P_STATE_MAX_PER_USER = 2
    client.force_login(world["pupil"].user)
    assert _save(client, world, "{}", "a").status_code == 200
    assert _save(client, world, "{}", "b").status_code == 200
    refused = _save(client, world, "{}", "c")
    assert refused.status_code == 429
    assert refused.json()["code"] == H5P_STATE_QUOTA_COUNT and refused.json()["message"]
    assert H5PUserState.objects.count() == 2
    # Replacing a state already kept is not a new one.
    assert _save(client, world, '{"x": 1}', "b").status_code == 200


def test_saved_states_past_the_bytes_quota_are_refused(client, world, settings):  # noqa: F811
    settings.HEMICYCLE_H5P_STATE_MAX_TOTAL_BYTES = 100
    client.force_login(world["pupil"].user)
    assert _save(client, world, "é" * 30, "a").status_code == 200  # 60 bytes
    refused = _save(client, world, "x" * 41, "b")
    assert refused.status_code == 429 and refused.json()["code"] == H5P_STATE_QUOTA_BYTES
    assert list(H5PUserState.objects.values_list("data_type", flat=True)) == ["a"]
    assert _save(client, world, "x" * 40, "b").status_code == 200
    # A replaced state counts at its new size.
    assert _save(client, world, "x" * 60, "a").status_code == 200


def test_saving_states_too_fast_is_throttled(client, world, settings):  # noqa: F811
    cache.clear()
    settings.HEMICYCLE_H5P_STATE_RATE = "3/min"
    client.force_login(world["pupil"].user)
    statuses = [_save(client, world, f'{{"n": {n}}}').status_code for n in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    assert H5PUserState.objects.get().data == '{"n": 2}'
    response = _save(client, world, "{}")
    assert response.json()["code"] == H5P_STATE_THROTTLED and response["Retry-After"]
    # Reading is not counted; another pupil has a count of their own.
    assert client.get(_state_url(world)).status_code == 200
    client.force_login(world["other"].user)
    assert _save(client, world, "{}").status_code == 200


def test_a_replayed_statement_id_stays_one_attempt_after_the_checks(client, world):  # noqa: F811
    client.force_login(world["pupil"].user)
    sent = statement(world, id=str(uuid.uuid4()))
    post(client, sent)
    post(client, sent)
    assert _rows()[:2] == (1, 1)
    assert iri(world).startswith("http://testserver/")
