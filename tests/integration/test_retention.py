"""Retention through a real Celery worker, on PostgreSQL with Redis as the broker."""

from datetime import timedelta

import pytest
from django.utils import timezone

from school.models import Classroom, PupilProfile, User
from school.services import classroom_archive, pupils_bulk_create
from school.tasks import pupils_purge_archived
from tests.school.factories import classroom_create, school_create, teacher_create

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
]


def _classroom(teacher, name: str, pupils: int) -> Classroom:
    classroom = classroom_create(teacher=teacher, name=name, school_year=2025)
    pupils_bulk_create(classroom=classroom, count=pupils)
    return classroom


def test_archived_class_pupils_are_purged_by_a_real_worker(celery_queue, settings):
    # A French school abroad: no département row needed (the flush after another transactional
    # test empties even the reference data the migrations loaded).
    teacher = teacher_create(school=school_create(name="Lycée de Madrid", country="ES"))
    archived = _classroom(teacher, "2nde A", pupils=4)
    current = _classroom(teacher, "2nde B", pupils=3)
    classroom_archive(classroom=archived)
    delay = timedelta(days=settings.HEMICYCLE_PUPIL_RETENTION_DAYS + 1)
    Classroom.objects.filter(pk=archived.pk).update(archived_at=timezone.now() - delay)
    doomed = set(archived.pupils.values_list("user_id", flat=True))
    kept = set(current.pupils.values_list("user_id", flat=True))

    erased = pupils_purge_archived.apply_async(queue=celery_queue).get(timeout=90)

    assert erased == 4
    assert not User.objects.filter(pk__in=doomed).exists()
    assert not PupilProfile.objects.filter(classroom=archived).exists()
    remaining = PupilProfile.objects.filter(classroom=current).values_list("user_id", flat=True)
    assert set(remaining) == kept
    # Idempotent: a second run erases nothing more.
    assert pupils_purge_archived.apply_async(queue=celery_queue).get(timeout=60) == 0
    assert User.objects.filter(pk__in=kept).count() == 3
