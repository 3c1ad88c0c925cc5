"""A teacher's classes: list, creation, join code and joining switch, archiving."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
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
    assert len(classroom.join_code) == 8
    # Closed until the teacher opens it, and newcomers wait for the teacher's approval.
    assert not classroom.join_enabled and not classroom.join_is_open
    assert classroom.join_approval


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
    assert f'<p class="hc-join-code">{cast.classroom.join_code_display}</p>' in html
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
    assert cast.classroom.join_code_display in page
    assert escape("L'ancien code ne fonctionne plus") in page


def test_code_regenerate_refuses_get(teacher_client, cast):
    old = cast.classroom.join_code
    response = teacher_client.get(reverse("school:classroom_code", args=[cast.classroom.pk]))
    assert response.status_code == 405
    cast.classroom.refresh_from_db()
    assert cast.classroom.join_code == old


def test_join_close_then_open_for_a_chosen_time(teacher_client, cast, pupil_client):
    url = reverse("school:classroom_join_set", args=[cast.classroom.pk])
    teacher_client.post(url, {"enabled": "0"})
    cast.classroom.refresh_from_db()
    assert not cast.classroom.join_enabled and cast.classroom.join_closes_at is None
    pupil_client.post(reverse("school:pupil_join"), {"class_code": cast.classroom.join_code})
    assert PupilProfile.objects.filter(classroom=cast.classroom).count() == 1
    page = teacher_client.get(reverse("school:classroom_detail", args=[cast.classroom.pk]))
    assert "Ouvrir les inscriptions" in page.content.decode()
    before = timezone.now()
    response = teacher_client.post(url, {"enabled": "1", "duration": "15min"})
    cast.classroom.refresh_from_db()
    assert cast.classroom.join_enabled
    closes = cast.classroom.join_closes_at - before
    assert timedelta(minutes=15) <= closes < timedelta(minutes=16)
    page = teacher_client.get(response["Location"]).content.decode()
    assert "Inscriptions ouvertes jusqu" in page and "Fermer les inscriptions" in page
    pupil_client.post(reverse("school:pupil_join"), {"class_code": cast.classroom.join_code})
    assert PupilProfile.objects.filter(classroom=cast.classroom).count() == 2


@pytest.mark.parametrize(
    "data", [{"enabled": "maybe"}, {"enabled": "1"}, {"enabled": "1", "duration": "1an"}]
)
def test_join_set_ignores_bad_values(teacher_client, cast, data):
    services.classroom_join_close(classroom=cast.classroom)
    teacher_client.post(reverse("school:classroom_join_set", args=[cast.classroom.pk]), data)
    cast.classroom.refresh_from_db()
    assert not cast.classroom.join_enabled


def test_join_settings_set_approval_and_a_smaller_limit(teacher_client, cast):
    url = reverse("school:classroom_join_settings", args=[cast.classroom.pk])
    teacher_client.post(url, {"approval": "on", "max_pupils": "30"})
    cast.classroom.refresh_from_db()
    assert (cast.classroom.join_approval, cast.classroom.max_pupils) == (True, 30)
    assert cast.classroom.pupils_limit == 30
    teacher_client.post(url, {"max_pupils": ""})
    cast.classroom.refresh_from_db()
    assert (cast.classroom.join_approval, cast.classroom.max_pupils) == (False, None)
    assert cast.classroom.pupils_limit == settings.HEMICYCLE_CLASS_MAX_PUPILS


def test_join_settings_refuse_a_limit_above_the_site(teacher_client, cast):
    url = reverse("school:classroom_join_settings", args=[cast.classroom.pk])
    response = teacher_client.post(url, {"max_pupils": settings.HEMICYCLE_CLASS_MAX_PUPILS + 1})
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()
    cast.classroom.refresh_from_db()
    assert cast.classroom.max_pupils is None


def test_bulk_create_refuses_beyond_the_class_limit(teacher_client, cast):
    services.classroom_join_settings_update(classroom=cast.classroom, approval=True, max_pupils=3)
    url = reverse("school:pupils_bulk_create", args=[cast.classroom.pk])
    response = teacher_client.post(url, {"count": 3})  # 1 + 3 > 3
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()
    assert PupilProfile.objects.filter(classroom=cast.classroom).count() == 1
    teacher_client.post(url, {"count": 2})
    pupils = PupilProfile.objects.filter(classroom=cast.classroom)
    assert pupils.count() == 3
    assert not pupils.filter(approved_at__isnull=True).exists()  # the teacher's own: approved


def test_move_refuses_a_full_class(cast):
    target = cast.classroom
    services.classroom_join_settings_update(classroom=target, approval=True, max_pupils=1)
    other = services.pupils_bulk_create(classroom=classroom_create(teacher=cast.teacher), count=1)
    with pytest.raises(services.SchoolError) as error:
        services.pupil_move(pupil=other[0].pupil, classroom=target)
    assert error.value.code == services.CLASSROOM_FULL
    assert PupilProfile.objects.filter(classroom=target).count() == 1


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
    teacher_client.post(
        reverse("school:classroom_join_set", args=[pk]), {"enabled": "1", "duration": "1h"}
    )
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
