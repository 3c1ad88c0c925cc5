"""The secret ballot, checked on the code itself: the urne (Ballot) holds no author, no time and
no order; the liste d'émargement (Participation) holds no choice; a vote stores its ballot
sealed, and the mixing moves ballots into the urn and the counters by shuffled batches of at
least k; nothing links the two, not the models, not the logs, not the order in which rows are
stored. The attacks a database reader would run on PostgreSQL (transaction ids, dumps, dead
row versions, the statements) are in tests/integration/test_secret_ballot_attacks.py."""

import itertools
import json
import logging
import re

import pytest
from django.apps import apps
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from wagtail.snippets.models import get_snippet_models

from classroom_votes.consultations import selectors, services
from classroom_votes.models import (
    Ballot,
    Consultation,
    ConsultationStatus,
    Participation,
    SealedBallot,
    Tally,
)
from classroom_votes.tallies import VotingMethod
from school.models import PupilProfile, User
from tests.school.factories import classroom_create, pupil_create, teacher_create

from ..factories import ballots_cast, consultation_create, pupils_create

pytestmark = pytest.mark.django_db

TIME_FIELDS = (models.DateField, models.TimeField, models.DurationField)  # DateTime is a Date
SUSPICIOUS_NAME = re.compile(
    r"user|pupil|eleve|élève|author|voter|owner|person|ip|session|"
    r"time|date|_at$|_on$|created|updated|stamp|seq|order|number|serial",
    re.IGNORECASE,
)
PERSONAL_MODELS = {User, PupilProfile, Participation}


def _related_models(model) -> set:
    """Every model `model` reaches through one of its own fields (forward relations)."""
    return {
        field.related_model
        for field in model._meta.get_fields()
        if field.is_relation and field.concrete and field.related_model is not None
    }


# --- The models -------------------------------------------------------------------------------


def test_ballot_has_no_author_no_time_no_order():
    meta = Ballot._meta
    fields = meta.concrete_fields
    assert {field.name for field in fields} == {"id", "consultation", "classroom", "content"}
    for field in fields:
        assert not isinstance(field, TIME_FIELDS), field.name
        assert not isinstance(field, models.AutoField), field.name
        assert not SUSPICIOUS_NAME.search(field.name), field.name
        assert not getattr(field, "auto_now", False) and not getattr(field, "auto_now_add", False)
    assert isinstance(meta.pk, models.UUIDField)
    assert meta.pk.default.__name__ == "uuid4"  # random, unlike uuid1's clock and MAC address
    assert not (_related_models(Ballot) & PERSONAL_MODELS)
    # Nothing points at a ballot.
    assert not [field for field in meta.get_fields() if field.is_relation and not field.concrete]
    # Its default order is by the random id.
    assert list(meta.ordering) == ["id"]


def test_participation_holds_no_choice_and_no_precise_time():
    fields = {field.name: field for field in Participation._meta.concrete_fields}
    assert set(fields) == {"id", "consultation", "user", "classroom", "voted_on"}
    assert type(fields["voted_on"]) is models.DateField  # a day, not a DateTimeField
    assert isinstance(Participation._meta.pk, models.UUIDField)  # no sequence of voters
    assert Ballot not in _related_models(Participation)
    assert not any(isinstance(field, models.JSONField) for field in fields.values())


def test_tally_holds_neither_a_pupil_nor_a_time():
    assert not (_related_models(Tally) & PERSONAL_MODELS)
    assert not any(isinstance(field, TIME_FIELDS) for field in Tally._meta.concrete_fields)


def test_no_model_anywhere_links_a_ballot_to_a_voter():
    for model in apps.get_models(include_auto_created=True):
        related = _related_models(model)
        assert not (Ballot in related and related & PERSONAL_MODELS), model._meta.label


def test_ballots_are_in_no_admin():
    if apps.is_installed("django.contrib.admin"):  # not in this project: Wagtail's admin only
        from django.contrib import admin

        assert Ballot not in admin.site._registry
    assert Ballot not in get_snippet_models()
    assert Participation not in get_snippet_models()


def test_receipt_tells_that_one_voted_not_what():
    assert set(services.Receipt.__dataclass_fields__) == {"consultation_id", "voted_on"}


# --- A vote, as it happens --------------------------------------------------------------------


