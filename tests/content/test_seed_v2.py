"""Seed format v2 through the real loader and seeding: front matter, « L'essentiel », article
alinéas and sources, glossary links, media blocks; bad input gives an error naming the file and
line, and loads nothing."""

import datetime
import re

import pytest
from wagtail.images import get_image_model

from config.typography import french_text
from content import loader
from content.loader import SeedFormatError, load_courses, load_glossary
from content.models import GlossaryTerm
from content.reference import ReferenceLibrary, article_block_problems
from content.seeding import content_seed
from courses.blocks import article_label
from courses.models import LessonPage
from tests.content.v2_seed import v2_course_write

LESSON_PATH = "courses/parlement-v2/lessons/01-le-parlement-en-action.md"


def _lesson_rewrite(root, old, new):
    path = root / LESSON_PATH
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_v2_lesson_loads_with_its_front_matter_and_blocks(tmp_path):
    v2_course_write(tmp_path)
    (course,) = load_courses(tmp_path)
    (lesson,) = course.lessons
    assert lesson.verified == datetime.date(2026, 12, 1)
    assert lesson.sources[0]["title"].startswith("Constitution du 4 octobre 1958")
    assert lesson.v2_problems() == []
    assert [b["type"] for b in lesson.body][:2] == ["essentials", "heading"]
    assert '<a href="/glossaire/#navette-parlementaire">navette</a>' in lesson.essentials["text"]
    diagram = next(b for b in lesson.body if b["type"] == "diagram")
    assert diagram["media"]["path"].endswith("media/parlement.svg")
    assert (
        diagram["value"]["description"]
        == "<p>À gauche l'Assemblée nationale, à droite le <b>Sénat</b>.</p>"
    )
    article = next(b for b in lesson.body if b["type"] == "constitution_article")
    assert article["value"]["alinea"] == "2" and article["value"]["source"] == "constitution"
    assert article_block_problems(article["value"], ReferenceLibrary()) == []


def test_v2_problems_name_what_an_old_style_lesson_lacks(tmp_path, monkeypatch):
    monkeypatch.setattr(loader, "V2_REQUIRED", False)  # the lenient loader, to list them
    v2_course_write(tmp_path)
    _lesson_rewrite(tmp_path, "verified: 2026-12-01\n", "")
    path = tmp_path / LESSON_PATH
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"```essentials\n.*?\n```\n", "", text, flags=re.DOTALL))
    (course,) = load_courses(tmp_path)
    problems = course.lessons[0].v2_problems()
    assert len(problems) == 2
    assert "« verified » manquant" in problems[0] and "essentials" in problems[1]


def test_essentials_word_count_is_checked(tmp_path, monkeypatch):
    monkeypatch.setattr(loader, "V2_REQUIRED", False)  # the lenient loader, to list them
    v2_course_write(tmp_path)
    _lesson_rewrite(tmp_path, "Le Parlement vote la loi et contrôle le Gouvernement. " * 10, "")
    (course,) = load_courses(tmp_path)
    (problem,) = course.lessons[0].v2_problems()
    assert re.search(r"compte 3\d\d mots \(attendu : 400 à 500\)", problem)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("glossaire:navette-parlementaire", "glossaire:navette", "inconnu « glossaire:navette »"),
        ("verified: 2026-12-01", "verified: le 1er décembre", "« verified » est une date"),
        ("verified: 2026-12-01", "verified: 2999-01-01", "dans le futur"),
        ("    url: https://www.conseil", "    url: http://www.conseil", "adresse https"),
        ('number: "24"\nalinea: 2', 'number: "24"\nalinea: [0]', "« alinea » est un entier"),
        ('number: "24"', 'source: constitution-1946\nnumber: "24"', "source d'article inconnue"),
        (
            "src: media/parlement.svg",
            "src: lessons/01-le-parlement-en-action.md",
            "type de fichier refusé",
        ),
        ("src: media/parlement.svg", "src: ../other/x.svg", "sort du dossier du cours"),
        ("src: media/parlement.svg", "src: media/absent.svg", "fichier introuvable"),
        ("alt: Schéma des deux assemblées du Parlement\n", "", "« alt » obligatoire"),
        ("credit: Hémicycle, CC BY-SA 4.0\n", "", "« credit » obligatoire"),
    ],
)
def test_bad_v2_input_names_the_file_and_line(tmp_path, old, new, message):
    v2_course_write(tmp_path)
    _lesson_rewrite(tmp_path, old, new)
    with pytest.raises(SeedFormatError, match=re.escape(message)) as error:
        load_courses(tmp_path)
    assert "01-le-parlement-en-action.md" in str(error.value)


