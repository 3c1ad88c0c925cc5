"""The editorial workflow: editors draft, moderators review and publish, with scheduling,
revisions, preview and admin search."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from courses.models import LessonPage
from courses.tasks import pages_publish_scheduled
from school.models import User

from .factories import course_create, lesson_create


@pytest.fixture
def course(site_tree):
    return course_create(parent=site_tree)


@pytest.fixture
def editor(db):
    user = User.objects.create_user(username="redaction", password="x-secret-1", role="editor")
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def moderator(db):
    user = User.objects.create_user(username="relecture", password="x-secret-1", role="editor")
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


def test_editor_reaches_the_admin_and_the_lesson_form(client, course, editor):
    client.force_login(editor)
    assert client.get("/admin/").status_code == 200
    response = client.get(f"/admin/pages/add/courses/lessonpage/{course.pk}/")
    assert response.status_code == 200
    assert b"Article de la Constitution" in response.content and b"Quiz" in response.content


def test_pupil_cannot_reach_the_admin(client, db):
    client.force_login(User.objects.create_user(username="pupil", password="x-secret-1"))
    assert client.get("/admin/").status_code == 302


def test_draft_goes_through_review_before_publication(course, editor, moderator):
    lesson = lesson_create(course=course, live=False)
    workflow = lesson.get_workflow()
    assert workflow is not None and workflow.active
    lesson.save_revision(user=editor)
    state = workflow.start(lesson, editor)
    assert state.status == state.STATUS_IN_PROGRESS
    lesson.refresh_from_db()
    assert not lesson.live
    task_state = state.current_task_state
    task = task_state.task.specific
    assert task.user_can_access_editor(lesson, moderator)
    task.on_action(task_state, moderator, "approve")
    lesson.refresh_from_db()
    assert lesson.live


def test_scheduled_publication_happens_through_the_celery_task(course, editor, moderator):
    lesson = lesson_create(course=course, live=False)
    lesson.go_live_at = timezone.now() + timedelta(hours=1)
    revision = lesson.save_revision(user=editor)
    revision.publish(user=moderator)  # a future go-live date schedules instead of publishing
    revision.refresh_from_db()
    assert revision.approved_go_live_at is not None
    assert not LessonPage.objects.get(pk=lesson.pk).live
    pages_publish_scheduled.delay()
    assert not LessonPage.objects.get(pk=lesson.pk).live
    # An hour later:
    past = timezone.now() - timedelta(minutes=1)
    revision.content["go_live_at"] = past.isoformat()
    revision.approved_go_live_at = past
    revision.save()
    pages_publish_scheduled.delay()
    assert LessonPage.objects.get(pk=lesson.pk).live


def test_every_revision_is_kept_and_can_be_restored(course, editor):
    lesson = lesson_create(course=course, title="Version 1")
    first = lesson.latest_revision
    lesson.title = "Version 2"
    lesson.save_revision(user=editor).publish()
    assert lesson.revisions.count() == 2
    first.as_object().save_revision(user=editor).publish()
    lesson.refresh_from_db()
    assert lesson.title == "Version 1" and lesson.revisions.count() == 3


def test_preview_renders_an_unsaved_lesson(course):
    lesson = lesson_create(course=course)
    lesson.title = "Titre en cours de rédaction"
    response = lesson.make_preview_request()
    assert response.status_code == 200
    assert "Titre en cours de rédaction" in response.rendered_content


def test_admin_search_finds_lessons(client, course, editor):
    lesson_create(course=course, title="Le Conseil constitutionnel")
    client.force_login(editor)
    response = client.get("/admin/pages/search/", {"q": "constitutionnel"})
    assert response.status_code == 200
    assert "Le Conseil constitutionnel" in response.content.decode()
