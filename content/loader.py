"""Reads the seed files (course.yaml, lessons as YAML front matter + Markdown, the glossary)
into plain data.

Nothing here touches the database: the seeding module turns this data into pages. Media blocks
(image, h5p) name files of the course folder; the seeding module uploads them."""

import datetime
import hashlib
import json
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import markdown
import yaml

from .quizzes import quiz_value
from .reference import SOURCES, article_key

DATA_DIR = Path(__file__).resolve().parent / "data"
GLOSSARY_FILE = "glossary.yaml"
# Where the glossary page lives (content.urls); a lesson's « glossaire:slug » link points there.
GLOSSARY_PATH = "/glossaire/"
BLOCK_ID_NAMESPACE = uuid.UUID("6f1d3c9e-4b8a-4f57-9a41-1c2e5d7b8a90")
STRUCTURED_BLOCKS = {
    "article",
    "key_points",
    "glossary",
    "timeline",
    "further_reading",
    "quiz",
    "essentials",
    "image",
    "video",
    "h5p",
}
# Every lesson has verified, sources and essentials (format v2): the loader refuses a lesson
# without them. False would let it accept them (tests/content/test_curriculum.py still fails).
V2_REQUIRED = True
IMAGE_EXTENSIONS = {".svg", ".png", ".jpg", ".jpeg"}
ESSENTIALS_WORDS = (400, 500)
FRONT_MATTER = re.compile(r"\A---\n(?P<meta>.*?)\n---\n(?P<body>.*)\Z", re.DOTALL)
FENCE = re.compile(r"^```(?P<kind>[a-z0-9_]+)\n(?P<content>.*?)^```\s*$", re.DOTALL | re.MULTILINE)
HEADING = re.compile(r"^(?P<hashes>#{2,3}) +(?P<text>.+?)\s*$", re.MULTILINE)
GLOSSARY_LINK = re.compile(r"\]\(glossaire:(?P<slug>[^)\s]*)\)")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CONSTITUTION_SOURCE = "https://www.legifrance.gouv.fr/loda/id/LEGITEXT000006071194"


class SeedFormatError(ValueError):
    """A seed file does not follow content/FORMAT.md; the message names the file (and the line
    of the block at fault)."""


@dataclass
class GlossaryEntry:
    term: str
    slug: str
    definition: str


@dataclass
class LessonData:
    slug: str
    title: str
    summary: str
    estimated_minutes: int
    body: list[dict]
    source: Path
    verified: datetime.date | None = None
    sources: list[dict] = field(default_factory=list)
    # The Markdown body as written, for the checks that read prose (inline quotations, facts).
    text: str = ""

    @property
    def fingerprint(self) -> str:
        return _fingerprint(
            [
                self.slug,
                self.title,
                self.summary,
                self.estimated_minutes,
                self.body,
                self.verified,
                self.sources,
            ]
        )

    @property
    def essentials(self) -> dict | None:
        first = self.body[0] if self.body else None
        return first["value"] if first and first["type"] == "essentials" else None

    def v2_problems(self) -> list[str]:
        """What the lesson still lacks to follow format v2 entirely. The loader accepts a lesson
        without these while the existing course is being brought to v2; tests/content enforce
        them over the real data."""
        problems = []
        if self.verified is None:
            problems.append("champ « verified » manquant")
        if not self.sources:
            problems.append("champ « sources » manquant")
        if self.essentials is None:
            problems.append("le corps ne commence pas par un bloc « essentials »")
        else:
            words = essentials_word_count(self.essentials["text"])
            low, high = ESSENTIALS_WORDS
            if not low <= words <= high:
                problems.append(f"« L'essentiel » compte {words} mots (attendu : {low} à {high})")
        return [f"{self.source}: {problem}." for problem in problems]


@dataclass
class CourseData:
    slug: str
    title: str
    intro_html: str
    level_min: str
    level_max: str
    estimated_minutes: int
    learning_objectives: list[str]
    source: Path
    lessons: list[LessonData] = field(default_factory=list)
    position: int = 100

    @property
    def fingerprint(self) -> str:
        return _fingerprint(
            [
                self.slug,
                self.title,
                self.intro_html,
                self.level_min,
                self.level_max,
                self.estimated_minutes,
                self.learning_objectives,
            ]
        )


def _fingerprint(value) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()


def _block_id(*parts) -> str:
    """Deterministic ids: re-seeding keeps quiz and question ids, so attempts stay attached."""
    return str(uuid.uuid5(BLOCK_ID_NAMESPACE, "/".join(str(part) for part in parts)))


