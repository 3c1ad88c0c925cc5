"""Reads the seed files (course.yaml, lessons as YAML front matter + Markdown) into plain data.

Nothing here touches the database: the seeding module turns this data into pages."""

import hashlib
import json
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import markdown
import yaml

from .quizzes import quiz_value

DATA_DIR = Path(__file__).resolve().parent / "data"
BLOCK_ID_NAMESPACE = uuid.UUID("6f1d3c9e-4b8a-4f57-9a41-1c2e5d7b8a90")
STRUCTURED_BLOCKS = {
    "article",
    "key_points",
    "glossary",
    "timeline",
    "further_reading",
    "quiz",
}
FRONT_MATTER = re.compile(r"\A---\n(?P<meta>.*?)\n---\n(?P<body>.*)\Z", re.DOTALL)
FENCE = re.compile(r"^```(?P<kind>[a-z_]+)\n(?P<content>.*?)^```\s*$", re.DOTALL | re.MULTILINE)
HEADING = re.compile(r"^(?P<hashes>#{2,3}) +(?P<text>.+?)\s*$", re.MULTILINE)
CONSTITUTION_SOURCE = "https://www.legifrance.gouv.fr/loda/id/LEGITEXT000006071194"


class SeedFormatError(ValueError):
    """A seed file does not follow content/FORMAT.md; the message names the file."""


@dataclass
class LessonData:
    slug: str
    title: str
    summary: str
    estimated_minutes: int
    body: list[dict]
    source: Path

    @property
    def fingerprint(self) -> str:
        return _fingerprint(
            [self.slug, self.title, self.summary, self.estimated_minutes, self.body]
        )


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


def markdown_to_richtext(text: str) -> str:
    """Markdown to Wagtail's rich text storage format (b/i rather than strong/em)."""
    html = markdown.markdown(text.strip(), output_format="html")
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
            return {
                "type": "constitution_article",
                "value": {
                    "number": str(data["number"]),
                    "text": str(data["text"]).strip(),
                    "source_url": data.get("source_url", CONSTITUTION_SOURCE),
                },
            }
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


def parse_lesson_body(text: str, *, key: str, source: Path) -> list[dict]:
    """Markdown with fenced structured blocks and ##/### headings into StreamField raw data."""
    stream: list[dict] = []

    def add_markdown(chunk: str):
        position = 0
        for match in HEADING.finditer(chunk):
            add_prose(chunk[position : match.start()])
            level = "h2" if len(match["hashes"]) == 2 else "h3"
            stream.append({"type": "heading", "value": {"text": match["text"], "level": level}})
            position = match.end()
        add_prose(chunk[position:])

    def add_prose(chunk: str):
        if chunk.strip():
            stream.append({"type": "rich_text", "value": markdown_to_richtext(chunk)})

    position = 0
    for match in FENCE.finditer(text):
        add_markdown(text[position : match.start()])
        kind = match["kind"]
        if kind not in STRUCTURED_BLOCKS:
            raise SeedFormatError(f"{source}: type de bloc inconnu « {kind} ».")
        try:
            data = yaml.safe_load(match["content"])
        except yaml.YAMLError as error:
            raise SeedFormatError(
                f"{source}: YAML invalide dans un bloc « {kind} » : {error}"
            ) from error
        stream.append(_structured_block(kind, data, f"{key}/{len(stream)}", source))
        position = match.end()
    add_markdown(text[position:])
    for index, block in enumerate(stream):
        block["id"] = _block_id(key, index, block["type"])
    return stream


def _read_front_matter(path: Path) -> tuple[dict, str]:
    match = FRONT_MATTER.match(path.read_text(encoding="utf-8"))
    if not match:
        raise SeedFormatError(f"{path}: en-tête YAML (---) manquant.")
    try:
        meta = yaml.safe_load(match["meta"]) or {}
    except yaml.YAMLError as error:
        raise SeedFormatError(f"{path}: en-tête YAML invalide : {error}") from error
    return meta, match["body"]


def load_lesson(path: Path, *, course_slug: str) -> LessonData:
    meta, body = _read_front_matter(path)
    try:
        slug = meta["slug"]
        return LessonData(
            slug=slug,
            title=meta["title"],
            summary=meta["summary"],
            estimated_minutes=int(meta["estimated_minutes"]),
            body=parse_lesson_body(body, key=f"{course_slug}/{slug}", source=path),
            source=path,
        )
    except KeyError as error:
        raise SeedFormatError(f"{path}: champ obligatoire manquant : {error}.") from error


def load_course(directory: Path) -> CourseData:
    path = directory / "course.yaml"
    try:
        meta = yaml.safe_load(path.read_text(encoding="utf-8"))
        course = CourseData(
            slug=meta["slug"],
            title=meta["title"],
            intro_html=markdown_to_richtext(meta["intro"]),
            level_min=meta["level_min"],
            level_max=meta["level_max"],
            estimated_minutes=int(meta["estimated_minutes"]),
            learning_objectives=[str(item) for item in meta.get("learning_objectives", [])],
            source=path,
        )
    except (KeyError, TypeError, yaml.YAMLError) as error:
        raise SeedFormatError(f"{path}: {error}") from error
    course.lessons = [
        load_lesson(lesson_path, course_slug=course.slug)
        for lesson_path in sorted((directory / "lessons").glob("*.md"))
    ]
    return course


def load_courses(data_dir: Path = DATA_DIR) -> list[CourseData]:
    return [load_course(path.parent) for path in sorted(data_dir.glob("courses/*/course.yaml"))]
