"""Every response carries a Content-Security-Policy and a Permissions-Policy: the site's strict
policy everywhere (no inline or evaluated script), Wagtail's admin with its own additions only
under /admin/, the H5P player page with its own policy, alone (config.middleware,
courses.views.h5p). The pages are found by walking the URL resolver, as the permission matrix
does, so a new page is checked without being listed here."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.test_permission_matrix import _url_names, world_build

# The administrator reaches the teachers' pages too; the pupil, the pupils' own.
ROLES = ("anonymous", "pupil", "admin")


def _directives(response) -> dict[str, list[str]]:
    header = response.get("Content-Security-Policy")
    assert header, f"{response.request['PATH_INFO']} ({response.status_code}) has no CSP"
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def _assert_strict(response):
    path = response.request["PATH_INFO"]
    directives = _directives(response)
    scripts = directives.get("script-src", directives.get("default-src"))
    assert scripts == ["'self'"], f"{path}: script-src {scripts}"
    assert directives["object-src"] == ["'none'"], path
    assert directives["base-uri"] == ["'self'"], path
    assert directives["frame-ancestors"] == ["'self'"], path
    assert directives["form-action"] == ["'self'"], path
    assert "'unsafe-inline'" not in directives.get("style-src", []), path
    permissions = response.get("Permissions-Policy", "")
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
        assert feature in permissions, f"{path}: {feature} missing from {permissions!r}"


@pytest.fixture
def world(site_tree):
    return world_build(site_tree)


@pytest.mark.parametrize("role", ROLES)
def test_every_project_page_gets_the_strict_policy(world, role):
    client = Client()
    if world.users[role] is not None:
        client.force_login(world.users[role])
    checked = 0
    for name, kwarg_names in _url_names():
        if name in ("courses:h5p_player", "courses:h5p_file"):
            continue  # their own policies: tests below
        url = reverse(name, kwargs=world.kwargs_for(name, kwarg_names))
        responses = [client.get(url)]
        if role == "anonymous":  # refusals and errors: 403, 405, CSRF failures
            responses.append(client.post(url, {}))
        for response in responses:
            _assert_strict(response)
            checked += 1
    assert checked > 50


@pytest.mark.parametrize(
    "path", ["/", "/n-existe-pas/", "/api/classes/", "/api/schema/", "/connexion/", "/api/"]
)
def test_site_pages_errors_and_api_get_the_strict_policy(site_tree, path):
    _assert_strict(Client().get(path))


def test_lesson_page_has_no_inline_script(world, client):
    client.force_login(world.pupil.user)
    response = client.get(world.lesson.url)
    _assert_strict(response)
    html = response.content.decode()
    # Data in <script type="application/json"> (json_script) is not run; any other script
    # element must load a file.
    for chunk in html.split("<script")[1:]:
        tag = chunk.split(">", 1)[0]
        assert "src=" in tag or 'type="application/json"' in tag, tag


def test_admin_gets_inline_scripts_and_styles_under_admin_only(world, client):
    client.force_login(world.users["admin"])
    for path in ("/admin/", "/admin/login/", "/admin/pages/"):
        response = client.get(path, follow=True)
        directives = _directives(response)
        assert "'unsafe-inline'" in directives["script-src"], path
        assert "'unsafe-eval'" not in directives["script-src"], path
        assert directives["object-src"] == ["'none'"], path
        assert "Permissions-Policy" in response
    # The site's pages stay strict for the same administrator.
    _assert_strict(client.get("/"))


def test_player_page_policy_allows_h5p_but_only_the_site(world, client):
    name = "courses:h5p_player"
    url = reverse(name, args=[world.lesson.pk, world.lesson.h5p_activity_ids()[0]])
    response = client.get(url)
    assert response.status_code == 200
    directives = _directives(response)
    assert "'unsafe-eval'" in directives["script-src"]
    assert directives["connect-src"] == ["'self'"]
    assert "'self'" in directives["img-src"] and not any(
        source.startswith(("http", "*")) for source in directives["img-src"]
    )
    assert directives["default-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'self'"]
    assert directives["form-action"] == ["'none'"]
    assert "camera=()" in response["Permissions-Policy"]
    # Nothing personal: a logged-in pupil gets the very same page.
    client.force_login(world.pupil.user)
    assert client.get(url).content == response.content


def test_package_files_and_static_files_answer_the_opaque_origin(world, client, settings):
    """The sandboxed player's requests come from origin "null", without credentials."""
    url = reverse("courses:h5p_file", args=[world.package.content_key, "h5p.json"])
    response = client.get(url, HTTP_ORIGIN="null")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    assert response["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert "sandbox" in response["Content-Security-Policy"]
    # Static files (WhiteNoise, read from the finders here as no collectstatic ran):
    # h5p-standalone's fonts are fetched in CORS mode.
    settings.WHITENOISE_USE_FINDERS = True
    static = Client().get("/static/js/h5p-lecteur.js", HTTP_ORIGIN="null")
    assert static.status_code == 200
    assert static["Access-Control-Allow-Origin"] == "*"
    assert static.get("Cross-Origin-Resource-Policy", "cross-origin") == "cross-origin"
