"""Writes for H5P: packages uploaded by editors, and pupils' saved state in an activity.

The package pipeline: an upload is submitted (pending, queued after commit), a worker checks and
extracts it (h5p_package_process), beat catches up with what a dead worker or broker left
(h5p_packages_recover) and sweeps what a killed extraction left on disk (services.h5p_sweep).

Who could misuse it, and what holds:
- A hostile package: checked by courses.h5p.package before anything is extracted; a refusal
  deletes the upload, so nothing of it stays on disk or is ever served.
- A package that makes the worker hang or die (huge, slow, a crash, SIGKILL, OOM): the task has
  Celery time limits, every started try is counted in a transaction of its own, and beat gives
  up on a check that is too old or tried too often, so a package never stays pending for ever.
  Its file is kept so that an editor may ask again (h5p_package_check_retry); the staging
  folder the dead worker left is swept by its age.
- An editor replacing a live package with a bad file: the new file is a candidate checked
  aside, the lesson keeps playing the live version, and only a candidate that passes replaces
  it. An editor may only act on a package through the admin's own permission checks.
- Two workers on one package (a task queued twice, a redelivery after a crash): the row lock
  and the pending state make the second one a no-op."""

import logging
import shutil
import uuid
from datetime import datetime, timedelta
from pathlib import Path

import kombu.exceptions
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import File
from django.db import transaction
from django.db.models import Count, F, Func, IntegerField, Q, Sum
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
# The check did not finish (worker killed, time limit, too many tries): the file is kept.
H5P_PACKAGE_CHECK_TIMEOUT = "h5p_check_timeout"
H5P_PACKAGE_CHECK_TIMEOUT_MESSAGE = gettext_lazy(
    "La vérification du fichier n'a pas abouti : elle a été interrompue ou a pris trop de "
    "temps. Le fichier est conservé : cliquez sur « Relancer la vérification ». Si cela se "
    "reproduit, allégez le paquet (moins de fichiers, des images et vidéos plus légères) ou "
    "contactez l'équipe."
)

Status = H5PPackage.Status
_CHECKING = Q(status=Status.PENDING) | Q(candidate_status=Status.PENDING)


def h5p_content_root() -> Path:
    return Path(settings.MEDIA_ROOT) / "h5p" / "content"


def h5p_content_dir(*, key: uuid.UUID) -> Path:
    return h5p_content_root() / str(key)


def h5p_tmp_root() -> Path:
    """Where extractions are written before they are moved into h5p_content_root (same file
    system); anything old in there was left by a killed worker."""
    return Path(settings.MEDIA_ROOT) / "h5p" / "tmp"


def h5p_package_submit(*, package: H5PPackage, user=None) -> H5PPackage:
    """A new file, or a replaced file of a package that is not playing yet, waits for the
    checks: mark it pending and, once the upload is committed, hand it to a worker
    (courses.tasks.h5p_package_process)."""
    package.status = Status.PENDING
    package.error_code = ""
    package.error = ""
    package.check_started_at = timezone.now()
    package.check_attempts = 0
    if user is not None and package.uploaded_by_id is None:
        package.uploaded_by = user
    package.save(
        update_fields=[
            "status",
            "error_code",
            "error",
            "uploaded_by",
            "check_started_at",
            "check_attempts",
        ]
    )
    package_id = package.pk
    transaction.on_commit(lambda: _package_enqueue(package_id))
    return package


def h5p_package_candidate_submit(*, package: H5PPackage, upload: File) -> H5PPackage:
    """A new file for a READY package: stored beside the live one as a candidate and checked
    aside; lessons keep playing the live version until it passes (h5p_package_process). A
    previous candidate is replaced and its file deleted after commit."""
    previous = package.candidate_file.name
    package.candidate_file.save(Path(upload.name).name, upload, save=False)
    package.candidate_status = Status.PENDING
    package.candidate_error_code = ""
    package.candidate_error = ""
    package.check_started_at = timezone.now()
    package.check_attempts = 0
    package.save(
        update_fields=[
            "candidate_file",
            "candidate_status",
            "candidate_error_code",
            "candidate_error",
            "check_started_at",
            "check_attempts",
        ]
    )
    if previous:
        _storage_delete_on_commit(package, previous)
    package_id = package.pk
    transaction.on_commit(lambda: _package_enqueue(package_id))
    return package


