"""The end of the school year (school.services.classrooms_year_end): classes still active are
archived on HEMICYCLE_SCHOOL_YEAR_END after one reminder to their teachers, their pupils erased
after HEMICYCLE_PUPIL_RETENTION_DAYS; and expired sessions are cleared. Time is passed to the
services as `now`."""

from datetime import datetime, time, timedelta
from importlib import import_module

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.core import mail
from django.utils import timezone

from school import services
from school.models import Classroom, PupilProfile, User
from school.selectors import school_year_end
from school.tasks import sessions_clear
from tests.school.factories import classroom_create, school_create, teacher_create

pytestmark = pytest.mark.django_db

YEAR = 2025  # the school year 2025-2026, ending on 31 August 2026 by default


def _at(day, hour: int = 3) -> datetime:
    """Beat's daily run on `day`, in the site's time zone."""
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _classroom(teacher, name: str, *, school_year: int = YEAR, created=None, pupils: int = 2):
    classroom = classroom_create(teacher=teacher, name=name, school_year=school_year)
    services.pupils_bulk_create(classroom=classroom, count=pupils)
    if created is not None:
        Classroom.objects.filter(pk=classroom.pk).update(created_at=_at(created))
        classroom.refresh_from_db()
    return classroom


@pytest.fixture
def end():
    return school_year_end(school_year=YEAR)


@pytest.fixture
def teacher():
    return teacher_create(email="prof@example.fr", school=school_create())


def test_default_end_is_the_31st_of_august(end):
    assert (end.month, end.day) == (8, 31)
    assert end.year == YEAR + 1


def test_reminder_is_sent_once_before_then_the_class_is_archived(
    teacher, end, django_capture_on_commit_callbacks
):
    classroom = _classroom(teacher, "2nde A", created=end - timedelta(days=300))
    reminder_day = end - timedelta(days=django_settings.HEMICYCLE_SCHOOL_YEAR_REMINDER_DAYS)

    with django_capture_on_commit_callbacks(execute=True):
        too_early = services.classrooms_year_end(now=_at(reminder_day - timedelta(days=1)))
    assert (too_early.reminded, too_early.archived, len(mail.outbox)) == (0, 0, 0)

    with django_capture_on_commit_callbacks(execute=True):
        done = services.classrooms_year_end(now=_at(reminder_day))
    assert (done.reminded, done.archived) == (1, 0)
    [message] = mail.outbox
    assert message.to == ["prof@example.fr"]
    assert "2nde A" in message.subject and "31 août 2026" in message.body
    assert f"{django_settings.HEMICYCLE_PUPIL_RETENTION_DAYS} jours" in message.body

    for day in (reminder_day + timedelta(days=1), end - timedelta(days=1)):
        with django_capture_on_commit_callbacks(execute=True):
            again = services.classrooms_year_end(now=_at(day))
        assert (again.reminded, again.archived) == (0, 0)
    assert len(mail.outbox) == 1  # once

    with django_capture_on_commit_callbacks(execute=True):
        archived = services.classrooms_year_end(now=_at(end))
    assert (archived.reminded, archived.archived) == (0, 1)
    classroom.refresh_from_db()
    assert classroom.archived_at == _at(end) and not classroom.join_enabled
    assert len(mail.outbox) == 1
    # Idempotent.
    assert services.classrooms_year_end(now=_at(end, hour=9)).archived == 0


def test_pupils_are_erased_after_the_delay_not_before(teacher, end):
    classroom = _classroom(teacher, "2nde A", created=end - timedelta(days=300), pupils=3)
    services.classrooms_year_end(now=_at(end))
    delay = timedelta(days=django_settings.HEMICYCLE_PUPIL_RETENTION_DAYS)
    assert services.pupils_purge_archived(older_than=delay, now=_at(end) + delay) == 0
    assert PupilProfile.objects.filter(classroom=classroom).count() == 3
    erased = services.pupils_purge_archived(
        older_than=delay, now=_at(end) + delay + timedelta(hours=1)
    )
    assert erased == 3
    assert not User.objects.filter(role=User.Role.PUPIL).exists()


def test_other_classes_are_left_alone(teacher, end, django_capture_on_commit_callbacks):
    next_year = _classroom(teacher, "2nde B", school_year=YEAR + 1, created=end.replace(month=7))
    # Made in July for the next year, with the year in progress left as it was.
    made_in_july = _classroom(teacher, "2nde C", created=end.replace(month=7, day=2))
    archived_before = _classroom(teacher, "2nde D", created=end - timedelta(days=300))
    services.classroom_archive(classroom=archived_before)
    archived_at = Classroom.objects.get(pk=archived_before.pk).archived_at

    with django_capture_on_commit_callbacks(execute=True):
        for day in (end - timedelta(days=14), end, end + timedelta(days=30)):
            assert services.classrooms_year_end(now=_at(day)).archived == 0
    assert mail.outbox == []
    for classroom in (next_year, made_in_july):
        classroom.refresh_from_db()
        assert classroom.archived_at is None and classroom.year_end_reminded_at is None
    assert Classroom.objects.get(pk=archived_before.pk).archived_at == archived_at
    # The class made in July ends with the next school year.
    following = school_year_end(school_year=YEAR + 1)
    assert services.classrooms_year_end(now=_at(following)).archived == 2


def test_only_confirmed_teachers_are_reminded(end, django_capture_on_commit_callbacks):
    confirmed = teacher_create(email="oui@example.fr")
    classroom = _classroom(confirmed, "2nde A", created=end - timedelta(days=300))
    unconfirmed = teacher_create(email="non@example.fr", is_active=False)
    classroom.teachers.add(unconfirmed)
    with django_capture_on_commit_callbacks(execute=True):
        services.classrooms_year_end(now=_at(end - timedelta(days=3)))
    assert [message.to for message in mail.outbox] == [["oui@example.fr"]]


def test_sessions_clear_deletes_expired_sessions_only():
    store = import_module(django_settings.SESSION_ENGINE).SessionStore
    expired, live = store(), store()
    for session in (expired, live):
        session["seen"] = True
        session.create()
    Session.objects.filter(session_key=expired.session_key).update(
        expire_date=timezone.now() - timedelta(minutes=1)
    )
    sessions_clear.delay().get(timeout=30)
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]


def test_retention_tasks_are_in_beat():
    tasks = {entry["task"] for entry in django_settings.CELERY_BEAT_SCHEDULE.values()}
    assert {
        "school.tasks.classrooms_year_end",
        "school.tasks.pupils_purge_archived",
        "school.tasks.sessions_clear",
    } <= tasks