def test_block_errors_give_the_line_of_the_block(tmp_path):
    v2_course_write(
        tmp_path,
        extra="\n```video\nurl: http://www.youtube-nocookie.com/embed/x\n"
        "title: T\ntranscript: Texte\n```\n",
    )
    text = (tmp_path / LESSON_PATH).read_text(encoding="utf-8")
    line = text.splitlines().index("```video") + 1
    with pytest.raises(SeedFormatError, match=rf"\.md, ligne {line}: vidéo refusée"):
        load_courses(tmp_path)


@pytest.mark.parametrize(
    ("video", "message"),
    [
        ("url: https://evil.example/v\ntitle: T\ntranscript: x", "vidéo refusée"),
        ("url: https://www.youtube-nocookie.com/embed/x\ntitle: T", "« transcript » obligatoire"),
    ],
)
def test_video_block_rules(tmp_path, video, message):
    v2_course_write(tmp_path, extra=f"\n```video\n{video}\n```\n")
    with pytest.raises(SeedFormatError, match=message):
        load_courses(tmp_path)


def test_video_block_loads(tmp_path):
    v2_course_write(
        tmp_path,
        extra="\n```video\nurl: https://www.youtube-nocookie.com/embed/abc\ntitle: La navette\n"
        "transcript: |\n  Le texte passe d'une assemblée à l'autre.\ncredit: LCP\n```\n",
    )
    (course,) = load_courses(tmp_path)
    video = course.lessons[0].body[-1]
    assert video["type"] == "video" and video["value"]["credit"] == "LCP"


def test_essentials_must_open_the_lesson(tmp_path):
    v2_course_write(tmp_path, extra="\n```essentials\ntext: encore\n```\n")
    with pytest.raises(SeedFormatError, match="doit ouvrir la leçon"):
        load_courses(tmp_path)


def test_glossary_file_is_checked(tmp_path):
    v2_course_write(tmp_path)
    (tmp_path / "glossary.yaml").write_text(
        "- {term: A, slug: a, definition: x}\n- {term: B, slug: a, definition: y}\n"
    )
    with pytest.raises(SeedFormatError, match="apparaît deux fois"):
        load_glossary(tmp_path)
    (tmp_path / "glossary.yaml").write_text("- {term: A, slug: A B, definition: x}\n")
    with pytest.raises(SeedFormatError, match="slug invalide"):
        load_glossary(tmp_path)


def test_real_glossary_loads_and_is_substantial():
    entries = load_glossary()
    assert len(entries) >= 25
    slugs = {entry.slug for entry in entries}
    assert {"loi-organique", "motion-de-censure", "qpc", "navette-parlementaire"} <= slugs


def test_seeding_a_v2_course_uploads_the_diagram_once_and_renders_it(db, client, tmp_path):
    v2_course_write(tmp_path)
    courses = load_courses(tmp_path)
    content_seed(courses=courses, glossary=load_glossary(tmp_path))
    Image = get_image_model()
    assert Image.objects.count() == 1
    content_seed(courses=load_courses(tmp_path), glossary=load_glossary(tmp_path))
    assert Image.objects.count() == 1
    assert GlossaryTerm.objects.count() == 2

    lesson = LessonPage.objects.get(slug="le-parlement-en-action")
    assert lesson.verified == datetime.date(2026, 12, 1)
    assert lesson.sources[0].value["url"].startswith("https://www.conseil-constitutionnel.fr/")
    html = client.get(lesson.url).content.decode()
    assert "Vérifié le 1er décembre 2026" in html
    assert html.index("essentiel</h2>") < html.index("Pour aller plus loin")
    assert html.index("Pour aller plus loin") < html.index("Deux assemblées")
    assert re.search(r'<img[^>]+src="/media/images/parlement[^"]*\.svg"', html)
    assert 'alt="Schéma des deux assemblées du Parlement"' in html
    assert "<details" in html and "Description détaillée du schéma" in html
    assert french_text("Crédit : Hémicycle, CC BY-SA 4.0") in html
    assert "Article 24, alinéa 2" in html
    assert 'href="/glossaire/#navette-parlementaire"' in html
    assert "Sources officielles de cette leçon" in html

    glossary = client.get("/glossaire/").content.decode()
    assert 'id="navette-parlementaire"' in glossary and "Motion de censure" in glossary


def test_a_hostile_svg_in_a_seed_file_loads_nothing(db, tmp_path):
    course = v2_course_write(tmp_path)
    (course / "media" / "parlement.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 1 1" onload="alert(1)">'
        "<title>x</title></svg>"
    )
    with pytest.raises(SeedFormatError, match="SVG refusé .* onload"):
        load_courses(tmp_path)
    assert get_image_model().objects.count() == 0 and not LessonPage.objects.exists()