def h5p_package_copy_submit(*, package: H5PPackage, user=None) -> H5PPackage:
    """A package just made as a copy of another (Wagtail's « Copier »): it gets its own copy of
    the file, so that deleting or replacing either never touches the other, and its own
    check. Without a file there is nothing to check: it is refused at once, as it would be."""
    package.content_key = None
    package.candidate_file = ""
    package.candidate_status = ""
    package.candidate_error_code = ""
    package.candidate_error = ""
    source = package.file.name
    if source and package.file.storage.exists(source):
        with package.file.storage.open(source, "rb") as handle:
            package.file.save(Path(source).name, File(handle), save=False)
    else:
        package.file = ""
    package.save()
    return h5p_package_submit(package=package, user=user)


def h5p_package_check_retry(*, package: H5PPackage) -> bool:
    """« Relancer la vérification »: a check that did not finish (its file was kept) starts
    again from zero tries. False when there is nothing to retry (refused for its content, or
    not failed): the caller tells the editor."""
    with transaction.atomic():
        package = H5PPackage.objects.select_for_update().get(pk=package.pk)
        if package.candidate_error_code == H5P_PACKAGE_CHECK_TIMEOUT and package.candidate_file:
            package.candidate_status = Status.PENDING
            package.candidate_error_code = ""
            package.candidate_error = ""
            package.check_started_at = timezone.now()
            package.check_attempts = 0
            package.save()
            package_id = package.pk
            transaction.on_commit(lambda: _package_enqueue(package_id))
            return True
        if (
            package.status == Status.FAILED
            and package.error_code == H5P_PACKAGE_CHECK_TIMEOUT
            and package.file
        ):
            h5p_package_submit(package=package)
            return True
    return False


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


def _storage_delete_on_commit(package: H5PPackage, name: str) -> None:
    storage = package.file.storage
    transaction.on_commit(lambda: storage.delete(name))


def h5p_package_process(*, package_id: int) -> H5PPackage | None:
    """Validate and extract the file waiting for its check: the package's own file while it is
    pending, or the candidate that would replace a READY package's. Idempotent: a package with
    nothing pending (already processed, or deleted) is left as it is.

    On success the files are in a new folder, written under h5p_tmp_root and moved in place
    once complete; the previous folder (and, for a candidate, the replaced upload) are removed
    after commit. On refusal the refused upload and anything extracted are deleted and the error
    is recorded for the editor; a refused candidate leaves the live version playing. A check cut
    short by the task's time limit, or started more than HEMICYCLE_H5P_CHECK_MAX_ATTEMPTS
    times, gives up and keeps the file (_check_give_up)."""
    from ..h5p.package import H5PLimits, H5PPackageError, h5p_package_extract

    # A started try is counted in a transaction of its own, so that a worker killed during the
    # extraction (whose transaction is rolled back) still leaves it counted. While another
    # worker holds the row, this waits, then finds nothing pending.
    started = H5PPackage.objects.filter(_CHECKING, pk=package_id).update(
        check_attempts=F("check_attempts") + 1
    )
    if not started:
        return H5PPackage.objects.filter(pk=package_id).first()
    with transaction.atomic():
        package = H5PPackage.objects.select_for_update().filter(pk=package_id).first()
        if package is None or not package.is_checking:
            return package
        candidate = package.status != Status.PENDING
        if package.check_attempts > settings.HEMICYCLE_H5P_CHECK_MAX_ATTEMPTS:
            return _check_give_up(package)
        upload = package.candidate_file if candidate else package.file
        if not upload:
            error = H5PPackageError(H5P_PACKAGE_MISSING_FILE, _("Aucun fichier H5P déposé."))
            return _package_refuse(package, error, candidate=candidate)
        key = uuid.uuid4()
        destination = h5p_content_dir(key=key)
        destination.parent.mkdir(parents=True, exist_ok=True)
        h5p_tmp_root().mkdir(parents=True, exist_ok=True)
        try:
            with upload.open("rb") as source:
                info = h5p_package_extract(
                    source=source,
                    destination=destination,
                    limits=H5PLimits.from_settings(),
                    staging_root=h5p_tmp_root(),
                )
        except H5PPackageError as error:
            return _package_refuse(package, error, candidate=candidate)
        except SoftTimeLimitExceeded:
            logger.warning("H5P package %s: the check hit the task's time limit", package_id)
            return _check_give_up(package)
        except Exception:
            logger.exception("H5P package %s: unexpected error while extracting", package_id)
            shutil.rmtree(destination, ignore_errors=True)
            error = H5PPackageError(
                H5P_PACKAGE_UNEXPECTED,
                _("Le fichier n'a pas pu être vérifié. Réessayez ou contactez l'équipe."),
            )
            return _package_refuse(package, error, candidate=candidate)
        previous_key = package.content_key
        previous_file = package.file.name if candidate else ""
        if candidate:
            package.file = package.candidate_file.name
            package.candidate_file = ""
            package.candidate_status = ""
            package.candidate_error_code = ""
            package.candidate_error = ""
        _package_make_ready(package, key=key, info=info)
        try:
            package.save()
        except Exception:
            shutil.rmtree(destination, ignore_errors=True)
            raise
        if previous_key:
            old = h5p_content_dir(key=previous_key)
            transaction.on_commit(lambda: shutil.rmtree(old, ignore_errors=True))
        if previous_file:
            _storage_delete_on_commit(package, previous_file)
    return package


