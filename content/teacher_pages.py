"""Teacher's guides (content/data/courses/<slug>/teacher/<lesson-slug>.md, seed format v2):
read and checked here, then loaded as the lesson's LessonTeacherGuide.

The front matter gives the session (levels, programme, duration, objectives, timing) and the
ready-made consultation or debate a teacher launches in two clicks (content.launch); the body is
Markdown for the teacher, corrected exercises included. A ready-made question is checked at load
with the limits of the classroom_votes services that will create it, so that a seed file never
offers a launch those services would refuse; the services check it again at launch."""

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction

from classroom_votes import tallies
from classroom_votes.debates import moderation
from classroom_votes.models import FIXED_ANSWERS, SourcePanel
from classroom_votes.models.consultations import (
    CONTEXT_MAX_LENGTH,
    OPTION_DESCRIPTION_MAX_LENGTH,
    OPTION_LABEL_MAX_LENGTH,
    SOURCE_SUMMARY_MAX_LENGTH,
    SOURCE_TITLE_MAX_LENGTH,
    SOURCE_URL_MAX_LENGTH,
)
from courses.models import CoursePage, LessonPage, LessonTeacherGuide

from .loader import (
    CourseData,
    SeedFormatError,
    _fingerprint,
    _read_front_matter,
    markdown_to_richtext,
)

LEVELS = ("3e", "2nde", "1re", "terminale")
QUESTION_MAX_LENGTH = 200  # a ready-made question or thesis (seed format v2)
OPTIONS_MIN, OPTIONS_MAX = 2, 8
KINDS = ("consultation", "debate")


class ReadyMadeInvalid(ValueError):
    """A ready-made question that cannot be launched; the message says why, in French."""


@dataclass
class TeacherGuideData:
    course_slug: str
    lesson_slug: str
    levels: list[str]
    programme: str
    duration_minutes: int
    objectives: list[str]
    timing: list[dict]
    body_html: str
    ready_made: dict
    source: Path

    @property
    def fingerprint(self) -> str:
        return _fingerprint(
            [
                self.levels,
                self.programme,
                self.duration_minutes,
                self.objectives,
                self.timing,
                self.body_html,
                self.ready_made,
            ]
        )


