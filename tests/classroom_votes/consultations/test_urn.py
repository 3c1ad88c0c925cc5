"""The urn's way in: a vote is stored sealed (consultations.sealing), and the mixing moves
ballots into the urn and the counters by batches of at least k of one class, keeping k waiting
while the vote is open, so that the close never mixes fewer; a class with fewer than k ballots
stays sealed, counted in memory. The invariant holds at every step."""

import base64
import os

import pytest
from django.db import DatabaseError, IntegrityError, transaction
from kombu.exceptions import OperationalError as BrokerUnreachable

from classroom_votes.consultations import selectors, services
from classroom_votes.consultations.sealing import SealBroken, ballot_seal, ballot_unseal
from classroom_votes.models import (
    Ballot,
    Consultation,
    ConsultationStatus,
    ResultsVisibility,
    SealedBallot,
    Tally,
)
from tests.school.factories import classroom_create, teacher_create

from ..factories import ballots_cast, consultation_create, pupils_create, stored_contents

pytestmark = pytest.mark.django_db

K = 5  # settings.HEMICYCLE_BALLOT_BATCH, the default


def _key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def _counted(consultation) -> int:
    return sum(
        Tally.objects.filter(
            consultation=consultation, key__in=["pour", "contre", "blanc"]
        ).values_list("count", flat=True)
    )


def _state(consultation) -> tuple[int, int, int]:
    """(sealed, in the urn, counted by the counters)."""
    return (
        SealedBallot.objects.filter(consultation=consultation).count(),
        Ballot.objects.filter(consultation=consultation).count(),
        _counted(consultation),
    )


def _vote(consultation, classroom, count: int, choice: str = "pour", prefix: str = "E"):
    voters = pupils_create(classroom=classroom, count=count, prefix=prefix)
    ballots_cast(consultation=consultation, voters=voters, contents=[{"choice": choice}] * count)


def _sound(consultation) -> None:
    participations, ballots, counted = selectors.consultation_invariant(
        consultation=Consultation.objects.get(pk=consultation.pk)
    )
    assert participations == ballots == counted


# --- Sealing ----------------------------------------------------------------------------------


def test_a_sealed_ballot_opens_for_its_consultation_and_class_only(settings):
    settings.HEMICYCLE_BALLOT_SEAL_KEYS = [_key()]
    sealed = ballot_seal({"choice": "pour"}, consultation_id=3, classroom_id=7)
    assert b"pour" not in sealed and b"choice" not in sealed
    assert ballot_unseal(sealed, consultation_id=3, classroom_id=7) == {"choice": "pour"}
    for consultation_id, classroom_id in ((4, 7), (3, 8)):
        with pytest.raises(SealBroken):
            ballot_unseal(sealed, consultation_id=consultation_id, classroom_id=classroom_id)
    tampered = bytearray(sealed)
    tampered[-1] ^= 1
    with pytest.raises(SealBroken):
        ballot_unseal(bytes(tampered), consultation_id=3, classroom_id=7)
    # Twice the same vote: two different seals (a random nonce), nothing to compare.
    assert sealed != ballot_seal({"choice": "pour"}, consultation_id=3, classroom_id=7)


def test_a_new_key_seals_and_the_old_one_still_opens(settings):
    old, new = _key(), _key()
    settings.HEMICYCLE_BALLOT_SEAL_KEYS = [old]
    waiting = ballot_seal({"choice": "contre"}, consultation_id=1, classroom_id=1)
    settings.HEMICYCLE_BALLOT_SEAL_KEYS = [new, old]
    assert ballot_unseal(waiting, consultation_id=1, classroom_id=1) == {"choice": "contre"}
    fresh = ballot_seal({"choice": "pour"}, consultation_id=1, classroom_id=1)
    settings.HEMICYCLE_BALLOT_SEAL_KEYS = [new]
    assert ballot_unseal(fresh, consultation_id=1, classroom_id=1) == {"choice": "pour"}
    with pytest.raises(SealBroken):  # the database alone, or another key, opens nothing
        ballot_unseal(waiting, consultation_id=1, classroom_id=1)


# --- Mixing while the vote is open --------------------------------------------------------------


def test_a_vote_moves_no_counter_and_puts_nothing_in_the_urn():
    consultation = consultation_create()
    _vote(consultation, consultation.classrooms.get(), 3)
    assert _state(consultation) == (3, 0, 0)
    _sound(consultation)


