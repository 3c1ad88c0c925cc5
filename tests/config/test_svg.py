"""SVG images: only inert drawing is accepted (config.svg), on admin upload as in seed files
(tests/content/test_seed_v2.py), and uploaded media are served sandboxed."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from wagtail.images import get_image_model

from config.svg import SVGRefused, svg_check

SVG = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"{attrs}>{body}</svg>'
SAFE = SVG.format(
    attrs=' role="img" viewBox="0 0 10 10"',
    body='<title>Carré</title><defs><linearGradient id="g"><stop offset="0"/></linearGradient>'
    '</defs><rect width="5" height="5" fill="url(#g)"/><use href="#g"/>'
    '<text x="1" y="9" style="font-weight:bold">A</text>',
)
HOSTILE = {
    "script": SVG.format(attrs="", body="<script>alert(document.cookie)</script>"),
    "onload": SVG.format(attrs=' onload="alert(1)"', body=""),
    "onclick on a child": SVG.format(attrs="", body='<rect onclick="alert(1)"/>'),
    "xlink:href javascript:": SVG.format(
        attrs="", body='<use xlink:href="java&#x09;script:alert(1)"/>'
    ),
    "anchor javascript:": SVG.format(
        attrs="", body='<a href="javascript:alert(1)"><text>x</text></a>'
    ),
    "external href": SVG.format(attrs="", body='<use href="https://evil.example/s.svg#x"/>'),
    "external image": SVG.format(attrs="", body='<image href="https://evil.example/t.png"/>'),
    "css url": SVG.format(attrs="", body='<rect style="fill:url(https://evil.example/x)"/>'),
    "style import": SVG.format(
        attrs="", body="<style>@import 'https://evil.example/x.css';</style>"
    ),
    "foreignObject": SVG.format(
        attrs="",
        body='<foreignObject><body xmlns="http://www.w3.org/1999/xhtml"><iframe/></body>'
        "</foreignObject>",
    ),
    "animation rewriting href": SVG.format(
        attrs="", body='<set attributeName="href" to="javascript:alert(1)"/>'
    ),
    "entity expansion": '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">'
    '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    '<svg xmlns="http://www.w3.org/2000/svg"><text>&b;</text></svg>',
    "external entity": '<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    '<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>',
    "doctype": '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
    '"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd"><svg xmlns="http://www.w3.org/2000/svg"/>',
    "xml-stylesheet": '<?xml-stylesheet type="text/xsl" href="x.xsl"?>'
    '<svg xmlns="http://www.w3.org/2000/svg"/>',
    "html root": '<html xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></html>',
    "not xml": "<svg><script>alert(1)</svg",
}


def test_svg_check_accepts_inert_drawing():
    svg_check(SAFE.encode())


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_svg_check_refuses_hostile_svg(name):
    with pytest.raises(SVGRefused):
        svg_check(HOSTILE[name].encode())


def _editor_client():
    from django.contrib.auth.models import Group

    from tests.school.factories import editor_create

    editor = editor_create()
    editor.groups.add(Group.objects.get(name="Editors"))
    client = Client()
    client.force_login(editor)
    return client


def _upload(client, name: str, content: str):
    return client.post(
        reverse("wagtailimages:add"),
        {"title": name, "file": SimpleUploadedFile(name, content.encode(), "image/svg+xml")},
    )


def test_admin_accepts_a_safe_svg(db):
    response = _upload(_editor_client(), "carre.svg", SAFE)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert get_image_model().objects.get().file.name.endswith(".svg")


@pytest.mark.parametrize(
    "name",
    [
        "script",
        "onload",
        "xlink:href javascript:",
        "external href",
        "entity expansion",
        "foreignObject",
    ],
)
def test_admin_refuses_a_hostile_svg(db, name):
    client = _editor_client()
    response = _upload(client, "schema.svg", HOSTILE[name])
    assert response.status_code == 200
    assert get_image_model().objects.count() == 0
    # Whatever the file is called: the content is looked at, not the name.
    response = _upload(client, "schema.png", HOSTILE[name])
    assert get_image_model().objects.count() == 0


def test_media_are_served_sandboxed(db, client, settings):
    response = client.get(settings.MEDIA_URL + "images/nothing.svg")
    policy = response["Content-Security-Policy"]
    assert policy.startswith("sandbox;") and "script-src" not in policy
    assert "default-src 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"


def test_deployed_media_get_the_same_policy(settings):
    from tests.conftest import ROOT

    conf = (ROOT / "config" / "deploy" / "nginx-media.conf").read_text()
    assert f'Content-Security-Policy "{settings.HEMICYCLE_MEDIA_CSP}" always' in conf
    assert 'X-Content-Type-Options "nosniff" always' in conf