def essentials_word_count(html: str) -> int:
    """Words of a text as a reader counts them: « l'Assemblée » and « 49-3 » are one word each,
    punctuation is none."""
    text = re.sub(r"<[^>]+>", " ", html)
    return sum(1 for token in text.split() if re.search(r"\w", token))


def glossary_links_resolve(text: str, *, glossary: set[str] | None, where: str) -> str:
    """« [texte](glossaire:slug) » → a link to the term's anchor on the glossary page; a slug
    the glossary does not define is an error."""

    def replace(match):
        slug = match["slug"]
        if glossary is None or slug not in glossary:
            raise SeedFormatError(f"{where}: terme du glossaire inconnu « glossaire:{slug} ».")
        return f"]({GLOSSARY_PATH}#{slug})"

    return GLOSSARY_LINK.sub(replace, text)


def markdown_to_richtext(text: str, *, glossary: set[str] | None = None, where: str = "") -> str:
    """Markdown to Wagtail's rich text storage format (b/i rather than strong/em)."""
    text = glossary_links_resolve(text.strip(), glossary=glossary, where=where)
    html = markdown.markdown(text, output_format="html")
    for tag, replacement in (("strong", "b"), ("em", "i")):
        html = html.replace(f"<{tag}>", f"<{replacement}>").replace(
            f"</{tag}>", f"</{replacement}>"
        )
    return html


def _items(values, key: str, make) -> list[dict]:
    return [
        {"type": "item", "value": make(value, index), "id": _block_id(key, index)}
        for index, value in enumerate(values)
    ]


def _structured_block(kind: str, data, key: str, source: Path) -> dict:
    try:
        if kind == "article":
            return {"type": "constitution_article", "value": _article_value(data, source)}
        if kind == "key_points":
            points = data if isinstance(data, list) else data["points"]
            title = "À retenir" if isinstance(data, list) else data.get("title", "À retenir")
            return {
                "type": "key_points",
                "value": {"title": title, "points": _items(points, key, lambda v, i: str(v))},
            }
        if kind == "glossary":
            return {
                "type": "glossary_term",
                "value": {"term": data["term"], "definition": str(data["definition"]).strip()},
            }
        if kind == "timeline":
            events = data["events"]
            return {
                "type": "timeline",
                "value": {
                    "title": data.get("title", ""),
                    "events": _items(
                        events,
                        key,
                        lambda e, i: {"date": str(e["date"]), "label": str(e["label"]).strip()},
                    ),
                },
            }
        if kind == "further_reading":
            return {
                "type": "further_reading",
                "value": {
                    "links": _items(
                        data,
                        key,
                        lambda link, i: {
                            "title": link["title"],
                            "url": link["url"],
                            "description": link.get("description", ""),
                        },
                    )
                },
            }
        if kind == "quiz":
            # Parsed and checked in content.quizzes (feedback, case, right/wrong choices).
            return {"type": "quiz", "value": quiz_value(data, key=key, source=source)}
    except (KeyError, TypeError) as error:
        raise SeedFormatError(f"{source}: bloc « {kind} » incomplet ({error}).") from error
    raise SeedFormatError(f"{source}: type de bloc inconnu « {kind} ».")


def _article_value(data, source: Path) -> dict:
    origin = data.get("source", "constitution")
    if origin not in SOURCES:
        raise SeedFormatError(
            f"{source}: source d'article inconnue « {origin} » (attendu : {', '.join(SOURCES)})."
        )
    number = str(data["number"]).strip()
    key = article_key(number)
    if not (re.fullmatch(r"\d{1,2}(-\d{1,2})?", key) or key == "preambule"):
        raise SeedFormatError(f"{source}: numéro d'article invalide « {number} ».")
    alinea = data.get("alinea")
    alineas = alinea if isinstance(alinea, list) else ([] if alinea is None else [alinea])
    if not all(isinstance(value, int) and not isinstance(value, bool) for value in alineas) or (
        any(value < 1 for value in alineas)
    ):
        raise SeedFormatError(
            f"{source}: « alinea » est un entier ou une liste d'entiers à partir de 1 ({alinea!r})."
        )
    return {
        "source": origin,
        "number": "preambule" if key == "preambule" else number,
        "alinea": ", ".join(str(value) for value in alineas),
        "text": str(data["text"]).strip(),
        "source_url": data.get("source_url", ""),
    }