def test_the_mixing_waits_for_2k_then_mixes_all_but_k():
    consultation = consultation_create()
    classroom = consultation.classrooms.get()
    _vote(consultation, classroom, 2 * K - 1)
    assert services.ballots_mix(consultation_id=consultation.pk) == 0
    assert _state(consultation) == (2 * K - 1, 0, 0)
    _vote(consultation, classroom, 1, prefix="F")
    assert services.ballots_mix(consultation_id=consultation.pk) == K
    assert _state(consultation) == (K, K, K)
    _vote(consultation, classroom, K + 2, prefix="G")
    assert services.ballots_mix(consultation_id=consultation.pk) == K + 2
    assert _state(consultation) == (K, 2 * K + 2, 2 * K + 2)
    assert services.ballots_mix(consultation_id=consultation.pk) == 0, "idempotent"
    _sound(consultation)


def test_each_class_is_mixed_apart_and_on_its_own_count():
    teacher = teacher_create()
    big, small = classroom_create(teacher=teacher), classroom_create(teacher=teacher, name="1re")
    consultation = consultation_create(owner=teacher, classrooms=[big, small])
    _vote(consultation, big, 2 * K, choice="pour", prefix="A")
    _vote(consultation, small, 2 * K - 1, choice="contre", prefix="B")
    assert services.ballots_mix(consultation_id=consultation.pk) == K
    per_class = dict(
        Tally.objects.filter(consultation=consultation, key="pour").values_list(
            "classroom_id", "count"
        )
    )
    assert per_class == {big.pk: K, small.pk: 0}
    assert SealedBallot.objects.filter(classroom=small).count() == 2 * K - 1
    _sound(consultation)


def test_beat_mixes_the_open_consultations_that_are_due():
    due, not_due = consultation_create(), consultation_create()
    closed = consultation_create(status=ConsultationStatus.CLOSED)
    _vote(due, due.classrooms.get(), 2 * K, prefix="A")
    _vote(not_due, not_due.classrooms.get(), K, prefix="B")
    assert services.ballots_mix_pending() == [due.pk]
    assert _state(due) == (K, K, K) and _state(not_due) == (K, 0, 0)
    assert services.ballots_mix(consultation_id=closed.pk) == 0


def test_live_results_move_by_batches_of_k_or_more():
    """However the votes and the mixing interleave, two readings of the live results differ by
    zero or by k ballots or more."""
    consultation = consultation_create(results_visibility=ResultsVisibility.LIVE)
    classroom = consultation.classrooms.get()
    seen = [0]
    for step, count in enumerate([1, 3, 6, 1, 1, 4, 2, 9, 1]):
        _vote(consultation, classroom, count, prefix=f"S{step}")
        services.ballots_mix(consultation_id=consultation.pk)
        seen.append(selectors.consultation_results(consultation=consultation).ballots)
    moves = [after - before for before, after in zip(seen, seen[1:], strict=False)]
    assert all(move == 0 or move >= K for move in moves), moves
    assert seen[-1] > 0


def test_mixing_after_each_vote_without_a_worker(settings, django_capture_on_commit_callbacks):
    """A first run has no beat: the vote's commit mixes when a class has enough ballots."""
    settings.HEMICYCLE_BALLOT_MIX_INLINE = True
    consultation = consultation_create()
    classroom = consultation.classrooms.get()
    with django_capture_on_commit_callbacks(execute=True):
        _vote(consultation, classroom, 2 * K)
    assert _state(consultation) == (K, K, K)


# --- The close --------------------------------------------------------------------------------


def test_the_close_mixes_what_waits_and_keeps_a_small_class_sealed():
    teacher = teacher_create()
    big, small = classroom_create(teacher=teacher), classroom_create(teacher=teacher, name="1re")
    consultation = consultation_create(owner=teacher, classrooms=[big, small])
    _vote(consultation, big, 2 * K + 3, choice="pour", prefix="A")
    _vote(consultation, small, K - 1, choice="contre", prefix="B")
    services.ballots_mix(consultation_id=consultation.pk)
    kept_before = set(SealedBallot.objects.filter(classroom=small).values_list("id", flat=True))
    cast = sorted(map(str, stored_contents(consultation)))

    services.consultation_close(consultation=consultation, by=teacher)

    assert not SealedBallot.objects.filter(classroom=big).exists()
    assert Ballot.objects.filter(classroom=big).count() == 2 * K + 3
    # Fewer than k: never written in clear, not even at the close; sealed again, new ids.
    kept_after = set(SealedBallot.objects.filter(classroom=small).values_list("id", flat=True))
    assert len(kept_after) == K - 1 and not kept_after & kept_before
    assert not Ballot.objects.filter(classroom=small).exists()
    assert sorted(map(str, stored_contents(consultation))) == cast
    results = selectors.consultation_results(consultation=consultation)
    rows = {row.key: row.count for row in results.result.rows}
    assert (results.ballots, rows["pour"], rows["contre"]) == (3 * K + 2, 2 * K + 3, K - 1)
    _sound(consultation)


