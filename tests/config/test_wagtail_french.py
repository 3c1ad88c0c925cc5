"""The Wagtail admin in French, Wagtail's own strings and its data included: the default
workflow and its task are renamed by config's migration 0002, which may run again or backwards."""

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from wagtail.models import Task, Workflow

from school.models import User
from tests.courses.factories import course_create, lesson_create

renaming = importlib.import_module("config.migrations.0002_workflow_in_french")


@pytest.fixture
def editor(db):
    user = User.objects.create_user(username="redaction", password="x-secret-1", role="editor")
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def test_default_workflow_and_task_are_named_in_french(db):
    assert list(Workflow.objects.values_list("name", flat=True)) == ["Relecture éditoriale"]
    assert list(Task.objects.values_list("name", flat=True)) == ["Validation par un modérateur"]


def test_renaming_runs_again_and_backwards_without_harm(db):
    renaming.workflow_to_french(apps, None)
    assert Workflow.objects.get().name == "Relecture éditoriale"
    renaming.workflow_to_english(apps, None)
    assert Workflow.objects.get().name == Task.objects.get().name == "Moderators approval"
    renaming.workflow_to_french(apps, None)
    assert Workflow.objects.get().name == "Relecture éditoriale"
    # A name an administrator chose is never touched.
    Workflow.objects.update(name="Circuit du lycée")
    renaming.workflow_to_english(apps, None)
    assert Workflow.objects.get().name == "Circuit du lycée"


def test_an_editor_who_chose_english_gets_the_admin_in_french_again(client, editor):
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(editor)
    profile.preferred_language = "en"
    profile.save()
    renaming.admin_languages_to_french(apps, None)
    profile.refresh_from_db()
    assert profile.preferred_language == ""
    client.force_login(editor)
    assert "Tableau de bord" in client.get("/admin/").text


def test_editor_sees_the_admin_in_french(client, site_tree, editor):
    lesson = lesson_create(course=course_create(parent=site_tree), live=False)
    client.force_login(editor)
    dashboard = client.get("/admin/").text
    edit = client.get(f"/admin/pages/{lesson.pk}/edit/").text
    assert "Tableau de bord" in dashboard and "Dashboard" not in dashboard
    assert "Soumettre au circuit «\u00a0Relecture éditoriale\u00a0»" in edit
    for english in ("Moderators approval", "Submit to", "Save draft", "Unpublish"):
        assert english not in edit, english
    account = client.get("/admin/account/").text
    assert "English" not in account
