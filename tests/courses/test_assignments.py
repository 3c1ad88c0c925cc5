"""Giving courses and lessons to a class: the service's rules and the teacher's page."""

from datetime import timedelta

import pytest
from django.utils import timezone

from config.typography import french_text
from courses.models import Assignment
from courses.services import (
    ASSIGNMENT_ALREADY_EXISTS,
    ASSIGNMENT_CLASSROOM_ARCHIVED,
    ASSIGNMENT_DUE_DATE_PAST,
    ASSIGNMENT_NOT_PUBLISHED,
    ASSIGNMENT_TARGET_AMBIGUOUS,
    ASSIGNMENT_TARGET_MISSING,
    AssignmentError,
    assignment_create,
    assignment_delete,
)
from school.services import classroom_archive

from .factories import course_create, lesson_create
from .progress_factories import classroom_with_pupils, school_create, teacher_create


@pytest.fixture
def ctx(site_tree):
    school = school_create()
    teacher = teacher_create(school=school)
    classroom, _pupils = classroom_with_pupils(teacher=teacher, school=school, pupils=2)
    course = course_create(parent=site_tree, title="Le Parlement")
    lesson = lesson_create(course=course, title="Le Sénat")
    draft = lesson_create(course=course, title="Brouillon", live=False)
    return {
        "classroom": classroom,
        "teacher": teacher,
        "course": course,
        "lesson": lesson,
        "draft": draft,
    }


def _error(**kwargs) -> str:
    with pytest.raises(AssignmentError) as error:
        assignment_create(**kwargs)
    return error.value.code


def test_assignment_create_stores_course_with_due_date_and_author(ctx):
    due = timezone.localdate() + timedelta(days=3)
    assignment = assignment_create(
        classroom=ctx["classroom"], teacher=ctx["teacher"], course=ctx["course"], due_date=due
    )
    assignment.refresh_from_db()
    assert (assignment.course, assignment.lesson, assignment.due_date) == (ctx["course"], None, due)
    assert assignment.assigned_by == ctx["teacher"]


def test_assignment_create_rejects_neither_course_nor_lesson(ctx):
    assert _error(classroom=ctx["classroom"], teacher=ctx["teacher"]) == ASSIGNMENT_TARGET_MISSING
    assert not Assignment.objects.exists()


def test_assignment_create_rejects_both_course_and_lesson(ctx):
    code = _error(
        classroom=ctx["classroom"],
        teacher=ctx["teacher"],
        course=ctx["course"],
        lesson=ctx["lesson"],
    )
    assert code == ASSIGNMENT_TARGET_AMBIGUOUS
    assert not Assignment.objects.exists()


def test_assignment_create_rejects_unpublished_lesson(ctx):
    code = _error(classroom=ctx["classroom"], teacher=ctx["teacher"], lesson=ctx["draft"])
    assert code == ASSIGNMENT_NOT_PUBLISHED


def test_assignment_create_rejects_unpublished_course(ctx):
    ctx["course"].unpublish()
    code = _error(classroom=ctx["classroom"], teacher=ctx["teacher"], course=ctx["course"])
    assert code == ASSIGNMENT_NOT_PUBLISHED
    assert not Assignment.objects.exists()


@pytest.mark.parametrize("target", ["course", "lesson"])
def test_assignment_create_rejects_the_same_target_twice(ctx, target):
    kwargs = {"classroom": ctx["classroom"], "teacher": ctx["teacher"], target: ctx[target]}
    assignment_create(**kwargs)
    assert _error(**kwargs) == ASSIGNMENT_ALREADY_EXISTS
    assert Assignment.objects.count() == 1


def test_assignment_create_allows_the_same_course_in_another_class(ctx):
    school = ctx["classroom"].school
    other, _pupils = classroom_with_pupils(teacher=ctx["teacher"], school=school, pupils=1)
    assignment_create(classroom=ctx["classroom"], teacher=ctx["teacher"], course=ctx["course"])
    assignment_create(classroom=other, teacher=ctx["teacher"], course=ctx["course"])
    assert Assignment.objects.count() == 2


def test_assignment_create_rejects_a_due_date_in_the_past(ctx):
    code = _error(
        classroom=ctx["classroom"],
        teacher=ctx["teacher"],
        lesson=ctx["lesson"],
        due_date=timezone.localdate() - timedelta(days=1),
    )
    assert code == ASSIGNMENT_DUE_DATE_PAST


def test_assignment_create_rejects_an_archived_class(ctx):
    classroom_archive(classroom=ctx["classroom"])
    code = _error(classroom=ctx["classroom"], teacher=ctx["teacher"], lesson=ctx["lesson"])
    assert code == ASSIGNMENT_CLASSROOM_ARCHIVED


def test_assignment_delete_keeps_other_assignments(ctx):
    first = assignment_create(
        classroom=ctx["classroom"], teacher=ctx["teacher"], lesson=ctx["lesson"]
    )
    second = assignment_create(
        classroom=ctx["classroom"], teacher=ctx["teacher"], course=ctx["course"]
    )
    assignment_delete(assignment=first)
    assert list(Assignment.objects.all()) == [second]


def _url(ctx) -> str:
    return f"/suivi/classes/{ctx['classroom'].pk}/devoirs/"


def test_assignments_page_offers_published_courses_and_lessons_only(client, ctx):
    client.force_login(ctx["teacher"])
    html = client.get(_url(ctx)).content.decode()
    assert f'value="course:{ctx["course"].pk}"' in html
    assert f'value="lesson:{ctx["lesson"].pk}"' in html
    assert f'value="lesson:{ctx["draft"].pk}"' not in html
    assert '<optgroup label="Le Parlement">' in html


