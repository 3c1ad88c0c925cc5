"""Every form page that comes back with errors opens on the same error summary: counted,
linked to each field, focused (autofocus, and the form posts to its #resume-erreurs)."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.school.factories import classroom_create, teacher_create

pytestmark = pytest.mark.django_db


def _summary(html: str) -> str:
    match = re.search(r'<div [^>]*id="resume-erreurs"[^>]*>.*?</ul>', html, re.S)
    assert match, "no error summary on the page"
    summary = match.group(0)
    assert 'tabindex="-1"' in summary and "autofocus" in summary
    return summary


# Forms whose success leads to another page (login, joining a class) post without the fragment:
# a browser would carry « #resume-erreurs » over the redirect into the next page's address. Their
# summary's autofocus lands the page on it, with or without JavaScript.
LEADS_AWAY = {"school:pupil_join", "login", "school:pupil_login"}


def _posts_to_summary(html: str, url_name: str = "") -> None:
    actions = re.findall(r'<form method="post"[^>]*action="([^"]*)"', html)
    if url_name in LEADS_AWAY:
        assert actions and not any("#" in action for action in actions), actions
    else:
        assert any(action.endswith("#resume-erreurs") for action in actions), actions


@pytest.mark.parametrize(
    ("url_name", "teacher", "field"),
    [
        ("school:pupil_join", False, "id_class_code"),
        ("school:teacher_signup", False, "id_email"),
        ("school:classroom_create", True, "id_name"),
        ("classroom_votes:debate_create", True, "id_max_depth"),
    ],
)
def test_form_with_errors_opens_on_a_linked_summary(url_name, teacher, field):
    client = Client()
    if teacher:
        user = teacher_create()
        classroom_create(teacher=user)
        client.force_login(user)
    page = client.post(reverse(url_name), {"vide": ""})
    summary = _summary(page.content.decode())
    assert re.search(r"Le formulaire contient \d+ erreurs?<", summary)
    assert f'href="#{field}"' in summary
    _posts_to_summary(page.content.decode(), url_name)
    assert "js/resume-erreurs.js" in page.content.decode()


def test_form_without_errors_shows_no_summary():
    page = Client().get(reverse("school:pupil_join"))
    assert 'id="resume-erreurs"' not in page.content.decode()
    _posts_to_summary(page.content.decode(), "school:pupil_join")


def test_login_error_opens_on_the_summary():
    page = Client().post(reverse("login"), {"username": "nobody@example.org", "password": "x"})
    html = page.content.decode()
    summary = _summary(html)
    assert "Le formulaire contient 1 erreur" in summary
    assert 'aria-describedby="connexion-erreur"' in html
    _posts_to_summary(html, "login")


def test_field_in_error_is_invalid_and_described_by_its_hint_and_message():
    html = Client().post(reverse("school:teacher_signup"), {"email": "pas-une-adresse"}).content
    html = html.decode()
    field = re.search(r'<input [^>]*name="email"[^>]*>', html)
    assert field, html
    assert 'aria-invalid="true"' in field.group(0)
    assert 'aria-describedby="id_email' in field.group(0)
    assert "id_email-messages" in field.group(0)