@dataclass
class _BlockPlace:
    """Where a block is: its file and line for errors, its course folder for media files, the
    glossary's slugs for links."""

    source: Path
    line: int
    course_dir: Path | None
    glossary: set[str] | None

    def __str__(self):
        return f"{self.source}, ligne {self.line}"


def _media_file(value, place: _BlockPlace, *, extensions: set[str]) -> tuple[Path, str]:
    """A path relative to the course folder, that stays inside it, of an accepted type."""
    if place.course_dir is None:
        raise SeedFormatError(f"{place}: un média n'est possible que dans un cours.")
    if not isinstance(value, str) or not value or Path(value).is_absolute():
        raise SeedFormatError(f"{place}: chemin de fichier invalide {value!r}.")
    root = place.course_dir.resolve()
    path = (root / value).resolve()
    if not path.is_relative_to(root):
        raise SeedFormatError(f"{place}: le fichier « {value} » sort du dossier du cours.")
    if path.suffix.lower() not in extensions:
        accepted = ", ".join(sorted(extensions))
        raise SeedFormatError(
            f"{place}: type de fichier refusé « {value} » (attendu : {accepted})."
        )
    if not path.is_file():
        raise SeedFormatError(f"{place}: fichier introuvable « {value} ».")
    return path, hashlib.sha256(path.read_bytes()).hexdigest()


def _text(data: dict, name: str, place: _BlockPlace, *, required=True, limit=None) -> str:
    value = data.get(name)
    if value is None or not str(value).strip():
        if required:
            raise SeedFormatError(f"{place}: champ « {name} » obligatoire.")
        return ""
    value = str(value).strip()
    if limit and len(value) > limit:
        raise SeedFormatError(f"{place}: « {name} » dépasse {limit} caractères.")
    return value


def _v2_block(kind: str, data, place: _BlockPlace) -> dict:
    """The blocks format v2 adds: essentials, image, video, h5p."""
    if not isinstance(data, dict):
        raise SeedFormatError(f"{place}: le bloc « {kind} » attend des champs YAML.")
    if kind == "essentials":
        text = _text(data, "text", place)
        html = markdown_to_richtext(text, glossary=place.glossary, where=str(place))
        return {"type": "essentials", "value": {"text": html}}
    if kind == "image":
        from config.svg import SVGRefused, svg_accessibility_problems, svg_check

        path, digest = _media_file(data.get("src"), place, extensions=IMAGE_EXTENSIONS)
        if path.suffix.lower() == ".svg":
            try:
                svg_check(path.read_bytes())
            except SVGRefused as error:
                raise SeedFormatError(f"{place}: SVG refusé « {data['src']} » : {error}") from error
            problems = svg_accessibility_problems(path.read_bytes())
            if problems:
                raise SeedFormatError(
                    f"{place}: SVG « {data['src']} » peu accessible : {', '.join(problems)}."
                )
        description = _text(data, "description", place, required=False)
        return {
            "type": "diagram",
            "value": {
                "image": None,
                "alt": _text(data, "alt", place, limit=300),
                "description": markdown_to_richtext(
                    description, glossary=place.glossary, where=str(place)
                )
                if description
                else "",
                "credit": _text(data, "credit", place, limit=200),
                "caption": _text(data, "caption", place, required=False, limit=300),
            },
            "media": {"kind": "image", "path": str(path), "sha256": digest},
        }
    if kind == "video":
        from courses.blocks import VIDEO_HOSTS

        url = _text(data, "url", place)
        parts = urlsplit(url)
        if parts.scheme != "https" or (parts.hostname or "") not in VIDEO_HOSTS:
            raise SeedFormatError(
                f"{place}: vidéo refusée « {url} » (https, hébergeurs : "
                f"{', '.join(sorted(VIDEO_HOSTS))})."
            )
        return {
            "type": "video",
            "value": {
                "url": url,
                "title": _text(data, "title", place, limit=200),
                "transcript": _text(data, "transcript", place),
                "credit": _text(data, "credit", place, required=False, limit=200),
            },
        }
    if kind == "h5p":
        path, digest = _media_file(data.get("package"), place, extensions={".h5p"})
        return {
            "type": "h5p",
            "value": {
                "package": None,
                "title": _text(data, "title", place, limit=200),
                "instructions": _text(data, "instructions", place, required=False),
            },
            "media": {"kind": "h5p", "path": str(path), "sha256": digest},
        }
    raise SeedFormatError(f"{place}: type de bloc inconnu « {kind} ».")


