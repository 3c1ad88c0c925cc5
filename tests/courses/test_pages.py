import pytest
from wagtail.models import Page

from courses.models import CourseIndexPage, CoursePage, HomePage, LessonPage

from .factories import content_blocks, course_create, lesson_create, quiz_block

PAGE_TYPES = [HomePage, CourseIndexPage, CoursePage, LessonPage]
ALLOWED_CHILDREN = {
    Page: {HomePage},
    HomePage: {CourseIndexPage},
    CourseIndexPage: {CoursePage},
    CoursePage: {LessonPage},
    LessonPage: set(),
}


@pytest.mark.parametrize("parent", list(ALLOWED_CHILDREN))
def test_page_tree_allows_only_the_designed_placements(parent):
    allowed = {model for model in PAGE_TYPES if model in parent.allowed_subpage_models()}
    assert allowed == ALLOWED_CHILDREN[parent]
    for child in PAGE_TYPES:
        assert (parent in child.allowed_parent_page_models()) == (child in ALLOWED_CHILDREN[parent])


def test_lesson_cannot_be_created_outside_a_course(site_tree):
    home = site_tree.get_parent()
    assert not LessonPage.can_create_at(home)
    assert not LessonPage.can_create_at(site_tree)
    course = course_create(parent=site_tree)
    assert LessonPage.can_create_at(course)
    assert not HomePage.can_create_at(Page.get_first_root_node())  # max_count = 1


def test_course_page_lists_live_lessons_in_tree_order(client, site_tree):
    course = course_create(parent=site_tree)
    first = lesson_create(course=course, title="Première")
    second = lesson_create(course=course, title="Deuxième")
    lesson_create(course=course, title="Brouillon", live=False)
    response = client.get(course.url)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.index(first.title) < body.index(second.title)
    assert "Brouillon" not in body


def test_lesson_page_renders_every_block_kind(client, site_tree):
    course = course_create(parent=site_tree)
    lesson = lesson_create(course=course, body=[*content_blocks(8), quiz_block(questions=3)])
    response = client.get(lesson.url)
    html = response.content.decode()
    assert response.status_code == 200
    for marker in (
        "<h2>Intertitre</h2>",
        "un lien",
        "À retenir",
        "Constitution du 4 octobre 1958",
        '<p class="fr-quote__author">Article 3</p>',
        "Suffrage",
        "hc-timeline",
        "Pour aller plus loin",
        "Voir la vidéo sur Dailymotion",
        'name="csrfmiddlewaretoken"',
    ):
        assert marker in html, marker
    # The answers never reach the page before the pupil answers.
    assert "correct" not in html.split('id="lesson-title"')[1].split("hc-quiz__score")[0].lower()


def test_lesson_navigation_links_previous_and_next(client, site_tree):
    course = course_create(parent=site_tree)
    first, second, third = (lesson_create(course=course) for _ in range(3))
    html = client.get(second.url).content.decode()
    assert f'href="{first.url}"' in html and f'href="{third.url}"' in html
    assert "Leçon 2 sur 3" in html
