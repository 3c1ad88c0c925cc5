"""H5P packages around the validator: the upload in the Wagtail admin, the worker's processing,
the files served to the player, the lesson block and the saved-state protocol."""

import json
import uuid

import kombu.exceptions
import pytest
from django.test import Client
from django.urls import reverse

from courses import tasks
from courses.models import H5PPackage, H5PUserState
from courses.services import h5p_content_dir, h5p_content_root, h5p_package_process
from courses.views.h5p import H5P_FILE_CSP
from tests.conftest import h5p_fixture

from . import h5p_corpus
from .factories import (
    course_create,
    h5p_block,
    h5p_package_ready,
    h5p_package_upload,
    lesson_create,
    quiz_block,
)

PLAYABLE = [
    "H5P.TrueFalse.h5p",
    "H5P.MultiChoice.h5p",
    "H5P.QuestionSet.h5p",
    "H5P.DragText.h5p",
    "H5P.Blanks.h5p",
    "H5P.TrueFalse.hello-world.h5p",
]
VALIDATION_ONLY = ["greetingcard1.h5p", "valid2.h5p"]


def _files_under(folder) -> list:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


@pytest.mark.parametrize("name", PLAYABLE + VALIDATION_ONLY)
def test_upload_of_each_fixture_is_extracted_and_ready(db, name):
    package = h5p_package_upload(path=h5p_fixture(name))
    assert package.status == H5PPackage.Status.READY, package.error
    folder = h5p_content_dir(key=package.content_key)
    metadata = json.loads((folder / "h5p.json").read_text())
    assert package.metadata == metadata
    assert package.main_library == metadata["mainLibrary"]
    assert (folder / "content" / "content.json").is_file()
    main = next(
        dep
        for dep in metadata["preloadedDependencies"]
        if dep["machineName"] == metadata["mainLibrary"]
    )
    assert (
        folder
        / f"{main['machineName']}-{main['majorVersion']}.{main['minorVersion']}"
        / "library.json"
    ).is_file()
    assert package.processed_at is not None and package.error == ""


@pytest.mark.parametrize(
    ("builder", "code"),
    [
        (h5p_corpus.traversal_parent, h5p_corpus.H5P_UNSAFE_PATH),
        (h5p_corpus.zip_bomb, h5p_corpus.H5P_ZIP_BOMB),
        (h5p_corpus.svg_script_element, h5p_corpus.H5P_SCRIPTED_SVG),
        (h5p_corpus.missing_h5p_json, h5p_corpus.H5P_MISSING_H5P_JSON),
        (h5p_corpus.php_in_content, h5p_corpus.H5P_FORBIDDEN_FILE_TYPE),
    ],
    ids=lambda value: getattr(value, "__name__", value),
)
def test_rejected_upload_keeps_the_error_and_nothing_else(db, tmp_path, settings, builder, code):
    path = builder(tmp_path)
    package = h5p_package_upload(path=path, title="Hostile")
    package.refresh_from_db()
    assert package.status == H5PPackage.Status.FAILED
    assert package.error_code == code and package.error
    assert package.content_key is None and package.metadata == {} and not package.file
    # Neither the upload nor any extracted file is left in the media folder.
    assert _files_under(settings.MEDIA_ROOT / "h5p") == []


def test_processing_is_idempotent(db):
    package = h5p_package_upload(path=h5p_fixture("valid2.h5p"))
    key = package.content_key
    again = h5p_package_process(package_id=package.pk)
    assert again.content_key == key and again.status == H5PPackage.Status.READY
    assert len(list(h5p_content_root().iterdir())) == 1
    assert h5p_package_process(package_id=package.pk + 1000) is None


def test_a_replaced_file_gets_a_new_folder_and_the_old_one_goes(
    db, django_capture_on_commit_callbacks
):
    package = h5p_package_upload(path=h5p_fixture("valid2.h5p"))
    old = h5p_content_dir(key=package.content_key)
    with open(h5p_fixture("greetingcard1.h5p"), "rb") as handle:
        from django.core.files import File

        package.file.save("greetingcard1.h5p", File(handle), save=True)
    package.status = H5PPackage.Status.PENDING
    package.save()
    with django_capture_on_commit_callbacks(execute=True):
        package = h5p_package_process(package_id=package.pk)
    assert package.status == H5PPackage.Status.READY
    assert not old.exists() and h5p_content_dir(key=package.content_key).is_dir()