def parse_lesson_body(
    text: str,
    *,
    key: str,
    source: Path,
    glossary: set[str] | None = None,
    course_dir: Path | None = None,
    first_line: int = 1,
) -> list[dict]:
    """Markdown with fenced structured blocks and ##/### headings into StreamField raw data.
    Media blocks keep a "media" entry (the file to upload) that the seeding resolves."""
    stream: list[dict] = []

    def add_markdown(chunk: str, line: int):
        position = 0
        for match in HEADING.finditer(chunk):
            add_prose(chunk[position : match.start()], line + chunk.count("\n", 0, position))
            level = "h2" if len(match["hashes"]) == 2 else "h3"
            stream.append({"type": "heading", "value": {"text": match["text"], "level": level}})
            position = match.end()
        add_prose(chunk[position:], line + chunk.count("\n", 0, position))

    def add_prose(chunk: str, line: int):
        if chunk.strip():
            where = f"{source}, ligne {line}"
            html = markdown_to_richtext(chunk, glossary=glossary, where=where)
            stream.append({"type": "rich_text", "value": html})

    position = 0
    for match in FENCE.finditer(text):
        add_markdown(text[position : match.start()], first_line + text.count("\n", 0, position))
        kind = match["kind"]
        place = _BlockPlace(
            source=source,
            line=first_line + text.count("\n", 0, match.start()),
            course_dir=course_dir,
            glossary=glossary,
        )
        if kind not in STRUCTURED_BLOCKS:
            raise SeedFormatError(f"{place}: type de bloc inconnu « {kind} ».")
        if kind == "essentials" and stream:
            raise SeedFormatError(
                f"{place}: le bloc « essentials » doit ouvrir la leçon, une seule fois."
            )
        try:
            data = yaml.safe_load(match["content"])
        except yaml.YAMLError as error:
            raise SeedFormatError(
                f"{place}: YAML invalide dans un bloc « {kind} » : {error}"
            ) from error
        if kind in ("essentials", "image", "video", "h5p"):
            stream.append(_v2_block(kind, data, place))
        else:
            try:
                stream.append(_structured_block(kind, data, f"{key}/{len(stream)}", source))
            except SeedFormatError as error:
                raise SeedFormatError(str(error).replace(f"{source}:", f"{place}:", 1)) from error
        position = match.end()
    add_markdown(text[position:], first_line + text.count("\n", 0, position))
    for index, block in enumerate(stream):
        block["id"] = _block_id(key, index, block["type"])
    return stream


def _read_front_matter(path: Path) -> tuple[dict, str, int]:
    """The front matter, the body and the file's line number where the body starts."""
    match = FRONT_MATTER.match(path.read_text(encoding="utf-8"))
    if not match:
        raise SeedFormatError(f"{path}: en-tête YAML (---) manquant.")
    try:
        meta = yaml.safe_load(match["meta"]) or {}
    except yaml.YAMLError as error:
        raise SeedFormatError(f"{path}: en-tête YAML invalide : {error}") from error
    if not isinstance(meta, dict):
        raise SeedFormatError(f"{path}: l'en-tête YAML doit être un ensemble de champs.")
    return meta, match["body"], match.string.count("\n", 0, match.start("body")) + 1


def _verified(meta: dict, path: Path) -> datetime.date | None:
    value = meta.get("verified")
    if value is None:
        return None
    if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
        raise SeedFormatError(f"{path}: « verified » est une date AAAA-MM-JJ ({value!r}).")
    if value > datetime.date.today():
        raise SeedFormatError(f"{path}: « verified » est dans le futur ({value}).")
    return value


def _sources(meta: dict, path: Path) -> list[dict]:
    value = meta.get("sources")
    if value is None:
        return []
    if not isinstance(value, list) or not value:
        raise SeedFormatError(f"{path}: « sources » est une liste de {{title, url}}.")
    sources = []
    for index, item in enumerate(value, start=1):
        if not isinstance(item, dict) or not item.get("title") or not item.get("url"):
            raise SeedFormatError(f"{path}: source n° {index} : « title » et « url » obligatoires.")
        url = str(item["url"]).strip()
        if urlsplit(url).scheme != "https" or not urlsplit(url).hostname:
            raise SeedFormatError(f"{path}: source n° {index} : adresse https attendue ({url}).")
        sources.append({"title": str(item["title"]).strip(), "url": url})
    return sources