def test_the_close_waits_for_nothing_when_nothing_waits():
    consultation = consultation_create()
    services.consultation_close(consultation=consultation, by=consultation.owner)
    assert _state(consultation) == (0, 0, 0)
    _sound(consultation)


def test_a_mixing_that_fails_midway_loses_nothing(monkeypatch):
    """The urn written, then the counters fail (a worker killed, the database gone): the
    mixing's transaction rolls back whole, every ballot still waits sealed, and the next
    mixing moves them."""
    consultation = consultation_create()
    _vote(consultation, consultation.classrooms.get(), 2 * K + 1)
    broken = services._COUNTERS_INCREMENT_SQL.replace("classroom_votes_tally", "no_such_table")
    monkeypatch.setattr(services, "_COUNTERS_INCREMENT_SQL", broken)
    with pytest.raises(DatabaseError):
        services.ballots_mix(consultation_id=consultation.pk)
    assert _state(consultation) == (2 * K + 1, 0, 0)
    monkeypatch.undo()
    assert services.ballots_mix(consultation_id=consultation.pk) == K + 1
    assert _state(consultation) == (K, K + 1, K + 1)
    _sound(consultation)


def test_a_sealed_ballot_altered_in_the_database_stops_the_mixing_and_changes_nothing():
    """Tampering (or a lost key) is a fault to see, not a ballot to drop or count wrong."""
    consultation = consultation_create()
    _vote(consultation, consultation.classrooms.get(), 2 * K)
    original = dict(SealedBallot.objects.values_list("pk", "sealed"))
    for pk, sealed in original.items():  # each one: the mixing draws which to move
        altered = bytearray(sealed)
        altered[-1] ^= 1
        SealedBallot.objects.filter(pk=pk).update(sealed=bytes(altered))
    with pytest.raises(SealBroken):
        services.ballots_mix(consultation_id=consultation.pk)
    assert _state(consultation) == (2 * K, 0, 0)
    for pk, sealed in original.items():
        SealedBallot.objects.filter(pk=pk).update(sealed=sealed)
    assert services.ballots_mix(consultation_id=consultation.pk) == K
    _sound(consultation)


def test_a_close_stands_when_the_vacuum_cannot_be_queued(
    monkeypatch, django_capture_on_commit_callbacks, caplog
):
    """The broker out of reach after the close's commit: the close is done and says so; the
    vacuum is left to autovacuum, with a warning."""
    from classroom_votes import tasks

    def unreachable():
        raise BrokerUnreachable("Connection refused")

    monkeypatch.setattr(tasks.urn_vacuum, "delay", unreachable)
    consultation = consultation_create()
    _vote(consultation, consultation.classrooms.get(), K)
    with django_capture_on_commit_callbacks(execute=True):
        services.consultation_close(consultation=consultation, by=consultation.owner)
    assert Consultation.objects.get(pk=consultation.pk).status == ConsultationStatus.CLOSED
    assert _state(consultation) == (0, K, K)
    assert "urn vacuum not queued" in caplog.text


# --- The floor of the results -----------------------------------------------------------------


@pytest.mark.parametrize("min_ballots", [0, 1, 4])
def test_min_ballots_below_five_is_refused(min_ballots):
    with pytest.raises(services.ConsultationError) as caught:
        consultation_create(min_ballots=min_ballots)
    assert caught.value.code == services.CONSULTATION_MIN_BALLOTS_INVALID
    assert not Consultation.objects.exists()


def test_the_database_refuses_min_ballots_below_five():
    consultation = consultation_create()
    with pytest.raises(IntegrityError), transaction.atomic():
        Consultation.objects.filter(pk=consultation.pk).update(min_ballots=4)
