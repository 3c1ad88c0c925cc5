"""An editor replaces a live H5P activity with a refused file through the Wagtail admin, in
Chromium: the refusal is shown on the package and the lesson keeps playing the live version."""

import pytest
from django.contrib.auth.models import Group, Permission
from playwright.sync_api import expect

from courses.models import H5PPackage
from tests.browser.conftest import needs_h5p_standalone, page_logged_in
from tests.conftest import h5p_fixture, wagtail_tree_ensure
from tests.courses import h5p_corpus

pytestmark = pytest.mark.browser


@pytest.fixture
def live_activity(transactional_db, territories):
    needs_h5p_standalone()
    from content.seeding import SeedReport, site_structure_ensure
    from tests.courses.factories import (
        course_create,
        h5p_block,
        h5p_package_upload,
        lesson_create,
    )
    from tests.school.factories import editor_create

    wagtail_tree_ensure()
    index = site_structure_ensure(report=SeedReport())
    package = h5p_package_upload(path=h5p_fixture("H5P.TrueFalse.h5p"), title="Oslo")
    assert package.status == H5PPackage.Status.READY, package.error
    lesson = lesson_create(
        course=course_create(parent=index), body=[h5p_block(package=package, title="Vrai ou faux")]
    )
    # The flush after an earlier transactional test removes the group its migration made.
    editors, _created = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(
        *Permission.objects.filter(
            codename__in=["access_admin", "view_h5ppackage", "change_h5ppackage"]
        )
    )
    editor = editor_create()
    editor.groups.add(editors)
    return {"package": package, "lesson": lesson, "editor": editor}


def test_a_refused_replacement_keeps_the_lesson_playing_the_live_version(
    new_page, live_server, live_activity, tmp_path
):
    package, lesson = live_activity["package"], live_activity["lesson"]
    live_key = package.content_key
    refused = h5p_corpus.missing_h5p_json(tmp_path)  # a zip without h5p.json

    page = page_logged_in(new_page, live_server, live_activity["editor"])
    page.goto(f"/admin/snippets/courses/h5ppackage/edit/{package.pk}/")
    page.locator("input[type=file][name=file]").set_input_files(str(refused))
    page.get_by_role("button", name="Enregistrer").first.click()
    page.wait_for_url("**/admin/snippets/courses/h5ppackage/**")

    # Tasks run inline in the test settings: the replacement has been checked and refused.
    package.refresh_from_db()
    assert package.status == H5PPackage.Status.READY and package.content_key == live_key
    assert package.candidate_status == H5PPackage.Status.FAILED and not package.candidate_file
    page.goto(f"/admin/snippets/courses/h5ppackage/edit/{package.pk}/")
    check = page.locator("[data-h5p-check]")
    expect(check).to_contain_text("h5p.json est absent")
    expect(check).to_contain_text("la version actuelle reste en ligne")

    pupil_view = new_page()
    response = pupil_view.goto(lesson.url)
    assert str(live_key) in response.text()
    expect(pupil_view.locator("[data-h5p-player]")).to_have_attribute(
        "data-h5p-ready", "true", timeout=20_000
    )
    assert not pupil_view.js_errors, pupil_view.js_errors