def test_assignments_page_adds_a_course_with_a_due_date(client, ctx):
    client.force_login(ctx["teacher"])
    due = timezone.localdate() + timedelta(days=10)
    response = client.post(
        _url(ctx), {"target": f"course:{ctx['course'].pk}", "due_date": due.isoformat()}
    )
    assert response.status_code == 302 and response["Location"] == _url(ctx)
    assignment = Assignment.objects.get()
    assert (assignment.classroom, assignment.course, assignment.due_date) == (
        ctx["classroom"],
        ctx["course"],
        due,
    )
    assert assignment.assigned_by == ctx["teacher"]
    html = client.get(_url(ctx)).content.decode()
    assert french_text("« Le Parlement » est ajouté aux devoirs de la classe.") in html
    assert "<caption" in html and "Cours entier" in html


def test_assignments_page_accepts_a_french_date(client, ctx):
    client.force_login(ctx["teacher"])
    due = timezone.localdate() + timedelta(days=2)
    client.post(
        _url(ctx), {"target": f"lesson:{ctx['lesson'].pk}", "due_date": due.strftime("%d/%m/%Y")}
    )
    assert Assignment.objects.get().due_date == due


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"target": ""}, "Choisissez un cours ou une leçon à donner à la classe."),
        ({"target": "lesson:999999"}, "Ce cours ou cette leçon n&#x27;existe pas."),
        ({"target": "page:1"}, "Ce cours ou cette leçon n&#x27;existe pas."),
        ({"target": "draft"}, "n&#x27;est pas publié"),
        ({"target": "lesson", "due_date": "31/02/2026"}, "Saisissez une date valide."),
    ],
)
def test_assignments_page_shows_clear_errors_and_stores_nothing(client, ctx, data, message):
    data = dict(data)
    if data["target"] in ("draft", "lesson"):
        data["target"] = f"lesson:{ctx[data['target']].pk}"
    client.force_login(ctx["teacher"])
    response = client.post(_url(ctx), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Assignment.objects.exists()


def test_assignments_page_refuses_a_duplicate_with_a_message(client, ctx):
    assignment_create(classroom=ctx["classroom"], teacher=ctx["teacher"], course=ctx["course"])
    client.force_login(ctx["teacher"])
    response = client.post(_url(ctx), {"target": f"course:{ctx['course'].pk}"})
    assert response.status_code == 400
    assert "déjà donné à cette classe" in response.content.decode()
    assert Assignment.objects.count() == 1


def test_assignment_remove_deletes_it_and_redirects(client, ctx):
    assignment = assignment_create(
        classroom=ctx["classroom"], teacher=ctx["teacher"], lesson=ctx["lesson"]
    )
    client.force_login(ctx["teacher"])
    response = client.post(_url(ctx) + f"{assignment.pk}/retirer/")
    assert response.status_code == 302 and response["Location"] == _url(ctx)
    assert not Assignment.objects.exists()
    assert "est retiré des devoirs" in client.get(_url(ctx)).content.decode()


def test_assignment_remove_refuses_get(client, ctx):
    assignment = assignment_create(
        classroom=ctx["classroom"], teacher=ctx["teacher"], lesson=ctx["lesson"]
    )
    client.force_login(ctx["teacher"])
    assert client.get(_url(ctx) + f"{assignment.pk}/retirer/").status_code == 405
    assert Assignment.objects.exists()


def test_assignment_remove_of_another_class_is_not_found(client, ctx):
    school = ctx["classroom"].school
    other, _pupils = classroom_with_pupils(teacher=ctx["teacher"], school=school, pupils=1)
    foreign = assignment_create(classroom=other, teacher=ctx["teacher"], lesson=ctx["lesson"])
    client.force_login(ctx["teacher"])
    response = client.post(_url(ctx) + f"{foreign.pk}/retirer/")
    assert response.status_code == 404
    assert Assignment.objects.filter(pk=foreign.pk).exists()


def test_lessons_assigned_among_follows_assigned_lessons(ctx, site_tree, django_assert_num_queries):
    """The one-query check the xAPI endpoint makes agrees with the class's list of lessons: a
    lesson given through its course or alone counts, another course's lesson or another class's
    assignment does not."""
    from courses.selectors import assigned_lessons
    from courses.selectors.assignments import lessons_assigned_among

    other_course = course_create(parent=site_tree, title="Le Gouvernement")
    alone = lesson_create(course=other_course, title="Le Premier ministre")
    not_given = lesson_create(course=other_course, title="Les ministres")
    elsewhere = course_create(parent=site_tree, title="La justice")
    other_class_lesson = lesson_create(course=elsewhere, title="Les tribunaux")
    other_class, _pupils = classroom_with_pupils(
        teacher=ctx["teacher"], school=ctx["classroom"].school, pupils=1
    )
    assignment_create(classroom=ctx["classroom"], teacher=ctx["teacher"], course=ctx["course"])
    assignment_create(classroom=ctx["classroom"], teacher=ctx["teacher"], lesson=alone)
    assignment_create(classroom=other_class, teacher=ctx["teacher"], course=elsewhere)
    lessons = [ctx["lesson"], alone, not_given, other_class_lesson]

    with django_assert_num_queries(1):
        given = lessons_assigned_among(classroom=ctx["classroom"], lessons=lessons)

    assert given == {ctx["lesson"].pk, alone.pk}
    listed = {lesson.pk for lesson in assigned_lessons(classroom=ctx["classroom"]).lessons}
    assert given == listed & {lesson.pk for lesson in lessons}
