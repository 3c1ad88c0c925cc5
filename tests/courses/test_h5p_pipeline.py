"""The H5P package pipeline around the checks: a check that does not finish ends (given up with
a message, « Relancer la vérification »), leftovers are swept, a replacement is checked aside
while the live version plays, a copy is checked, and the chooser and lesson block see states."""

import html
import os
import uuid
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files import File
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail import blocks

from courses import tasks
from courses.blocks import H5PBlock
from courses.models import H5PPackage
from courses.services import (
    H5P_PACKAGE_CHECK_TIMEOUT,
    h5p_content_dir,
    h5p_content_root,
    h5p_files_sweep,
    h5p_package_process,
    h5p_package_submit,
    h5p_tmp_root,
)

from . import h5p_corpus
from .factories import course_create, h5p_block, h5p_package_upload, lesson_create

Status = H5PPackage.Status
LIST_URL = "wagtailsnippets_courses_h5ppackage:list"
EDIT_URL = "wagtailsnippets_courses_h5ppackage:edit"
COPY_URL = "wagtailsnippets_courses_h5ppackage:copy"
RETRY_URL = "wagtailsnippets_courses_h5ppackage:check_retry"
CHOOSE_URL = "wagtailsnippetchoosers_courses_h5ppackage:choose"


def _editor_client(**extra) -> Client:
    from tests.school.factories import editor_create

    editor = editor_create(**extra)
    editor.groups.add(Group.objects.get(name="Editors"))
    client = Client()
    client.force_login(editor)
    return client


def _pending(tmp_path, *, title="En attente") -> H5PPackage:
    """A valid upload submitted but not processed yet (its task never ran)."""
    path = h5p_corpus.valid_package(tmp_path)
    with open(path, "rb") as handle:
        package = H5PPackage(title=title)
        package.file.save(path.name, File(handle), save=True)
    return h5p_package_submit(package=package)


def _live(tmp_path, *, title="En ligne") -> H5PPackage:
    package = h5p_package_upload(path=h5p_corpus.valid_package(tmp_path), title=title)
    assert package.status == Status.READY, package.error
    return package


def _uploads(settings) -> list[str]:
    folder = settings.MEDIA_ROOT / "h5p" / "uploads"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


# A check that does not finish


def test_a_check_past_the_timeout_is_given_up_with_a_message_and_keeps_the_file(
    db, tmp_path, settings
):
    settings.HEMICYCLE_H5P_CHECK_TIMEOUT_MINUTES = 30
    package = _pending(tmp_path)
    # Not yet too old: queued again (and, tasks running inline here, checked).
    fresh = _pending(tmp_path, title="Récent")
    later = timezone.now() + timedelta(minutes=31)
    fresh.check_started_at = later - timedelta(minutes=5)
    fresh.save()
    assert tasks.h5p_packages_requeue(now=later) == 1
    package.refresh_from_db()
    fresh.refresh_from_db()
    assert package.status == Status.FAILED
    assert package.error_code == H5P_PACKAGE_CHECK_TIMEOUT
    assert "n'a pas abouti" in package.error and "Relancer la vérification" in package.error
    assert package.file and package.file.storage.exists(package.file.name)
    assert fresh.status == Status.READY


def test_a_check_whose_tries_all_died_is_given_up(db, tmp_path, settings):
    settings.HEMICYCLE_H5P_CHECK_MAX_ATTEMPTS = 2
    package = _pending(tmp_path)
    H5PPackage.objects.filter(pk=package.pk).update(check_attempts=2)
    assert tasks.h5p_packages_requeue() == 0
    package.refresh_from_db()
    assert package.status == Status.FAILED and package.error_code == H5P_PACKAGE_CHECK_TIMEOUT


def test_a_worker_starting_one_try_too_many_gives_up_and_counts_tries(db, tmp_path, settings):
    settings.HEMICYCLE_H5P_CHECK_MAX_ATTEMPTS = 2
    package = _pending(tmp_path)
    H5PPackage.objects.filter(pk=package.pk).update(check_attempts=2)
    package = h5p_package_process(package_id=package.pk)
    assert package.status == Status.FAILED and package.error_code == H5P_PACKAGE_CHECK_TIMEOUT
    assert package.check_attempts == 3 and not list(h5p_content_root().glob("*"))


