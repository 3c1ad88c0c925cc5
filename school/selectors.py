"""Reads for the school pages: each selector decides its joins so templates never query per row."""

from datetime import date, timedelta

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet
from django.utils import formats, timezone
from knox.models import AuthToken

from .models import Classroom, PupilProfile, School
from .permissions import classrooms_managed_by, is_administrator

# A French school year starts at la rentrée, late August or early September.
SCHOOL_YEAR_FIRST_MONTH = 8


def school_year_current(*, today: date | None = None) -> int:
    """The start year of the school year in progress: 2026 from August 2026 to July 2027."""
    today = today or timezone.localdate()
    return today.year if today.month >= SCHOOL_YEAR_FIRST_MONTH else today.year - 1


def school_year_end(*, school_year: int) -> date:
    """The last day of the school year that starts in `school_year`
    (settings.HEMICYCLE_SCHOOL_YEAR_END, "MM-DD", in the following calendar year)."""
    month, day = (int(part) for part in settings.HEMICYCLE_SCHOOL_YEAR_END.split("-"))
    return date(school_year + 1, month, day)


def retention_facts() -> dict:
    """What the privacy pages state about deletions, from the settings the tasks use (the
    pages render these values; tests/school/test_privacy_claims.py holds them together)."""
    month, day = (int(part) for part in settings.HEMICYCLE_SCHOOL_YEAR_END.split("-"))
    return {
        "retention_days": settings.HEMICYCLE_PUPIL_RETENTION_DAYS,
        "year_end": formats.date_format(date(2000, month, day), "j F"),
        "reminder_days": settings.HEMICYCLE_SCHOOL_YEAR_REMINDER_DAYS,
        "grace_days": settings.HEMICYCLE_SCHOOL_YEAR_GRACE_DAYS,
    }


def classroom_year_end(*, classroom: Classroom) -> date:
    """The day the end of the school year archives `classroom`: its school year's last day,
    unless the class was created less than HEMICYCLE_SCHOOL_YEAR_GRACE_DAYS before it (in July,
    a class for the next year, however its year was chosen), then the following year's."""
    created = timezone.localdate(classroom.created_at)
    grace = timedelta(days=settings.HEMICYCLE_SCHOOL_YEAR_GRACE_DAYS)
    year = classroom.school_year
    while school_year_end(school_year=year) - grace < created:
        year += 1
    return school_year_end(school_year=year)


def school_by_uai(*, uai: str) -> School | None:
    return School.objects.filter(uai=uai).first()


def schools_for_classroom_create(*, user) -> QuerySet[School]:
    """The schools in which `user` may open a class (see permissions.can_create_classroom)."""
    if is_administrator(user):
        return School.objects.all()
    return School.objects.filter(teachers=user)


def classrooms_for_manager(*, user) -> QuerySet[Classroom]:
    """The classes `user` manages, active first, each with its school and pupil count (distinct,
    so that callers may count other relations alongside)."""
    return (
        classrooms_managed_by(user)
        .select_related("school")
        .annotate(pupil_count=Count("pupils", distinct=True))
        .order_by(F("archived_at").asc(nulls_first=True), "-school_year", "name")
    )


def classrooms_taught_active(*, user) -> QuerySet[Classroom]:
    """The classes `user` teaches (administrators too: only their own), not archived, with
    their school, their pupils and those waiting for a teacher to accept them. One query."""
    return (
        Classroom.objects.filter(teachers=user, archived_at__isnull=True)
        .select_related("school")
        .annotate(
            pupil_count=Count("pupils", filter=Q(pupils__approved_at__isnull=False)),
            waiting_count=Count("pupils", filter=Q(pupils__approved_at__isnull=True)),
        )
        .order_by("-school_year", "name", "pk")
    )


def classroom_pupils(*, classroom: Classroom) -> QuerySet[PupilProfile]:
    return classroom.pupils.order_by("pseudonym")


def classroom_pupil(*, classroom: Classroom, user_id: int) -> PupilProfile | None:
    return (
        PupilProfile.objects.select_related("user", "classroom__school")
        .filter(classroom=classroom, user_id=user_id)
        .first()
    )


def pupil_move_targets(*, user, pupil: PupilProfile) -> QuerySet[Classroom]:
    """Where `user` may move `pupil`: another active class of the same school that they manage."""
    return (
        classrooms_managed_by(user)
        .filter(school_id=pupil.classroom.school_id, archived_at__isnull=True)
        .exclude(pk=pupil.classroom_id)
        .order_by("-school_year", "name")
    )


def api_tokens_for_user(*, user) -> QuerySet[AuthToken]:
    """`user`'s live API tokens, newest first (an expired one no longer authenticates: knox
    deletes it when it is next presented, services.api_token_create at the next creation)."""
    return AuthToken.objects.filter(user=user, expiry__gt=timezone.now()).order_by("-created")
