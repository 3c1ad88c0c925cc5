"""Two requests organising the same second round at once, on PostgreSQL, each thread on its own
connection as the server's workers would be: the database keeps one second round, and both
requests answer with it."""

import threading

import pytest

from classroom_votes.consultations import services
from classroom_votes.models import Consultation
from classroom_votes.tallies import VotingMethod
from tests.classroom_votes.factories import ballots_cast, consultation_create, pupils_create
from tests.integration.threads import run_together
from tests.school.factories import classroom_create, school_create, teacher_create

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
]


def test_simultaneous_second_rounds_give_one(monkeypatch):
    # A school abroad: the flush after a transactional test also empties the départements.
    teacher = teacher_create(school=school_create(name="Lycée français de Madrid", country="ES"))
    classroom = classroom_create(teacher=teacher, name="Terminale 2")
    first = consultation_create(
        owner=teacher, classrooms=[classroom], method=VotingMethod.SINGLE, second_round=True
    )
    choices = ["alice"] * 3 + ["bruno"] * 2 + ["chloe"]
    ballots_cast(
        consultation=first,
        voters=pupils_create(classroom=classroom, count=len(choices)),
        contents=[{"choice": choice} for choice in choices],
    )
    services.consultation_close(consultation=first, by=teacher)
    # Both requests pass the check before either writes: only the database can tell them apart.
    checked = threading.Barrier(2)
    real_lookup = services._second_round_of
    lookups = threading.local()

    def lookup_then_wait(consultation):
        found = real_lookup(consultation)
        if not getattr(lookups, "done", False):
            lookups.done = True
            checked.wait(timeout=30)
        return found

    monkeypatch.setattr(services, "_second_round_of", lookup_then_wait)

    def organise():
        return services.consultation_second_round_create(actor=teacher, consultation=first)

    results = run_together([organise, organise])

    second = Consultation.objects.get(first_round=first)
    created = [result for result in results if isinstance(result, Consultation)]
    refused = [result for result in results if not isinstance(result, Consultation)]
    assert [c.pk for c in created] == [second.pk]
    assert [(error.code, error.existing.pk) for error in refused] == [
        (services.CONSULTATION_SECOND_ROUND_EXISTS, second.pk)
    ]
    assert Consultation.objects.count() == 2
