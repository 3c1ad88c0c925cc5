"""The secret ballot attacked as the database's administrator, a backup reader and a log reader
would, on PostgreSQL: the transaction ids (xmin, xmax) of every row version, live or dead (read
with pageinspect), the heap order (ctid), plain pg_dumps taken while the votes arrive and after
the close, and every statement the database receives during a vote (what log_statement = 'all'
would write) with the application's own log records.

Every pupil casts a ranking no one else casts, so the test knows whose each ballot is; the
attacker does not, and must not tie any pupil to fewer than k = HEMICYCLE_BALLOT_BATCH ballots.
The attacks are run once more on purpose-broken mixings (batches of one, a ballot stored in
clear): they must find the links there, or they would prove nothing."""

import itertools
import json
import random
import re
import subprocess
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
from django.db import connection
from django.test import override_settings

from classroom_votes.consultations import sealing, selectors, services
from classroom_votes.models import Ballot, Participation
from classroom_votes.tallies import VotingMethod
from tests.classroom_votes.factories import consultation_create, pupils_create
from tests.classroom_votes.helpers import client_for, page_client_for, page_url
from tests.school.factories import classroom_create, school_create, teacher_create

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
]

K = 5  # HEMICYCLE_BALLOT_BATCH's default: the smallest group the attacks may find
OPTIONS = [{"key": f"candidat-{letter}", "label": f"Candidat {letter}"} for letter in "ABCDEF"]
KEYS = [option["key"] for option in OPTIONS]
CLASS_SIZES = {"A": 23, "B": 12, "C": 3}  # C: fewer voters than a batch
TABLES = {
    "participation": "classroom_votes_participation",
    "urn": "classroom_votes_ballot",
    "sealed": "classroom_votes_sealedballot",
    "tally": "classroom_votes_tally",
}


@dataclass
class Storm:
    consultation: object
    truth: dict[int, tuple[str, ...]]  # pupil's user id → the ranking they cast (the test's)
    class_of: dict[int, int]  # pupil's user id → classroom id
    dumps: list[str] = field(default_factory=list)  # taken while the vote is open
    pages: list["Pages"] = field(default_factory=list)  # row versions read while open


# --- What the attacker reads ------------------------------------------------------------------


@dataclass
class Version:
    """One row version as pageinspect shows it: live or dead, committed or not."""

    table: str
    xmin: int
    xmax: int
    classroom_id: int | None
    readable: bool  # whether its vote can be read without the seal key


@dataclass
class Pages:
    versions: list[Version]
    participations: dict[int, int]  # user id → xmin of the participation


def _attributes(table: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0"
            " AND NOT attisdropped ORDER BY attnum",
            [table],
        )
        return [name for (name,) in cursor.fetchall()]


def _readable_blob(blob: bytes) -> bool:
    """Whether anything of a vote shows through a stored sealed ballot without the key."""
    return any(key.encode() in bytes(blob) for key in KEYS)


def pages_read() -> Pages:
    """Every row version of the urn, the sealed ballots and the counters, read from the heap
    pages (pageinspect), and the participations' transaction ids."""
    versions = []
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pageinspect")
        for name in ("urn", "sealed", "tally"):
            table = TABLES[name]
            columns = _attributes(table)
            cursor.execute(
                "SELECT pg_relation_size(%s) / current_setting('block_size')::int", [table]
            )
            (blocks,) = cursor.fetchone()
            for block in range(blocks):
                cursor.execute(
                    "SELECT t_xmin::text::bigint, t_xmax::text::bigint, t_attrs"
                    " FROM heap_page_item_attrs(get_raw_page(%s, %s), %s::regclass)"
                    " WHERE lp_flags = 1",
                    [table, block, table],
                )
                for xmin, xmax, attrs in cursor.fetchall():
                    values = dict(zip(columns, attrs, strict=True))
                    classroom = values.get("classroom_id")
                    versions.append(
                        Version(
                            table=name,
                            xmin=xmin,
                            xmax=xmax,
                            classroom_id=(
                                int.from_bytes(bytes(classroom), "little") if classroom else None
                            ),
                            readable=name != "sealed" or _readable_blob(values["sealed"]),
                        )
                    )
        cursor.execute(f"SELECT user_id, xmin::text::bigint FROM {TABLES['participation']}")  # noqa: S608
        participations = dict(cursor.fetchall())
    return Pages(versions=versions, participations=participations)


def pg_dump() -> str:
    """A plain data dump of the vote's tables, as a backup would hold them."""
    settings = connection.settings_dict
    command = ["pg_dump", "--data-only", "--no-owner", "-d", settings["NAME"]]
    command += ["-h", settings["HOST"] or "127.0.0.1", "-p", str(settings["PORT"] or 5432)]
    command += ["-U", settings["USER"] or "postgres"]
    for table in TABLES.values():
        command += ["-t", table]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout  # noqa: S603


