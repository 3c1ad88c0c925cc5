"""The account links in the site header, for each kind of visitor."""

import pytest
from django.urls import reverse


def _header(client) -> str:
    html = client.get(reverse("accessibility")).content.decode()
    return html.split('<div class="fr-header__tools-links">')[1].split("</ul>")[0]


def test_header_for_anonymous_offers_both_logins_and_joining(client, db):
    header = _header(client)
    assert "Se connecter" in header
    assert f'href="{reverse("login")}?next=' in header
    assert "Connexion élève" in header
    assert f'href="{reverse("school:pupil_login")}?next=' in header
    assert "Rejoindre une classe" in header
    assert "Se déconnecter" not in header


@pytest.mark.parametrize(
    ("role", "present", "absent"),
    [
        ("teacher", ["Mes classes", "Se déconnecter"], ["Mes devoirs", "Connexion élève"]),
        ("admin", ["Mes classes", "Se déconnecter"], ["Mes devoirs"]),
        ("pupil", ["Mes devoirs", "Mes données", "Se déconnecter"], ["Mes classes"]),
        ("editor", ["Se déconnecter"], ["Mes classes", "Mes devoirs", "Rejoindre"]),
    ],
)
def test_header_links_for_role(client, cast, role, present, absent):
    client.force_login(cast.user(role))
    header = _header(client)
    for text in present:
        assert text in header
    for text in absent:
        assert text not in header
    assert 'action="/deconnexion/"' in header


def test_header_pupil_links_point_to_dashboard_and_data(client, cast):
    client.force_login(cast.pupil.user)
    header = _header(client)
    assert 'href="/mon-espace/eleve/"' in header
    assert 'href="/suivi/"' in header
    assert f'href="{reverse("school:privacy")}"' in header
    assert cast.pupil.user.username not in header  # pupils' technical usernames stay hidden
