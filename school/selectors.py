"""Reads for the school pages: each selector decides its joins so templates never query per row."""

from datetime import date

from django.db.models import Count, F, QuerySet
from django.utils import timezone
from knox.models import AuthToken

from .models import Classroom, PupilProfile, School
from .permissions import classrooms_managed_by, is_administrator

# A French school year starts at la rentrée, late August or early September.
SCHOOL_YEAR_FIRST_MONTH = 8


def school_year_current(*, today: date | None = None) -> int:
    """The start year of the school year in progress: 2026 from August 2026 to July 2027."""
    today = today or timezone.localdate()
    return today.year if today.month >= SCHOOL_YEAR_FIRST_MONTH else today.year - 1


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
