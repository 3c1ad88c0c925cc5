"""A teacher's classes: list, creation, join code and joining switch, archiving."""

from django.urls import reverse
from django.utils.html import escape

from school import services
from school.models import Classroom, PupilProfile
from school.selectors import school_year_current

from .factories import classroom_create, pupil_login_data, school_create, teacher_create


def test_classroom_list_shows_own_classes_active_before_archived(client, cast):
    archived = classroom_create(teacher=cast.teacher, name="Ancienne classe", school_year=2020)
    services.classroom_archive(classroom=archived)
    client.force_login(cast.teacher)
    response = client.get(reverse("school:classroom_list"))
    assert [c.pk for c in response.context["active"]] == [cast.classroom.pk]
    assert [c.pk for c in response.context["archived"]] == [archived.pk]
    html = response.content.decode()
    assert html.index("2nde 4") < html.index("Ancienne classe")
    assert "1re B" not in html  # another teacher's class


def test_classroom_create_makes_class_taught_by_teacher(teacher_client, cast):
    school = cast.classroom.school
    year = school_year_current()
    response = teacher_client.post(
        reverse("school:classroom_create"),
        {"school": school.pk, "name": " Terminale B ", "level": "terminale", "school_year": year},
    )
    classroom = Classroom.objects.get(name="Terminale B")
    assert response["Location"] == reverse("school:classroom_detail", args=[classroom.pk])
    assert (classroom.school, classroom.level, classroom.school_year) == (school, "terminale", year)
    assert list(classroom.teachers.all()) == [cast.teacher]
    assert len(classroom.join_code) == 6
    assert classroom.join_enabled


def test_classroom_create_refuses_school_of_another_teacher(teacher_client, cast):
    response = teacher_client.post(
        reverse("school:classroom_create"),
        {
            "school": cast.other_classroom.school.pk,
            "name": "Intrus",
            "level": "3e",
            "school_year": school_year_current(),
        },
    )
    assert response.status_code == 200
    assert "school" in response.context["form"].errors
    assert not Classroom.objects.filter(name="Intrus").exists()


def test_classroom_create_refuses_duplicate_name_in_same_year(teacher_client, cast):
    response = teacher_client.post(
        reverse("school:classroom_create"),
        {
            "school": cast.classroom.school.pk,
            "name": "2NDE 4",
            "level": "2nde",
            "school_year": cast.classroom.school_year,
        },
    )
    assert "name" in response.context["form"].errors
    assert Classroom.objects.filter(name__iexact="2nde 4").count() == 1


def test_classroom_create_without_school_explains(client, db):
    teacher = teacher_create()
    teacher.schools.clear()
    client.force_login(teacher)
    response = client.get(reverse("school:classroom_create"))
    assert response.status_code == 200
    assert "<form" not in response.content.decode().split('id="content"')[1]


def test_classroom_detail_shows_code_pupils_and_dashboard_link(teacher_client, cast):
    response = teacher_client.get(reverse("school:classroom_detail", args=[cast.classroom.pk]))
    html = response.content.decode()
    assert f'<p class="hc-join-code">{cast.classroom.join_code}</p>' in (html)
    assert "Renard-Bleu-27" in html
    assert "Loup-Vert-31" not in html
    assert f'href="/suivi/classes/{cast.classroom.pk}/"' in html
    assert html.count('name="csrfmiddlewaretoken"') >= 4


def test_code_regenerate_changes_code(teacher_client, cast):
    old = cast.classroom.join_code
    response = teacher_client.post(reverse("school:classroom_code", args=[cast.classroom.pk]))
    assert response.status_code == 302
    cast.classroom.refresh_from_db()
    assert cast.classroom.join_code != old
    assert services.classroom_by_code(old) is None
    page = teacher_client.get(response["Location"]).content.decode()
    assert cast.classroom.join_code in page
    assert escape("L'ancien code ne fonctionne plus") in page


def test_code_regenerate_refuses_get(teacher_client, cast):
    old = cast.classroom.join_code
    response = teacher_client.get(reverse("school:classroom_code", args=[cast.classroom.pk]))
    assert response.status_code == 405
    cast.classroom.refresh_from_db()
    assert cast.classroom.join_code == old


def test_join_disable_then_enable(teacher_client, cast, pupil_client):
    url = reverse("school:classroom_join_set", args=[cast.classroom.pk])
    teacher_client.post(url, {"enabled": "0"})
    cast.classroom.refresh_from_db()
    assert not cast.classroom.join_enabled
    pupil_client.post(reverse("school:pupil_join"), {"class_code": cast.classroom.join_code})
    assert PupilProfile.objects.filter(classroom=cast.classroom).count() == 1
    teacher_client.post(url, {"enabled": "1"})
    cast.classroom.refresh_from_db()
    assert cast.classroom.join_enabled
    pupil_client.post(reverse("school:pupil_join"), {"class_code": cast.classroom.join_code})
    assert PupilProfile.objects.filter(classroom=cast.classroom).count() == 2


def test_join_set_ignores_bad_value(teacher_client, cast):
    teacher_client.post(
        reverse("school:classroom_join_set", args=[cast.classroom.pk]), {"enabled": "maybe"}
    )
    cast.classroom.refresh_from_db()
    assert cast.classroom.join_enabled


def test_archive_asks_confirmation_then_archives(teacher_client, cast):
    url = reverse("school:classroom_archive", args=[cast.classroom.pk])
    page = teacher_client.get(url)
    assert page.status_code == 200
    cast.classroom.refresh_from_db()
    assert not cast.classroom.is_archived
    assert 'method="post"' in page.content.decode()
    teacher_client.post(url)
    cast.classroom.refresh_from_db()
    assert cast.classroom.is_archived
    assert not cast.classroom.join_enabled


def test_archived_class_refuses_joining(teacher_client, cast, pupil_client):
    teacher_client.post(reverse("school:classroom_archive", args=[cast.classroom.pk]))
    pupil_client.post(reverse("school:pupil_join"), {"class_code": cast.classroom.join_code})
    assert PupilProfile.objects.filter(classroom=cast.classroom).count() == 1
    assert "_auth_user_id" not in pupil_client.session


def test_archived_class_refuses_pupil_login(teacher_client, cast, pupil_client):
    teacher_client.post(reverse("school:classroom_archive", args=[cast.classroom.pk]))
    response = pupil_client.post(reverse("school:pupil_login"), pupil_login_data(cast.pupil))
    assert response.status_code == 200
    assert "_auth_user_id" not in pupil_client.session


def test_archived_class_refuses_reopening_and_new_pupils(teacher_client, cast):
    services.classroom_archive(classroom=cast.classroom)
    pk = cast.classroom.pk
    teacher_client.post(reverse("school:classroom_join_set", args=[pk]), {"enabled": "1"})
    teacher_client.post(reverse("school:classroom_code", args=[pk]))
    response = teacher_client.post(reverse("school:pupils_bulk_create", args=[pk]), {"count": 3})
    assert response.status_code == 302
    cast.classroom.refresh_from_db()
    assert not cast.classroom.join_enabled
    assert PupilProfile.objects.filter(classroom=cast.classroom).count() == 1


def test_admin_sees_every_school_when_creating(client, cast):
    school_create(name="Collège sans enseignant")
    client.force_login(cast.admin)
    response = client.get(reverse("school:classroom_create"))
    assert response.context["form"].fields["school"].queryset.count() == 3