def load_lesson(
    path: Path,
    *,
    course_slug: str,
    glossary: set[str] | None = None,
    course_dir: Path | None = None,
) -> LessonData:
    meta, body, first_line = _read_front_matter(path)
    try:
        slug = meta["slug"]
        return LessonData(
            slug=slug,
            title=meta["title"],
            summary=meta["summary"],
            estimated_minutes=int(meta["estimated_minutes"]),
            body=parse_lesson_body(
                body,
                key=f"{course_slug}/{slug}",
                source=path,
                glossary=glossary,
                course_dir=course_dir,
                first_line=first_line,
            ),
            source=path,
            verified=_verified(meta, path),
            sources=_sources(meta, path),
            text=body,
        )
    except KeyError as error:
        raise SeedFormatError(f"{path}: champ obligatoire manquant : {error}.") from error


def load_glossary(data_dir: Path = DATA_DIR) -> list[GlossaryEntry]:
    """content/data/glossary.yaml: a list of {term, slug, definition}; no file, no glossary."""
    path = data_dir / GLOSSARY_FILE
    if not path.exists():
        return []
    try:
        items = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except yaml.YAMLError as error:
        raise SeedFormatError(f"{path}: YAML invalide : {error}") from error
    if not isinstance(items, list):
        raise SeedFormatError(f"{path}: une liste de {{term, slug, definition}} est attendue.")
    entries, seen = [], set()
    for index, item in enumerate(items, start=1):
        if not isinstance(item, dict) or not all(
            isinstance(item.get(name), str) and item[name].strip()
            for name in ("term", "slug", "definition")
        ):
            raise SeedFormatError(f"{path}: entrée n° {index} : term, slug et definition requis.")
        slug = item["slug"].strip()
        if not SLUG.match(slug) or len(slug) > 80:
            raise SeedFormatError(f"{path}: entrée n° {index} : slug invalide « {slug} ».")
        if slug in seen:
            raise SeedFormatError(f"{path}: le slug « {slug} » apparaît deux fois.")
        if len(item["term"].strip()) > 120:
            raise SeedFormatError(f"{path}: entrée n° {index} : terme trop long.")
        seen.add(slug)
        entries.append(
            GlossaryEntry(
                term=item["term"].strip(), slug=slug, definition=item["definition"].strip()
            )
        )
    return entries


def _objectives(values, path: Path) -> list[str]:
    """Plain sentences: a YAML item holding « : » without quotes would be a mapping."""
    if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
        raise SeedFormatError(
            f"{path}: « learning_objectives » est une liste de phrases (entre guillemets si "
            "elles contiennent « : »)."
        )
    return [value.strip() for value in values]


def load_course(directory: Path, *, glossary: set[str] | None = None) -> CourseData:
    path = directory / "course.yaml"
    try:
        meta = yaml.safe_load(path.read_text(encoding="utf-8"))
        course = CourseData(
            slug=meta["slug"],
            title=meta["title"],
            intro_html=markdown_to_richtext(meta["intro"], glossary=glossary, where=str(path)),
            level_min=meta["level_min"],
            level_max=meta["level_max"],
            estimated_minutes=int(meta["estimated_minutes"]),
            learning_objectives=_objectives(meta.get("learning_objectives", []), path),
            source=path,
            position=int(meta.get("position", 100)),
        )
    except (KeyError, TypeError, yaml.YAMLError) as error:
        raise SeedFormatError(f"{path}: {error}") from error
    course.lessons = [
        load_lesson(lesson_path, course_slug=course.slug, glossary=glossary, course_dir=directory)
        for lesson_path in sorted((directory / "lessons").glob("*.md"))
    ]
    if V2_REQUIRED:
        problems = [problem for lesson in course.lessons for problem in lesson.v2_problems()]
        if problems:
            raise SeedFormatError("\n".join(problems))
    slugs = [lesson.slug for lesson in course.lessons]
    duplicates = sorted({slug for slug in slugs if slugs.count(slug) > 1})
    if duplicates:
        raise SeedFormatError(f"{directory}: leçons en double : {', '.join(duplicates)}.")
    return course


def load_courses(data_dir: Path = DATA_DIR) -> list[CourseData]:
    """Every course, in the order of their `position` (then of their folder's name)."""
    glossary = {entry.slug for entry in load_glossary(data_dir)}
    courses = [
        load_course(path.parent, glossary=glossary)
        for path in sorted(data_dir.glob("courses/*/course.yaml"))
    ]
    return sorted(courses, key=lambda course: course.position)
