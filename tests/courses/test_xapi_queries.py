"""xAPI's cost in SQL, pinned (issue 24): a batch is one transaction without a savepoint per
statement, its queries do not grow with its size, and a statement costs at most five SQL
statements in a batch of twenty."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses.models import QuizAttempt, XAPIStatement

from .test_xapi import post, statement, world  # noqa: F401  (the fixture)

BATCH = 20


# The test runs inside a transaction: the batch's own transaction is a savepoint there, where a
# server opens it with BEGIN (which the driver sends without a logged query).
SAVEPOINT = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


def _sql_of(client, data, *, savepoints=False):
    with CaptureQueriesContext(connection) as queries:
        response = post(client, data)
    assert response.status_code == 200, response.content
    sql = [query["sql"] for query in queries.captured_queries]
    return sql if savepoints else [query for query in sql if not query.startswith(SAVEPOINT)]


def _warm(client, world):  # noqa: F811
    """The session and the first progress row exist, as for a pupil already at work."""
    client.force_login(world["pupil"].user)
    _sql_of(client, statement(world))


def test_a_batch_costs_the_same_queries_whatever_its_size(client, world):  # noqa: F811
    _warm(client, world)
    two = _sql_of(client, [statement(world) for _ in range(2)])
    twenty = _sql_of(client, [statement(world) for _ in range(BATCH)])
    print(f"\nxAPI SQL: batch of 2 → {len(two)}, batch of {BATCH} → {len(twenty)}")
    assert len(twenty) == len(two), "\n".join(twenty)
    # The session (here in the database, on a server in Redis) and the user, the lesson, its
    # package, the pupil's class locked, its assignments, the quota, the ids already kept, two
    # inserts, the progress (three).
    assert len(twenty) <= 13, "\n".join(twenty)
    assert XAPIStatement.objects.count() == 1 + 2 + BATCH
    assert QuizAttempt.objects.count() == 1 + 2 + BATCH


def test_a_batch_opens_no_savepoint_per_statement(client, world):  # noqa: F811
    _warm(client, world)
    sql = _sql_of(client, [statement(world) for _ in range(BATCH)], savepoints=True)
    savepoints = [query for query in sql if query.startswith("SAVEPOINT")]
    assert len(savepoints) == 1, "\n".join(sql)  # the batch's transaction itself


def test_a_single_statement_stays_within_its_pinned_count(client, world):  # noqa: F811
    _warm(client, world)
    sql = _sql_of(client, statement(world))
    print(f"\nxAPI SQL: one statement → {len(sql)}")
    assert len(sql) <= 13, "\n".join(sql)
