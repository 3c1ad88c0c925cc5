"""Benchmark: a pupil's secret reset and an erasure, with no other session and with 50,000.

Run with `DATABASE_URL=postgres://… .venv/bin/python -m tests.bench.session_reset`. It creates a
throwaway test database, a class, then times school.services.pupil_secret_reset and pupils_erase
before and after adding BENCH_SESSIONS (50,000) live sessions of other users. Neither reads any
session (the session auth hash ends the pupil's), so both figures must stay flat; they used to
decode every live session (1.7–3.1 s per request at 50,000)."""

import os
import statistics
import time
from datetime import timedelta

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
django.setup()

from tests.bench.http import bench_database  # noqa: E402

SESSIONS = int(os.environ.get("BENCH_SESSIONS", "50000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "20"))


def _sessions_add(count: int) -> None:
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    store = SessionStore()
    expire = timezone.now() + timedelta(days=14)
    batch = []
    for number in range(count):
        data = {"_auth_user_id": str(1_000_000 + number), "_auth_user_backend": "x"}
        batch.append(
            Session(
                session_key=f"bench{number:035d}",
                session_data=store.encode(data),
                expire_date=expire,
            )
        )
        if len(batch) == 5000:
            Session.objects.bulk_create(batch)
            batch = []
    Session.objects.bulk_create(batch)


def _time(function) -> float:
    timings = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        function()
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


def _figures(classroom) -> tuple[float, float]:
    from school.services import pupil_secret_reset, pupils_bulk_create, pupils_erase

    pupil = pupils_bulk_create(classroom=classroom, count=1)[0].pupil
    reset = _time(lambda: pupil_secret_reset(pupil=pupil))
    doomed = iter([c.pupil.user_id for c in pupils_bulk_create(classroom=classroom, count=ROUNDS)])
    erase = _time(lambda: pupils_erase(user_ids={next(doomed)}))
    return reset, erase


def main():
    from django.contrib.sessions.models import Session

    from tests.school.factories import classroom_create

    classroom = classroom_create()
    before = _figures(classroom)
    _sessions_add(SESSIONS)
    after = _figures(classroom)
    print(f"live sessions: 0 then {Session.objects.count()}")
    print(f"secret reset: {before[0]:.1f} ms with 0 sessions, {after[0]:.1f} ms with {SESSIONS}")
    print(f"erasure:      {before[1]:.1f} ms with 0 sessions, {after[1]:.1f} ms with {SESSIONS}")
    ratio = max(after[0] / before[0], after[1] / before[1])
    print(f"flat: {'yes' if ratio < 2 else 'NO'} (worst ratio {ratio:.2f})")


if __name__ == "__main__":
    # A database of its own: a test run on the same server keeps its test_<name> database.
    with bench_database("test_hemicycle_bench_session_reset"):
        main()
