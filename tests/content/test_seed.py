import re
import unicodedata

import pytest
from django.core.management import call_command
from wagtail.models import Page, Revision

from content.loader import DATA_DIR, SeedFormatError, load_course, load_courses
from content.seeding import content_seed
from courses.models import CoursePage, LessonPage
from tests.conftest import shared_file

# The project's own copy of the official text, with its source in its header; CI holds it to the
# reference copy kept beside the repository.
CONSTITUTION = DATA_DIR / "reference" / "constitution-1958.md"
ARTICLE_HEADING = re.compile(r"^## ARTICLE (?P<number>PREMIER|\d+(?:-\d+)?)\.?$")


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("’", "'").replace("\u00a0", " ")
    return re.sub(r"\s+", " ", text).strip()


def _articles(path) -> dict[str, list[str]]:
    """Article number ("1", "34", "61-1"), or "préambule", -> its alinéas, normalised; the front
    matter and the titles' headings belong to none."""
    text = path.read_text(encoding="utf-8")
    if text.startswith("---\n"):
        text = text.split("\n---\n", 1)[1]
    articles: dict[str, list[str]] = {}
    current = None
    for block in text.split("\n\n"):
        block = block.strip()
        heading = ARTICLE_HEADING.match(block)
        if heading:
            current = "1" if heading["number"] == "PREMIER" else heading["number"]
            assert current not in articles, f"{path}: article {current} twice"
            articles[current] = []
        elif block == "# PRÉAMBULE":
            current = "préambule"
            articles[current] = []
        elif block.startswith("#"):
            current = None
        elif block and current is not None:
            articles[current].append(_normalise(block))
    return articles


@pytest.fixture(scope="module")
def courses():
    return load_courses()


def test_first_course_has_ten_lessons_with_three_questions_each(courses):
    (course,) = [c for c in courses if c.slug == "la-ve-republique-et-ses-institutions"]
    assert len(course.lessons) >= 10
    for lesson in course.lessons:
        quizzes = [block for block in lesson.body if block["type"] == "quiz"]
        questions = [q for quiz in quizzes for q in quiz["value"]["questions"]]
        assert len(questions) >= 3, lesson.slug
        assert all(q["value"]["explanation"] for q in questions), lesson.slug


def test_quoted_articles_match_the_official_constitution(courses):
    """Each quoted alinéa stands, word for word, in the article the lesson names."""
    official = _articles(CONSTITUTION)
    quoted = [
        (lesson.slug, block["value"])
        for course in courses
        for lesson in course.lessons
        for block in lesson.body
        if block["type"] == "constitution_article"
        # The other texts' quotations are checked in test_curriculum.
        and block["value"].get("source", "constitution") == "constitution"
    ]
    assert quoted
    for slug, article in quoted:
        number = article["number"].removesuffix("er")
        assert number in official, f"{slug}: no article {article['number']} in {CONSTITUTION}"
        alineas = " ".join(official[number])
        for paragraph in article["text"].split("\n"):
            if paragraph.strip():
                assert _normalise(paragraph) in alineas, f"{slug}, art. {article['number']}"


def test_project_copy_of_the_constitution_is_the_reference_text():
    """The reference copy is kept beside the repository: CI checks that the project's copy says
    the same, article by article (a lone clone skips this)."""
    reference = _articles(shared_file("reference", "constitution-1958.md"))
    own = _articles(CONSTITUTION)
    # The preamble, then ARTICLE PREMIER to 89 with those added since (34-1, 61-1, 88-7...).
    assert len(reference) == 1 + 108
    assert own.keys() == reference.keys()
    differing = [number for number in reference if own[number] != reference[number]]
    assert not differing, f"articles that differ from the reference text: {differing}"


def test_seed_content_creates_the_site_and_is_idempotent(db, courses):
    content_seed(courses=courses)
    pages = list(Page.objects.order_by("path").values_list("id", "path", "title"))
    revisions = Revision.objects.count()
    report = content_seed(courses=courses)
    assert list(Page.objects.order_by("path").values_list("id", "path", "title")) == pages
    assert Revision.objects.count() == revisions
    assert not report.created and not report.updated and not report.kept_edited
    assert LessonPage.objects.live().count() == sum(len(c.lessons) for c in courses)


def test_seed_content_never_clobbers_an_edited_page_unless_forced(db, courses, admin_user):
    content_seed(courses=courses)
    lesson = LessonPage.objects.order_by("path").first()
    seeded_title = lesson.title
    lesson.title = "Titre revu par la rédaction"
    lesson.save_revision(user=admin_user).publish()

    report = content_seed(courses=courses)
    lesson.refresh_from_db()
    assert lesson.title == "Titre revu par la rédaction"
    assert len(report.kept_edited) == 1

    call_command("seed_content", "--force", stdout=open("/dev/null", "w"))  # noqa: SIM115
    lesson.refresh_from_db()
    assert lesson.title == seeded_title


def test_seed_content_updates_a_page_whose_file_changed(db, courses):
    content_seed(courses=courses)
    changed = load_courses()
    changed[0].lessons[0].summary = "Un nouveau résumé"
    report = content_seed(courses=changed)
    assert len(report.updated) == 1
    assert LessonPage.objects.get(slug=changed[0].lessons[0].slug).summary == "Un nouveau résumé"


def test_every_seeded_lesson_renders(client, db, courses):
    content_seed(courses=courses)
    assert client.get("/").status_code == 200
    assert CoursePage.objects.count() == len(courses)
    for course in CoursePage.objects.all():
        assert client.get(course.url).status_code == 200, course.url
    for lesson in LessonPage.objects.live():
        response = client.get(lesson.url)
        assert response.status_code == 200, lesson.url
        html = response.content.decode()
        assert "Valider mes réponses" in html and "Vérifié le" in html, lesson.url


def test_seed_block_ids_are_stable_across_loads(courses):
    again = load_courses()
    assert [b["id"] for b in courses[0].lessons[0].body] == [
        b["id"] for b in again[0].lessons[0].body
    ]


def test_malformed_seed_file_gives_a_clear_error(tmp_path):
    (tmp_path / "lessons").mkdir()
    (tmp_path / "course.yaml").write_text(
        "slug: c\ntitle: C\nintro: x\nlevel_min: 3e\nlevel_max: terminale\nestimated_minutes: 9\n"
    )
    lesson = tmp_path / "lessons" / "01-x.md"
    lesson.write_text("pas d'en-tête\n")
    with pytest.raises(SeedFormatError, match="01-x.md: en-tête YAML"):
        load_course(tmp_path)
    lesson.write_text(
        "---\nslug: x\ntitle: X\nsummary: s\nestimated_minutes: 3\n---\n```oops\na: 1\n```\n"
    )
    with pytest.raises(SeedFormatError, match="type de bloc inconnu « oops »"):
        load_course(tmp_path)
    lesson.write_text(
        "---\nslug: x\ntitle: X\nsummary: s\nestimated_minutes: 3\n---\n```quiz\nquestions:\n"
        "  - kind: single\n    prompt: p\n```\n"
    )
    with pytest.raises(SeedFormatError, match=r"01-x.md, ligne \d+: question 1 : « explanation »"):
        load_course(tmp_path)
