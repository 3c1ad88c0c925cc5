"""What the logs keep of a refused request (config.log_filters): one line, no traceback, and
nothing that names a person or an object (no path with ids, no query string, no pseudonym)."""

import logging

import pytest
from rest_framework.test import APIClient

from tests.classroom_votes.debate_factories import debate_create
from tests.classroom_votes.factories import consultation_create
from tests.school.factories import classroom_create, pupil_create, teacher_create

pytestmark = pytest.mark.django_db

PSEUDONYM = "Loutre-Rousse-41"


@pytest.fixture
def refused_requests():
    """Requests that are refused, each with what must not reach the log."""
    teacher = teacher_create()
    other = teacher_create()
    classroom = classroom_create(teacher=teacher)
    pupil = pupil_create(classroom=classroom, pseudonym=PSEUDONYM).user
    consultation = consultation_create(owner=teacher, classrooms=[classroom])
    debate = debate_create(owner=teacher, classrooms=[classroom])

    def page(user, method, url, **data):
        client = APIClient()
        client.force_login(user)
        return getattr(client, method)(url, data)

    def api(user, method, url, body=None):
        client = APIClient()
        client.force_authenticate(user)
        return getattr(client, method)(url, body, format="json")

    return [
        # A page the user may not see (404), an action they may not take (403).
        (lambda: page(other, "get", f"/consultations/{consultation.pk}/?q={PSEUDONYM}"), 404),
        (lambda: page(pupil, "post", f"/consultations/{consultation.pk}/clore/"), 403),
        (lambda: page(other, "get", f"/debats/{debate.pk}/moderation/"), 404),
        # The API: a state that refuses (409), bad input (400), a role (403), not found (404).
        (lambda: api(teacher, "post", f"/api/consultations/{consultation.pk}/open/"), 409),
        (lambda: api(pupil, "post", f"/api/debates/{debate.pk}/arguments/", {"text": 1}), 400),
        (lambda: api(pupil, "post", f"/api/debates/{debate.pk}/close/"), 403),
        (lambda: api(other, "get", f"/api/debates/{debate.pk}/"), 404),
    ], [PSEUDONYM, f"/{consultation.pk}/", f"/{debate.pk}/", "?q="]


def test_a_refused_request_logs_one_line_without_traceback_nor_ids(refused_requests, caplog):
    requests, secrets = refused_requests
    for send, status in requests:
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="django.request"):
            response = send()
        assert response.status_code == status
        records = [record for record in caplog.records if record.name == "django.request"]
        assert len(records) == 1, [record.getMessage() for record in records]
        record = records[0]
        line = record.getMessage()
        assert record.exc_info is None and record.exc_text is None and "\n" not in line
        assert line.startswith(f"refused {status} "), line
        assert "<int:pk>" in line or "(?P<pk>" in line, line
        for secret in secrets:
            assert secret not in line, (secret, line)
