"""Course pages' `public()` in one query (issue 24) gives exactly what Wagtail's own gives: a page
is private when it or an ancestor carries a view restriction, whatever the kind."""

import pytest
from wagtail.models import Page, PageViewRestriction
from wagtail.query import PageQuerySet

from courses.models import CoursePage, LessonPage

from .factories import course_create, lesson_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(site_tree):
    first, second = course_create(parent=site_tree), course_create(parent=site_tree)
    lessons = [lesson_create(course=course) for course in (first, second, first, second)]
    return site_tree, first, second, lessons


def _wagtails(model):
    return set(PageQuerySet(model).live().public().values_list("pk", flat=True))


def _ours(model):
    return set(model.objects.live().public().values_list("pk", flat=True))


@pytest.mark.parametrize(
    "restricted",
    [[], ["index"], ["first"], ["lesson0"], ["lesson1", "first"], ["second", "lesson2"]],
)
def test_public_pages_are_wagtails_public_pages(tree, restricted, django_assert_num_queries):
    index, first, second, lessons = tree
    pages = {"index": index, "first": first, "second": second}
    pages.update({f"lesson{n}": lesson for n, lesson in enumerate(lessons)})
    for name in restricted:
        PageViewRestriction.objects.create(
            page=Page.objects.get(pk=pages[name].pk),
            restriction_type=PageViewRestriction.PASSWORD,
            password="x",
        )
    for model in (LessonPage, CoursePage):
        assert _ours(model) == _wagtails(model)
        with django_assert_num_queries(1):
            list(model.objects.live().public())
    if restricted:
        assert _ours(LessonPage) != {lesson.pk for lesson in lessons}