def test_vote_logs_never_join_the_pupil_and_the_choice(caplog):
    teacher = teacher_create()
    classroom = classroom_create(teacher=teacher)
    consultation = consultation_create(
        owner=teacher,
        classrooms=[classroom],
        method=VotingMethod.SINGLE,
        options=[{"key": "zorglub", "label": "Zorglub"}, {"key": "spirou", "label": "Spirou"}],
    )
    pupil = pupil_create(classroom=classroom, pseudonym="Hibou-Secret-88").user
    needles_who = {pupil.username, "Hibou-Secret-88", f"user {pupil.pk}", f"user_id={pupil.pk}"}
    caplog.set_level(logging.DEBUG)

    services.ballot_check_and_cast(
        user=pupil, consultation_id=consultation.pk, content={"choice": "zorglub"}
    )
    with pytest.raises(services.BallotError):  # refusals log nothing more
        services.ballot_check_and_cast(
            user=pupil, consultation_id=consultation.pk, content={"choice": "spirou"}
        )
    services.consultation_close(consultation=consultation, by=teacher)
    selectors.consultation_results(consultation=consultation)
    selectors.consultation_participation(consultation=consultation)

    assert caplog.records, "the close is logged"
    # No line dates a vote: its time would sit beside the requests' logs.
    assert not any("ballot cast" in record.getMessage() for record in caplog.records)
    for record in caplog.records:
        text = record.getMessage() + " " + repr(record.__dict__)
        names_pupil = any(needle in text for needle in needles_who)
        names_choice = "zorglub" in text.lower() or "spirou" in text.lower()
        assert not (names_pupil and names_choice), text
        assert not names_choice, text  # not even the choice alone


def test_sealed_ballot_ids_are_not_in_order_of_arrival():
    consultation = consultation_create()
    classroom = consultation.classrooms.get()
    voters = pupils_create(classroom=classroom, count=50)
    arrival = []
    for user in voters:
        ballots_cast(consultation=consultation, voters=[user], contents=[{"choice": "pour"}])
        arrival.append(
            SealedBallot.objects.exclude(id__in=arrival).values_list("id", flat=True).get()
        )
    by_key = list(SealedBallot.objects.values_list("id", flat=True))  # Meta ordering: by id
    assert sorted(arrival) == by_key
    assert by_key != arrival


def _storage_order(model, consultation) -> list:
    """Row ids in the order the database keeps them: SQLite's rowid, PostgreSQL's ctid (the
    order in which a dump of the table would list them)."""
    column = {"sqlite": "rowid", "postgresql": "ctid"}[connection.vendor]
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM {table} WHERE consultation_id = %s ORDER BY {column}",  # noqa: S608
            [consultation.pk],
        )
        return [model._meta.pk.to_python(row[0]) for row in cursor.fetchall()]


RANKINGS = [
    list(ranking)
    for ranking in itertools.permutations(["alice", "bruno", "chloe", "david", "emma"], 3)
]


def test_the_urn_is_never_in_the_order_of_the_votes():
    """Forty votes, each a different ranking, so that every ballot says who cast it: the urn
    is filled at the close, in random order (one batch), and nothing of the votes' order stays
    in it; the counters were untouched by the votes."""
    consultation = consultation_create(
        method=VotingMethod.RANKED,
        options=[{"key": key, "label": key.title()} for key in RANKINGS[0] + ["david", "emma"]],
    )
    classroom = consultation.classrooms.get()
    voters = pupils_create(classroom=classroom, count=40)
    cast = [{"ranking": ranking} for ranking in RANKINGS[:40]]
    for user, content in zip(voters, cast, strict=True):
        ballots_cast(consultation=consultation, voters=[user], contents=[content])
    assert not Ballot.objects.exists() and not Tally.objects.filter(count__gt=0).exists()

    services.consultation_close(consultation=consultation, by=consultation.owner)

    stored = dict(Ballot.objects.values_list("id", "content"))
    urn = [stored[ballot_id] for ballot_id in _storage_order(Ballot, consultation)]
    assert sorted(map(json.dumps, urn)) == sorted(map(json.dumps, cast))
    assert urn != cast and urn != cast[::-1]
    assert not SealedBallot.objects.exists()


def test_shake_leaves_other_consultations_alone():
    closing = consultation_create()
    staying = consultation_create()
    for consultation in (closing, staying):
        classroom = consultation.classrooms.get()
        voters = pupils_create(classroom=classroom, count=3)
        ballots_cast(consultation=consultation, voters=voters, contents=[{"choice": "pour"}] * 3)
    before = _storage_order(SealedBallot, staying)
    services.consultation_close(consultation=closing, by=closing.owner)
    assert _storage_order(SealedBallot, staying) == before
    assert Consultation.objects.get(pk=staying.pk).status == ConsultationStatus.OPEN


def test_counter_based_results_never_read_the_urne():
    consultation = consultation_create()
    classroom = consultation.classrooms.get()
    voters = pupils_create(classroom=classroom, count=5)
    ballots_cast(consultation=consultation, voters=voters, contents=[{"choice": "contre"}] * 5)
    services.consultation_close(consultation=consultation, by=consultation.owner)
    with CaptureQueriesContext(connection) as queries:
        results = selectors.consultation_results(consultation=consultation)
        selectors.consultation_pv(consultation=consultation, classroom=classroom)
    assert results.published and results.result.winner == "contre"
    assert not [q for q in queries.captured_queries if Ballot._meta.db_table in q["sql"]]