def test_retry_button_resets_the_tries_and_checks_again(
    db, tmp_path, django_capture_on_commit_callbacks
):
    package = _pending(tmp_path)
    tasks.h5p_packages_requeue(now=timezone.now() + timedelta(days=1))
    client = _editor_client()
    edit = client.get(reverse(EDIT_URL, args=[package.pk])).content.decode()
    retry = reverse(RETRY_URL, args=[package.pk])
    assert f'formaction="{retry}"' in edit and "Relancer la vérification" in edit
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(retry)
    assert response.status_code == 302
    assert response["Location"] == reverse(EDIT_URL, args=[package.pk])
    package.refresh_from_db()
    assert package.status == Status.PENDING and package.check_attempts == 0
    assert package.error == "" and len(callbacks) == 1
    callbacks[0]()  # the task, inline in tests
    package.refresh_from_db()
    assert package.status == Status.READY
    assert (
        "Relancer la vérification"
        not in client.get(reverse(EDIT_URL, args=[package.pk])).content.decode()
    )


def test_retry_refuses_get_users_without_change_permission_and_missing_csrf(db, tmp_path):
    from tests.school.factories import editor_create

    package = _pending(tmp_path)
    tasks.h5p_packages_requeue(now=timezone.now() + timedelta(days=1))
    retry = reverse(RETRY_URL, args=[package.pk])
    assert _editor_client().get(retry).status_code == 405
    # Admin access and the right to view packages, not to change them.
    viewer = editor_create()
    viewer.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="view_h5ppackage"),
    )
    client = Client()
    client.force_login(viewer)
    assert client.get(reverse(LIST_URL)).status_code == 200
    # Wagtail answers a PermissionDenied in its admin with a redirect to the dashboard.
    refused = client.post(retry)
    assert refused.status_code == 302 and refused["Location"] == reverse("wagtailadmin_home")
    assert Client().post(retry).status_code == 302  # anonymous: to the admin's login
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(_editor_user())
    assert strict.post(retry).status_code == 403
    package.refresh_from_db()
    assert package.status == Status.FAILED and package.error_code == H5P_PACKAGE_CHECK_TIMEOUT


def _editor_user():
    from tests.school.factories import editor_create

    editor = editor_create()
    editor.groups.add(Group.objects.get(name="Editors"))
    return editor


def test_retry_of_a_package_refused_for_its_content_does_nothing(db, tmp_path):
    package = h5p_package_upload(path=h5p_corpus.missing_h5p_json(tmp_path))
    response = _editor_client().post(reverse(RETRY_URL, args=[package.pk]), follow=True)
    assert "pas de vérification à relancer" in response.content.decode()
    package.refresh_from_db()
    assert package.status == Status.FAILED and package.error_code != H5P_PACKAGE_CHECK_TIMEOUT


# Sweeping what a killed extraction left


def _aged(path, minutes):
    stamp = (timezone.now() - timedelta(minutes=minutes)).timestamp()
    os.utime(path, (stamp, stamp))
    return path


def test_sweep_removes_only_old_unreferenced_folders_and_uploads(db, tmp_path, settings):
    settings.HEMICYCLE_H5P_SWEEP_AFTER_MINUTES = 60
    live = _live(tmp_path)
    candidate = _live(tmp_path, title="Avec candidat")
    with open(live.file.path, "rb") as handle:
        candidate.candidate_file.save("candidate.h5p", File(handle), save=False)
    candidate.candidate_status = Status.PENDING
    candidate.save()
    _aged(h5p_content_dir(key=live.content_key), 600)
    _aged(live.file.path, 600)
    _aged(candidate.candidate_file.path, 600)
    tmp = h5p_tmp_root()
    tmp.mkdir(parents=True, exist_ok=True)
    old_staging = tmp / f".{uuid.uuid4()}.abc.tmp"
    (old_staging / "content").mkdir(parents=True)
    (old_staging / "content" / "content.json").write_text("{}")
    _aged(old_staging, 120)
    fresh_staging = tmp / f".{uuid.uuid4()}.def.tmp"
    fresh_staging.mkdir()
    orphan = h5p_content_root() / str(uuid.uuid4())
    orphan.mkdir()
    (orphan / "h5p.json").write_text("{}")
    _aged(orphan, 120)
    fresh_orphan = h5p_content_root() / str(uuid.uuid4())  # renamed in place, row not committed
    fresh_orphan.mkdir()
    stray_upload = settings.MEDIA_ROOT / "h5p" / "uploads" / "stray.h5p"
    stray_upload.write_bytes(b"x")
    _aged(stray_upload, 120)

    report = h5p_files_sweep()
    assert (report.staging, report.content, report.uploads) == (1, 1, 1)
    assert not old_staging.exists() and not orphan.exists() and not stray_upload.exists()
    assert fresh_staging.exists() and fresh_orphan.exists()
    assert h5p_content_dir(key=live.content_key).is_dir()
    assert h5p_content_dir(key=candidate.content_key).is_dir()
    assert os.path.exists(live.file.path) and os.path.exists(candidate.candidate_file.path)
    # Later on, what was fresh is old: the unreferenced ones go, the referenced ones stay.
    h5p_files_sweep(now=timezone.now() + timedelta(hours=2))
    assert not fresh_staging.exists() and not fresh_orphan.exists()
    assert h5p_content_dir(key=live.content_key).is_dir()
    assert os.path.exists(candidate.candidate_file.path)


