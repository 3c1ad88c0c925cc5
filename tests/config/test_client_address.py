"""The client address behind trusted proxies (config.client_address), and DRF's throttles, which
must count the same address: a client that writes its own X-Forwarded-For is still one client."""

import os
import subprocess
import sys

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from rest_framework.test import APIClient
from rest_framework.throttling import AnonRateThrottle

from config.client_address import client_address
from tests.conftest import ROOT

PROXY = "10.0.0.2"


def _request(remote: str = "192.0.2.10", forwarded: str | None = None):
    headers = {} if forwarded is None else {"HTTP_X_FORWARDED_FOR": forwarded}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **headers)


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        # No proxy trusted: whatever the client wrote is ignored.
        (0, "192.0.2.10", None, "192.0.2.10"),
        (0, "192.0.2.10", "198.51.100.1", "192.0.2.10"),
        (0, "192.0.2.10", "198.51.100.1, 198.51.100.2", "192.0.2.10"),
        # One proxy: the address it appended, the rightmost; what the client wrote before it
        # counts for nothing.
        (1, PROXY, "198.51.100.7", "198.51.100.7"),
        (1, PROXY, "203.0.113.66, 198.51.100.7", "198.51.100.7"),
        (1, PROXY, "1.1.1.1,2.2.2.2,  198.51.100.7 ", "198.51.100.7"),
        (1, PROXY, "2001:db8::1", "2001:db8::1"),
        (1, PROXY, "2001:DB8:0::1", "2001:db8::1"),
        # Two proxies: the outer one appended the client's address, the inner one the outer's.
        (2, PROXY, "203.0.113.66, 198.51.100.7, 10.0.0.1", "198.51.100.7"),
        (2, PROXY, "198.51.100.7, 10.0.0.1", "198.51.100.7"),
        # Missing, too short or malformed: the address of the connection.
        (1, PROXY, None, PROXY),
        (1, PROXY, "", PROXY),
        (2, PROXY, "198.51.100.7", PROXY),
        (1, PROXY, "198.51.100.7, unknown", PROXY),
        (1, PROXY, "198.51.100.7, 198.51.100.8:4711", PROXY),
        (1, PROXY, "198.51.100.7,", PROXY),
        (1, PROXY, "<script>", PROXY),
    ],
)
def test_client_address_trusts_only_the_configured_proxies(
    settings, proxies, remote, forwarded, expected
):
    settings.HEMICYCLE_TRUSTED_PROXIES = proxies
    assert client_address(_request(remote, forwarded)) == expected


def test_drf_counts_the_same_number_of_proxies(settings):
    # DRF's default (None) would take the whole X-Forwarded-For the client sent.
    assert settings.REST_FRAMEWORK["NUM_PROXIES"] == settings.HEMICYCLE_TRUSTED_PROXIES == 0
    clean = {k: v for k, v in os.environ.items() if not k.startswith("HEMICYCLE_TRUSTED")}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from config.settings import test as s; print(s.REST_FRAMEWORK['NUM_PROXIES'])",
        ],
        cwd=ROOT,
        env={**clean, "HEMICYCLE_TRUSTED_PROXIES": "2"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == "2", result.stderr


@pytest.fixture
def token_throttle(monkeypatch):
    """/api/token/ throttled at two requests a minute; the counters are removed afterwards."""
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "2/min"})
    idents = []
    yield idents
    cache.delete_many([f"throttle_anon_{ident}" for ident in idents])


def _token_post(client, **headers):
    return client.post("/api/token/", {}, format="json", **headers)


def test_a_forged_forwarded_for_does_not_escape_the_token_throttle(db, token_throttle):
    token_throttle.append("203.0.113.41")
    client = APIClient(REMOTE_ADDR="203.0.113.41")
    statuses = [
        _token_post(client, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code for n in range(4)
    ]
    assert statuses == [400, 400, 429, 429]


def test_behind_one_proxy_the_address_it_appended_is_throttled(db, settings, token_throttle):
    settings.HEMICYCLE_TRUSTED_PROXIES = 1
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    token_throttle.extend(["198.51.100.42", "198.51.100.43"])
    client = APIClient(REMOTE_ADDR=PROXY)  # every request comes through the proxy
    statuses = [
        _token_post(client, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}, 198.51.100.42").status_code
        for n in range(3)
    ]
    assert statuses == [400, 400, 429]
    # Another client behind the same proxy has its own count.
    other = _token_post(client, HTTP_X_FORWARDED_FOR="198.51.100.43")
    assert other.status_code == 400