def _admin_client(editor) -> Client:
    from django.contrib.auth.models import Group

    editor.groups.add(Group.objects.get(name="Editors"))
    client = Client()
    client.force_login(editor)
    return client


def test_editor_uploads_in_the_admin_and_a_worker_makes_it_ready(
    db, django_capture_on_commit_callbacks
):
    from tests.school.factories import editor_create

    client = _admin_client(editor_create())
    with (
        open(h5p_fixture("H5P.TrueFalse.h5p"), "rb") as handle,
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        response = client.post(
            reverse("wagtailsnippets_courses_h5ppackage:add"),
            {"title": "Vrai ou faux", "description": "", "file": handle},
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert len(callbacks) == 1  # the task is enqueued once the upload is committed
    package = H5PPackage.objects.get()
    assert package.status == H5PPackage.Status.READY and package.uploaded_by is not None
    listing = client.get(reverse("wagtailsnippets_courses_h5ppackage:list"))
    assert "Vrai ou faux" in listing.content.decode() and "Prêt" in listing.content.decode()


def test_an_upload_while_the_broker_is_down_is_kept_and_queued_later_by_beat(
    db, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    """Redis down at upload time: the editor's upload succeeds and stays pending (one warning
    in the log), then beat's catch-up hands it to a worker."""
    from tests.school.factories import editor_create

    def broker_down(package_id):
        raise kombu.exceptions.OperationalError("Error 111 connecting to 127.0.0.1:6379.")

    monkeypatch.setattr(tasks.h5p_package_process, "delay", broker_down)
    client = _admin_client(editor_create())
    with (
        open(h5p_fixture("H5P.TrueFalse.h5p"), "rb") as handle,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(
            reverse("wagtailsnippets_courses_h5ppackage:add"),
            {"title": "Vrai ou faux", "description": "", "file": handle},
        )
    assert response.status_code == 302
    package = H5PPackage.objects.get()
    assert package.status == H5PPackage.Status.PENDING
    assert f"H5P package {package.pk}: not queued, the broker is unreachable" in caplog.text

    monkeypatch.undo()  # the broker is back; the test settings run tasks inline
    assert tasks.h5p_packages_requeue() == 1
    package.refresh_from_db()
    assert package.status == H5PPackage.Status.READY
    assert tasks.h5p_packages_requeue() == 0


def test_admin_shows_the_error_of_a_rejected_upload(
    db, tmp_path, django_capture_on_commit_callbacks
):
    from tests.school.factories import editor_create

    client = _admin_client(editor_create())
    path = h5p_corpus.traversal_parent(tmp_path)
    with open(path, "rb") as handle, django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("wagtailsnippets_courses_h5ppackage:add"),
            {"title": "Piégé", "description": "", "file": handle},
        )
    package = H5PPackage.objects.get()
    assert package.status == H5PPackage.Status.FAILED
    edit = client.get(reverse("wagtailsnippets_courses_h5ppackage:edit", args=[package.pk]))
    page = edit.content.decode()
    assert "Refusé" in page and package.error.split("«")[0].strip()[:30] in page


def test_deleting_a_package_in_the_admin_removes_its_files(db, django_capture_on_commit_callbacks):
    from tests.school.factories import editor_create

    package = h5p_package_upload(path=h5p_fixture("valid2.h5p"))
    folder = h5p_content_dir(key=package.content_key)
    client = _admin_client(editor_create())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("wagtailsnippets_courses_h5ppackage:delete", args=[package.pk])
        )
    assert response.status_code == 302
    assert not H5PPackage.objects.exists() and not folder.exists()


def test_a_non_h5p_file_is_refused_by_the_admin_form(db):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.school.factories import editor_create

    client = _admin_client(editor_create())
    response = client.post(
        reverse("wagtailsnippets_courses_h5ppackage:add"),
        {"title": "x", "file": SimpleUploadedFile("x.php", b"<?php")},
    )
    assert response.status_code == 200 and not H5PPackage.objects.exists()


# Files served to the player


@pytest.fixture
def served(db):
    return h5p_package_ready(
        files={
            "h5p.json": '{"title": "x"}',
            "H5P.X-1.0/x.js": "var x;",
            "content/images/a.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>",
            "content/notes.bin": "x",
        }
    )


def _file_url(package, path):
    return reverse("courses:h5p_file", args=[package.content_key, path])


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("h5p.json", "application/json"),
        ("H5P.X-1.0/x.js", "text/javascript; charset=utf-8"),
        ("content/images/a.svg", "image/svg+xml"),
    ],
)
def test_package_files_are_served_with_safe_headers(client, served, path, content_type):
    response = client.get(_file_url(served, path))
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == H5P_FILE_CSP
    assert "sandbox" in response["Content-Security-Policy"]


