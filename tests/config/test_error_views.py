"""An exception no view handled (config.error_views): 500, except a database that failed the
request, which answers 503 with Retry-After (the API in its error body)."""

import pytest
from django.db import OperationalError, connection
from django.test import Client

from school import errors
from tests.school.factories import classroom_create, pupil_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def pupil_client():
    client = Client(raise_request_exception=False)
    client.force_login(pupil_create(classroom=classroom_create()).user)
    return client


def _failing(error: Exception):
    def execute(*args):
        raise error

    return connection.execute_wrapper(execute)


def test_the_api_answers_503_in_its_error_body_when_the_database_connection_is_cut(
    pupil_client,
):
    with _failing(OperationalError("server closed the connection unexpectedly")):
        response = pupil_client.get("/api/consultations/")
    assert response.status_code == 503
    assert response["Retry-After"] == "2"
    assert response.json()["code"] == errors.SERVICE_UNAVAILABLE


def test_a_page_answers_503_when_the_database_connection_is_cut(pupil_client):
    with _failing(OperationalError("server closed the connection unexpectedly")):
        response = pupil_client.get("/consultations/")
    assert response.status_code == 503
    assert response["Retry-After"] == "2"
    assert "Service momentanément indisponible" in response.content.decode()


def test_any_other_failure_stays_a_500(pupil_client):
    with _failing(RuntimeError("a bug")):
        response = pupil_client.get("/api/consultations/")
    assert response.status_code == 500
    assert "Retry-After" not in response
