"""The glossary: a public page with an anchor per term, edited by editors as a snippet."""

from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from content.models import GlossaryTerm
from school.models import User
from tests.school.factories import editor_create


def test_glossary_page_lists_terms_in_french_order_with_anchors(db, client):
    GlossaryTerm.objects.create(term="Référendum", slug="referendum", definition="Vote direct.")
    GlossaryTerm.objects.create(term="Élection", slug="election", definition="Choix d'élus.")
    GlossaryTerm.objects.create(term="Décret", slug="decret", definition="Acte <b>écrit</b>.")
    response = client.get(reverse("content:glossary"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index('id="decret"') < html.index('id="election"') < html.index('id="referendum"')
    assert "Acte &lt;b&gt;écrit&lt;/b&gt;." in html  # definitions are text, never markup
    assert 'href="/glossaire/"' in html  # the footer links to it


def test_editors_edit_the_glossary_and_pupils_cannot(db):
    editor = editor_create()
    editor.groups.add(Group.objects.get(name="Editors"))
    client = Client()
    client.force_login(editor)
    url = reverse("wagtailsnippets_content_glossaryterm:add")
    response = client.post(url, {"term": "Navette", "slug": "navette", "definition": "Allers."})
    assert response.status_code == 302
    assert GlossaryTerm.objects.get().slug == "navette"

    pupil = Client()
    pupil.force_login(User.objects.create_user(username="eleve-1", role=User.Role.PUPIL))
    response = pupil.post(url, {"term": "X", "slug": "x", "definition": "y"})
    assert response.status_code in (302, 403)
    assert GlossaryTerm.objects.count() == 1


def test_lesson_links_point_at_the_glossary_page():
    from content.loader import GLOSSARY_PATH

    assert reverse("content:glossary") == GLOSSARY_PATH
