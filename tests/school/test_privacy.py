"""A pupil's own data: the explanation page and the JSON download."""

import json

from django.urls import reverse

from school.privacy import exporter_register

EXPORT_URL = reverse("school:privacy_export")


def test_privacy_page_explains_and_links_export(client, cast):
    client.force_login(cast.pupil.user)
    response = client.get(reverse("school:privacy"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ce que nous enregistrons" in html
    assert f'href="{EXPORT_URL}"' in html


def test_export_is_attachment_with_own_data_only(client, cast):
    client.force_login(cast.pupil.user)
    response = client.get(EXPORT_URL)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"] == 'attachment; filename="mes-donnees-hemicycle.json"'
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["compte"]["pseudonyme"] == "Renard-Bleu-27"
    assert data["compte"]["classe"] == str(cast.classroom)
    assert data["compte"]["etablissement"] == cast.classroom.school.name
    text = response.content.decode()
    assert "Loup-Vert-31" not in text
    assert "1re B" not in text
    assert cast.other_classroom.school.name not in text


def test_export_includes_registered_app_exporters(client, cast, monkeypatch):
    from school import privacy

    monkeypatch.setattr(privacy, "_exporters", {})
    exporter_register("essais", lambda user: {"pseudo": user.pupil.pseudonym, "scores": [3, 5]})
    client.force_login(cast.other_pupil.user)
    data = json.loads(client.get(EXPORT_URL).content)
    assert data["essais"] == {"pseudo": "Loup-Vert-31", "scores": [3, 5]}
    assert "Renard-Bleu-27" not in json.dumps(data)
