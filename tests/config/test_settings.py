import os
import subprocess
import sys

from tests.conftest import ROOT

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "k" * 20 + "-a-long-random-production-secret-value-0123456789",
    "DATABASE_URL": "sqlite:////tmp/hemicycle-deploy-check.sqlite3",
    "REDIS_URL": "redis://127.0.0.1:6379/9",
    "DJANGO_ALLOWED_HOSTS": "hemicycle.example.org",
    "HEMICYCLE_BALLOT_SEAL_KEYS": "Y2xlZi1kZS10ZXN0LWRlLTMyLW9jdGV0cy1leGFjdHM",
    "EMAIL_URL": "smtp+tls://hemicycle:secret@smtp.example.org:587",
    "DEFAULT_FROM_EMAIL": "Hémicycle <ne-pas-repondre@hemicycle.example.org>",
}


def _manage(*args, env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "CELERY_")) and k != "REDIS_URL"
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_refuse_to_start_without_secrets():
    for missing in PRODUCTION_ENV.keys() - {"DJANGO_SETTINGS_MODULE"}:
        env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
        result = _manage("check", env=env)
        assert result.returncode != 0
        assert f"{missing} must be set in production" in result.stderr


def test_production_settings_refuse_a_bad_seal_key_or_a_small_batch():
    for change, message in (
        ({"HEMICYCLE_BALLOT_SEAL_KEYS": "trop-courte"}, "each key is 32 bytes"),
        ({"HEMICYCLE_BALLOT_SEAL_KEYS": "%" * 43}, "each key is 32 bytes"),
        ({"HEMICYCLE_BALLOT_BATCH": "4"}, "HEMICYCLE_BALLOT_BATCH must be 5 or more"),
        ({"HEMICYCLE_NATIONAL_MIN_CLASSES": "2"}, "must be at least 3, 2 and 30"),
        ({"HEMICYCLE_NATIONAL_MIN_SCHOOLS": "1"}, "must be at least 3, 2 and 30"),
        ({"HEMICYCLE_NATIONAL_MIN_BALLOTS": "29"}, "must be at least 3, 2 and 30"),
    ):
        result = _manage("check", env={**PRODUCTION_ENV, **change})
        assert result.returncode != 0
        assert message in result.stderr


def test_check_deploy_is_clean_with_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