def dump_rows(dump: str, name: str) -> list[dict]:
    """The rows of one table, in the order of the dump."""
    match = re.search(
        rf"^COPY public\.{TABLES[name]} \(([^)]*)\) FROM stdin;\n(.*?)^\\\.$", dump, re.M | re.S
    )
    assert match, f"{TABLES[name]} missing from the dump"
    columns = [column.strip().strip('"') for column in match.group(1).split(",")]
    return [
        dict(zip(columns, line.split("\t"), strict=True))
        for line in match.group(2).splitlines()
        if line
    ]


# --- The attacks: each gives, per pupil, the fewest ballots it ties them to --------------------


def linkage_by_transactions(pages: Pages, class_of: dict[int, int]) -> dict[int, int]:
    """A pupil's vote runs in transaction P (the participation's xmin). Any readable row version
    written or removed by P, or by a transaction X that removed a row version P wrote (the
    mixing that consumed P's sealed ballot), ties the pupil to the readable ballots that X
    wrote for the pupil's class: that many candidates. P itself writing a readable ballot or a
    counter is a link to one ballot."""
    written = Counter()  # (xid, classroom) → readable ballots it wrote
    for version in pages.versions:
        if version.readable and version.table in ("urn", "sealed"):
            written[version.xmin, version.classroom_id] += 1
    touched_by = defaultdict(set)  # xid → xids that removed a version it wrote
    for version in pages.versions:
        if version.xmax:
            touched_by[version.xmin].add(version.xmax)
    counters_written = {version.xmin for version in pages.versions if version.table == "tally"}
    groups = {}
    for user_id, own in pages.participations.items():
        classroom = class_of[user_id]
        candidates = [written[xid, classroom] for xid in {own, *touched_by[own]}]
        if own in counters_written:
            candidates.append(1)
        found = [count for count in candidates if count]
        groups[user_id] = min(found, default=len(pages.participations))
    return groups


def linkage_by_heap_order(rows: list[tuple[int, int]]) -> int:
    """rows: (xmin, classroom) of the urn's live rows in heap order (ctid). Order ties a ballot
    to the rows a transaction wrote for one class side by side: the shortest such run."""
    runs = [len(list(run)) for _key, run in itertools.groupby(rows)]
    return min(runs, default=K)


def linkage_by_dumps(dumps: list[str]) -> int:
    """Dumps side by side: the ballots that appeared in the urn of a class between two of them
    come from the pupils of that class who voted meanwhile or were still waiting, no telling
    which: the smallest such arrival, in ballots. And no sealed ballot reads in clear."""
    smallest = None
    previous: set[str] = set()
    for dump in dumps:
        for row in dump_rows(dump, "sealed"):
            assert not _readable_blob(bytes.fromhex(row["sealed"].removeprefix("\\\\x"))), (
                "a sealed ballot in clear"
            )
        urn = dump_rows(dump, "urn")
        arrived = Counter(row["classroom_id"] for row in urn if row["id"] not in previous)
        for count in arrived.values():
            smallest = count if smallest is None else min(smallest, count)
        previous = {row["id"] for row in urn}
    return K if smallest is None else smallest


def counters_by_dumps(dumps: list[str]) -> int:
    """The counters of a class between two dumps: how many ballots the smallest move counted
    (a ranked count adds one to the first choice of each ballot)."""
    smallest = None
    previous: dict[tuple[str, str], int] = {}
    for dump in dumps:
        current = {
            (row["classroom_id"], row["key"]): int(row["count"]) for row in dump_rows(dump, "tally")
        }
        moved = Counter()
        for (classroom, key), count in current.items():
            moved[classroom] += count - previous.get((classroom, key), 0)
        for step in moved.values():
            if step:
                smallest = step if smallest is None else min(smallest, step)
        previous = current
    return K if smallest is None else smallest


# --- The scenario -----------------------------------------------------------------------------


@contextmanager
def _autovacuum_off():
    """The attacker's best case: no dead row version vacuumed before it is read."""
    with connection.cursor() as cursor:
        for table in TABLES.values():
            cursor.execute(f"ALTER TABLE {table} SET (autovacuum_enabled = false)")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for table in TABLES.values():
                cursor.execute(f"ALTER TABLE {table} RESET (autovacuum_enabled)")


