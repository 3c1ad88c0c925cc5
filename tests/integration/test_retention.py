"""Retention through a real Celery worker, on PostgreSQL with Redis as the broker."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from school.models import Classroom, PupilProfile, User
from school.services import classroom_archive, pupils_bulk_create
from school.tasks import classrooms_year_end, pupils_purge_archived, sessions_clear
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


def test_year_end_archives_after_one_reminder_then_the_purge_erases(celery_queue, settings):
    """Through the worker, at the real time: a class of a school year long over is reminded on
    the first run, archived on it too (its end has passed), and erased after the delay."""
    teacher = teacher_create(
        email="prof-fin@example.fr", school=school_create(name="Lycée de Lisbonne", country="PT")
    )
    ended = _classroom(teacher, "Tle A", pupils=2)
    Classroom.objects.filter(pk=ended.pk).update(
        school_year=2020, created_at=datetime(2020, 9, 1, tzinfo=UTC)
    )
    next_year = classroom_create(teacher=teacher, name="Tle B", school_year=2100)

    done = classrooms_year_end.apply_async(queue=celery_queue).get(timeout=90)
    assert done == {"reminded": 1, "archived": 1}
    assert classrooms_year_end.apply_async(queue=celery_queue).get(timeout=60) == {
        "reminded": 0,
        "archived": 0,
    }
    ended.refresh_from_db()
    next_year.refresh_from_db()
    assert ended.is_archived and ended.year_end_reminded_at is not None
    assert not next_year.is_archived and next_year.year_end_reminded_at is None

    delay = timedelta(days=settings.HEMICYCLE_PUPIL_RETENTION_DAYS, hours=1)
    Classroom.objects.filter(pk=ended.pk).update(archived_at=timezone.now() - delay)
    assert pupils_purge_archived.apply_async(queue=celery_queue).get(timeout=90) == 2
    assert not PupilProfile.objects.filter(classroom=ended).exists()


def test_sessions_clear_through_the_worker(celery_queue):
    expired = Session.objects.create(
        session_key="x" * 32, session_data="", expire_date=timezone.now() - timedelta(seconds=1)
    )
    live = Session.objects.create(
        session_key="y" * 32, session_data="", expire_date=timezone.now() + timedelta(days=1)
    )
    sessions_clear.apply_async(queue=celery_queue).get(timeout=90)
    assert not Session.objects.filter(pk=expired.pk).exists()
    assert Session.objects.filter(pk=live.pk).exists()
