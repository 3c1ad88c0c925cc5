"""Sweeping what H5P processing leaves on disk when it is cut short: staging folders of a worker
killed during an extraction, content folders and uploads that no package references any more
(a crash between a commit and its after-commit removal).

What must never go: a folder or file that a package references (its live content, its file or
its candidate), nor anything an extraction or an upload is writing right now. References are
read from the database after the disk is listed, and only entries older than
HEMICYCLE_H5P_SWEEP_AFTER_MINUTES are touched: far longer than the task's hard time limit, so a
staging folder that old has no living writer, and a content folder renamed into place is fresh
(the extraction sets its time) until its package's row commits, milliseconds later. Symbolic
links are removed as links, never followed."""

import logging
import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from ..models import H5PPackage
from .h5p import h5p_content_root, h5p_tmp_root

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class H5PSweepReport:
    staging: int  # staging folders removed (h5p/tmp, and older ones left in h5p/content)
    content: int  # content folders no package references
    uploads: int  # upload files no package references


def h5p_files_sweep(*, now: datetime | None = None) -> H5PSweepReport:
    """Remove old staging folders and unreferenced content folders and uploads (see the
    module's docstring for what is kept)."""
    now = now or timezone.now()
    cutoff = (now - timedelta(minutes=settings.HEMICYCLE_H5P_SWEEP_AFTER_MINUTES)).timestamp()
    tmp_entries = _old_entries(h5p_tmp_root(), cutoff)
    content_entries = _old_entries(h5p_content_root(), cutoff)
    uploads_root = Path(settings.MEDIA_ROOT) / "h5p" / "uploads"
    upload_entries = _old_entries(uploads_root, cutoff)

    keys = {
        str(key)
        for key in H5PPackage.objects.exclude(content_key=None).values_list(
            "content_key", flat=True
        )
    }
    files = set()
    for file, candidate in H5PPackage.objects.values_list("file", "candidate_file"):
        files.update(Path(name).name for name in (file, candidate) if name)

    staging = sum(_remove(path) for path in tmp_entries)
    content = 0
    for path in content_entries:
        if path.name in keys:
            continue
        # A name starting with "." is a staging folder of the extraction's default layout.
        if path.name.startswith("."):
            staging += _remove(path)
        else:
            content += _remove(path)
    uploads = sum(_remove(path) for path in upload_entries if path.name not in files)
    report = H5PSweepReport(staging=staging, content=content, uploads=uploads)
    if staging or content or uploads:
        logger.warning("H5P sweep: %s", report)
    return report


def _old_entries(root: Path, cutoff: float) -> list[Path]:
    if not root.is_dir():
        return []
    found = []
    for path in root.iterdir():
        try:
            modified = path.lstat().st_mtime
        except FileNotFoundError:
            continue
        if modified < cutoff:
            found.append(path)
    return found


def _remove(path: Path) -> int:
    try:
        if path.is_symlink() or not path.is_dir():
            path.unlink()
        else:
            shutil.rmtree(path)
    except FileNotFoundError:
        return 0
    return 1
