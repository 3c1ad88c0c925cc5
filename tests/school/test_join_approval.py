"""Newcomers wait for their teacher: accepted one by one or all at once, refused (their account
erased), renamed. What a waiting pupil cannot reach is walked URL by URL in
tests/test_permission_matrix.py (test_waiting_pupil_reaches_nothing)."""

from django.urls import reverse
from django.utils.html import escape

from config.typography import french_text
from school import services
from school.models import PupilProfile, User

from .factories import classroom_create, pupil_create, pupil_login_data


def _url(name, pupil):
    return reverse(f"school:{name}", args=[pupil.classroom_id, pupil.user_id])


def test_waiting_pupil_sees_only_the_waiting_page(client, cast):
    waiting = pupil_create(classroom=cast.classroom, approved=False)
    client.force_login(waiting.user)
    response = client.get(reverse("courses:dashboard"))
    assert response["Location"] == reverse("school:pupil_waiting")
    page = client.get(reverse("school:pupil_waiting"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Ton enseignant doit valider ton inscription" in html
    assert waiting.pseudonym in html
    api = client.get("/api/assignments/")
    assert api.status_code == 403 and api.json()["code"] == "role_refused"


def test_waiting_page_leads_an_accepted_pupil_on(client, cast):
    client.force_login(cast.pupil.user)
    response = client.get(reverse("school:pupil_waiting"))
    assert response.status_code == 302
    assert response["Location"] == reverse("school:account_home")


def test_class_page_lists_waiting_pupils_first_with_their_actions(teacher_client, cast):
    waiting = pupil_create(classroom=cast.classroom, pseudonym="Zebre-Rose-12", approved=False)
    html = teacher_client.get(
        reverse("school:classroom_detail", args=[cast.classroom.pk])
    ).content.decode()
    assert "1 élève attend votre validation" in html
    assert html.index("Zebre-Rose-12") < html.index("Renard-Bleu-27")
    assert _url("pupil_approve", waiting) in html and _url("pupil_refuse", waiting) in html
    assert reverse("school:pupils_approve_all", args=[cast.classroom.pk]) in html
    assert _url("pupil_refuse", cast.pupil) not in html  # an accepted pupil is deleted apart


def test_teacher_accepts_a_pupil_who_then_reaches_the_class(teacher_client, cast, pupil_client):
    waiting = pupil_create(classroom=cast.classroom, approved=False)
    other = pupil_create(classroom=cast.classroom, approved=False)
    teacher_client.post(_url("pupil_approve", waiting))
    waiting.refresh_from_db()
    other.refresh_from_db()
    assert not waiting.is_waiting and other.is_waiting
    pupil_client.force_login(waiting.user)
    assert pupil_client.get(reverse("courses:dashboard")).status_code == 200


def test_teacher_accepts_every_waiting_pupil_at_once(teacher_client, cast):
    waiting = [pupil_create(classroom=cast.classroom, approved=False) for _ in range(3)]
    elsewhere = pupil_create(classroom=cast.other_classroom, approved=False)
    teacher_client.post(reverse("school:pupils_approve_all", args=[cast.classroom.pk]))
    assert not PupilProfile.objects.filter(
        pk__in=[p.pk for p in waiting], approved_at__isnull=True
    ).exists()
    elsewhere.refresh_from_db()
    assert elsewhere.is_waiting  # another teacher's class is not touched


def test_refusing_a_newcomer_erases_their_account(teacher_client, cast):
    waiting = pupil_create(classroom=cast.classroom, approved=False)
    response = teacher_client.post(_url("pupil_refuse", waiting))
    assert response.status_code == 302
    assert not User.objects.filter(pk=waiting.user_id).exists()
    assert not PupilProfile.objects.filter(pk=waiting.pk).exists()


def test_refuse_leaves_an_accepted_pupil_alone(teacher_client, cast):
    response = teacher_client.post(_url("pupil_refuse", cast.pupil))
    assert response.status_code == 404
    assert User.objects.filter(pk=cast.pupil.user_id).exists()


def test_refuse_and_approve_refuse_get(teacher_client, cast):
    waiting = pupil_create(classroom=cast.classroom, approved=False)
    for name in ("pupil_refuse", "pupil_approve"):
        assert teacher_client.get(_url(name, waiting)).status_code == 405
    waiting.refresh_from_db()
    assert waiting.is_waiting


def test_rename_changes_the_pseudonym_used_at_login(teacher_client, cast, pupil_client):
    url = _url("pupil_rename", cast.pupil)
    page = teacher_client.get(url)
    assert page.status_code == 200
    assert '<label class="fr-label" for="id_pseudonym">' in page.content.decode()
    response = teacher_client.post(url, {"pseudonym": "  Castor   Malin 7 "})
    assert response.status_code == 302
    cast.pupil.refresh_from_db()
    assert cast.pupil.pseudonym == "Castor Malin 7"
    login = pupil_client.post(reverse("school:pupil_login"), pupil_login_data(cast.pupil))
    assert login.status_code == 302


def test_rename_refuses_a_name_taken_in_the_class(teacher_client, cast):
    pupil_create(classroom=cast.classroom, pseudonym="Castor Malin 7")
    response = teacher_client.post(
        _url("pupil_rename", cast.pupil), {"pseudonym": "castor MALIN 7"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert escape(services.SchoolError(services.PSEUDONYM_TAKEN).message) in html
    assert 'aria-invalid="true"' in html
    cast.pupil.refresh_from_db()
    assert cast.pupil.pseudonym == "Renard-Bleu-27"


def test_rename_refuses_an_invalid_name(teacher_client, cast):
    response = teacher_client.post(_url("pupil_rename", cast.pupil), {"pseudonym": "<b>"})
    assert french_text(escape(services.SchoolError(services.PSEUDONYM_INVALID).message)) in (
        response.content.decode()
    )
    cast.pupil.refresh_from_db()
    assert cast.pupil.pseudonym == "Renard-Bleu-27"


def test_rename_allows_a_name_taken_in_another_class(cast):
    services.pupil_rename(pupil=cast.pupil, pseudonym="Loup-Vert-31")  # other_pupil's, class B
    cast.pupil.refresh_from_db()
    assert cast.pupil.pseudonym == "Loup-Vert-31"


def test_other_teacher_cannot_accept_refuse_or_rename(client, cast):
    waiting = pupil_create(classroom=cast.classroom, approved=False)
    client.force_login(cast.other_teacher)
    for name in ("pupil_approve", "pupil_refuse"):
        assert client.post(_url(name, waiting)).status_code == 404
    assert client.post(_url("pupil_rename", waiting), {"pseudonym": "Intrus"}).status_code == 404
    assert client.post(reverse("school:pupils_approve_all", args=[cast.classroom.pk])).status_code
    waiting.refresh_from_db()
    assert waiting.is_waiting and waiting.pseudonym != "Intrus"


def test_bulk_created_pupils_are_approved(db):
    classroom = classroom_create(join_approval=True)
    [card] = services.pupils_bulk_create(classroom=classroom, count=1)
    assert not card.pupil.is_waiting
