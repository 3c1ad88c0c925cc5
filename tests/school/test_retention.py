"""Retention: pupils of classes archived longer than HEMICYCLE_PUPIL_RETENTION_DAYS are erased."""

from datetime import timedelta

import pytest
from django.utils import timezone

from courses.models import QuizAttempt
from school.models import Classroom, PupilProfile, User
from school.services import classroom_archive, pupils_bulk_create
from school.tasks import pupils_purge_archived
from tests.school.factories import classroom_create, teacher_create


def _classroom(teacher, name: str, *, archived_days_ago: int | None, pupils: int = 3):
    classroom = classroom_create(teacher=teacher, name=name, level="1re", school_year=2025)
    pupils_bulk_create(classroom=classroom, count=pupils)
    if archived_days_ago is not None:
        classroom_archive(classroom=classroom)
        Classroom.objects.filter(pk=classroom.pk).update(
            archived_at=timezone.now() - timedelta(days=archived_days_ago)
        )
    return classroom


@pytest.fixture
def classes(db):
    teacher = teacher_create()
    return {
        "long_ago": _classroom(teacher, "1re A", archived_days_ago=120),
        "recently": _classroom(teacher, "1re B", archived_days_ago=10, pupils=2),
        "current": _classroom(teacher, "1re C", archived_days_ago=None, pupils=4),
    }


def _pupil_counts(classes) -> dict[str, int]:
    return {name: c.pupils.count() for name, c in classes.items()}


def test_only_classes_archived_longer_than_the_delay_lose_their_pupils(classes, settings):
    settings.HEMICYCLE_PUPIL_RETENTION_DAYS = 90
    doomed = set(classes["long_ago"].pupils.values_list("user_id", flat=True))

    assert pupils_purge_archived.apply().get() == 3

    assert _pupil_counts(classes) == {"long_ago": 0, "recently": 2, "current": 4}
    assert not User.objects.filter(pk__in=doomed).exists()
    # The class itself stays, archived and empty (the teacher's history of classes).
    assert Classroom.objects.filter(pk=classes["long_ago"].pk, archived_at__isnull=False).exists()


def test_the_delay_is_configurable(classes, settings):
    settings.HEMICYCLE_PUPIL_RETENTION_DAYS = 5
    assert pupils_purge_archived.apply().get() == 5
    assert _pupil_counts(classes) == {"long_ago": 0, "recently": 0, "current": 4}


def test_a_delay_longer_than_any_archive_erases_nothing(classes, settings):
    settings.HEMICYCLE_PUPIL_RETENTION_DAYS = 365
    assert pupils_purge_archived.apply().get() == 0
    assert _pupil_counts(classes) == {"long_ago": 3, "recently": 2, "current": 4}


def test_running_twice_is_idempotent(classes, settings):
    settings.HEMICYCLE_PUPIL_RETENTION_DAYS = 90
    assert pupils_purge_archived.apply().get() == 3
    users, profiles = User.objects.count(), PupilProfile.objects.count()
    assert pupils_purge_archived.apply().get() == 0
    assert (User.objects.count(), PupilProfile.objects.count()) == (users, profiles)
    assert _pupil_counts(classes) == {"long_ago": 0, "recently": 2, "current": 4}


def test_purge_erases_the_pupils_attempts_too(classes, settings, site_tree):
    from tests.courses.factories import course_create, lesson_create
    from tests.school.test_api import quiz_attempt_make

    lesson = lesson_create(course=course_create(parent=site_tree))
    for classroom in classes.values():
        quiz_attempt_make(user=classroom.pupils.first().user, lesson=lesson)
    settings.HEMICYCLE_PUPIL_RETENTION_DAYS = 90
    pupils_purge_archived.apply().get()
    assert QuizAttempt.objects.count() == 2
    assert not QuizAttempt.objects.filter(user__pupil__classroom=classes["long_ago"]).exists()
