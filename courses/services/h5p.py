"""Writes for H5P: packages uploaded by editors, and pupils' saved state in an activity."""

import logging
import shutil
import uuid
from pathlib import Path

import kombu.exceptions
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Func, IntegerField, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from school.errors import DomainError, ErrorKind

from ..models import H5PPackage, H5PUserState, LessonPage

logger = logging.getLogger(__name__)

H5P_STATE_TOO_LARGE = "h5p_state_too_large"
H5P_STATE_UNKNOWN_ACTIVITY = "h5p_state_unknown_activity"
H5P_STATE_KEY_INVALID = "h5p_state_key_invalid"
H5P_STATE_QUOTA_COUNT = "h5p_state_quota_count"
H5P_STATE_QUOTA_BYTES = "h5p_state_quota_bytes"
# The longest data type or sub-content id a state is stored under (H5PUserState).
H5P_STATE_KEY_MAX = 64
H5P_PACKAGE_UNEXPECTED = "h5p_unexpected"
H5P_PACKAGE_MISSING_FILE = "h5p_missing_file"


def h5p_content_root() -> Path:
    return Path(settings.MEDIA_ROOT) / "h5p" / "content"


def h5p_content_dir(*, key: uuid.UUID) -> Path:
    return h5p_content_root() / str(key)


def h5p_package_submit(*, package: H5PPackage, user=None) -> H5PPackage:
    """A new or replaced file waits for the checks: mark it pending and, once the upload is
    committed, hand it to a worker (courses.tasks.h5p_package_process)."""
    package.status = H5PPackage.Status.PENDING
    package.error_code = ""
    package.error = ""
    if user is not None and package.uploaded_by_id is None:
        package.uploaded_by = user
    package.save(update_fields=["status", "error_code", "error", "uploaded_by"])
    package_id = package.pk
    transaction.on_commit(lambda: _package_enqueue(package_id))
    return package


def _package_enqueue(package_id: int) -> None:
    """Hand the package to a worker. With the broker (Redis) unreachable, the upload is kept all
    the same and stays pending: beat's h5p_packages_requeue hands it over later."""
    from ..tasks import h5p_package_process

    try:
        h5p_package_process.delay(package_id)
    except kombu.exceptions.OperationalError as error:
        logger.warning(
            "H5P package %s: not queued, the broker is unreachable (%s); "
            "h5p_packages_requeue will queue it",
            package_id,
            error,
        )


def _discard_upload(package: H5PPackage) -> None:
    if package.file:
        package.file.delete(save=False)
    package.file = ""


def h5p_package_process(*, package_id: int) -> H5PPackage | None:
    """Validate and extract a pending package. Idempotent: a package that is no longer pending
    (already processed, or deleted) is left as it is.

    On success the files are in a new folder and the previous one is removed after commit. On
    failure the uploaded file and anything extracted are deleted and the package records the
    error for the editor: nothing of the rejected content stays on disk or in the database."""
    from ..h5p.package import H5PLimits, H5PPackageError, h5p_package_extract

    with transaction.atomic():
        package = H5PPackage.objects.select_for_update().filter(pk=package_id).first()
        if package is None or package.status != H5PPackage.Status.PENDING:
            return package
        if not package.file:
            return _package_fail(
                package, H5PPackageError(H5P_PACKAGE_MISSING_FILE, _("Aucun fichier H5P déposé."))
            )
        key = uuid.uuid4()
        destination = h5p_content_dir(key=key)
        destination.parent.mkdir(parents=True, exist_ok=True)
        try:
            with package.file.open("rb") as source:
                info = h5p_package_extract(
                    source=source, destination=destination, limits=H5PLimits.from_settings()
                )
        except H5PPackageError as error:
            return _package_fail(package, error)
        except Exception:
            logger.exception("H5P package %s: unexpected error while extracting", package_id)
            shutil.rmtree(destination, ignore_errors=True)
            return _package_fail(
                package,
                H5PPackageError(
                    H5P_PACKAGE_UNEXPECTED,
                    _("Le fichier n'a pas pu être vérifié. Réessayez ou contactez l'équipe."),
                ),
            )
        previous = package.content_key
        package.status = H5PPackage.Status.READY
        package.content_key = key
        package.main_library = info.main_library
        package.metadata = info.metadata
        package.max_score = _package_max_score(info.main_library, destination)
        package.processed_at = timezone.now()
        try:
            package.save()
        except Exception:
            shutil.rmtree(destination, ignore_errors=True)
            raise
        if previous:
            old = h5p_content_dir(key=previous)
            transaction.on_commit(lambda: shutil.rmtree(old, ignore_errors=True))
    return package


def _package_max_score(main_library: str, folder: Path):
    """The activity's maximum score as its content says it (None when unknown): the bound
    that xAPI scores are checked against (courses.h5p.scoring)."""
    from ..h5p.scoring import h5p_max_score_from_folder

    return h5p_max_score_from_folder(main_library=main_library, folder=folder)