def _text(value, *, field: str, max_length: int, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise ReadyMadeInvalid(f"« {field} » est un texte")
    value = value.strip()
    if required and not value:
        raise ReadyMadeInvalid(f"« {field} » est vide")
    if len(value) > max_length:
        raise ReadyMadeInvalid(f"« {field} » dépasse {max_length} caractères")
    return value


def _options_clean(method: str, options) -> list[dict]:
    if method in FIXED_ANSWERS:
        if options:
            raise ReadyMadeInvalid(f"la méthode {method} a des réponses fixes : pas d'« options »")
        return []
    if not isinstance(options, list) or not OPTIONS_MIN <= len(options) <= OPTIONS_MAX:
        raise ReadyMadeInvalid(
            f"la méthode {method} demande de {OPTIONS_MIN} à {OPTIONS_MAX} « options »"
        )
    cleaned = []
    for index, option in enumerate(options, start=1):
        if isinstance(option, str):
            option = {"label": option}
        if not isinstance(option, dict) or not set(option) <= {"key", "label", "description"}:
            raise ReadyMadeInvalid(f"l'option {index} est un texte ou {{label, description}}")
        cleaned.append(
            {
                "key": str(option.get("key") or f"option-{index}"),
                "label": _text(
                    option.get("label"), field="label", max_length=OPTION_LABEL_MAX_LENGTH
                ),
                "description": _text(
                    option.get("description"),
                    field="description",
                    max_length=OPTION_DESCRIPTION_MAX_LENGTH,
                    required=False,
                ),
            }
        )
    try:
        tallies.options_validate(method=method, options=[option["key"] for option in cleaned])
    except tallies.OptionsInvalid as error:
        raise ReadyMadeInvalid(f"options refusées ({error.code})") from None
    return cleaned


def _sources_clean(sources) -> list[dict]:
    if not isinstance(sources, list):
        raise ReadyMadeInvalid("« sources » est une liste (panneaux medias, pour, contre)")
    validate_url = URLValidator(schemes=["https", "http"])
    cleaned = []
    for index, source in enumerate(sources, start=1):
        if not isinstance(source, dict) or not set(source) <= {"panel", "title", "url", "summary"}:
            raise ReadyMadeInvalid(f"la source {index} a panel, title, url et summary")
        panel = source.get("panel")
        if panel not in SourcePanel.values:
            raise ReadyMadeInvalid(f"la source {index} : « panel » vaut medias, pour ou contre")
        url = _text(
            source.get("url"), field="url", max_length=SOURCE_URL_MAX_LENGTH, required=False
        )
        if panel == SourcePanel.MEDIAS and not url:
            raise ReadyMadeInvalid(f"la source {index} (medias) a besoin d'une « url »")
        if url:
            try:
                validate_url(url)
            except ValidationError:
                raise ReadyMadeInvalid(f"la source {index} : « url » invalide") from None
            if urlsplit(url).scheme != "https":
                raise ReadyMadeInvalid(f"la source {index} : « url » en https")
        cleaned.append(
            {
                "panel": panel,
                "title": _text(
                    source.get("title"), field="title", max_length=SOURCE_TITLE_MAX_LENGTH
                ),
                "url": url,
                "summary": _text(
                    source.get("summary"),
                    field="summary",
                    max_length=SOURCE_SUMMARY_MAX_LENGTH,
                    required=False,
                ),
            }
        )
    missing = [panel for panel in SourcePanel.values if panel not in {s["panel"] for s in cleaned}]
    if missing:
        raise ReadyMadeInvalid(
            "les trois panneaux sont présentés avant le vote ; il manque : " + ", ".join(missing)
        )
    return cleaned


def ready_made_clean(data) -> dict:
    """The ready-made question as the launch expects it, or ReadyMadeInvalid. Consultation:
    {kind, title, context, method, options: [{key, label, description}], sources: [{panel,
    title, url, summary}]}; debate: {kind, thesis, context}."""
    if not isinstance(data, dict):
        raise ReadyMadeInvalid("« ready_made » manque ou n'est pas une liste de champs")
    kind = data.get("kind")
    if kind not in KINDS:
        raise ReadyMadeInvalid("« kind » vaut consultation ou debate")
    context = _text(
        data.get("context"), field="context", max_length=CONTEXT_MAX_LENGTH, required=False
    )
    if kind == "debate":
        unknown = set(data) - {"kind", "thesis", "context"}
        if unknown:
            raise ReadyMadeInvalid(f"champs inconnus pour un débat : {', '.join(sorted(unknown))}")
        thesis = _text(data.get("thesis"), field="thesis", max_length=QUESTION_MAX_LENGTH)
        try:
            moderation.text_sanitize(
                thesis, max_length=QUESTION_MAX_LENGTH, links_allowed=True, multiline=False
            )
        except moderation.TextRefused as error:
            raise ReadyMadeInvalid(f"« thesis » refusée ({error.code})") from None
        return {"kind": kind, "thesis": thesis, "context": context}
    unknown = set(data) - {"kind", "title", "context", "method", "options", "sources"}
    if unknown:
        raise ReadyMadeInvalid(
            f"champs inconnus pour une consultation : {', '.join(sorted(unknown))}"
        )
    method = data.get("method")
    if method not in tallies.VotingMethod.values:
        raise ReadyMadeInvalid(
            "« method » vaut " + ", ".join(tallies.VotingMethod.values) + f" (pas {method!r})"
        )
    return {
        "kind": kind,
        "title": _text(data.get("title"), field="title", max_length=QUESTION_MAX_LENGTH),
        "context": context,
        "method": method,
        "options": _options_clean(method, data.get("options")),
        "sources": _sources_clean(data.get("sources")),
    }


def _string_list(value, *, field: str, path: Path) -> list[str]:
    if not isinstance(value, list) or not all(
        isinstance(item, str) and item.strip() for item in value
    ):
        raise SeedFormatError(f"{path}: « {field} » est une liste de textes.")
    return [item.strip() for item in value]


def load_teacher_guide(path: Path, *, course: CourseData) -> TeacherGuideData:
    meta, body, _first_line = _read_front_matter(path)
    lesson_slug = meta.get("lesson")
    if lesson_slug != path.stem:
        raise SeedFormatError(
            f"{path}: « lesson » doit être {path.stem!r}, comme le nom du fichier."
        )
    if lesson_slug not in {lesson.slug for lesson in course.lessons}:
        raise SeedFormatError(f"{path}: le cours n'a pas de leçon « {lesson_slug} ».")
    levels = _string_list(meta.get("levels"), field="levels", path=path)
    if not levels or set(levels) - set(LEVELS):
        raise SeedFormatError(f"{path}: « levels » parmi {', '.join(LEVELS)}.")
    programme = meta.get("programme")
    if not isinstance(programme, str) or not programme.strip() or len(programme) > 400:
        raise SeedFormatError(
            f"{path}: « programme » (le thème du programme, 400 caractères au plus)."
        )
    duration = meta.get("duration_minutes")
    if type(duration) is not int or not 5 <= duration <= 600:
        raise SeedFormatError(f"{path}: « duration_minutes » est un nombre de minutes (5 à 600).")
    timing = meta.get("timing")
    if (
        not isinstance(timing, list)
        or not timing
        or not all(
            isinstance(step, dict)
            and type(step.get("minutes")) is int
            and step["minutes"] > 0
            and isinstance(step.get("activity"), str)
            and step["activity"].strip()
            for step in timing
        )
    ):
        raise SeedFormatError(f"{path}: « timing » est une liste de {{minutes, activity}}.")
    if not body.strip():
        raise SeedFormatError(f"{path}: le texte pour l'enseignant (après l'en-tête) manque.")
    try:
        ready_made = ready_made_clean(meta.get("ready_made"))
    except ReadyMadeInvalid as error:
        raise SeedFormatError(f"{path}: ready_made : {error}.") from error
    return TeacherGuideData(
        course_slug=course.slug,
        lesson_slug=lesson_slug,
        levels=levels,
        programme=programme.strip(),
        duration_minutes=duration,
        objectives=_string_list(meta.get("objectives"), field="objectives", path=path),
        timing=[
            {"minutes": step["minutes"], "activity": step["activity"].strip()} for step in timing
        ],
        body_html=markdown_to_richtext(body),
        ready_made=ready_made,
        source=path,
    )


def load_teacher_guides(courses: list[CourseData]) -> list[TeacherGuideData]:
    return [
        load_teacher_guide(path, course=course)
        for course in courses
        for path in sorted((course.source.parent / "teacher").glob("*.md"))
    ]


@transaction.atomic
def teacher_guides_seed(*, guides: list[TeacherGuideData], report) -> None:
    """Create or update each lesson's guide (after content_seed made the lessons). The seed
    file is the reference: a guide that differs from it (an editor's change included) is
    replaced by it; one that does not is left as it is."""
    for guide in guides:
        lesson = (
            LessonPage.objects.filter(slug=guide.lesson_slug, depth__gt=2)
            .filter(path__startswith=_course_path(guide))
            .first()
        )
        if lesson is None:
            raise SeedFormatError(f"{guide.source}: la leçon « {guide.lesson_slug} » n'existe pas.")
        source = str(guide.source.relative_to(guide.source.parents[4]))
        fields = {
            "levels": guide.levels,
            "programme": guide.programme,
            "duration_minutes": guide.duration_minutes,
            "objectives": guide.objectives,
            "timing": guide.timing,
            "body": guide.body_html,
            "ready_made": guide.ready_made,
        }
        existing = LessonTeacherGuide.objects.filter(lesson=lesson).first()
        if existing is not None and all(getattr(existing, k) == v for k, v in fields.items()):
            report.unchanged.append(source)
            continue
        LessonTeacherGuide.objects.update_or_create(lesson=lesson, defaults=fields)
        (report.updated if existing else report.created).append(source)


def _course_path(guide: TeacherGuideData) -> str:
    course = CoursePage.objects.filter(slug=guide.course_slug).first()
    if course is None:
        raise SeedFormatError(f"{guide.source}: le cours « {guide.course_slug} » n'existe pas.")
    return course.path