@pytest.mark.parametrize(
    "path", ["content/notes.bin", "missing.json", "../h5p.json", "content/../h5p.json", "content/"]
)
def test_package_files_outside_the_rules_are_not_found(client, served, path):
    assert client.get(_file_url(served, path)).status_code == 404


def test_files_of_a_package_not_ready_are_not_served(client, served):
    served.status = H5PPackage.Status.FAILED
    served.save()
    assert client.get(_file_url(served, "h5p.json")).status_code == 404
    assert (
        client.get(
            _file_url(served, "h5p.json").replace(str(served.content_key), str(uuid.uuid4()))
        ).status_code
        == 404
    )


def test_a_symlink_planted_in_a_package_folder_is_not_followed(client, served, tmp_path):
    secret = tmp_path / "secret.json"
    secret.write_text('{"secret": true}')
    (h5p_content_dir(key=served.content_key) / "link.json").symlink_to(secret)
    assert client.get(_file_url(served, "link.json")).status_code == 404


# The lesson block


@pytest.fixture
def h5p_lesson(site_tree):
    package = h5p_package_ready(title="Le référendum")
    course = course_create(parent=site_tree)
    lesson = lesson_create(
        course=course,
        body=[quiz_block(), h5p_block(package=package), h5p_block(package=package, title="Bis")],
    )
    return lesson, package


def test_lesson_renders_one_player_per_activity_with_distinct_iris(client, h5p_lesson):
    lesson, package = h5p_lesson
    page = client.get(lesson.url).content.decode()
    first, second = lesson.h5p_activity_ids()
    assert page.count("data-h5p-player") == 2
    for activity in (first, second):
        iri = f"http://testserver/h5p/activites/{lesson.pk}/{activity}/"
        assert f'data-xapi-iri="{iri}"' in page
    assert f'data-h5p-json-path="/h5p/contenus/{package.content_key}"' in page
    assert "Le référendum" in page and "Bis" in page
    # Each plays in a sandboxed frame without allow-same-origin; h5p-standalone runs there.
    assert 'id="h5p-config"' in page and "h5p-standalone/main.bundle.js" not in page
    for activity in (first, second):
        player = reverse("courses:h5p_player", args=[lesson.pk, activity])
        assert f'<iframe class="hc-h5p__frame" src="{player}" sandbox="allow-scripts"' in page
        assert "h5p-standalone/main.bundle.js" in client.get(player).content.decode()
    assert page.count('sandbox="allow-scripts"') == 2 and "allow-same-origin" not in page
    assert "Connecte-toi pour que tes résultats soient enregistrés." in page


def test_activity_iri_leads_to_the_activity_in_its_lesson(client, h5p_lesson):
    lesson, _package = h5p_lesson
    activity = lesson.h5p_activity_ids()[0]
    response = client.get(reverse("courses:h5p_activity", args=[lesson.pk, activity]))
    assert response.status_code == 302 and response["Location"].endswith(f"#h5p-{activity}")
    missing = reverse("courses:h5p_activity", args=[lesson.pk, "nope"])
    assert client.get(missing).status_code == 404


