"""Casting a ballot: a valid vote stores exactly one participation and one sealed ballot, which
the close (or the mixing) counts; every refusal names its reason and stores nothing at all."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from classroom_votes import components
from classroom_votes.consultations import services
from classroom_votes.consultations.sealing import ballot_unseal
from classroom_votes.consultations.selectors import consultation_invariant
from classroom_votes.models import (
    Ballot,
    Consultation,
    ConsultationStatus,
    Participation,
    Phase,
    SealedBallot,
    Tally,
)
from classroom_votes.tallies import (
    BALLOT_BLANK_NOT_ALLOWED,
    BALLOT_DUPLICATE_OPTION,
    BALLOT_DUPLICATE_RANK,
    BALLOT_INCOMPLETE_GRADES,
    BALLOT_MALFORMED,
    BALLOT_UNKNOWN_GRADE,
    BALLOT_UNKNOWN_OPTION,
    BALLOT_WRONG_METHOD,
    VotingMethod,
)
from school.services import classroom_archive
from tests.school.factories import (
    admin_create,
    classroom_create,
    editor_create,
    pupil_create,
    teacher_create,
    user_create,
)

from ..factories import VALID_BALLOTS, consultation_create, rows_count

pytestmark = pytest.mark.django_db


@pytest.fixture
def teacher():
    return teacher_create()


@pytest.fixture
def classroom(teacher):
    return classroom_create(teacher=teacher, name="2nde 3")


@pytest.fixture
def pupil(classroom):
    return pupil_create(classroom=classroom, pseudonym="Colibri-Rouge-12").user


def _counters(consultation: Consultation) -> dict[str, int]:
    return dict(
        Tally.objects.filter(consultation=consultation, count__gt=0).values_list("key", "count")
    )


@pytest.fixture
def batch_of_one(settings):
    """Mix ballots one by one: what these tests count is the counting, not the secrecy (see
    test_secrecy and tests/integration/test_secret_ballot_attacks)."""
    settings.HEMICYCLE_BALLOT_BATCH = 1


def _counted_at_close(consultation: Consultation) -> dict[str, int]:
    services.consultation_close(consultation=consultation, by=consultation.owner)
    return _counters(consultation)


def _sealed_content(consultation: Consultation) -> dict:
    row = SealedBallot.objects.get(consultation=consultation)
    return ballot_unseal(row.sealed, consultation_id=consultation.pk, classroom_id=row.classroom_id)


def _refused(*, user, consultation_id, content, code: str) -> None:
    """The vote raises BallotError(code) and leaves every table as it was."""
    before = rows_count()
    with pytest.raises(services.BallotError) as caught:
        services.ballot_check_and_cast(user=user, consultation_id=consultation_id, content=content)
    assert caught.value.code == code
    assert caught.value.message  # French, for the pupil
    assert rows_count() == before


# --- Valid votes ------------------------------------------------------------------------------


@pytest.mark.parametrize("method", list(VotingMethod))
def test_ballot_cast_stores_participation_and_sealed_ballot_counted_at_close(
    method, classroom, pupil, batch_of_one
):
    consultation = consultation_create(classrooms=[classroom], method=method)
    content, counters = VALID_BALLOTS[method]

    receipt = services.ballot_check_and_cast(
        user=pupil, consultation_id=consultation.pk, content=content
    )

    assert receipt == services.Receipt(
        consultation_id=consultation.pk, voted_on=timezone.localdate()
    )
    participation = Participation.objects.get()
    assert (participation.user, participation.classroom) == (pupil, classroom)
    assert participation.voted_on == timezone.localdate()
    normalised = services.tallies.ballot_validate(
        method=method, options=consultation.option_keys(), content=content
    )
    # Sealed, not yet in the urn nor in the counters.
    assert _sealed_content(consultation) == normalised
    assert not Ballot.objects.exists() and _counters(consultation) == {}
    assert consultation_invariant(consultation=consultation) == (1, 1, 1)
    assert _counted_at_close(consultation) == counters
    ballot = Ballot.objects.get()
    assert (ballot.classroom, ballot.content) == (classroom, normalised)
    assert not SealedBallot.objects.exists()
    assert consultation_invariant(consultation=consultation) == (1, 1, 1)


def test_ballot_content_is_stored_normalised(classroom, pupil):
    consultation = consultation_create(classrooms=[classroom], method=VotingMethod.APPROVAL)
    services.ballot_check_and_cast(
        user=pupil, consultation_id=consultation.pk, content={"approved": ["chloe", "alice"]}
    )
    # In option order, whatever order the form sent.
    assert _sealed_content(consultation) == {"approved": ["alice", "chloe"]}


@pytest.mark.parametrize(
    ("method", "content", "counters"),
    [
        (VotingMethod.YES_NO, {"choice": "blanc"}, {"blanc": 1}),
        (VotingMethod.SINGLE, {"choice": "blanc"}, {"blanc": 1}),
        (VotingMethod.APPROVAL, {"approved": []}, {"ballots": 1, "blanc": 1}),
        (VotingMethod.RANKED, {"ranking": []}, {"blanc": 1}),
    ],
)
def test_ballot_cast_accepts_blank_vote(method, content, counters, classroom, pupil, batch_of_one):
    consultation = consultation_create(classrooms=[classroom], method=method)
    services.ballot_check_and_cast(user=pupil, consultation_id=consultation.pk, content=content)
    assert _counted_at_close(consultation) == counters


def test_ballot_cast_counts_each_class_apart(teacher, classroom, pupil, batch_of_one):
    other = classroom_create(teacher=teacher, name="2nde 5")
    consultation = consultation_create(classrooms=[classroom, other])
    other_pupil = pupil_create(classroom=other).user
    services.ballot_check_and_cast(
        user=pupil, consultation_id=consultation.pk, content={"choice": "pour"}
    )
    services.ballot_check_and_cast(
        user=other_pupil, consultation_id=consultation.pk, content={"choice": "pour"}
    )
    assert SealedBallot.objects.filter(classroom=other).count() == 1
    _counted_at_close(consultation)
    per_class = dict(Tally.objects.filter(key="pour").values_list("classroom_id", "count"))
    assert per_class == {classroom.pk: 1, other.pk: 1}
    assert Ballot.objects.filter(classroom=other).count() == 1


def test_ballot_cast_accepts_string_id_from_a_url(classroom, pupil):
    consultation = consultation_create(classrooms=[classroom])
    services.ballot_check_and_cast(
        user=pupil, consultation_id=str(consultation.pk), content={"choice": "contre"}
    )
    assert _sealed_content(consultation) == {"choice": "contre"}


# On PostgreSQL the write is one statement (here between a savepoint and its release, the test
# running in a transaction); elsewhere a transaction of two: the participation, then the sealed
# ballot with the status read again. No counter: whatever the method, the same write.
_WRITE = 3 if connection.vendor == "postgresql" else 4


@pytest.mark.parametrize(
    ("method", "content", "queries"),
    [
        (VotingMethod.YES_NO, {"choice": "pour"}, 1 + _WRITE),
        (VotingMethod.SINGLE, {"choice": "alice"}, 2 + _WRITE),  # + its options
        (VotingMethod.APPROVAL, {"approved": ["alice", "bruno"]}, 2 + _WRITE),
    ],
)
def test_ballot_check_and_cast_query_count(
    method, content, queries, classroom, pupil, django_assert_num_queries
):
    consultation = consultation_create(classrooms=[classroom], method=method)
    # One query checks everything (a second reads the options), then the write.
    with django_assert_num_queries(queries):
        services.ballot_check_and_cast(user=pupil, consultation_id=consultation.pk, content=content)


@pytest.mark.parametrize(
    ("engine", "queries"),
    [
        ("django.contrib.sessions.backends.db", 3 + _WRITE),
        # As in production: the session comes from the cache (Redis), not the database.
        ("django.contrib.sessions.backends.cached_db", 2 + _WRITE),
    ],
)
def test_ballot_cast_over_http_query_count(
    classroom, pupil, django_assert_num_queries, settings, engine, queries
):
    """Through the API: the session, the user, then the cast's own queries; the view looks
    nothing up before the service."""
    settings.SESSION_ENGINE = engine
    consultation = consultation_create(classrooms=[classroom])
    client = APIClient()
    client.force_login(pupil)
    with django_assert_num_queries(queries):
        response = client.post(
            f"/api/consultations/{consultation.pk}/ballot/",
            {"content": {"choice": "pour"}},
            format="json",
        )
    assert response.status_code == 201
    assert consultation_invariant(consultation=consultation) == (1, 1, 1)


@pytest.mark.parametrize(
    ("status", "opens_in", "closes_in"),
    [
        (ConsultationStatus.DRAFT, None, None),
        (ConsultationStatus.DRAFT, -60, 60),
        (ConsultationStatus.CLOSED, None, None),
        (ConsultationStatus.CLOSED, -60, 60),
        (ConsultationStatus.OPEN, None, None),
        (ConsultationStatus.OPEN, -60, 60),
        (ConsultationStatus.OPEN, 60, None),
        (ConsultationStatus.OPEN, 0, None),  # opening now: open
        (ConsultationStatus.OPEN, None, -60),
        (ConsultationStatus.OPEN, None, 0),  # closing now: over
        (ConsultationStatus.OPEN, -120, -60),
    ],
)
def test_phase_in_sql_is_the_model_phase(status, opens_in, closes_in, classroom):
    """The SQL the cast uses to read the phase gives Consultation.phase, edges included."""
    now = timezone.now().replace(microsecond=123456)
    consultation = consultation_create(classrooms=[classroom], status=status)
    Consultation.objects.filter(pk=consultation.pk).update(
        opens_at=None if opens_in is None else now + timedelta(seconds=opens_in),
        closes_at=None if closes_in is None else now + timedelta(seconds=closes_in),
    )
    consultation.refresh_from_db()
    at = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        cursor.execute(services._PHASE_READ_SQL, [at, at, consultation.pk])
        [(phase,)] = cursor.fetchall()
    assert Phase(phase) == consultation.phase(now=now)


# --- Refusals: nothing stored -----------------------------------------------------------------


def test_ballot_cast_rejects_double_vote(classroom, pupil):
    consultation = consultation_create(classrooms=[classroom])
    services.ballot_check_and_cast(
        user=pupil, consultation_id=consultation.pk, content={"choice": "pour"}
    )
    _refused(
        user=pupil,
        consultation_id=consultation.pk,
        content={"choice": "contre"},
        code=services.BALLOT_ALREADY_CAST,
    )
    assert _sealed_content(consultation) == {"choice": "pour"}


def test_ballot_cast_double_vote_caught_by_the_database(classroom, pupil):
    """Past the check (as when two requests race): the unique constraint refuses the second
    participation and the transaction stores nothing else."""
    consultation = consultation_create(classrooms=[classroom])
    content = {"choice": "pour"}
    services.ballot_cast(
        user=pupil, classroom_id=classroom.pk, consultation=consultation, content=content
    )
    before = rows_count()
    with pytest.raises(services.BallotError) as caught:
        services.ballot_cast(
            user=pupil, classroom_id=classroom.pk, consultation=consultation, content=content
        )
    assert caught.value.code == services.BALLOT_ALREADY_CAST
    assert rows_count() == before


def test_ballot_cast_rejects_closed_consultation(classroom, pupil):
    consultation = consultation_create(classrooms=[classroom], status=ConsultationStatus.CLOSED)
    _refused(
        user=pupil,
        consultation_id=consultation.pk,
        content={"choice": "pour"},
        code=services.CONSULTATION_CLOSED,
    )


def test_ballot_cast_rejects_consultation_past_its_closing_time(classroom, pupil):
    """The schedule task has not closed it yet: the closing time alone refuses the vote."""
    consultation = consultation_create(classrooms=[classroom])
    past = timezone.now() - timedelta(minutes=1)
    Consultation.objects.filter(pk=consultation.pk).update(
        opens_at=past - timedelta(hours=1), closes_at=past
    )
    _refused(
        user=pupil,
        consultation_id=consultation.pk,
        content={"choice": "pour"},
        code=services.CONSULTATION_CLOSED,
    )


def test_ballot_cast_rejects_draft(classroom, pupil):
    consultation = consultation_create(classrooms=[classroom], status=ConsultationStatus.DRAFT)
    _refused(
        user=pupil,
        consultation_id=consultation.pk,
        content={"choice": "pour"},
        code=services.CONSULTATION_NOT_OPEN,
    )


def test_ballot_cast_rejects_open_consultation_before_its_opening_time(classroom, pupil):
    consultation = consultation_create(classrooms=[classroom])
    Consultation.objects.filter(pk=consultation.pk).update(
        opens_at=timezone.now() + timedelta(hours=1)
    )
    _refused(
        user=pupil,
        consultation_id=consultation.pk,
        content={"choice": "pour"},
        code=services.CONSULTATION_NOT_OPEN,
    )


def test_ballot_cast_rejects_other_class_consultation(classroom, pupil):
    other_consultation = consultation_create()  # another teacher's class
    _refused(
        user=pupil,
        consultation_id=other_consultation.pk,
        content={"choice": "pour"},
        code=services.CONSULTATION_NOT_IN_YOUR_CLASS,
    )


def test_ballot_cast_rejects_unknown_consultation(pupil):
    for consultation_id in (987654, "abc", None, True, 1.0, "1.0", -1, 2**70, "١"):
        _refused(
            user=pupil,
            consultation_id=consultation_id,
            content={"choice": "pour"},
            code=services.CONSULTATION_NOT_FOUND,
        )


def test_ballot_cast_rejects_archived_class(classroom, pupil):
    consultation = consultation_create(classrooms=[classroom])
    classroom_archive(classroom=classroom)
    _refused(
        user=pupil,
        consultation_id=consultation.pk,
        content={"choice": "pour"},
        code=components.CLASSROOM_ARCHIVED,
    )


@pytest.mark.parametrize(
    "make_user",
    [
        teacher_create,
        editor_create,
        admin_create,
    ],
    ids=["teacher", "editor", "admin"],
)
def test_ballot_cast_rejects_non_pupils(make_user, classroom):
    consultation = consultation_create(classrooms=[classroom])
    user = make_user()
    if user.role == "teacher":
        classroom.teachers.add(user)  # even one who teaches the class
    _refused(
        user=user,
        consultation_id=consultation.pk,
        content={"choice": "pour"},
        code=components.NOT_A_PUPIL,
    )


def test_ballot_cast_rejects_anonymous_and_profileless_users(classroom):
    consultation = consultation_create(classrooms=[classroom])
    for user in (AnonymousUser(), user_create(role="pupil")):
        _refused(
            user=user,
            consultation_id=consultation.pk,
            content={"choice": "pour"},
            code=components.NOT_A_PUPIL,
        )


@pytest.mark.parametrize(
    ("method", "content", "code"),
    [
        (VotingMethod.YES_NO, {"choice": "peut-etre"}, BALLOT_UNKNOWN_OPTION),
        (VotingMethod.YES_NO, {"choice": 1}, BALLOT_MALFORMED),
        (VotingMethod.YES_NO, {"choice": "pour", "extra": 1}, BALLOT_MALFORMED),
        (VotingMethod.YES_NO, ["pour"], BALLOT_MALFORMED),
        (VotingMethod.YES_NO, "pour", BALLOT_MALFORMED),
        (VotingMethod.YES_NO, None, BALLOT_MALFORMED),
        (VotingMethod.YES_NO, {"approved": ["pour"]}, BALLOT_WRONG_METHOD),
        (VotingMethod.SCALE5, {"choice": "blanc"}, BALLOT_BLANK_NOT_ALLOWED),
        (VotingMethod.SINGLE, {"choice": "zoe"}, BALLOT_UNKNOWN_OPTION),
        (VotingMethod.APPROVAL, {"approved": ["alice", "alice"]}, BALLOT_DUPLICATE_OPTION),
        (VotingMethod.APPROVAL, {"approved": "alice"}, BALLOT_MALFORMED),
        (VotingMethod.RANKED, {"ranking": ["bruno", "bruno"]}, BALLOT_DUPLICATE_RANK),
        (
            VotingMethod.MAJORITY_JUDGMENT,
            {"grades": {"alice": "bien", "bruno": "passable"}},
            BALLOT_INCOMPLETE_GRADES,
        ),
        (
            VotingMethod.MAJORITY_JUDGMENT,
            {"grades": {"alice": "bien", "bruno": "super", "chloe": "bien"}},
            BALLOT_UNKNOWN_GRADE,
        ),
        (VotingMethod.MAJORITY_JUDGMENT, {"grades": ["bien"]}, BALLOT_MALFORMED),
    ],
)
def test_ballot_cast_rejects_invalid_content(method, content, code, classroom, pupil):
    consultation = consultation_create(classrooms=[classroom], method=method)
    _refused(user=pupil, consultation_id=consultation.pk, content=content, code=code)
    # The pupil may still vote properly afterwards.
    services.ballot_check_and_cast(
        user=pupil, consultation_id=consultation.pk, content=VALID_BALLOTS[method][0]
    )


def test_ballot_cast_refused_when_the_consultation_closes_during_the_vote(classroom, pupil):
    """The write reads the status again, after taking its locks: a close committed between the
    check and the write refuses the ballot and stores nothing."""
    consultation = consultation_create(classrooms=[classroom])
    Consultation.objects.filter(pk=consultation.pk).update(
        status=ConsultationStatus.CLOSED, closed_at=timezone.now()
    )  # `consultation` still says open, as a check made just before would have seen it
    before = rows_count()
    with pytest.raises(services.BallotError) as caught:
        services.ballot_cast(
            user=pupil,
            classroom_id=classroom.pk,
            consultation=consultation,
            content={"choice": "pour"},
        )
    assert caught.value.code == services.CONSULTATION_CLOSED
    assert rows_count() == before


def test_a_missing_counter_row_stops_the_close_and_loses_nothing(classroom, pupil, batch_of_one):
    """Counters are created with the consultation; a missing one is a bug: the mixing refuses
    to count the batch, the close does not happen, and the ballot stays sealed, not lost."""
    consultation = consultation_create(classrooms=[classroom], method=VotingMethod.APPROVAL)
    Tally.objects.filter(consultation=consultation, key="chloe").delete()
    services.ballot_check_and_cast(
        user=pupil, consultation_id=consultation.pk, content={"approved": ["chloe"]}
    )
    before = rows_count()
    with pytest.raises(services.tallies.TallyInconsistent):
        services.consultation_close(consultation=consultation, by=consultation.owner)
    assert rows_count() == before
    assert Consultation.objects.get(pk=consultation.pk).status == ConsultationStatus.OPEN
    assert _sealed_content(consultation) == {"approved": ["chloe"]}


def test_ballot_cast_refused_when_the_closing_time_passes_during_the_vote(classroom, pupil):
    """The dates are read again with the status: a closing time reached between the check and
    the write refuses the ballot and stores nothing."""
    consultation = consultation_create(classrooms=[classroom])
    Consultation.objects.filter(pk=consultation.pk).update(
        closes_at=timezone.now() - timedelta(seconds=1)
    )
    before = rows_count()
    with pytest.raises(services.BallotError) as caught:
        services.ballot_cast(
            user=pupil,
            classroom_id=classroom.pk,
            consultation=consultation,
            content={"choice": "pour"},
        )
    assert caught.value.code == services.CONSULTATION_CLOSED
    assert rows_count() == before


def test_ballot_cast_stores_no_link_between_voter_and_ballot(classroom, pupil):
    """What the SQL writes: a random id for each row, the day only, nothing of the pupil on the
    sealed ballot and nothing readable in it."""
    consultation = consultation_create(classrooms=[classroom], method=VotingMethod.APPROVAL)
    services.ballot_check_and_cast(
        user=pupil, consultation_id=consultation.pk, content={"approved": ["bruno"]}
    )
    participation, sealed = Participation.objects.get(), SealedBallot.objects.get()
    assert participation.pk.version == sealed.pk.version == 4
    assert participation.pk != sealed.pk
    assert participation.voted_on == timezone.localdate()
    for model, content in ((SealedBallot, "sealed"), (Ballot, "content")):
        assert {field.name for field in model._meta.concrete_fields} == {
            "id",
            "consultation",
            "classroom",
            content,
        }
    assert b"bruno" not in bytes(sealed.sealed) and b"approved" not in bytes(sealed.sealed)
    assert _sealed_content(consultation) == {"approved": ["bruno"]}


# --- Over HTTP: the view leaves the checks to the service -------------------------------------


@pytest.mark.parametrize(
    ("case", "body", "status", "code"),
    [
        # A consultation the pupil may not see is 404 whatever else is wrong.
        ("other_class", {"content": {"choice": "pour"}}, 404, services.CONSULTATION_NOT_FOUND),
        ("other_class", {"content": "pour"}, 404, services.CONSULTATION_NOT_FOUND),
        ("draft", {"content": {"choice": "pour"}}, 404, services.CONSULTATION_NOT_FOUND),
        ("missing", {"content": {"choice": "pour"}}, 404, services.CONSULTATION_NOT_FOUND),
        # One the pupil sees: a malformed body first, then the state.
        ("closed", {"content": "pour"}, 400, BALLOT_MALFORMED),
        ("closed", {"content": {"choice": "pour"}}, 409, services.CONSULTATION_CLOSED),
        ("archived", {"content": {"choice": "pour"}}, 409, components.CLASSROOM_ARCHIVED),
        ("open", {"content": {"choice": "peut-etre"}}, 400, BALLOT_UNKNOWN_OPTION),
    ],
)
def test_refused_cast_over_http_answers_as_before(case, body, status, code, teacher, pupil):
    classroom = pupil.pupil.classroom
    consultation = {
        "other_class": lambda: consultation_create(),
        "draft": lambda: consultation_create(
            classrooms=[classroom], status=ConsultationStatus.DRAFT
        ),
        "missing": lambda: Consultation(pk=987654),
        "closed": lambda: consultation_create(
            classrooms=[classroom], status=ConsultationStatus.CLOSED
        ),
        "archived": lambda: consultation_create(classrooms=[classroom]),
        "open": lambda: consultation_create(classrooms=[classroom]),
    }[case]()
    if case == "archived":
        classroom_archive(classroom=classroom)
    client = APIClient()
    client.force_login(pupil)
    before = rows_count()
    response = client.post(f"/api/consultations/{consultation.pk}/ballot/", body, format="json")
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert rows_count() == before


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b'{"content": "pour"}', "application/json"),
        (b'{"content": null}', "application/json"),
        (b'{"content": ["pour"]}', "application/json"),
        (b'{"contenu": {"choice": "pour"}}', "application/json"),
        (b'[{"content": {"choice": "pour"}}]', "application/json"),
        (b'"content"', "application/json"),
        (b'{"content": {"choice": "pour"}', "application/json"),
        (b"content=pour", "application/x-www-form-urlencoded"),
        (b'{"content": {"choice": "pour"}}', "text/plain"),
    ],
)
def test_cast_over_http_body_not_a_ballot_is_malformed(body, content_type, classroom, pupil):
    """The view reads a JSON object's `content` object directly; every other body is judged by
    the input serializer as before, and answers 400 ballot_malformed without quoting it."""
    consultation = consultation_create(classrooms=[classroom])
    client = APIClient()
    client.force_login(pupil)
    response = client.post(
        f"/api/consultations/{consultation.pk}/ballot/", body, content_type=content_type
    )
    assert (response.status_code, response.json()["code"]) == (400, BALLOT_MALFORMED)
    assert b"pour" not in response.content
    assert rows_count() == (0, 0, 0)


def test_cast_over_http_receipt_is_the_documented_one(classroom, pupil):
    """The receipt, built without a serializer, is what ReceiptSerializer (the schema's) gives:
    the consultation and the day, nothing else; never stored by a browser."""
    from classroom_votes.consultations.api.serializers import ReceiptSerializer

    consultation = consultation_create(classrooms=[classroom])
    client = APIClient()
    client.force_login(pupil)
    response = client.post(
        f"/api/consultations/{consultation.pk}/ballot/",
        {"content": {"choice": "pour"}},
        format="json",
    )
    assert response.status_code == 201
    receipt = services.Receipt(consultation_id=consultation.pk, voted_on=timezone.localdate())
    assert response.json() == dict(ReceiptSerializer(receipt).data)
    assert response.json() == {
        "consultation": consultation.pk,
        "voted_on": timezone.localdate().isoformat(),
    }
    assert "no-store" in response["Cache-Control"]
