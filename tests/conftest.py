"""Shared fixtures. HEMICYCLE_STRICT=1 (set by .ci/run) turns every skip into a failure: CI
proves things against the real services and the material kept beside the repository (../shared/:
real H5P packages, reference data), never skips them. A lone clone skips those tests, saying why."""

import os
import shutil
import socket
from pathlib import Path
from urllib.parse import urlsplit

import pytest

STRICT = os.environ.get("HEMICYCLE_STRICT") == "1"
ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def skip_or_fail(reason: str):
    if STRICT:
        pytest.fail(f"HEMICYCLE_STRICT=1 forbids skipping: {reason}", pytrace=False)
    pytest.skip(reason)


def shared_file(*parts: str) -> Path:
    """A file of ../shared/, the material kept beside the repository (not in a clone); the test
    asking for it is skipped where it is missing. Call it from the test, not at import."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        skip_or_fail(
            f"needs ../shared/{'/'.join(parts)} (kept beside the repository in CI, not in a clone)"
        )
    return path


def h5p_fixture(name: str) -> Path:
    """One of the real H5P packages of ../shared/fixtures/h5p/."""
    return shared_file("fixtures", "h5p", name)


def _reachable(url: str, default_port: int) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname, parts.port or default_port), timeout=1):
            return True
    except OSError:
        return False


def chromium_path() -> str | None:
    return os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")


def pytest_runtest_setup(item):
    if item.get_closest_marker("integration"):
        from django.db import connection

        if connection.vendor != "postgresql":
            skip_or_fail(
                "integration test needs PostgreSQL: set DATABASE_URL=postgres://… "
                "(CI runs it against 127.0.0.1:5432)"
            )
        redis_url = os.environ.get("REDIS_URL", "")
        if not redis_url or not _reachable(redis_url, 6379):
            skip_or_fail("integration test needs Redis: set REDIS_URL=redis://127.0.0.1:6379/0")
    if item.get_closest_marker("browser"):
        from django.db import connection

        # The live server answers the browser from threads of its own while the test writes:
        # SQLite's in-memory test database locks its tables under that (a vote answers 500).
        if connection.vendor != "postgresql":
            skip_or_fail(
                "browser test runs against PostgreSQL: set DATABASE_URL=postgres://… "
                "(CI runs it against 127.0.0.1:5432)"
            )
        if not chromium_path():
            skip_or_fail("browser test needs Debian's Chromium (apt-get install chromium)")
        if not (ROOT / "node_modules" / "axe-core" / "axe.min.js").exists():
            skip_or_fail("browser test needs axe-core: run `npm ci`")


def pytest_sessionfinish(session, exitstatus):
    """Delete what this run wrote in Redis: the keys under its own prefix (see
    config/settings/test.py), in the Redis of the cache and of Celery, and nothing else."""
    from django.conf import settings

    prefix = getattr(settings, "HEMICYCLE_TEST_KEY_PREFIX", "") if settings.configured else ""
    if not (prefix and settings.REDIS_URL):
        return
    import redis

    pattern = f"{prefix}:*"
    urls = {settings.REDIS_URL, settings.CELERY_BROKER_URL, settings.CELERY_RESULT_BACKEND}
    for url in sorted(url for url in urls if url and url.startswith(("redis://", "rediss://"))):
        client = redis.Redis.from_url(url)
        try:
            keys = list(client.scan_iter(match=pattern, count=1000))
            for start in range(0, len(keys), 1000):
                client.delete(*keys[start : start + 1000])
        except redis.RedisError as error:
            session.config.get_terminal_writer().line(f"Redis keys {pattern} left: {error}")
        finally:
            client.close()


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    skipped = len(terminalreporter.stats.get("skipped", []))
    if STRICT and skipped:
        terminalreporter.write_line(f"HEMICYCLE_STRICT=1: {skipped} skipped test(s) fail the run.")
        terminalreporter._session.exitstatus = 1


def wagtail_tree_ensure():
    """What Wagtail's migrations create and the flush after a transactional test deletes: the
    default locale, the page tree's root and the root collection."""
    from django.conf import settings
    from wagtail.coreutils import get_supported_content_language_variant
    from wagtail.models import Collection, Locale, Page

    language = get_supported_content_language_variant(settings.LANGUAGE_CODE)
    Locale.objects.get_or_create(language_code=language)
    if Page.get_first_root_node() is None:
        Page.add_root(title="Root", slug="root")
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def site_tree(db):
    """Home page as the default site root and an empty course index."""
    from content.seeding import SeedReport, site_structure_ensure

    index = site_structure_ensure(report=SeedReport())
    return index


@pytest.fixture
def territories(transactional_db):
    """Régions, académies and départements for a transactional test: a data migration loads
    them, but the flush after each transactional test empties their tables too."""
    from school.models import Academie, Departement, Region
    from school.territories import territories_load

    territories_load(region_model=Region, academie_model=Academie, departement_model=Departement)
