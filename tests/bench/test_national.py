"""The national benchmark (tests/bench/national.py) at a tiny scale, so that it cannot rot: it
builds, releases, recomputes, closes and serves, and its figures come out."""

import pytest
from django.db import connection
from rest_framework.throttling import AnonRateThrottle

from tests.conftest import skip_or_fail

pytestmark = pytest.mark.django_db


def test_the_national_benchmark_runs_at_a_tiny_scale(monkeypatch):
    if connection.vendor != "postgresql":
        skip_or_fail("the national benchmark measures PostgreSQL: set DATABASE_URL=postgres://…")
    from tests.bench import national

    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": None})
    lines: list[str] = []
    figures = national.run(classes=200, closes=3, requests=5, out=lines.append)
    text = "\n".join(lines)
    assert "full recompute" in text and "national_rollup" in text, text
    assert "API results" in text and "classroom_votes_nationalcontribution" in text, text
    assert figures["recompute_s"] > 0 and figures["close_ms"] > 0