def test_extraction_stages_under_the_tmp_folder_and_leaves_it_empty(db, tmp_path):
    package = _live(tmp_path)
    assert h5p_tmp_root().is_dir() and not list(h5p_tmp_root().iterdir())
    assert [p.name for p in h5p_content_root().iterdir()] == [str(package.content_key)]


# Replacing the file of a live package


def _replace(client, package, path):
    with open(path, "rb") as handle:
        return client.post(
            reverse(EDIT_URL, args=[package.pk]),
            {"title": package.title, "description": "", "file": handle},
        )


def test_a_replacement_is_checked_aside_then_swapped_in(
    db, tmp_path, settings, django_capture_on_commit_callbacks
):
    package = _live(tmp_path)
    old_key, old_file = package.content_key, package.file.name
    new = h5p_corpus.valid_package_with_junk(tmp_path)
    client = _editor_client()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = _replace(client, package, new)
    assert response.status_code == 302, response.content.decode()[:2000]
    package.refresh_from_db()
    # While the new file waits, the live version is untouched.
    assert package.status == Status.READY and package.content_key == old_key
    assert package.file.name == old_file and package.candidate_status == Status.PENDING
    listing = client.get(reverse(LIST_URL)).content.decode()
    assert "nouvelle version en cours de vérification" in listing
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    package.refresh_from_db()
    assert package.status == Status.READY and package.content_key != old_key
    assert package.file.name not in ("", old_file) and not package.candidate_file
    assert package.candidate_status == ""
    assert not h5p_content_dir(key=old_key).exists()
    assert h5p_content_dir(key=package.content_key).is_dir()
    assert _uploads(settings) == [os.path.basename(package.file.name)]


def test_a_refused_replacement_keeps_the_live_version_playing(
    db, tmp_path, settings, site_tree, django_capture_on_commit_callbacks
):
    package = _live(tmp_path)
    old_key, old_file = package.content_key, package.file.name
    lesson = lesson_create(
        course=course_create(parent=site_tree), body=[h5p_block(package=package)]
    )
    client = _editor_client()
    with django_capture_on_commit_callbacks(execute=True):
        response = _replace(client, package, h5p_corpus.missing_h5p_json(tmp_path))
    assert response.status_code == 302
    package.refresh_from_db()
    assert package.status == Status.READY and package.content_key == old_key
    assert package.file.name == old_file and not package.candidate_file
    assert package.candidate_status == Status.FAILED
    assert "h5p.json est absent" in package.candidate_error
    assert _uploads(settings) == [os.path.basename(old_file)]  # the refused file is deleted
    assert h5p_content_dir(key=old_key).is_dir()
    page = Client().get(lesson.url).content.decode()
    assert f'data-h5p-json-path="/h5p/contenus/{old_key}"' in page
    edit = client.get(reverse(EDIT_URL, args=[package.pk])).content.decode()
    assert "h5p.json est absent" in edit and "la version actuelle reste en ligne" in edit


def test_a_new_file_for_a_package_not_live_replaces_it_and_the_old_file_goes(
    db, tmp_path, settings, django_capture_on_commit_callbacks
):
    package = _pending(tmp_path)
    tasks.h5p_packages_requeue(now=timezone.now() + timedelta(days=1))  # failed, file kept
    old_file = package.file.name
    with django_capture_on_commit_callbacks(execute=True):
        _replace(_editor_client(), package, h5p_corpus.valid_package_with_junk(tmp_path))
    package.refresh_from_db()
    assert package.status == Status.READY and package.file.name != old_file
    assert _uploads(settings) == [os.path.basename(package.file.name)]