def _package_make_ready(package: H5PPackage, *, key: uuid.UUID, info) -> None:
    """The one place a package becomes READY (saved by the caller): its extracted files are in
    h5p_content_dir(key); `info` is the extraction's courses.h5p.package.H5PPackageInfo."""
    package.status = Status.READY
    package.error_code = ""
    package.error = ""
    package.content_key = key
    package.max_score = _package_max_score(package, info)
    package.main_library = info.main_library
    package.metadata = info.metadata
    package.processed_at = timezone.now()


def _package_refuse(package: H5PPackage, error, *, candidate: bool) -> H5PPackage:
    """`error`: a courses.h5p.package.H5PPackageError. A refused candidate is deleted and the
    live version stays; a refused package keeps nothing but the error."""
    if not candidate:
        return _package_fail(package, error)
    if package.candidate_file:
        package.candidate_file.delete(save=False)
    package.candidate_file = ""
    package.candidate_status = Status.FAILED
    package.candidate_error_code = error.code
    package.candidate_error = error.message
    package.save()
    return package


def _package_max_score(package: H5PPackage, info):
    """The activity's maximum score as its content says it: the bound that xAPI scores are
    checked against (courses.h5p.scoring). When no rule knows it, an editor's figure is kept
    while the content type stays the same; otherwise it is unknown (None)."""
    from ..h5p.scoring import h5p_max_score

    known = h5p_max_score(main_library=info.main_library, content=info.content)
    if known is not None:
        return known
    return package.max_score if package.main_library == info.main_library else None


def _package_fail(package: H5PPackage, error) -> H5PPackage:
    """`error`: a courses.h5p.package.H5PPackageError."""
    _discard_upload(package)
    package.status = Status.FAILED
    package.error_code = error.code
    package.error = error.message
    package.processed_at = timezone.now()
    package.save()
    return package


def _check_give_up(package: H5PPackage) -> H5PPackage:
    """The check did not finish: shown as failed with what to do; the file is kept for
    « Relancer la vérification ». A live version, if any, keeps playing."""
    message = str(H5P_PACKAGE_CHECK_TIMEOUT_MESSAGE)
    if package.status == Status.PENDING:
        package.status = Status.FAILED
        package.error_code = H5P_PACKAGE_CHECK_TIMEOUT
        package.error = message
        package.processed_at = timezone.now()
    else:
        package.candidate_status = Status.FAILED
        package.candidate_error_code = H5P_PACKAGE_CHECK_TIMEOUT
        package.candidate_error = message
    package.save()
    return package


def h5p_packages_recover(*, now: datetime | None = None) -> tuple[list[int], list[int]]:
    """Run by beat: every check still pending past HEMICYCLE_H5P_CHECK_TIMEOUT_MINUTES, or
    whose tries all started without finishing, gives up (_check_give_up); the others are handed
    to a worker again, in case their task never left or died with its worker. A package a
    worker is checking right now (its row locked) is left to that worker, whose time limit
    bounds it. Returns (ids given up, ids queued again)."""
    now = now or timezone.now()
    deadline = now - timedelta(minutes=settings.HEMICYCLE_H5P_CHECK_TIMEOUT_MINUTES)
    too_old = Q(check_started_at__lt=deadline) | Q(
        check_started_at__isnull=True, created_at__lt=deadline
    )
    exhausted = Q(check_attempts__gte=settings.HEMICYCLE_H5P_CHECK_MAX_ATTEMPTS)
    with transaction.atomic():
        stale = list(
            H5PPackage.objects.select_for_update(skip_locked=True)
            .filter(_CHECKING)
            .filter(too_old | exhausted)
            .order_by("pk")
        )
        for package in stale:
            logger.warning("H5P package %s: check given up", package.pk)
            _check_give_up(package)
    from ..selectors import h5p_packages_pending_ids

    pending = h5p_packages_pending_ids()
    for package_id in pending:
        _package_enqueue(package_id)
    return [package.pk for package in stale], pending


def h5p_package_files_remove(*, package: H5PPackage) -> None:
    """Once a package is deleted: its upload, its candidate and its extracted files go too."""
    _discard_upload(package)
    if package.candidate_file:
        package.candidate_file.delete(save=False)
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
