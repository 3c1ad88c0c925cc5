"""The site's navigation comes from one registry (config.navigation): who sees which entry, which
one is current, the tabs of a class's pages, and where « Cours » leads."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.urls import resolve, reverse
from wagtail.models import Page

from config.navigation import class_tabs, site_navigation
from courses.models import CourseIndexPage
from courses.selectors import course_index_url
from courses.selectors.catalogue import course_index_url_forget
from tests.school.factories import (
    admin_create,
    classroom_create,
    editor_create,
    pupil_create,
    teacher_create,
)


def _request(path, user=None):
    request = RequestFactory().get(path)
    request.user = user or AnonymousUser()
    request.resolver_match = resolve(path)
    return request


def _labels(links):
    return [str(link.label) for link in links]


@pytest.fixture
def classroom(db):
    return classroom_create(teacher=teacher_create())


def test_each_role_sees_its_own_header_entries(classroom, site_tree):
    teacher = classroom.teachers.get()
    pupil = pupil_create(classroom=classroom).user
    expected = {
        None: ["Se connecter", "Connexion élève", "Rejoindre une classe"],
        teacher: ["Mon espace", "Mes classes", "Consultations", "Débats", "Mon compte"],
        pupil: ["Mon espace", "Mes devoirs", "Consultations", "Débats", "Mes données"],
        editor_create(): ["Mon compte", "Administration"],
        admin_create(): [
            "Mon espace",
            "Mes classes",
            "Consultations",
            "Débats",
            "Mon compte",
            "Administration",
        ],
    }
    for user, labels in expected.items():
        assert _labels(site_navigation(_request("/", user)).tools) == labels
    main = ["Accueil", "Cours", "Résultats nationaux"]
    for user in expected:
        assert _labels(site_navigation(_request("/", user)).main) == main


def test_logout_names_the_account_except_a_pupils(classroom):
    pupil = pupil_create(classroom=classroom).user
    teacher = classroom.teachers.get()
    assert site_navigation(_request("/", pupil)).logout_label == "Se déconnecter"
    assert teacher.username in site_navigation(_request("/", teacher)).logout_label
    assert site_navigation(_request("/")).logout_label == ""


def test_login_links_come_back_to_the_page_except_on_the_login_pages(db):
    tools = site_navigation(_request("/consultations/")).tools
    assert tools[0].url == f"{reverse('login')}?next=/consultations/"
    # Not from the home page: a login there leads to each role's own page.
    assert [link.url for link in site_navigation(_request("/")).tools[:2]] == [
        reverse("login"),
        reverse("school:pupil_login"),
    ]
    login = reverse("school:pupil_login")
    tools = site_navigation(_request(login)).tools
    assert [link.url for link in tools[:2]] == [reverse("login"), login]
    assert tools[1].current == "page"


def test_the_section_of_a_class_page_is_my_classes(classroom):
    teacher = classroom.teachers.get()
    pages = [
        reverse("school:classroom_list"),
        reverse("school:classroom_detail", args=[classroom.pk]),
        reverse("courses:assignments", args=[classroom.pk]),
        reverse("courses:class_dashboard", args=[classroom.pk]),
    ]
    for path in pages:
        current = {
            str(link.label): link.current for link in site_navigation(_request(path, teacher)).tools
        }
        assert current["Mes classes"] in ("page", "true"), path
        assert current["Consultations"] == ""


def test_class_tabs_mark_the_current_page_and_its_section(classroom):
    teacher = classroom.teachers.get()
    pupil = pupil_create(classroom=classroom)

    def current(path):
        return {
            str(tab.label): tab.current for tab in class_tabs(_request(path, teacher), classroom)
        }

    assert current(reverse("courses:assignments", args=[classroom.pk])) == {
        "La classe": "",
        "Devoirs": "page",
        "Suivi": "",
    }
    detail = reverse("courses:pupil_detail", args=[classroom.pk, pupil.user_id])
    assert current(detail)["Suivi"] == "true"
    move = reverse("school:pupil_move", args=[classroom.pk, pupil.user_id])
    assert current(move)["La classe"] == "true"


def test_class_pages_of_both_apps_show_the_same_tabs(client, classroom):
    client.force_login(classroom.teachers.get())
    tabs = [
        reverse("school:classroom_detail", args=[classroom.pk]),
        reverse("courses:assignments", args=[classroom.pk]),
        reverse("courses:class_dashboard", args=[classroom.pk]),
    ]
    for path in tabs:
        html = client.get(path).content.decode()
        nav = html.split(f'aria-label="Pages de la classe {classroom.name}"')[1].split("</nav>")[0]
        for url in tabs:
            assert f'href="{url}"' in nav, path


def test_courses_link_follows_the_course_index_and_its_changes(site_tree):
    course_index_url_forget()
    assert course_index_url() == site_tree.url
    site_tree.slug = "catalogue"
    site_tree.save_revision().publish()
    assert course_index_url() == "/catalogue/"
    site_tree.unpublish()
    assert course_index_url() == ""


def test_without_a_course_index_there_is_no_courses_link(db):
    course_index_url_forget()
    assert not CourseIndexPage.objects.exists()
    assert Page.objects.exists()  # the tree's root
    assert _labels(site_navigation(_request("/")).main) == ["Accueil", "Résultats nationaux"]
