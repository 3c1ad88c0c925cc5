"""Pupils' failed logins as django-axes records them: under a keyed hash of class code +
canonical pseudonym (backends.axes_username), one record per address. Reads only; the writes
(unlocking) are school.services.pupils_unlock."""

from dataclasses import dataclass
from datetime import timedelta

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.utils import timezone

from .backends import axes_username
from .models import PupilProfile


def pupil_lockout_key(*, join_code: str, pseudonym_key: str) -> str:
    return axes_username(None, {"class_code": join_code, "pseudonym": pseudonym_key})


@dataclass(frozen=True)
class PupilFailures:
    pupil: PupilProfile
    failures: int  # over every address, within the cool-off time
    locked: bool  # locked out at one address at least


def pupils_failing(*, classroom, pupils) -> list[PupilFailures]:
    """The pupils among `pupils` (of `classroom`) with failed logins within the cool-off time,
    in the given order; one query whatever their number."""
    pupils = list(pupils)
    if not pupils:
        return []
    keys = {
        pupil_lockout_key(join_code=classroom.join_code, pseudonym_key=pupil.pseudonym_key): pupil
        for pupil in pupils
    }
    since = timezone.now() - timedelta(hours=settings.AXES_COOLOFF_TIME)
    rows = (
        AccessAttempt.objects.filter(username__in=keys, attempt_time__gte=since)
        .values("username")
        .annotate(total=Sum("failures_since_start"), most=Max("failures_since_start"))
    )
    found = {row["username"]: row for row in rows}
    return [
        PupilFailures(
            pupil=pupil,
            failures=found[key]["total"],
            locked=found[key]["most"] >= settings.AXES_FAILURE_LIMIT,
        )
        for key, pupil in keys.items()
        if key in found
    ]
