"""Turns the loaded seed data into Wagtail pages, idempotently.

A page is created when missing, updated (new revision, published) when its seed file changed,
and left alone when an editor has saved a revision since the last seeding, unless forced."""

import copy
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from django.core.files import File
from django.db import transaction
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from courses.models import CourseIndexPage, CoursePage, H5PPackage, HomePage, LessonPage
from courses.services.h5p import h5p_package_process

from .loader import CourseData, GlossaryEntry, LessonData, SeedFormatError
from .models import GlossaryTerm, SeedRecord

HOME_SLUG = "accueil"
COURSE_INDEX_SLUG = "cours"


@dataclass
class SeedReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept_edited: list[str] = field(default_factory=list)


def _publish(page: Page, *, fingerprint: str, source: str) -> None:
    page.full_clean()
    revision = page.save_revision(log_action=True, clean=False)
    revision.publish()
    SeedRecord.objects.update_or_create(
        page=page, defaults={"source": source, "fingerprint": fingerprint, "revision": revision}
    )


def _upsert(parent: Page, model, slug: str, fields: dict, *, fingerprint, source, force, report):
    page = model.objects.child_of(parent).filter(slug=slug).first()
    if page is None:
        page = model(slug=slug, **fields)
        parent.add_child(instance=page)
        _publish(page, fingerprint=fingerprint, source=source)
        report.created.append(source)
        return page
    record = SeedRecord.objects.filter(page=page).first()
    edited = record is None or page.latest_revision_id != record.revision_id
    if edited and not force:
        report.kept_edited.append(source)
        return page
    if not edited and record.fingerprint == fingerprint:
        report.unchanged.append(source)
        return page
    # Work from the latest revision so unrelated page settings an editor made are kept with --force.
    page = page.get_latest_revision_as_object()
    for name, value in fields.items():
        setattr(page, name, value)
    _publish(page, fingerprint=fingerprint, source=source)
    report.updated.append(source)
    return page


def site_structure_ensure(*, report: SeedReport) -> CourseIndexPage:
    """Home page as the default site's root (replacing Wagtail's welcome page), course index."""
    root = Page.get_first_root_node()
    home = HomePage.objects.child_of(root).first()
    if home is None:
        home = HomePage(
            title="Hémicycle",
            slug=HOME_SLUG,
            intro="<p>Des leçons courtes pour comprendre la Ve République, ses institutions "
            "et la place de chacun dans la vie démocratique.</p>",
        )
        root.add_child(instance=home)
        _publish(home, fingerprint="", source="home")
        report.created.append("home")
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", root_page=home, is_default_site=True)
    elif site.root_page_id != home.pk:
        welcome = site.root_page
        site.root_page = home
        site.save()
        # Wagtail's own placeholder, never an editor's page.
        if type(welcome.specific) is Page and welcome.is_leaf():
            welcome.delete()
    index = CourseIndexPage.objects.child_of(home).first()
    if index is None:
        index = CourseIndexPage(title="Cours", slug=COURSE_INDEX_SLUG)
        home.add_child(instance=index)
        _publish(index, fingerprint="", source="course-index")
        report.created.append("course-index")
    return index


def _image_ensure(path: Path, *, title: str) -> int:
    """The Wagtail image of a seed file, found by its content's hash (Wagtail keeps the SHA-1 of
    every image file), else uploaded: re-seeding never makes a second copy."""
    Image = get_image_model()
    data = path.read_bytes()
    digest = hashlib.sha1(data).hexdigest()  # noqa: S324 (Wagtail's own file hash)
    image = Image.objects.filter(file_hash=digest).first()
    if image is None:
        image = Image(title=title[:255], file_hash=digest, file_size=len(data))
        with path.open("rb") as handle:
            image.file.save(path.name, File(handle), save=False)
        image.save()
    return image.pk


def _h5p_ensure(path: Path, *, title: str, sha256: str) -> int:
    """The H5P package of a seed file: uploaded and checked through the H5P pipeline (the check
    the worker runs, here in the seeding's transaction), found again by its hash on a re-run.
    A refused package stops the seeding with its reason."""
    marker = f"seed:sha256:{sha256}"
    package = H5PPackage.objects.filter(description=marker, status=H5PPackage.Status.READY).first()
    if package is None:
        package = H5PPackage(
            title=title[:255],
            description=marker,
            status=H5PPackage.Status.PENDING,
            check_started_at=timezone.now(),
        )
        with path.open("rb") as handle:
            package.file.save(path.name, File(handle), save=False)
        package.save()
        package = h5p_package_process(package_id=package.pk)
        if package is None or not package.is_ready:
            reason = package.error if package else "paquet introuvable"
            raise SeedFormatError(f"{path}: activité H5P refusée : {reason}")
    return package.pk


def _body_resolve(body: list[dict]) -> list[dict]:
    """The loader's body with its media files turned into stored images and H5P packages."""
    resolved = []
    for block in body:
        media = block.get("media")
        if media is None:
            resolved.append(block)
            continue
        block = copy.deepcopy(block)
        del block["media"]
        path = Path(media["path"])
        if media["kind"] == "image":
            block["value"]["image"] = _image_ensure(path, title=block["value"]["alt"])
        else:
            block["value"]["package"] = _h5p_ensure(
                path, title=block["value"]["title"], sha256=media["sha256"]
            )
        resolved.append(block)
    return resolved


def _lesson_fields(lesson: LessonData) -> dict:
    return {
        "title": lesson.title,
        "summary": lesson.summary,
        "estimated_minutes": lesson.estimated_minutes,
        "body": _body_resolve(lesson.body),
        "verified": lesson.verified,
        "sources": [("source", source) for source in lesson.sources],
    }


def glossary_seed(*, entries: list[GlossaryEntry]) -> None:
    """The glossary file's terms, created or updated by slug; terms it no longer holds are kept
    (an editor may have added them)."""
    for entry in entries:
        GlossaryTerm.objects.update_or_create(
            slug=entry.slug, defaults={"term": entry.term, "definition": entry.definition}
        )


def _course_fields(course: CourseData) -> dict:
    return {
        "title": course.title,
        "intro": course.intro_html,
        "level_min": course.level_min,
        "level_max": course.level_max,
        "estimated_minutes": course.estimated_minutes,
        "learning_objectives": [("objective", text) for text in course.learning_objectives],
    }


@transaction.atomic
def content_seed(
    *,
    courses: list[CourseData],
    force: bool = False,
    glossary: list[GlossaryEntry] | None = None,
) -> SeedReport:
    """Everything in one transaction: a file that fails (an H5P package refused) leaves nothing
    half-loaded."""
    report = SeedReport()
    if glossary:
        glossary_seed(entries=glossary)
    index = site_structure_ensure(report=report)
    for course in courses:
        course_page = _upsert(
            index,
            CoursePage,
            course.slug,
            _course_fields(course),
            fingerprint=course.fingerprint,
            source=str(course.source.relative_to(course.source.parents[3])),
            force=force,
            report=report,
        )
        for lesson in course.lessons:
            _upsert(
                course_page,
                LessonPage,
                lesson.slug,
                _lesson_fields(lesson),
                fingerprint=lesson.fingerprint,
                source=str(lesson.source.relative_to(lesson.source.parents[4])),
                force=force,
                report=report,
            )
    return report
