"""The site root routes a URL in one query (issue 24) to exactly the page and sub-URL Wagtail's
level-by-level `Page.route` finds, and lesson pages check their view restrictions in one query
with Wagtail's answer."""

import pytest
from django.http import Http404
from django.test import RequestFactory
from wagtail.models import Page, PageViewRestriction

from courses.models import HomePage, LessonPage

from .factories import course_create, lesson_create, quiz_block

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(site_tree):
    course = course_create(parent=site_tree)
    lesson = lesson_create(course=course, body=[quiz_block(questions=1)])
    draft = lesson_create(course=course, live=False)
    return site_tree, course, lesson, draft


def _route(root, path, *, wagtails: bool):
    request = RequestFactory().get(path)
    components = [c for c in path.split("/") if c]
    route = Page.route if wagtails else type(root).route
    try:
        page, args, kwargs = route(root, request, components)
    except Http404:
        return "404"
    view = args[0].__name__ if args else None
    return (page.pk, type(page).__name__, view, list(args[1]) if args else [], kwargs)


def _paths(tree):
    index, course, lesson, draft = tree
    home = HomePage.objects.get()
    rel = lambda page: page.url_path[len(home.url_path) - 1 :]  # noqa: E731
    quiz_id = next(iter(lesson.quiz_blocks()))
    return home, [
        "/",
        rel(index),
        rel(course),
        rel(lesson),
        rel(lesson) + f"quiz/{quiz_id}/",
        rel(lesson) + "no-such-view/",
        rel(draft),
        rel(draft) + f"quiz/{quiz_id}/",
        rel(course) + "missing/",
        "/missing/",
        rel(index) + "missing/deeper/",
    ]


def test_routing_matches_wagtails_descent(tree):
    home, paths = _paths(tree)
    for path in paths:
        assert _route(home, path, wagtails=False) == _route(home, path, wagtails=True), path


def test_routing_goes_through_a_draft_course_as_wagtail_does(tree):
    index, course, lesson, draft = tree
    course.unpublish()
    home, paths = _paths(tree)
    for path in paths:
        assert _route(home, path, wagtails=False) == _route(home, path, wagtails=True), path


def test_routing_takes_one_query_below_the_home_page(tree, django_assert_num_queries):
    index, course, lesson, draft = tree
    home = HomePage.objects.get()
    path = lesson.url_path[len(home.url_path) - 1 :]
    with django_assert_num_queries(2):  # the path, then the specific lesson
        page, _, _ = home.route(RequestFactory().get(path), [c for c in path.split("/") if c])
    assert page.pk == lesson.pk
    with django_assert_num_queries(0):
        assert page.get_parent().pk == course.pk


@pytest.mark.parametrize("restricted", [None, "index", "course", "lesson", "home"])
def test_view_restrictions_are_wagtails_in_one_query(tree, restricted, django_assert_num_queries):
    index, course, lesson, draft = tree
    pages = {"index": index, "course": course, "lesson": lesson, "home": HomePage.objects.get()}
    if restricted:
        PageViewRestriction.objects.create(
            page=Page.objects.get(pk=pages[restricted].pk),
            restriction_type=PageViewRestriction.PASSWORD,
            password="x",
        )
    lesson = LessonPage.objects.get(pk=lesson.pk)
    with django_assert_num_queries(1):
        ours = {r.pk for r in lesson.get_view_restrictions()}
    assert ours == {r.pk for r in Page.get_view_restrictions(lesson)}
    assert bool(ours) == bool(restricted)


def test_private_lesson_stays_private_to_anonymous_visitors(client, tree):
    index, course, lesson, draft = tree
    PageViewRestriction.objects.create(
        page=Page.objects.get(pk=course.pk), restriction_type=PageViewRestriction.LOGIN
    )
    response = client.get(lesson.url)
    assert response.status_code == 302
    assert "login" in response["Location"] or "connexion" in response["Location"]
    assert client.get(draft.url).status_code == 404


def test_alias_lesson_answers_to_its_source_restrictions(tree):
    index, course, lesson, draft = tree
    other = course_create(parent=index)
    alias = lesson.create_alias(parent=other)
    PageViewRestriction.objects.create(
        page=Page.objects.get(pk=lesson.pk), restriction_type=PageViewRestriction.LOGIN
    )
    alias = LessonPage.objects.get(pk=alias.pk)
    assert {r.pk for r in alias.get_view_restrictions()} == {
        r.pk for r in Page.get_view_restrictions(alias)
    }
    assert alias.get_view_restrictions().exists()