def _package_fail(package: H5PPackage, error) -> H5PPackage:
    """`error`: a courses.h5p.package.H5PPackageError."""
    _discard_upload(package)
    package.status = H5PPackage.Status.FAILED
    package.error_code = error.code
    package.error = error.message
    package.processed_at = timezone.now()
    package.save()
    return package


def h5p_package_files_remove(*, package: H5PPackage) -> None:
    """Once a package is deleted: its upload and its extracted files go too."""
    _discard_upload(package)
    if package.content_key:
        path = h5p_content_dir(key=package.content_key)
        transaction.on_commit(lambda: shutil.rmtree(path, ignore_errors=True))


class _OctetLength(Func):
    """A text's size in bytes (UTF-8), as the state's cap counts it."""

    function = "OCTET_LENGTH"
    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection, template="LENGTH(CAST(%(expressions)s AS BLOB))", **extra_context
        )


class H5PStateError(DomainError):
    messages = {
        H5P_STATE_UNKNOWN_ACTIVITY: gettext_lazy("Cette activité n'existe pas."),
        H5P_STATE_TOO_LARGE: gettext_lazy("L'état enregistré dépasse %(max)s octets."),
        H5P_STATE_KEY_INVALID: gettext_lazy(
            "Le type de données ou l'identifiant de la sous-activité dépasse %(max)s caractères."
        ),
        H5P_STATE_QUOTA_COUNT: gettext_lazy(
            "Tu as déjà %(max)s activités enregistrées : ta progression ici n'est pas sauvegardée."
        ),
        H5P_STATE_QUOTA_BYTES: gettext_lazy(
            "Tes activités enregistrées dépassent %(max)s octets en tout : ta progression ici "
            "n'est pas sauvegardée."
        ),
    }
    kinds = {
        H5P_STATE_UNKNOWN_ACTIVITY: ErrorKind.NOT_FOUND,
        H5P_STATE_TOO_LARGE: ErrorKind.TOO_LARGE,
        H5P_STATE_KEY_INVALID: ErrorKind.INVALID,
        H5P_STATE_QUOTA_COUNT: ErrorKind.RATE_LIMITED,
        H5P_STATE_QUOTA_BYTES: ErrorKind.RATE_LIMITED,
    }


def h5p_state_save(
    *,
    user,
    lesson: LessonPage,
    activity_id: str,
    data_type: str,
    sub_content_id: str,
    data: str,
    preload: bool,
    invalidate: bool,
) -> H5PUserState | None:
    """Store (or, for the protocol's data "0", delete) a user's state in an activity.

    Each state is capped (HEMICYCLE_H5P_STATE_MAX_BYTES), and so is what one user keeps in all:
    HEMICYCLE_H5P_STATE_MAX_PER_USER rows and HEMICYCLE_H5P_STATE_MAX_TOTAL_BYTES bytes, counted
    under a lock on the user's row so that concurrent saves cannot both pass. Without these, a
    pupil's script could fill the database with 64 kB states under made-up data types (the keys
    are free text in the protocol). A refused save (429) keeps the previous state; replacing a
    state counts its new size instead of the old one."""
    if activity_id not in lesson.h5p_activity_ids():
        raise H5PStateError(H5P_STATE_UNKNOWN_ACTIVITY)
    if max(len(data_type), len(sub_content_id)) > H5P_STATE_KEY_MAX:
        # Longer keys would fail in the database (a 500) rather than here (a 400).
        raise H5PStateError(H5P_STATE_KEY_INVALID, max=H5P_STATE_KEY_MAX)
    key = {
        "user": user,
        "lesson": lesson,
        "activity_id": activity_id,
        "data_type": data_type,
        "sub_content_id": sub_content_id,
    }
    if data == "0":
        H5PUserState.objects.filter(**key).delete()
        return None
    limit = settings.HEMICYCLE_H5P_STATE_MAX_BYTES
    if len(data.encode()) > limit:
        raise H5PStateError(H5P_STATE_TOO_LARGE, max=limit)
    with transaction.atomic():
        _state_quota_check(user=user, key=key, size=len(data.encode()))
        state, _created = H5PUserState.objects.update_or_create(
            **key, defaults={"data": data, "preload": preload, "invalidate": invalidate}
        )
    return state


def _state_quota_check(*, user, key: dict, size: int) -> None:
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    others = H5PUserState.objects.filter(user=user).exclude(
        lesson=key["lesson"],
        activity_id=key["activity_id"],
        data_type=key["data_type"],
        sub_content_id=key["sub_content_id"],
    )
    totals = others.aggregate(count=Count("pk"), size=Sum(_OctetLength("data")))
    limit_count = settings.HEMICYCLE_H5P_STATE_MAX_PER_USER
    if totals["count"] + 1 > limit_count:
        raise H5PStateError(H5P_STATE_QUOTA_COUNT, max=limit_count)
    limit_bytes = settings.HEMICYCLE_H5P_STATE_MAX_TOTAL_BYTES
    if (totals["size"] or 0) + size > limit_bytes:
        raise H5PStateError(H5P_STATE_QUOTA_BYTES, max=limit_bytes)