def test_activity_of_a_package_not_ready_says_so(client, h5p_lesson):
    lesson, package = h5p_lesson
    package.status = H5PPackage.Status.PENDING
    package.save()
    page = client.get(lesson.url).content.decode()
    assert "data-h5p-player" not in page
    assert "Cette activité n'est pas encore disponible." in page


def test_lesson_without_h5p_loads_no_player(client, site_tree):
    lesson = lesson_create(course=course_create(parent=site_tree), body=[quiz_block()])
    page = client.get(lesson.url).content.decode()
    assert "h5p-standalone" not in page and "h5p-config" not in page


# The content-user-data protocol


@pytest.fixture
def pupil(db):
    from tests.school.factories import classroom_create, pupil_create, teacher_create

    return pupil_create(classroom=classroom_create(teacher=teacher_create()))


def _state_url(lesson, activity, data_type="state", sub="0"):
    return reverse("courses:h5p_state", args=[lesson.pk, activity, data_type, sub])


def test_state_is_saved_restored_and_deleted(client, h5p_lesson, pupil):
    lesson, _package = h5p_lesson
    activity = lesson.h5p_activity_ids()[0]
    client.force_login(pupil.user)
    url = _state_url(lesson, activity)
    assert client.get(url).json() == {"success": True, "data": False}
    state = json.dumps({"answers": [True], "progress": 1})
    response = client.post(url, {"data": state, "preload": "1", "invalidate": "0"})
    assert response.json() == {"success": True}
    assert client.get(url).json() == {"success": True, "data": state}
    newer = json.dumps({"answers": [False]})
    client.post(url, {"data": newer, "preload": "1", "invalidate": "0"})
    assert client.get(url).json()["data"] == newer and H5PUserState.objects.count() == 1
    client.post(url, {"data": "0", "preload": "0", "invalidate": "1"})
    assert client.get(url).json()["data"] is False and not H5PUserState.objects.exists()


def test_state_is_per_user(client, h5p_lesson, pupil):
    from tests.school.factories import pupil_create

    lesson, _package = h5p_lesson
    url = _state_url(lesson, lesson.h5p_activity_ids()[0])
    client.force_login(pupil.user)
    client.post(url, {"data": '{"mine": 1}', "preload": "1"})
    other = Client()
    other.force_login(pupil_create(classroom=pupil.classroom).user)
    assert other.get(url).json() == {"success": True, "data": False}


def test_oversized_state_is_refused_and_nothing_stored(client, h5p_lesson, pupil, settings):
    lesson, _package = h5p_lesson
    settings.HEMICYCLE_H5P_STATE_MAX_BYTES = 100
    client.force_login(pupil.user)
    response = client.post(_state_url(lesson, lesson.h5p_activity_ids()[0]), {"data": "x" * 101})
    assert response.status_code == 413 and response.json()["success"] is False
    assert "100 octets" in response.json()["message"]
    assert not H5PUserState.objects.exists()


def test_state_needs_a_login_an_activity_and_the_csrf_token(h5p_lesson, pupil):
    lesson, _package = h5p_lesson
    url = _state_url(lesson, lesson.h5p_activity_ids()[0])
    anonymous = Client()
    assert anonymous.get(url).status_code == 403
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(pupil.user)
    assert strict.post(url, {"data": "{}"}).status_code == 403
    strict.get(lesson.url)  # the page sets the CSRF cookie, as in a browser
    token = strict.cookies["csrftoken"].value
    assert strict.post(url, {"data": "{}"}, headers={"X-CSRFToken": token}).status_code == 200
    loose = Client()
    loose.force_login(pupil.user)
    assert loose.get(_state_url(lesson, "not-an-activity")).status_code == 404
    assert loose.post(_state_url(lesson, "not-an-activity"), {"data": "{}"}).status_code == 404
    assert loose.post(url, {}).status_code == 400
    assert H5PUserState.objects.count() == 1
