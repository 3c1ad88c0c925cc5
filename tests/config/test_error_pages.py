"""The error pages are the site's own: French, DSFR, with a way home. 400 and 500 render without
anything that could fail again (the host, the database)."""

import pytest
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.config.error_urls")]

ENGLISH = ("Forbidden", "Not Found", "Bad Request", "Server Error", "CSRF verification")


def _page(response, status: int, title: str) -> str:
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert '<html lang="fr"' in html
    assert f"<h1>{title}</h1>" in html
    assert f"Erreur {status}" in html
    assert "fr-container" in html and "fr-btn" in html  # DSFR's error page pattern
    assert 'href="/"' in html
    for english in ENGLISH:
        assert english not in html
    return html


def test_404_is_french_inside_the_site():
    html = _page(Client().get("/nexiste-pas/"), 404, "Page introuvable")
    assert "<title>Page introuvable — " in html
    assert 'id="header-navigation"' in html  # the site's own header, navigation included


def test_403_is_french():
    _page(Client().get("/tests/refuse/"), 403, "Accès refusé")


def test_400_is_french_and_renders_without_reading_the_host(settings):
    _page(Client().get("/tests/suspect/"), 400, "Requête incorrecte")
    settings.ALLOWED_HOSTS = ["hemicycle.example"]
    # A refused Host header: anything reading the host again would turn the 400 into a 500.
    _page(Client().get("/", HTTP_HOST="pirate.example"), 400, "Requête incorrecte")


def test_500_is_french_and_reads_no_database(django_assert_num_queries):
    client = Client(raise_request_exception=False)
    with django_assert_num_queries(0):
        response = client.get("/tests/casse/")
    _page(response, 500, "Erreur inattendue")


def test_a_form_without_its_csrf_token_gets_the_french_page():
    client = Client(enforce_csrf_checks=True)
    html = _page(client.post("/connexion-eleve/", {}), 403, "Formulaire expiré")
    assert "Rechargez la page" in html
