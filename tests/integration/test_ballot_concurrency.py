"""Votes racing each other on PostgreSQL, each thread on its own connection: no ballot lost or
counted twice, one vote per pupil even when the same pupil submits twice at the same moment, no
deadlock, and nothing accepted after the close. Invariant afterwards:
participations = ballots (sealed or mixed) = ballots counted, and the counters are exactly those
of the urne, while mixings race the votes and after the close."""

import json
import threading
import time
from collections import Counter, defaultdict

import pytest
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone

from classroom_votes import tallies
from classroom_votes.consultations import selectors, services
from classroom_votes.models import Ballot, Consultation, SealedBallot, Tally
from classroom_votes.tallies import VotingMethod
from tests.classroom_votes.factories import consultation_create, invariants_assert, pupils_create
from tests.integration.threads import run_together
from tests.school.factories import classroom_create, school_create, teacher_create

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
]

PER_CLASS = 20
# The close of the rush test takes its lock once this many votes are in.
ACCEPTED_BEFORE_THE_CLOSE = 5
GRADES_CYCLE = ["excellent", "bien", "passable", "a_rejeter"]


def _content(method: str, n: int) -> dict:
    """A varied, valid ballot: the n-th voter's."""
    if method == VotingMethod.YES_NO:
        return {"choice": ("pour", "contre", "blanc")[n % 3]}
    if method == VotingMethod.APPROVAL:
        return {"approved": [["alice"], ["alice", "bruno"], ["chloe", "bruno"], []][n % 4]}
    grades = [GRADES_CYCLE[(n + shift) % 4] for shift in range(3)]
    return {"grades": dict(zip(("alice", "bruno", "chloe"), grades, strict=True))}


def _world(method: str):
    # A school abroad: the flush after a transactional test also empties the départements.
    teacher = teacher_create(school=school_create(name="Lycée français de Rome", country="IT"))
    classrooms = [classroom_create(teacher=teacher, name=f"2nde {n}") for n in (1, 2)]
    consultation = consultation_create(owner=teacher, classrooms=classrooms, method=method)
    voters = [
        user
        for classroom in classrooms
        for user in pupils_create(classroom=classroom, count=PER_CLASS)
    ]
    return consultation, voters


def _counters_by_class(consultation) -> dict[int, dict[str, int]]:
    counters = defaultdict(dict)
    for classroom_id, key, count in Tally.objects.filter(
        consultation=consultation, count__gt=0
    ).values_list("classroom_id", "key", "count"):
        counters[classroom_id][key] = count
    return dict(counters)


def _urne_counters(consultation) -> dict[int, dict[str, int]]:
    ballots = defaultdict(list)
    for classroom_id, content in Ballot.objects.filter(consultation=consultation).values_list(
        "classroom_id", "content"
    ):
        ballots[classroom_id].append(content)
    return {
        classroom_id: tallies.tally_from_ballots(
            method=consultation.method, options=consultation.option_keys(), ballots=contents
        )
        for classroom_id, contents in ballots.items()
    }


