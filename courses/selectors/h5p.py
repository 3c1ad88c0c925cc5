"""H5P reads: packages waiting for their checks, and a user's saved states in activities (H5P's
content-user-data protocol)."""

from django.db.models import Q

from ..models import H5PPackage, H5PUserState, LessonPage


def h5p_packages_pending_ids() -> list[int]:
    """The packages still waiting for a worker's checks (of their file, or of a replacement),
    oldest first."""
    pending = H5PPackage.Status.PENDING
    return list(
        H5PPackage.objects.filter(Q(status=pending) | Q(candidate_status=pending))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def h5p_states_for_lesson(*, user, lesson: LessonPage) -> dict[str, str]:
    """Activity id → the user's saved main state, for every H5P activity of a lesson, in one
    query: H5P core restores a state only if the page hands it over with the player."""
    if not user.is_authenticated:
        return {}
    return dict(
        H5PUserState.objects.filter(
            user=user, lesson=lesson, data_type="state", sub_content_id="0"
        ).values_list("activity_id", "data")
    )


def h5p_state_get(
    *, user, lesson: LessonPage, activity_id: str, data_type: str, sub_content_id: str
) -> str | None:
    """A user's saved state in an H5P activity, as the content-user-data protocol returns it."""
    return (
        H5PUserState.objects.filter(
            user=user,
            lesson=lesson,
            activity_id=activity_id,
            data_type=data_type,
            sub_content_id=sub_content_id,
        )
        .values_list("data", flat=True)
        .first()
    )