def _storm(*, mix_every: int, snapshots_at: tuple[int, ...]) -> Storm:
    """The classes vote in a random order; beat mixes every `mix_every` votes; one pupil votes
    through the form, one through the API. Dumps and page reads at the given vote counts."""
    teacher = teacher_create(school=school_create(name="Lycée français de Vienne", country="AT"))
    classrooms = {name: classroom_create(teacher=teacher, name=name) for name in CLASS_SIZES}
    consultation = consultation_create(
        owner=teacher,
        classrooms=list(classrooms.values()),
        method=VotingMethod.RANKED,
        options=OPTIONS,
    )
    voters = [
        (user, classrooms[name].pk)
        for name, size in CLASS_SIZES.items()
        for user in pupils_create(classroom=classrooms[name], count=size, prefix=name)
    ]
    rng = random.Random(1958)
    rng.shuffle(voters)
    rankings = rng.sample(list(itertools.permutations(KEYS)), len(voters))
    storm = Storm(consultation=consultation, truth={}, class_of={})
    for n, ((user, classroom_id), ranking) in enumerate(zip(voters, rankings, strict=True)):
        storm.truth[user.pk] = ranking
        storm.class_of[user.pk] = classroom_id
        if n == 1:
            form = {f"rank_{key}": str(rank) for rank, key in enumerate(ranking, start=1)}
            response = page_client_for(user).post(
                page_url("consultation_vote", consultation), {**form, "confirm": "1"}
            )
            assert response.status_code == 302, response
        elif n == 2:
            response = client_for(user).post(
                f"/api/consultations/{consultation.pk}/ballot/",
                {"content": {"ranking": list(ranking)}},
                format="json",
            )
            assert response.status_code == 201, response.content
        else:
            services.ballot_check_and_cast(
                user=user, consultation_id=consultation.pk, content={"ranking": list(ranking)}
            )
        if (n + 1) % mix_every == 0:
            services.ballots_mix_pending()
        if n + 1 in snapshots_at:
            storm.dumps.append(pg_dump())
            storm.pages.append(pages_read())
    return storm


def _urn_heap_order() -> list[tuple[int, int]]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT xmin::text::bigint, classroom_id FROM {TABLES['urn']} ORDER BY ctid"  # noqa: S608
        )
        return cursor.fetchall()


def pages_dead(pages: Pages) -> int:
    return sum(1 for version in pages.versions if version.xmax)


VOTERS = sum(CLASS_SIZES.values())


@override_settings(HEMICYCLE_BALLOT_MIX_INLINE=False, HEMICYCLE_BALLOT_BATCH=K)
def test_no_attack_on_the_database_ties_a_pupil_to_fewer_than_k_ballots(monkeypatch):
    vacuums = []
    monkeypatch.setattr(services, "_urn_vacuum_soon", lambda: vacuums.append(True))
    with _autovacuum_off():
        storm = _storm(mix_every=4, snapshots_at=(9, 21, 30, VOTERS))
        consultation = storm.consultation
        assert selectors.consultation_invariant(consultation=consultation) == (VOTERS,) * 3
        # While the vote is open: the dumps, the row versions, the heap order.
        for pages in storm.pages:
            groups = linkage_by_transactions(pages, storm.class_of)
            assert min(groups.values()) >= K, sorted(groups.values())
        assert Ballot.objects.filter(consultation=consultation).exists(), "nothing was mixed"
        assert linkage_by_heap_order(_urn_heap_order()) >= K
        assert linkage_by_dumps(storm.dumps) >= K
        assert counters_by_dumps(storm.dumps) >= K

        services.consultation_close(consultation=consultation, by=consultation.owner)
        # Closed, before the vacuum: every row version ever written is still in the pages.
        closing = pages_read()
        assert pages_dead(closing) > 0
        groups = linkage_by_transactions(closing, storm.class_of)
        assert min(groups.values()) >= K, sorted(groups.values())
        closed_dump = pg_dump()
        assert linkage_by_dumps([*storm.dumps, closed_dump]) >= K
        assert counters_by_dumps([*storm.dumps, closed_dump]) >= K
        assert len({xmin for xmin, _class in _urn_heap_order()}) == 1, "the urn rewritten whole"

        assert vacuums == [True]
        assert services.urn_vacuum()
        assert pages_dead(pages_read()) == 0, "dead row versions left after the vacuum"
    # Class C (3 voters) stays sealed, counted as a whole with the others.
    assert selectors.consultation_invariant(consultation=consultation) == (VOTERS,) * 3
    assert not Ballot.objects.filter(classroom_id=storm.class_of[_pupil_of(storm, "C")]).exists()
    stored = Counter(
        tuple(content["ranking"])
        for content in Ballot.objects.filter(consultation=consultation).values_list(
            "content", flat=True
        )
    )
    mixed = {user for user, classroom in storm.class_of.items() if classroom in _mixed(storm)}
    assert stored == Counter(storm.truth[user] for user in mixed)


def _pupil_of(storm: Storm, name: str) -> int:
    classroom = storm.consultation.classrooms.get(name=name)
    return next(user for user, pk in storm.class_of.items() if pk == classroom.pk)


