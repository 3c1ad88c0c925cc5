"""How much a report weighs (reads only; debates.services.argument_report writes).

Reports let a class hide a hurtful post before the teacher sees it. The same power lets a few
accounts silence a pupil whose opinion they dislike, so the automatic hiding listens only to
reports that are hard to fake in numbers:

- Who could misuse it. Fresh accounts made through the class's join code (a code passed around
  outside the class, or one pupil making several accounts); pupils of another class; a group of
  classmates ganging up; one pupil reporting everything they disagree with.
- What stops them.
  * A report counts only when its author is a pupil of one of the debate's classes (now, when
    the reports are weighed: a pupil moved away no longer counts), accepted by the teacher
    (PupilProfile.approved_at) at least HEMICYCLE_DEBATE_REPORT_STANDING_HOURS ago: accounts
    made for the attack weigh nothing, approved or not, until they have been in the class that
    long, and the teacher sees them arrive.
  * The threshold grows with the class: the largest of the debate's own setting,
    HEMICYCLE_DEBATE_REPORT_THRESHOLD_MIN and HEMICYCLE_DEBATE_REPORT_THRESHOLD_SHARE of the
    accepted pupils of the debate's classes.
  * What the reports hide waits in the teacher's queue, who restores it or confirms; each
    verdict is kept on the reports (ArgumentReport.upheld).
  * A pupil whose reports are mostly rejected, or who reports very often, is flagged
    (HEMICYCLE_DEBATE_REPORTER_FLAG): the teacher sees the flag next to them on the moderation
    page, and their further reports no longer count (they still reach the queue).
  * Reports are throttled per pupil (HEMICYCLE_DEBATE_REPORT_RATE_LIMITS, every debate
    together), counted in the database under a lock on the pupil's profile.
  * Whether a report counts is decided once, when it is made (ArgumentReport.counts): an account
    that gains standing later does not make its old reports count.
- What is left. Enough pupils of standing, together, still hide a post at once: that is what
  the feature is for, and the teacher reviews it. A teacher's own report is a moderation
  decision: it hides the post at once.
"""

import math
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Q

from school.models import PupilProfile

from ..models import ArgumentReport, Debate
from .limits import window_wait_minutes


def report_threshold(*, debate: Debate) -> int:
    """How many counting reports hide a pupil's post in `debate`."""
    accepted = PupilProfile.objects.filter(
        classroom__debate_links__debate=debate,
        classroom__archived_at__isnull=True,
        approved_at__isnull=False,
    ).count()
    relative = math.ceil(settings.HEMICYCLE_DEBATE_REPORT_THRESHOLD_SHARE * accepted)
    return max(debate.auto_hide_reports, settings.HEMICYCLE_DEBATE_REPORT_THRESHOLD_MIN, relative)


def reporter_has_standing(*, profile: PupilProfile, now: datetime) -> bool:
    """Accepted in their class long enough (the class is the debate's: checked by the caller)."""
    hours = timedelta(hours=settings.HEMICYCLE_DEBATE_REPORT_STANDING_HOURS)
    return profile.approved_at is not None and profile.approved_at <= now - hours


def reporters_flagged(*, user_ids, now: datetime) -> set[int]:
    """The pupils among `user_ids` who report too often or whose reports are mostly rejected.
    One query."""
    rule = settings.HEMICYCLE_DEBATE_REPORTER_FLAG
    since = now - timedelta(minutes=rule["minutes"])
    rows = (
        ArgumentReport.objects.filter(reporter_id__in=list(user_ids))
        .order_by()
        .values("reporter_id")
        .annotate(
            recent=Count("pk", filter=Q(created_at__gt=since)),
            decided=Count("pk", filter=Q(upheld__isnull=False)),
            rejected=Count("pk", filter=Q(upheld=False)),
        )
    )
    return {
        row["reporter_id"]
        for row in rows
        if row["recent"] >= rule["reports"]
        or (
            row["decided"] >= rule["min_decided"]
            and row["rejected"] > rule["rejected_share"] * row["decided"]
        )
    }


def report_wait_minutes(*, user_id: int, now: datetime) -> int | None:
    """None when the pupil may report now, else the minutes until they may."""
    return window_wait_minutes(
        ArgumentReport.objects.filter(reporter_id=user_id),
        windows=settings.HEMICYCLE_DEBATE_REPORT_RATE_LIMITS,
        now=now,
    )
