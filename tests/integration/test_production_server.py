"""The site served as the README deploys it: granian, the production settings, static files
collected with their manifest, behind a TLS-terminating proxy. A pupil logs in, reads a
consultation and votes through it; plain HTTP is sent to HTTPS."""

import http.client
import http.cookies
import json
import re
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.urls import reverse

from classroom_votes.consultations.selectors import consultation_invariant
from config.typography import french_text
from tests.classroom_votes.factories import consultation_create
from tests.school.factories import (
    classroom_create,
    pupil_create,
    pupil_login_data,
    school_create,
    teacher_create,
)
from tests.serving import served

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

PROXY = {"X-Forwarded-Proto": "https"}


def _request(address, method, path, *, headers=None, body=None):
    client = http.client.HTTPConnection(*address, timeout=30)
    try:
        client.request(method, path, body=body, headers=headers or {})
        response = client.getresponse()
        return response, response.read()
    finally:
        client.close()


def _cookies(response) -> dict[str, str]:
    jar = http.cookies.SimpleCookie()
    for header in response.headers.get_all("Set-Cookie") or []:
        jar.load(header)
    return {name: morsel.value for name, morsel in jar.items()}


def test_a_pupil_reads_and_votes_on_the_site_served_as_deployed(collected_static, settings):
    # The pupil's secret hashed as production hashes it (the test settings' fast hasher is not
    # one production accepts).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    # A school abroad: the flush after a transactional test also empties the départements.
    teacher = teacher_create(school=school_create(name="Lycée français de Rome", country="IT"))
    classroom = classroom_create(teacher=teacher)
    pupil = pupil_create(classroom=classroom)
    consultation = consultation_create(owner=teacher, classrooms=[classroom])

    with served(
        connection.settings_dict,
        workers=1,
        threads=2,
        production=True,
        env={"DJANGO_STATIC_ROOT": str(collected_static)},
    ) as address:
        origin = f"https://{address[0]}:{address[1]}"
        login_path = reverse("school:pupil_login")
        response, _ = _request(address, "GET", login_path)
        assert response.status == 301
        assert response.getheader("Location").startswith("https://")

        # The pupil's login form, as a browser posts it (CSRF cookie and hidden field).
        response, form = _request(address, "GET", login_path, headers=PROXY)
        assert response.status == 200
        csrf = _cookies(response)["csrftoken"]
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
        response, _ = _request(
            address,
            "POST",
            login_path,
            headers={
                **PROXY,
                "Cookie": f"csrftoken={csrf}",
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": origin,
                "Referer": f"{origin}{login_path}",
            },
            body=urlencode({**pupil_login_data(pupil), "csrfmiddlewaretoken": token.decode()}),
        )
        assert response.status == 302
        cookies = {"csrftoken": csrf, **_cookies(response)}  # the login rotates the token
        browser = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()), **PROXY}

        page_path = f"/consultations/{consultation.pk}/"
        response, page = _request(address, "GET", page_path, headers=browser)
        assert response.status == 200, page[:500]
        assert "max-age=31536000" in response.getheader("Strict-Transport-Security")
        assert french_text(consultation.title) in page.decode()
        # The stylesheet by its hashed name, served by whitenoise for a year.
        stylesheet = re.search(rb'href="(/static/css/hemicycle\.[0-9a-f]{12}\.css)"', page)
        assert stylesheet, "the page links the collected, hashed stylesheet"
        response, css = _request(address, "GET", stylesheet.group(1).decode(), headers=PROXY)
        assert response.status == 200 and css
        assert "immutable" in response.getheader("Cache-Control")

        ballot = {
            **browser,
            "Content-Type": "application/json",
            "X-CSRFToken": cookies["csrftoken"],
            "Origin": origin,
            "Referer": f"{origin}{page_path}",
        }
        body = json.dumps({"content": {"choice": "pour"}})
        path = f"/api/consultations/{consultation.pk}/ballot/"
        response, receipt = _request(address, "POST", path, headers=ballot, body=body)
        assert response.status == 201, receipt
        assert json.loads(receipt)["consultation"] == consultation.pk
        response, refusal = _request(address, "POST", path, headers=ballot, body=body)
        assert response.status == 409
        assert json.loads(refusal)["code"] == "ballot_already_cast"

    assert consultation_invariant(consultation=consultation) == (1, 1, 1)