def _mixed(storm: Storm) -> set[int]:
    return set(storm.consultation.classrooms.values_list("pk", flat=True)) - {
        storm.class_of[_pupil_of(storm, "C")]
    }


@override_settings(HEMICYCLE_BALLOT_MIX_INLINE=False, HEMICYCLE_BALLOT_BATCH=1)
def test_the_attacks_find_the_links_when_batches_are_of_one(monkeypatch):
    """A mixing that moves ballots one at a time: the transaction and dump attacks must then
    tie pupils to single ballots, or they could not catch a broken mixing."""
    monkeypatch.setattr(services, "_urn_vacuum_soon", lambda: None)
    with _autovacuum_off():
        storm = _storm(mix_every=1, snapshots_at=(6, 7, 8, 9, 10))
        groups = linkage_by_transactions(storm.pages[-1], storm.class_of)
        assert min(groups.values()) < K
        assert Counter(groups.values())[1] >= 3
        assert linkage_by_heap_order(_urn_heap_order()) < K
        assert linkage_by_dumps(storm.dumps) < K
        assert counters_by_dumps(storm.dumps) < K


@override_settings(HEMICYCLE_BALLOT_MIX_INLINE=False, HEMICYCLE_BALLOT_BATCH=K)
def test_the_attacks_find_the_links_when_ballots_are_not_sealed(monkeypatch):
    """A ballot stored in clear beside its participation (the write path before the sealing):
    the page attack and the dump check must see it."""

    def in_clear(content, *, consultation_id, classroom_id):
        return sealing.VERSION + b"\0" * sealing.KEY_ID_BYTES + json.dumps(content).encode()

    def opened(sealed, *, consultation_id, classroom_id):
        return json.loads(bytes(sealed)[1 + sealing.KEY_ID_BYTES :])

    monkeypatch.setattr(sealing, "ballot_seal", in_clear)
    monkeypatch.setattr(sealing, "ballot_unseal", opened)
    with _autovacuum_off():
        storm = _storm(mix_every=100, snapshots_at=(6,))
        groups = linkage_by_transactions(storm.pages[-1], storm.class_of)
        assert Counter(groups.values())[1] == 6
        with pytest.raises(AssertionError, match="a sealed ballot in clear"):
            linkage_by_dumps(storm.dumps)


# --- The logs ---------------------------------------------------------------------------------


def test_no_statement_or_log_record_carries_a_pupil_beside_their_choice(caplog):
    """Every statement the database receives while a pupil votes through the form, then through
    the API, then tries again (as log_statement = 'all' would write it, parameters included),
    and every log record the application writes: none has the pupil's identity beside the
    choice; the refused second vote raises no error in PostgreSQL (whose log would keep the
    statement, with the pupil's id, and the time)."""
    teacher = teacher_create(school=school_create(name="Lycée français de Bruxelles", country="BE"))
    classroom = classroom_create(teacher=teacher, name="1re B")
    consultation = consultation_create(
        owner=teacher, classrooms=[classroom], method=VotingMethod.RANKED, options=OPTIONS
    )
    first, second = pupils_create(classroom=classroom, count=2, prefix="Journal")
    statements = []

    def record(execute, sql, params, many, context):
        entry = {"sql": sql, "params": repr(params), "error": None}
        statements.append(entry)
        try:
            return execute(sql, params, many, context)
        except Exception as error:
            entry["error"] = repr(error)
            raise

    ranking = ["candidat-F", "candidat-B", "candidat-D"]
    caplog.set_level("DEBUG")
    with connection.execute_wrapper(record):
        form = {f"rank_{key}": str(rank) for rank, key in enumerate(ranking, start=1)}
        voted = page_client_for(first).post(
            page_url("consultation_vote", consultation), {**form, "confirm": "1"}
        )
        assert voted.status_code == 302
        api = client_for(second)
        url = f"/api/consultations/{consultation.pk}/ballot/"
        assert api.post(url, {"content": {"ranking": ranking}}, format="json").status_code == 201
        again = api.post(url, {"content": {"ranking": ranking[::-1]}}, format="json")
        assert again.status_code == 409
    assert Participation.objects.filter(consultation=consultation).count() == 2

    assert not [entry for entry in statements if entry["error"]]
    # Sealed from the form to the database: not one statement carries the choice.
    choice = re.compile("|".join(re.escape(key) for key in ranking))
    assert not [entry for entry in statements if choice.search(entry["sql"] + entry["params"])]
    for user in (first, second):
        identity = re.compile(f"{re.escape(user.username)}|{re.escape(user.pupil.pseudonym)}")
        for log in caplog.records:
            message = log.getMessage()
            assert not identity.search(message), message
            assert not choice.search(message), message