def test_an_inaccessible_svg_is_refused(tmp_path):
    course = v2_course_write(tmp_path)
    (course / "media" / "parlement.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1"/></svg>'
    )
    with pytest.raises(SeedFormatError, match='viewBox manquant, role="img" manquant'):
        load_courses(tmp_path)


@pytest.mark.parametrize(
    ("number", "alinea", "label"),
    [
        ("49", "3", "Article 49, alinéa 3"),
        ("1", "", "Article 1er"),
        ("26", "1, 2, 3", "Article 26, alinéas 1 à 3"),
        ("89", "1, 3", "Article 89, alinéas 1 et 3"),
        ("preambule", "5", "Alinéa 5"),
    ],
)
def test_article_label(number, alinea, label):
    assert article_label(number=number, alinea=alinea) == label


def test_old_article_data_still_renders(db, client):
    """Pages stored before `source` and `alinea` existed: the Constitution, whole article."""
    from wagtail.models import Page

    from tests.courses.factories import course_create, lesson_create

    course = course_create(parent=Page.get_first_root_node())
    lesson = lesson_create(
        course=course,
        body=[
            {
                "type": "constitution_article",
                "value": {
                    "number": "3",
                    "text": "La souveraineté nationale appartient au peuple.",
                    "source_url": "https://www.legifrance.gouv.fr/loda/id/LEGITEXT000006071194",
                },
            }
        ],
    )
    block = lesson.body[0]
    html = block.render(context={"page": lesson})
    assert "Article 3" in html and "Constitution du 4 octobre 1958" in html
    assert "conseil-constitutionnel.fr/le-bloc-de-constitutionnalite/texte-integral" in html


def test_h5p_package_of_the_course_folder_is_uploaded_once(db, tmp_path):
    from courses.models import H5PPackage
    from tests.conftest import h5p_fixture

    v2_course_write(tmp_path, h5p_package=h5p_fixture("H5P.TrueFalse.h5p"))
    content_seed(courses=load_courses(tmp_path))
    content_seed(courses=load_courses(tmp_path))
    package = H5PPackage.objects.get()
    assert package.is_ready and package.title == "Vrai ou faux"
    lesson = LessonPage.objects.get(slug="le-parlement-en-action")
    assert list(lesson.h5p_package_ids().values()) == [package.pk]


def test_a_refused_h5p_package_stops_the_seeding_and_loads_nothing(db, tmp_path):
    from courses.models import H5PPackage

    course = v2_course_write(tmp_path)
    (course / "media" / "activite.h5p").write_bytes(b"PK\x03\x04 not really a zip")
    _lesson_rewrite(
        tmp_path,
        "```article\n",
        "```h5p\npackage: media/activite.h5p\ntitle: Cassé\n```\n\n```article\n",
    )
    with pytest.raises(SeedFormatError, match="activite.h5p: activité H5P refusée"):
        content_seed(courses=load_courses(tmp_path), glossary=load_glossary(tmp_path))
    assert not LessonPage.objects.exists() and not H5PPackage.objects.exists()
    assert not GlossaryTerm.objects.exists() and get_image_model().objects.count() == 0


def test_once_v2_is_required_the_loader_refuses_an_incomplete_lesson(tmp_path, monkeypatch):
    from content import loader

    v2_course_write(tmp_path)
    load_courses(tmp_path)  # complete: loads either way
    monkeypatch.setattr(loader, "V2_REQUIRED", True)
    load_courses(tmp_path)
    _lesson_rewrite(tmp_path, "verified: 2026-12-01\n", "")
    with pytest.raises(SeedFormatError, match="01-le-parlement-en-action.md: champ « verified »"):
        load_courses(tmp_path)


def test_an_objective_with_an_unquoted_colon_is_refused(tmp_path):
    """YAML reads « - Expliquer X : Y » as a mapping: the loader says so instead of storing
    « {'Expliquer X': 'Y'} » as the objective."""
    course = v2_course_write(tmp_path)
    with (course / "course.yaml").open("a", encoding="utf-8") as file:
        file.write("learning_objectives:\n  - Expliquer la loi : son vote et sa promulgation.\n")
    with pytest.raises(SeedFormatError, match="learning_objectives"):
        load_courses(tmp_path)
    (course / "course.yaml").write_text(
        (course / "course.yaml")
        .read_text()
        .replace(
            "- Expliquer la loi : son vote et sa promulgation.",
            '- "Expliquer la loi : son vote et sa promulgation."',
        ),
        encoding="utf-8",
    )
    (loaded,) = load_courses(tmp_path)
    assert loaded.learning_objectives == ["Expliquer la loi : son vote et sa promulgation."]