@pytest.mark.parametrize(
    "method",
    [VotingMethod.YES_NO, VotingMethod.APPROVAL, VotingMethod.MAJORITY_JUDGMENT],
)
def test_simultaneous_votes_are_all_counted_once(method):
    consultation, voters = _world(method)
    twice = voters[7]

    def vote(user, n):
        return lambda: services.ballot_check_and_cast(
            user=user, consultation_id=consultation.pk, content=_content(method, n)
        )

    jobs = [vote(user, n) for n, user in enumerate(voters)]
    jobs.append(vote(twice, 7))  # the same pupil, the same instant, from a second thread
    results = run_together(jobs)

    receipts = [r for r in results if isinstance(r, services.Receipt)]
    refused = [r for r in results if not isinstance(r, services.Receipt)]
    assert len(receipts) == len(voters), refused
    assert [getattr(r, "code", repr(r)) for r in refused] == [services.BALLOT_ALREADY_CAST]
    # Each vote's commit ran a mixing (HEMICYCLE_BALLOT_MIX_INLINE), racing the other votes.
    assert selectors.consultation_invariant(consultation=consultation) == (40, 40, 40)
    assert _counters_by_class(consultation) == _urne_counters(consultation)
    services.consultation_close(consultation=consultation, by=consultation.owner)
    assert not SealedBallot.objects.filter(consultation=consultation).exists()
    assert selectors.consultation_invariant(consultation=consultation) == (40, 40, 40)
    assert _counters_by_class(consultation) == _urne_counters(consultation)
    # And the urne holds exactly what was submitted, normalised.
    options = consultation.option_keys()
    submitted = Counter(
        json.dumps(
            tallies.ballot_validate(method=method, options=options, content=_content(method, n))
        )
        for n in range(len(voters))
    )
    stored = Counter(
        json.dumps(content)
        for content in Ballot.objects.filter(consultation=consultation).values_list(
            "content", flat=True
        )
    )
    assert stored == submitted
    invariants_assert()


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _waiting_for_a_lock(pids) -> int:
    """How many of these backends are waiting for a lock (read afresh: autocommit)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE pid = ANY(%s) AND wait_event_type = 'Lock'",
            [list(pids)],
        )
        return cursor.fetchone()[0]


def test_close_during_a_rush_of_votes_counts_exactly_the_accepted_ones():
    """A close in the middle of a rush of votes, made certain rather than left to timing. Half
    of the pupils rush in at once; once some are accepted, the close takes the consultation's
    row as consultation_close does, the other half rush in, and the close goes on only when
    every vote still running waits behind its lock. Those find the consultation closed and
    store nothing; every vote accepted before is counted; nothing moves after the close."""
    consultation, voters = _world(VotingMethod.APPROVAL)
    half = len(voters) // 2  # the first half rushes in before the close, the second during it
    results: dict[int, object] = {}
    pids: dict[int, int] = {}
    running: set[int] = set()
    state = threading.Condition()
    locked, queued = threading.Event(), threading.Event()
    start_first = threading.Barrier(half)
    snapshot = {}

    def vote(n, user):
        try:
            pid = _backend_pid()
            if n < half:
                start_first.wait(timeout=30)
            else:
                assert locked.wait(timeout=30), "the close never took its lock"
            with state:
                pids[n] = pid
                running.add(n)
            try:
                result = services.ballot_check_and_cast(
                    user=user,
                    consultation_id=consultation.pk,
                    content=_content(VotingMethod.APPROVAL, n),
                )
            except Exception as error:  # a refusal, or anything else: the asserts tell
                result = error
            with state:
                results[n] = result
                running.discard(n)
                state.notify_all()
        finally:
            connection.close()  # this thread's own connection

    def close():
        try:
            with state:
                assert state.wait_for(
                    lambda: (
                        sum(isinstance(r, services.Receipt) for r in results.values())
                        >= ACCEPTED_BEFORE_THE_CLOSE
                    ),
                    timeout=30,
                ), "no vote was accepted before the close"
            with transaction.atomic():
                # What consultation_close takes first: the votes in progress commit before it
                # has the row, the others queue behind it.
                Consultation.objects.select_for_update(no_key=True).get(pk=consultation.pk)
                locked.set()
                assert queued.wait(timeout=60), "the votes never queued behind the close"
                services.consultation_close(
                    consultation=Consultation.objects.get(pk=consultation.pk),
                    by=consultation.owner,
                )
            snapshot.update(_counters_by_class(consultation))
        finally:
            connection.close()

    threads = [threading.Thread(target=vote, args=(n, user)) for n, user in enumerate(voters)]
    closer = threading.Thread(target=close)
    for thread in [*threads, closer]:
        thread.start()
    try:
        assert locked.wait(timeout=60), "the close never took its lock"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with state:
                waiting = {pids[n] for n in running}
                everyone_started = len(results) + len(running) == len(voters)
            if everyone_started and _waiting_for_a_lock(waiting) == len(waiting):
                break
            time.sleep(0.05)
        else:
            pytest.fail("the votes still running never all waited behind the close")
    finally:
        queued.set()
        for thread in [*threads, closer]:
            thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in [*threads, closer])

    receipts = [n for n, r in results.items() if isinstance(r, services.Receipt)]
    refused = {n: r for n, r in results.items() if not isinstance(r, services.Receipt)}
    print(f"close during the rush: {len(receipts)} accepted, {len(refused)} refused as closed")
    assert len(results) == len(voters)
    assert {getattr(r, "code", repr(r)) for r in refused.values()} == {services.CONSULTATION_CLOSED}
    assert len(receipts) >= ACCEPTED_BEFORE_THE_CLOSE
    assert set(range(half, len(voters))) <= set(refused)
    accepted = len(receipts)
    assert selectors.consultation_invariant(consultation=consultation) == (
        accepted,
        accepted,
        accepted,
    )
    # Nothing moved after the close had returned, and the shaken urne still gives the counters.
    assert _counters_by_class(consultation) == snapshot
    assert _counters_by_class(consultation) == _urne_counters(consultation)
    invariants_assert()


def test_vote_waiting_behind_a_close_sees_it_and_stores_nothing():
    """The lock protocol, step by step: the close holds the consultation's row; a vote that
    passed its checks blocks on it, then reads the committed status and stores nothing."""
    consultation, voters = _world(VotingMethod.YES_NO)
    locked, status_changed = threading.Event(), threading.Event()
    waited = {}

    def close():
        with transaction.atomic():
            Consultation.objects.select_for_update(no_key=True).get(pk=consultation.pk)
            locked.set()
            time.sleep(0.5)  # the vote below is now blocked on the consultation's row
            Consultation.objects.filter(pk=consultation.pk).update(
                status="closed", closed_at=timezone.now()
            )
            status_changed.set()
        return "closed"

    def vote():
        locked.wait(timeout=10)
        started = time.perf_counter()
        try:
            return services.ballot_check_and_cast(
                user=voters[0], consultation_id=consultation.pk, content={"choice": "pour"}
            )
        finally:
            waited["seconds"] = time.perf_counter() - started
            waited["after_close"] = status_changed.is_set()

    closed, result = run_together([close, vote])

    assert closed == "closed"
    assert isinstance(result, services.BallotError), result
    assert result.code == services.CONSULTATION_CLOSED
    assert waited["seconds"] > 0.3 and waited["after_close"]
    assert selectors.consultation_invariant(consultation=consultation) == (0, 0, 0)


def test_a_vote_writes_in_one_statement_outside_any_transaction():
    """As in a request: the check, the options, then the write in one statement of its own (no
    BEGIN nor COMMIT to wait for), and what it wrote is there."""
    consultation, voters = _world(VotingMethod.APPROVAL)
    executed = []

    def record(execute, sql, params, many, context):
        executed.append((sql.split(None, 1)[0], connection.in_atomic_block))
        return execute(sql, params, many, context)

    # As in production, where beat mixes: nothing runs after the vote's statement.
    with override_settings(HEMICYCLE_BALLOT_MIX_INLINE=False), connection.execute_wrapper(record):
        services.ballot_check_and_cast(
            user=voters[0], consultation_id=consultation.pk, content={"approved": ["bruno"]}
        )
    assert connection.get_autocommit()
    assert executed == [("SELECT", False), ("SELECT", False), ("WITH", False)]
    assert selectors.consultation_invariant(consultation=consultation) == (1, 1, 1)
    assert _counters_by_class(consultation) == _urne_counters(consultation)


def test_a_vote_over_http_costs_three_statements_outside_any_transaction():
    """A request as in production (session from the cache, no request transaction): the user,
    the check (which finds the pupil's class itself), the write; no BEGIN, no savepoint, no
    profile or consultation lookup in the view."""
    from rest_framework.test import APIClient

    consultation, voters = _world(VotingMethod.YES_NO)
    executed = []

    def record(execute, sql, params, many, context):
        executed.append((sql, connection.in_atomic_block))
        return execute(sql, params, many, context)

    with override_settings(
        HEMICYCLE_BALLOT_MIX_INLINE=False,
        SESSION_ENGINE="django.contrib.sessions.backends.cached_db",
    ):
        client = APIClient()
        client.force_login(voters[0])
        with connection.execute_wrapper(record):
            response = client.post(
                f"/api/consultations/{consultation.pk}/ballot/",
                {"content": {"choice": "contre"}},
                format="json",
            )
    assert response.status_code == 201
    assert [(sql.split(None, 1)[0], atomic) for sql, atomic in executed] == [
        ("SELECT", False),
        ("SELECT", False),
        ("WITH", False),
    ]
    assert '"school_user"' in executed[0][0] and "school_pupilprofile" in executed[1][0]
    assert selectors.consultation_invariant(consultation=consultation) == (1, 1, 1)
