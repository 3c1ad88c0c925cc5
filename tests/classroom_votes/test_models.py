"""Rules about stored data are database constraints: each is checked by writing a row that
breaks it, past the services."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from classroom_votes.consultations.services import ballot_check_and_cast
from classroom_votes.models import (
    Ballot,
    Consultation,
    ConsultationClassroom,
    ConsultationOption,
    ConsultationSource,
    ConsultationStatus,
    Participation,
    Phase,
    Tally,
)
from classroom_votes.tallies import SCALE5_LEVELS, VotingMethod
from tests.school.factories import classroom_create, pupil_create

from .factories import consultation_create

pytestmark = pytest.mark.django_db


def _refused(**fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        Consultation.objects.create(**fields)


def test_participation_is_unique_per_pupil_and_consultation():
    consultation = consultation_create()
    classroom = consultation.classrooms.get()
    user = pupil_create(classroom=classroom).user
    today = timezone.localdate()
    Participation.objects.create(
        consultation=consultation, user=user, classroom=classroom, voted_on=today
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Participation.objects.create(
            consultation=consultation, user=user, classroom=classroom, voted_on=today
        )
    Participation.objects.all().delete()


def test_participation_of_erased_pupils_do_not_collide():
    consultation = consultation_create()
    classroom = consultation.classrooms.get()
    today = timezone.localdate()
    for _ in range(2):
        Participation.objects.create(
            consultation=consultation, user=None, classroom=classroom, voted_on=today
        )
    assert Participation.objects.filter(user=None).count() == 2
    Participation.objects.all().delete()


def test_tally_key_is_unique_per_class():
    consultation = consultation_create()
    classroom = consultation.classrooms.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Tally.objects.create(consultation=consultation, classroom=classroom, key="pour", count=0)
    other = classroom_create(teacher=consultation.owner)
    Tally.objects.create(consultation=consultation, classroom=other, key="pour", count=0)


def test_tally_count_cannot_be_negative():
    consultation = consultation_create()
    with pytest.raises(IntegrityError), transaction.atomic():
        Tally.objects.filter(consultation=consultation, key="pour").update(count=-1)


def test_second_round_only_for_single_choice():
    base = {"title": "Q", "status": ConsultationStatus.DRAFT, "second_round": True}
    _refused(method=VotingMethod.YES_NO, **base)
    _refused(method=VotingMethod.RANKED, **base)
    Consultation.objects.create(method=VotingMethod.SINGLE, **base)


@pytest.mark.parametrize(
    "fields",
    [
        {"method": "plurality"},
        {"status": "archived"},
        {"results_visibility": "never"},
        {"min_ballots": 0},
        {"min_ballots": 4},  # below the secret ballot's floor
        {"status": ConsultationStatus.OPEN},  # open without an opening time
        {"status": ConsultationStatus.CLOSED, "opened_at": timezone.now()},  # never closed
        {"opened_at": timezone.now()},  # a draft already opened
    ],
    ids=lambda fields: next(iter(fields)) + "=" + str(next(iter(fields.values()))),
)
def test_consultation_rules_are_constraints(fields):
    _refused(**{"title": "Q", "method": VotingMethod.YES_NO, **fields})


def test_consultation_closes_after_it_opens():
    now = timezone.now()
    _refused(title="Q", method=VotingMethod.YES_NO, opens_at=now, closes_at=now)
    _refused(title="Q", method=VotingMethod.YES_NO, opens_at=now, closes_at=now - timedelta(1))
    Consultation.objects.create(
        title="Q", method=VotingMethod.YES_NO, opens_at=now, closes_at=now + timedelta(hours=1)
    )


def test_medias_source_needs_a_url():
    consultation = consultation_create(sources=[])
    with pytest.raises(IntegrityError), transaction.atomic():
        ConsultationSource.objects.create(consultation=consultation, panel="medias", title="Art.")
    with pytest.raises(ValidationError) as caught:
        ConsultationSource(consultation=consultation, panel="medias", title="Art.").full_clean()
    assert "url" in caught.value.message_dict
    # An argument for or against may come without a link.
    for panel in ("pour", "contre"):
        ConsultationSource.objects.create(consultation=consultation, panel=panel, title="Arg.")
    with pytest.raises(IntegrityError), transaction.atomic():
        ConsultationSource.objects.create(consultation=consultation, panel="autre", title="X")


def test_option_key_unique_and_not_reserved():
    consultation = consultation_create(method=VotingMethod.SINGLE, status=ConsultationStatus.DRAFT)
    with pytest.raises(IntegrityError), transaction.atomic():
        ConsultationOption.objects.create(consultation=consultation, key="alice", label="Bis")
    for reserved in ("blanc", "ballots"):
        with pytest.raises(IntegrityError), transaction.atomic():
            ConsultationOption.objects.create(consultation=consultation, key=reserved, label="X")


def test_classroom_taking_part_once_and_never_deleted_under_the_votes():
    consultation = consultation_create()
    classroom = consultation.classrooms.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        ConsultationClassroom.objects.create(consultation=consultation, classroom=classroom)
    with pytest.raises(ProtectedError), transaction.atomic():
        classroom.delete()


def test_deleting_a_consultation_deletes_its_votes_together():
    consultation = consultation_create()
    classroom = consultation.classrooms.get()
    user = pupil_create(classroom=classroom).user
    ballot_check_and_cast(user=user, consultation_id=consultation.pk, content={"choice": "pour"})
    consultation.delete()
    assert not Ballot.objects.exists()
    assert not Participation.objects.exists()
    assert not Tally.objects.exists()


def test_option_keys_and_labels():
    yes_no = consultation_create(status=ConsultationStatus.DRAFT)
    assert yes_no.option_keys() == ("pour", "contre")
    assert yes_no.option_labels() == {"pour": "Pour", "contre": "Contre", "blanc": "Vote blanc"}
    assert consultation_create(method=VotingMethod.SCALE5).option_keys() == SCALE5_LEVELS
    single = consultation_create(method=VotingMethod.SINGLE)
    assert single.option_keys() == ("alice", "bruno", "chloe")
    assert single.option_labels()["chloe"] == "Chloé Durand"
    assert single.option_labels()["blanc"] == "Vote blanc"


def test_phase_follows_status_then_schedule():
    now = timezone.now()
    hour = timedelta(hours=1)
    consultation = Consultation(title="Q", method=VotingMethod.YES_NO)
    assert consultation.phase(now=now) == Phase.NOT_OPEN
    consultation.status = ConsultationStatus.OPEN
    assert consultation.phase(now=now) == Phase.OPEN
    consultation.opens_at = now + hour
    assert consultation.phase(now=now) == Phase.NOT_OPEN
    consultation.opens_at, consultation.closes_at = now - hour, now
    assert consultation.phase(now=now) == Phase.OVER
    consultation.closes_at = now + hour
    assert consultation.phase(now=now) == Phase.OPEN
    consultation.status = ConsultationStatus.CLOSED
    assert consultation.phase(now=now) == Phase.OVER
