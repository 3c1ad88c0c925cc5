"""A course's final test (content/data/courses/<slug>/final-test.yaml, seed format v2): read and
checked here, then loaded as the course's FinalTestPage, idempotently as lessons are
(content.seeding).

    title: Test final — <course title>
    pass_mark: 60          # percent, 1 to 100
    questions: [...]       # quiz questions (content.quizzes)"""

from dataclasses import dataclass
from pathlib import Path

import yaml

from courses.models import CoursePage, FinalTestPage

from .loader import DATA_DIR, SeedFormatError, _block_id, _fingerprint, markdown_to_richtext
from .quizzes import quiz_value
from .seeding import SeedReport, _upsert

FILE_NAME = "final-test.yaml"
PAGE_SLUG = "test-final"


@dataclass
class FinalTestData:
    course_slug: str
    title: str
    intro_html: str
    pass_mark: int
    quiz: dict
    source: Path

    @property
    def fingerprint(self) -> str:
        return _fingerprint([self.title, self.intro_html, self.pass_mark, self.quiz])


def load_final_test(path: Path, *, course_slug: str) -> FinalTestData:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise SeedFormatError(f"{path}: YAML invalide : {error}") from error
    if not isinstance(data, dict):
        raise SeedFormatError(f"{path}: le fichier est une liste de champs (title, …).")
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        raise SeedFormatError(f"{path}: « title » manque.")
    pass_mark = data.get("pass_mark")
    if type(pass_mark) is not int or not 1 <= pass_mark <= 100:
        raise SeedFormatError(f"{path}: « pass_mark » est un pourcentage entier de 1 à 100.")
    key = f"{course_slug}/{PAGE_SLUG}"
    quiz = quiz_value(
        {"title": title, "questions": data.get("questions")}, key=f"{key}/0", source=path
    )
    return FinalTestData(
        course_slug=course_slug,
        title=title.strip(),
        intro_html=markdown_to_richtext(data["intro"]) if data.get("intro") else "",
        pass_mark=pass_mark,
        quiz={"type": "quiz", "value": quiz, "id": _block_id(key, 0, "quiz")},
        source=path,
    )


def load_final_tests(data_dir: Path = DATA_DIR) -> list[FinalTestData]:
    """Every course's final test, by the course's slug (read in its course.yaml)."""
    tests = []
    for course_file in sorted(data_dir.glob("courses/*/course.yaml")):
        path = course_file.parent / FILE_NAME
        if not path.exists():
            continue
        try:
            slug = yaml.safe_load(course_file.read_text(encoding="utf-8"))["slug"]
        except (KeyError, TypeError, yaml.YAMLError) as error:
            raise SeedFormatError(f"{course_file}: {error}") from error
        tests.append(load_final_test(path, course_slug=slug))
    return tests


def final_tests_seed(
    *, final_tests: list[FinalTestData], report: SeedReport, force: bool = False
) -> None:
    """Create or update each course's final test page (after content_seed made the courses)."""
    for test in final_tests:
        course = CoursePage.objects.filter(slug=test.course_slug).first()
        if course is None:
            raise SeedFormatError(f"{test.source}: le cours « {test.course_slug} » n'existe pas.")
        _upsert(
            course,
            FinalTestPage,
            PAGE_SLUG,
            {
                "title": test.title,
                "intro": test.intro_html,
                "pass_mark": test.pass_mark,
                "quiz": [test.quiz],
            },
            fingerprint=test.fingerprint,
            source=str(test.source.relative_to(test.source.parents[3])),
            force=force,
            report=report,
        )
