"""The national roll-up against PostgreSQL and a real Celery worker: a roll-up lost at the close
(broker or worker down) is caught up by beat's task; classes closing at the same moment all
count, once; the same roll-up run twice at once counts once."""

import pytest
from django.db import connection

from classroom_votes.consultations import services as consultation_services
from classroom_votes.models import ConsultationClassroom, NationalContribution, TerritoryResult
from classroom_votes.national import services
from classroom_votes.tasks import national_rollup_pending
from tests.classroom_votes.factories import (
    ballots_cast,
    national_question_create,
    pupils_create,
)
from tests.school.factories import classroom_create, school_create, teacher_create

from .threads import run_together

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("territories"),
]


def _national_classes(question, schools):
    """One open national consultation per school, ten « pour » cast in each."""
    opened = []
    for school in schools:
        teacher = teacher_create(school=school)
        classroom = classroom_create(teacher=teacher, school=school)
        consultation = consultation_services.consultation_create_from_national(
            owner=teacher, national_question=question, classrooms=[classroom]
        )
        voters = pupils_create(classroom=classroom, count=10, prefix=f"I{classroom.pk}")
        ballots_cast(consultation=consultation, voters=voters, contents=[{"choice": "pour"}] * 10)
        opened.append((consultation, teacher))
    return opened


def test_a_roll_up_lost_at_the_close_is_caught_up_by_a_real_worker(monkeypatch, celery_queue):
    question = national_question_create()
    schools = [school_create(departement="33") for _ in range(3)]
    # The broker is out of reach when the classes close: nothing is queued.
    monkeypatch.setattr(consultation_services, "_national_rollup_soon", lambda _pk: None)
    for consultation, teacher in _national_classes(question, schools):
        consultation_services.consultation_close(consultation=consultation, by=teacher)
    assert NationalContribution.objects.count() == 0
    assert ConsultationClassroom.objects.filter(national_rollup_at__isnull=True).count() == 3

    national_rollup_pending.apply_async(queue=celery_queue).get(timeout=90)
    france = TerritoryResult.objects.get(question=question, level="france")
    assert (france.classes, france.schools, france.ballots) == (3, 3, 30)
    assert ConsultationClassroom.objects.filter(national_rollup_at__isnull=True).count() == 0
    # Run again (a retry, the next beat): nothing counts twice.
    national_rollup_pending.apply_async(queue=celery_queue).get(timeout=90)
    assert TerritoryResult.objects.get(pk=france.pk).ballots == 30


def test_classes_closing_together_all_count_once(monkeypatch):
    question = national_question_create()
    schools = [school_create(departement="59") for _ in range(6)]
    opened = _national_classes(question, schools)
    monkeypatch.setattr(consultation_services, "_national_rollup_soon", lambda _pk: None)
    for consultation, teacher in opened:
        consultation_services.consultation_close(consultation=consultation, by=teacher)
    # Each class's roll-up twice, all twelve at the same moment: two batches of three.
    results = run_together(
        [
            lambda pk=consultation.pk: services.national_rollup(consultation_id=pk)
            for consultation, _teacher in opened * 2
        ]
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(results) == [0] * 6 + [1] * 6
    assert NationalContribution.objects.count() == 6
    france = TerritoryResult.objects.get(question=question, level="france")
    assert (france.classes, france.schools, france.ballots) == (6, 6, 60)
    assert services.national_recompute(question_id=question.pk).differences == ()
    connection.close()
