"""Sliding-window limits on what one pupil does in debates (posts, reports)."""

import math
from datetime import datetime, timedelta


def window_wait_minutes(queryset, *, windows, now: datetime) -> int | None:
    """None when one more action fits every window, else the minutes until it does.

    `windows` is a list of (actions, minutes): at most that many actions in any span of that
    many minutes. `queryset` holds the pupil's past actions, with a `created_at` field."""
    if not windows:
        return None
    longest = timedelta(minutes=max(minutes for _actions, minutes in windows))
    recent = list(
        queryset.filter(created_at__gt=now - longest)
        .order_by("-created_at")
        .values_list("created_at", flat=True)[: max(actions for actions, _minutes in windows)]
    )
    for actions, minutes in windows:
        window = timedelta(minutes=minutes)
        in_window = [created_at for created_at in recent if created_at > now - window]
        if len(in_window) >= actions:
            # The actions-th most recent one has to leave the window first.
            wait = in_window[actions - 1] + window - now
            return max(1, math.ceil(wait.total_seconds() / 60))
    return None
