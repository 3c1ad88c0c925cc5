"""The bare floors served as Hémicycle is in its benchmarks: granian with the same options and
size, on a throwaway database of the same PostgreSQL server."""

import contextlib
import json
import os
import subprocess
import sys

from tests.conftest import ROOT
from tests.serving import database_url, granian_served


def _admin(settings_dict, sql: str) -> None:
    import psycopg

    url = database_url({**settings_dict, "NAME": "postgres"})
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(sql)


@contextlib.contextmanager
def floor_served(settings_dict, *, workers: int, threads: int, body: list):
    """Yield the Server of the bare floor, its page holding `body`; its database is dropped
    afterwards. `settings_dict`: Hémicycle's database, whose server the floor shares."""
    name = f"{settings_dict['NAME']}_floor"
    _admin(settings_dict, f'DROP DATABASE IF EXISTS "{name}"')
    _admin(settings_dict, f'CREATE DATABASE "{name}"')
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.bench.floors.settings",
        "DATABASE_URL": database_url({**settings_dict, "NAME": name}),
    }
    python = [sys.executable, "-m"]
    run = {"cwd": ROOT, "env": environment, "check": True}
    subprocess.run([*python, "django", "migrate", "-v0"], **run)  # noqa: S603
    subprocess.run(  # noqa: S603
        [*python, "tests.bench.floors.seed"], input=json.dumps(body).encode(), **run
    )
    try:
        with granian_served(
            "tests.bench.floors.wsgi:application", environment, workers=workers, threads=threads
        ) as server:
            yield server
    finally:
        _admin(settings_dict, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
