"""What deploys the site (README.md's production section, config/deploy/) says the same as what the
integration tests serve (tests/serving.py), and only what the installed granian understands."""

import configparser
import re
import shlex

import pytest
from granian.cli import cli

from tests.conftest import ROOT
from tests.serving import GRANIAN_OPTIONS

UNITS = ROOT / "config" / "deploy" / "systemd"
SERVICES = ["hemicycle-web", "hemicycle-worker", "hemicycle-beat"]


def _unit(name: str) -> configparser.ConfigParser:
    unit = configparser.ConfigParser(interpolation=None)
    unit.optionxform = str  # systemd's keys are case-sensitive
    unit.read(UNITS / f"{name}.service")
    return unit


def _exec_start(name: str) -> list[str]:
    return shlex.split(_unit(name)["Service"]["ExecStart"].replace("\\\n", " "))


def _environment_example() -> dict[str, str]:
    lines = (ROOT / "config" / "deploy" / "hemicycle.env.example").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


def test_the_readme_and_the_unit_serve_as_the_tests_do_with_options_granian_knows():
    readme = re.search(r"^granian (.+)$", (ROOT / "README.md").read_text(), re.MULTILINE)
    arguments = shlex.split(readme.group(1))
    assert _exec_start("hemicycle-web")[1:] == arguments
    assert set(GRANIAN_OPTIONS) <= set(arguments)
    options = cli.make_context("granian", list(arguments)).params
    assert options["respawn_failed_workers"] and options["app"] == "config.wsgi:application"


@pytest.mark.parametrize("name", SERVICES)
def test_each_service_is_restarted_hardened_and_does_not_depend_on_its_databases(name):
    unit = _unit(name)
    service = unit["Service"]
    assert service["Restart"] == "on-failure"
    assert service["User"] == "hemicycle" and service["EnvironmentFile"] == "/etc/hemicycle/env"
    for key, value in [
        ("NoNewPrivileges", "yes"),
        ("ProtectSystem", "strict"),
        ("PrivateTmp", "yes"),
        ("ProtectHome", "yes"),
    ]:
        assert service[key] == value, key
    assert {"postgresql.service", "redis-server.service"} <= set(unit["Unit"]["After"].split())
    # A restart of PostgreSQL or Redis must not stop the site (README.md, Pannes).
    assert not {"Requires", "BindsTo", "PartOf"} & set(unit["Unit"])


def test_the_web_and_worker_services_write_only_the_media_folder():
    media = _environment_example()["DJANGO_MEDIA_ROOT"]
    for name in ("hemicycle-web", "hemicycle-worker"):
        assert _unit(name)["Service"]["ReadWritePaths"] == media


def test_celery_runs_one_worker_and_one_beat_apart():
    worker, beat = _exec_start("hemicycle-worker"), _exec_start("hemicycle-beat")
    assert worker[1:4] == ["-A", "config", "worker"] and "--beat" not in worker
    assert beat[1:4] == ["-A", "config", "beat"]
    state = _unit("hemicycle-beat")["Service"]["StateDirectory"]
    assert any(argument.startswith(f"--schedule=/var/lib/{state}/") for argument in beat)
    readme = (ROOT / "README.md").read_text()
    assert "`celery -A config worker`" in readme and "`celery -A config beat`" in readme


def test_the_environment_example_sets_what_production_requires():
    example = _environment_example()
    assert example["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
    required = re.findall(
        r'^\s+"([A-Z_]+)",$', (ROOT / "config/settings/production.py").read_text(), re.M
    )
    assert "HEMICYCLE_BALLOT_SEAL_KEYS" in required
    for name in required:
        assert example[name], name