# Copies


def test_a_copy_gets_its_own_file_and_is_checked(
    db, tmp_path, settings, django_capture_on_commit_callbacks
):
    original = _live(tmp_path, title="Original")
    client = _editor_client()
    copy_url = reverse(COPY_URL, args=[original.pk])
    form = client.get(copy_url).content.decode()
    assert f'action="{copy_url}"' in form and "Original" in form
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(copy_url, {"title": "Copie", "description": ""})
    assert response.status_code == 302, response.content.decode()[:3000]
    copy = H5PPackage.objects.get(title="Copie")
    original.refresh_from_db()
    assert copy.status == Status.READY, copy.error
    assert copy.file.name != original.file.name
    assert copy.content_key != original.content_key
    with copy.file.open("rb") as mine, original.file.open("rb") as theirs:
        assert mine.read() == theirs.read()
    assert original.status == Status.READY and len(_uploads(settings)) == 2


def test_a_package_added_without_file_is_refused_not_left_pending(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _editor_client().post(
            reverse("wagtailsnippets_courses_h5ppackage:add"), {"title": "Vide", "description": ""}
        )
    package = H5PPackage.objects.get()
    assert package.status == Status.FAILED and package.error == "Aucun fichier H5P déposé."


# What the listing, the chooser and the lesson block see


@pytest.fixture
def three_states(db, tmp_path):
    ready = _live(tmp_path, title="Activité prête")
    pending = _pending(tmp_path, title="Activité en attente")
    refused = h5p_package_upload(path=h5p_corpus.missing_h5p_json(tmp_path), title="Refusée")
    return ready, pending, refused


def test_listing_and_chooser_show_each_state(three_states):
    ready, pending, refused = three_states
    client = _editor_client()
    reason = html.escape(refused.error.split(":")[0])
    listing = client.get(reverse(LIST_URL)).content.decode()
    chooser = client.get(reverse(CHOOSE_URL)).json()["html"]  # the modal's content
    for page in (listing, chooser):
        assert "Prêt" in page and "En cours de vérification" in page
        assert f"Refusé : {reason}" in page
    chosen = "wagtailsnippetchoosers_courses_h5ppackage:chosen"
    assert reverse(chosen, args=[ready.pk]) in chooser
    assert reverse(chosen, args=[pending.pk]) not in chooser
    assert reverse(chosen, args=[refused.pk]) not in chooser


def test_lesson_block_refuses_a_refused_or_never_ready_package(three_states):
    ready, pending, refused = three_states
    block = H5PBlock()

    def clean(package):
        return block.clean(
            block.to_python({"package": package.pk, "title": "", "instructions": ""})
        )

    assert clean(ready)["package"] == ready
    for package, words in ((refused, "a été refusée"), (pending, "en cours de vérification")):
        with pytest.raises(blocks.StructBlockValidationError) as raised:
            clean(package)
        message = " ".join(raised.value.block_errors["package"].messages)
        assert package.title in message and words in message


def test_a_live_package_being_replaced_can_still_be_picked(db, tmp_path):
    package = _live(tmp_path)
    package.candidate_status = Status.FAILED
    package.candidate_error = "refusé"
    package.save()
    block = H5PBlock()
    value = block.to_python({"package": package.pk, "title": "", "instructions": ""})
    assert block.clean(value)["package"] == package


def test_uploaded_file_of_a_timed_out_candidate_can_be_retried(
    db, tmp_path, django_capture_on_commit_callbacks
):
    package = _live(tmp_path)
    old_key = package.content_key
    with open(package.file.path, "rb") as handle:
        package.candidate_file.save("next.h5p", SimpleUploadedFile("next.h5p", handle.read()))
    package.candidate_status = Status.PENDING
    package.check_started_at = timezone.now()
    package.save()
    tasks.h5p_packages_requeue(now=timezone.now() + timedelta(days=1))
    package.refresh_from_db()
    assert package.status == Status.READY and package.content_key == old_key
    assert package.candidate_status == Status.FAILED
    assert package.candidate_error_code == H5P_PACKAGE_CHECK_TIMEOUT and package.candidate_file
    with django_capture_on_commit_callbacks(execute=True):
        _editor_client().post(reverse(RETRY_URL, args=[package.pk]))
    package.refresh_from_db()
    assert package.content_key != old_key and package.candidate_status == ""
