"""The consultation pages: the pupil's vote with its confirmation step for every method, every
refusal storing nothing, the teacher's list, creation, opening, live participation, closing,
results, procès-verbal and CSV, and what none of them ever shows (what a pupil voted)."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from classroom_votes.consultations import services
from classroom_votes.consultations.services import consultation_close
from classroom_votes.models import (
    Consultation,
    ConsultationStatus,
    Participation,
    ResultsVisibility,
)
from classroom_votes.tallies import VotingMethod
from config.typography import french_text
from tests.school.factories import classroom_create, pupil_create, teacher_create

from ..factories import (
    SOURCES,
    ballots_cast,
    consultation_create,
    pupils_create,
    rows_count,
    stored_contents,
    two_classes_consultation,
)
from ..helpers import page_client_for, page_url

pytestmark = pytest.mark.django_db


# What the vote form posts for each method, and the ballot it must store.
FORM_BALLOTS = {
    VotingMethod.YES_NO: ({"choice": "contre"}, {"choice": "contre"}),
    VotingMethod.SCALE5: ({"choice": "bof"}, {"choice": "bof"}),
    VotingMethod.SINGLE: ({"choice": "blanc"}, {"choice": "blanc"}),
    VotingMethod.APPROVAL: (
        {"approved": ["chloe", "alice"]},
        {"approved": ["alice", "chloe"]},
    ),
    VotingMethod.MAJORITY_JUDGMENT: (
        {"grade_alice": "bien", "grade_bruno": "passable", "grade_chloe": "a_rejeter"},
        {"grades": {"alice": "bien", "bruno": "passable", "chloe": "a_rejeter"}},
    ),
    VotingMethod.RANKED: (
        {"rank_alice": "2", "rank_bruno": "", "rank_chloe": "1"},
        {"ranking": ["chloe", "alice"]},
    ),
}


@pytest.fixture
def classroom():
    return classroom_create(teacher=teacher_create(), name="2nde A")


@pytest.fixture
def pupil(classroom):
    return pupil_create(classroom=classroom, pseudonym="Renard-Bleu-27").user


# --- The pupil's vote -------------------------------------------------------------------------


@pytest.mark.parametrize("method", list(VotingMethod))
def test_pupil_votes_after_confirming_for_every_method(classroom, pupil, method):
    consultation = consultation_create(classrooms=[classroom], method=method)
    client = page_client_for(pupil)
    page = client.get(page_url("consultation_detail", consultation))
    assert page.status_code == 200
    for panel in ("Les médias en parlent", "Ils sont pour", "Ils sont contre"):
        assert panel in page.text
    assert SOURCES[0]["url"] in page.text
    assert "Vérifier mon vote" in page.text

    posted, stored = FORM_BALLOTS[method]
    confirm = client.post(page_url("consultation_vote", consultation), posted)
    assert confirm.status_code == 200
    assert "Confirmer mon vote" in confirm.text
    assert rows_count() == (0, 0, 0), "the first step stores nothing"

    done = client.post(page_url("consultation_vote", consultation), {**posted, "confirm": "1"})
    assert done.status_code == 302
    assert done["Location"] == page_url("consultation_voted", consultation)
    assert Participation.objects.filter(consultation=consultation, user=pupil).count() == 1
    assert stored_contents(consultation) == [stored]
    voted = client.get(done["Location"])
    assert "A voté" in voted.text
    assert "Vérifier mon vote" not in client.get(page_url("consultation_detail", consultation)).text


def test_vote_edit_returns_to_the_form_with_the_choice_kept(classroom, pupil):
    consultation = consultation_create(classrooms=[classroom])
    page = page_client_for(pupil).post(
        page_url("consultation_vote", consultation), {"choice": "contre", "edit": "1"}
    )
    assert page.status_code == 200
    checked = re.findall(r'<input type="radio" name="choice" value="(\w+)"[^>]* checked', page.text)
    assert checked == ["contre"]
    assert rows_count() == (0, 0, 0)


def test_vote_confirmation_summary_names_the_choice_only_to_the_voter(classroom, pupil):
    consultation = consultation_create(classrooms=[classroom], method=VotingMethod.SINGLE)
    page = page_client_for(pupil).post(
        page_url("consultation_vote", consultation), {"choice": "bruno"}
    )
    assert "Bruno Petit" in page.text
    assert "no-store" in page["Cache-Control"]


@pytest.mark.parametrize(
    ("method", "posted", "message"),
    [
        (VotingMethod.YES_NO, {"choice": "peut-etre"}, "Sélectionnez un choix valide"),
        (VotingMethod.SCALE5, {"choice": "blanc"}, "Sélectionnez un choix valide"),
        (VotingMethod.SINGLE, {}, "Choisis une réponse"),
        (
            VotingMethod.MAJORITY_JUDGMENT,
            {"grade_alice": "bien", "grade_bruno": "bien"},
            "Donne une mention à cette option",
        ),
        (
            VotingMethod.RANKED,
            {"rank_alice": "1", "rank_bruno": "1", "rank_chloe": ""},
            "Le rang 1 est donné à",
        ),
        (
            VotingMethod.RANKED,
            {"rank_alice": "1", "rank_bruno": "3", "rank_chloe": ""},
            "sans sauter de rang",
        ),
        (VotingMethod.APPROVAL, {"approved": ["zoe"]}, "Sélectionnez un choix valide"),
    ],
)
def test_invalid_ballot_form_is_refused_and_stores_nothing(
    classroom, pupil, method, posted, message
):
    consultation = consultation_create(classrooms=[classroom], method=method)
    for step in ({}, {"confirm": "1"}):
        page = page_client_for(pupil).post(
            page_url("consultation_vote", consultation), {**posted, **step}
        )
        assert page.status_code == 400
        assert message in page.text
    assert rows_count() == (0, 0, 0)


def test_second_vote_is_refused_and_stores_nothing(classroom, pupil):
    consultation = consultation_create(classrooms=[classroom])
    client = page_client_for(pupil)
    client.post(page_url("consultation_vote", consultation), {"choice": "pour", "confirm": "1"})
    before = rows_count()
    again = client.post(
        page_url("consultation_vote", consultation), {"choice": "contre", "confirm": "1"}
    )
    assert again.status_code == 409
    assert "déjà voté" in again.text
    assert rows_count() == before == (1, 1, 0)  # a participation, a sealed ballot


@pytest.mark.parametrize("status", [ConsultationStatus.CLOSED])
def test_vote_on_a_closed_consultation_is_refused(classroom, pupil, status):
    consultation = consultation_create(classrooms=[classroom], status=status)
    page = page_client_for(pupil).get(page_url("consultation_detail", consultation))
    assert "Le vote est clos" in page.text
    assert "Vérifier mon vote" not in page.text
    refused = page_client_for(pupil).post(
        page_url("consultation_vote", consultation), {"choice": "pour", "confirm": "1"}
    )
    assert refused.status_code == 409
    assert rows_count() == (0, 0, 0)


def test_vote_on_a_scheduled_consultation_not_yet_open_is_refused(classroom, pupil):
    consultation = consultation_create(
        classrooms=[classroom], opens_at=timezone.now() + timedelta(hours=1)
    )
    Consultation.objects.filter(pk=consultation.pk).update(
        opens_at=timezone.now() + timedelta(hours=1)
    )
    refused = page_client_for(pupil).post(
        page_url("consultation_vote", consultation), {"choice": "pour", "confirm": "1"}
    )
    assert refused.status_code == 409
    assert "pas encore ouvert" in refused.text
    assert rows_count() == (0, 0, 0)


def test_other_class_pupil_gets_404_and_stores_nothing(classroom):
    consultation = consultation_create(classrooms=[classroom])
    outsider = pupil_create(classroom=classroom_create(teacher=teacher_create())).user
    client = page_client_for(outsider)
    assert client.get(page_url("consultation_detail", consultation)).status_code == 404
    posted = client.post(
        page_url("consultation_vote", consultation), {"choice": "pour", "confirm": "1"}
    )
    assert posted.status_code == 404
    assert rows_count() == (0, 0, 0)


def test_teacher_cannot_vote(classroom):
    consultation = consultation_create(classrooms=[classroom])
    teacher = classroom.teachers.get()
    refused = page_client_for(teacher).post(
        page_url("consultation_vote", consultation), {"choice": "pour", "confirm": "1"}
    )
    assert refused.status_code == 403
    assert rows_count() == (0, 0, 0)


def test_pupil_list_shows_where_each_vote_stands(classroom, pupil):
    to_vote = consultation_create(classrooms=[classroom], title="Question ouverte")
    voted = consultation_create(classrooms=[classroom], title="Question votée")
    consultation_create(classrooms=[classroom], title="Brouillon", status=ConsultationStatus.DRAFT)
    ballots_cast(consultation=voted, voters=[pupil], contents=[{"choice": "pour"}])
    page = page_client_for(pupil).get(reverse("classroom_votes:consultation_list"))
    assert page.status_code == 200
    assert "Question ouverte" in page.text and "Question votée" in page.text
    assert "Brouillon" not in page.text
    assert page.text.count("À toi de voter") == 1
    assert page.text.count(">A voté<") == 1
    assert page_url("consultation_detail", to_vote) in page.text


# --- The teacher's pages ----------------------------------------------------------------------


def test_teacher_creates_a_consultation_with_panels_and_options(classroom):
    teacher = classroom.teachers.get()
    data = {
        "classrooms": [classroom.pk],
        "title": "Qui sera délégué de classe ?",
        "context": "Élection des délégués.",
        "method": VotingMethod.SINGLE,
        "options": "Alice Martin\nBruno Petit\n\n",
        "second_round": "on",
        "min_ballots": "5",
        "results_visibility": ResultsVisibility.AFTER_CLOSE,
        "sources-TOTAL_FORMS": "6",
        "sources-INITIAL_FORMS": "0",
        "sources-MIN_NUM_FORMS": "0",
        "sources-MAX_NUM_FORMS": "30",
        "sources-0-panel": "medias",
        "sources-0-title": "Les délégués, à quoi servent-ils ?",
        "sources-0-url": "https://www.example.fr/delegues",
        **{f"sources-{n}-panel": panel for n, panel in [(1, "medias"), (2, "pour"), (3, "pour")]},
        "sources-4-panel": "contre",
        "sources-4-title": "Une élection de popularité",
        "sources-5-panel": "contre",
    }
    response = page_client_for(teacher).post(reverse("classroom_votes:consultation_create"), data)
    assert response.status_code == 302, response.content
    consultation = Consultation.objects.get()
    assert consultation.status == ConsultationStatus.DRAFT
    assert consultation.second_round
    assert [(o.key, o.label) for o in consultation.options.all()] == [
        ("alice-martin", "Alice Martin"),
        ("bruno-petit", "Bruno Petit"),
    ]
    assert sorted(consultation.sources.values_list("panel", flat=True)) == ["contre", "medias"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"options": "Seule option"}, "au moins deux options"),
        ({"options": "A\na"}, "même intitulé"),
        ({"method": VotingMethod.YES_NO, "second_round": "on"}, "choix unique"),
        ({"sources-0-url": ""}, "besoin d&#x27;un lien"),
        ({"sources-0-url": "javascript:alert(1)"}, "URL valide"),
        ({"min_ballots": "4"}, "supérieure ou égale à 5"),
    ],
)
def test_consultation_form_errors_create_nothing(classroom, changes, message):
    teacher = classroom.teachers.get()
    data = {
        "classrooms": [classroom.pk],
        "title": "Question",
        "method": VotingMethod.SINGLE,
        "options": "A\nB",
        "min_ballots": "5",
        "results_visibility": ResultsVisibility.AFTER_CLOSE,
        "sources-TOTAL_FORMS": "1",
        "sources-INITIAL_FORMS": "0",
        "sources-0-panel": "medias",
        "sources-0-title": "Article",
        "sources-0-url": "https://www.example.fr/",
        **changes,
    }
    response = page_client_for(teacher).post(reverse("classroom_votes:consultation_create"), data)
    assert response.status_code == 200
    assert message in response.text
    assert not Consultation.objects.exists()


def test_teacher_cannot_create_in_another_teachers_class(classroom):
    other = teacher_create()
    response = page_client_for(other).post(
        reverse("classroom_votes:consultation_create"),
        {
            "classrooms": [classroom.pk],
            "title": "Q",
            "method": "yes_no",
            "min_ballots": "5",
            "results_visibility": "after_close",
            "sources-TOTAL_FORMS": "0",
            "sources-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert not Consultation.objects.exists()


def test_teacher_opens_follows_and_closes(classroom):
    teacher = classroom.teachers.get()
    pupils = pupils_create(classroom=classroom, count=6)
    consultation = consultation_create(classrooms=[classroom], status=ConsultationStatus.DRAFT)
    client = page_client_for(teacher)
    assert (
        "Ouvrir le vote maintenant"
        in client.get(page_url("consultation_detail", consultation)).text
    )
    client.post(page_url("consultation_open", consultation))
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.OPEN

    ballots_cast(consultation=consultation, voters=pupils[:4], contents=[{"choice": "pour"}] * 4)
    live = client.get(page_url("consultation_participation", consultation), HTTP_HX_REQUEST="true")
    assert live.status_code == 200
    assert "<html" not in live.text, "htmx gets the fragment only"
    assert french_text("Votants : 4 sur 6 inscrits") in live.text
    assert 'hx-trigger="every 5s"' in live.text
    full = client.get(page_url("consultation_participation", consultation))
    assert "<html" in full.text and french_text("Votants : 4 sur 6 inscrits") in full.text

    confirm = client.get(page_url("consultation_close", consultation))
    assert "ne peut pas être rouvert" in confirm.text
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.OPEN, "GET changes nothing"
    client.post(page_url("consultation_close", consultation))
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.CLOSED
    page = client.get(page_url("consultation_detail", consultation))
    assert "hx-get" not in page.text, "no polling once closed"
    assert "Procès-verbal de la classe 2nde A" in page.text


def test_closing_twice_says_so(classroom):
    consultation = consultation_create(classrooms=[classroom], status=ConsultationStatus.CLOSED)
    client = page_client_for(classroom.teachers.get())
    response = client.post(page_url("consultation_close", consultation))
    # The confirmation page again, with the refusal and the status of its kind (a conflict).
    assert response.status_code == 409 and "Le vote est clos." in response.text


def test_results_after_close_with_numbers_and_accessible_table(classroom):
    pupils = pupils_create(classroom=classroom, count=7)
    consultation = consultation_create(classrooms=[classroom])
    ballots_cast(
        consultation=consultation,
        voters=pupils,
        contents=[
            {"choice": c} for c in ["pour", "pour", "pour", "contre", "contre", "blanc", "pour"]
        ],
    )
    pupil_client = page_client_for(pupils[0])
    before = pupil_client.get(page_url("consultation_results", consultation))
    assert "publiés à la clôture" in before.text
    consultation_close(consultation=consultation, by=classroom.teachers.get())
    page = pupil_client.get(page_url("consultation_results", consultation))
    assert page.status_code == 200
    assert '<caption id="results-caption">' in page.text
    assert '<th scope="row">Pour</th>' in page.text
    assert "<td>4</td>\n            <td>66,7 %</td>" in page.text
    assert french_text("En tête : Pour") in page.text


def test_results_hidden_below_min_ballots(classroom):
    pupils = pupils_create(classroom=classroom, count=3)
    consultation = consultation_create(classrooms=[classroom], status=ConsultationStatus.OPEN)
    ballots_cast(consultation=consultation, voters=pupils, contents=[{"choice": "pour"}] * 3)
    consultation_close(consultation=consultation, by=classroom.teachers.get())
    page = page_client_for(classroom.teachers.get()).get(
        page_url("consultation_results", consultation)
    )
    assert "Trop peu de bulletins" in page.text
    assert '<th scope="row">Pour</th>' not in page.text


@pytest.mark.parametrize("method", list(VotingMethod))
def test_results_page_renders_every_method(classroom, method):
    pupils = pupils_create(classroom=classroom, count=5)
    consultation = consultation_create(classrooms=[classroom], method=method)
    posted, stored = FORM_BALLOTS[method]
    ballots_cast(consultation=consultation, voters=pupils, contents=[stored] * 5)
    consultation_close(consultation=consultation, by=classroom.teachers.get())
    page = page_client_for(pupils[0]).get(page_url("consultation_results", consultation))
    assert page.status_code == 200
    assert '<caption id="results-caption">' in page.text
    assert "Votants" in page.text


def test_pv_and_csv_give_the_count_and_never_a_pupil(classroom):
    pupils = pupils_create(classroom=classroom, count=6, prefix="Pseudo")
    consultation = consultation_create(classrooms=[classroom], method=VotingMethod.SINGLE)
    ballots_cast(
        consultation=consultation,
        voters=pupils[:5],
        contents=[{"choice": c} for c in ["alice", "alice", "bruno", "blanc", "alice"]],
    )
    teacher = classroom.teachers.get()
    consultation_close(consultation=consultation, by=teacher)
    client = page_client_for(teacher)
    pv = client.get(page_url("consultation_pv", consultation, classroom_pk=classroom.pk))
    assert pv.status_code == 200
    text = pv.text
    for label, value in [("Inscrits", 6), ("Votants", 5), ("Blancs", 1), ("Exprimés", 4)]:
        assert f'<th scope="row">{label}</th><td>{value}</td>' in text
    assert "Alice Martin</th><td>3</td><td>75,0 %" in text
    assert classroom.name in text and classroom.school.name in text

    export = client.get(page_url("consultation_results_csv", consultation))
    assert export["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Portée", "Ligne", "Nombre"]
    lines = {row[1]: row[2] for row in rows[1:]}
    assert lines["Inscrits"] == "6" and lines["Votants"] == "5"
    assert lines["Blancs"] == "1" and lines["Exprimés"] == "4"
    assert lines["Alice Martin"] == "3" and lines["Bruno Petit"] == "1"
    # As a French spreadsheet reads it: UTF-8 with a BOM, « ; », decimal commas, a file name.
    assert export.content.startswith("\ufeff".encode())
    assert (
        export["Content-Disposition"]
        == 'attachment; filename="resultats-faut-il-abaisser-le-droit-de-vote-a-16-ans.csv"'
    )
    percentages = {row[1]: row[3] for row in rows[1:] if row[3]}
    assert percentages["Alice Martin"] == "75,0" and percentages["Bruno Petit"] == "25,0"
    assert sum(float(value.replace(",", ".")) for value in percentages.values()) == 100
    body = export.content.decode("utf-8-sig") + pv.text
    assert not any(user.pupil.pseudonym in body for user in pupils)


def test_pages_never_show_what_a_pupil_voted(classroom):
    pupils = pupils_create(classroom=classroom, count=2, prefix="Secret")
    consultation = consultation_create(classrooms=[classroom], method=VotingMethod.SINGLE)
    ballots_cast(consultation=consultation, voters=pupils[:1], contents=[{"choice": "chloe"}])
    client = page_client_for(classroom.teachers.get())
    participation = client.get(page_url("consultation_participation", consultation)).text
    assert pupils[0].pupil.pseudonym in participation
    assert "Chloé" not in participation and "chloe" not in participation
    detail = client.get(page_url("consultation_detail", consultation)).text
    assert pupils[0].pupil.pseudonym in detail
    # The option labels appear only in the panels' sense: no line joins a name and a choice.
    assert f"{pupils[0].pupil.pseudonym}</td><td>Chlo" not in detail


def test_live_results_show_while_open(classroom):
    pupils = pupils_create(classroom=classroom, count=10)
    consultation = consultation_create(
        classrooms=[classroom], results_visibility=ResultsVisibility.LIVE
    )
    ballots_cast(consultation=consultation, voters=pupils, contents=[{"choice": "contre"}] * 10)
    services.ballots_mix(consultation_id=consultation.pk)  # beat, every few seconds
    page = page_client_for(pupils[0]).get(page_url("consultation_results", consultation))
    assert "Résultats provisoires" in page.text
    assert french_text("En tête : Contre") in page.text


def test_live_results_keep_the_names_of_voters_until_the_close(classroom):
    teacher = classroom.teachers.get()
    pupils = pupils_create(classroom=classroom, count=11)
    consultation = consultation_create(
        owner=teacher, classrooms=[classroom], results_visibility=ResultsVisibility.LIVE
    )
    ballots_cast(consultation=consultation, voters=pupils[:10], contents=[{"choice": "pour"}] * 10)
    services.ballots_mix(consultation_id=consultation.pk)  # beat, every few seconds
    client = page_client_for(teacher)
    for page in (
        client.get(page_url("consultation_participation", consultation), HTTP_HX_REQUEST="true"),
        client.get(page_url("consultation_detail", consultation)),
    ):
        assert french_text("Votants : 10 sur 11 inscrits") in page.text
        assert "s'afficheront à la clôture" in page.text
        assert not any(pupil.pupil.pseudonym in page.text for pupil in pupils)
    assert (
        french_text("En tête : Pour")
        in client.get(page_url("consultation_results", consultation)).text
    )
    consultation_close(consultation=consultation, by=teacher)
    page = client.get(page_url("consultation_participation", consultation))
    assert all(pupil.pupil.pseudonym in page.text for pupil in pupils[:10])
    assert pupils[10].pupil.pseudonym not in page.text


def test_results_for_one_class_of_several(classroom):
    teacher = classroom.teachers.get()
    other = classroom_create(teacher=teacher, name="2nde B")
    consultation = consultation_create(owner=teacher, classrooms=[classroom, other])
    a = pupils_create(classroom=classroom, count=5, prefix="A")
    b = pupils_create(classroom=other, count=5, prefix="B")
    ballots_cast(consultation=consultation, voters=a, contents=[{"choice": "pour"}] * 5)
    ballots_cast(consultation=consultation, voters=b, contents=[{"choice": "contre"}] * 5)
    consultation_close(consultation=consultation, by=teacher)
    client = page_client_for(teacher)
    page = client.get(page_url("consultation_results", consultation) + f"?classe={other.pk}")
    assert french_text("En tête : Contre") in page.text
    assert (
        client.get(page_url("consultation_results", consultation) + "?classe=999999").status_code
        == 404
    )
    assert (
        client.get(page_url("consultation_results", consultation) + "?classe=x").status_code == 404
    )


def test_results_page_of_another_class_is_404_to_its_outsiders():
    """?classe= shows only a class one may see: a pupil or a teacher of class A gets A's
    result, and a 404 for B's, whose tag is not offered."""
    two = two_classes_consultation()
    page = page_url("consultation_results", two.consultation)
    for user, own, other, leader in (
        (two.pupil_a, two.a, two.b, "Pour"),
        (two.teacher_a, two.a, two.b, "Pour"),
        (two.pupil_b, two.b, two.a, "Contre"),
        (two.teacher_b, two.b, two.a, "Contre"),
    ):
        client = page_client_for(user)
        assert french_text(f"En tête : {leader}") in client.get(page + f"?classe={own.pk}").text
        assert client.get(page + f"?classe={other.pk}").status_code == 404, user.pk
        assert f"?classe={other.pk}" not in client.get(page).text
    client = page_client_for(two.owner)
    assert french_text("En tête : Pour") in client.get(page + f"?classe={two.a.pk}").text
    assert french_text("En tête : Contre") in client.get(page + f"?classe={two.b.pk}").text


def test_draft_is_invisible_to_pupils(classroom, pupil):
    consultation = consultation_create(classrooms=[classroom], status=ConsultationStatus.DRAFT)
    assert (
        page_client_for(pupil).get(page_url("consultation_detail", consultation)).status_code == 404
    )
    assert (
        page_client_for(pupil).get(page_url("consultation_results", consultation)).status_code
        == 404
    )


def test_teacher_list_counts_votants(classroom):
    pupils = pupils_create(classroom=classroom, count=3)
    consultation = consultation_create(classrooms=[classroom], title="Ma question")
    ballots_cast(consultation=consultation, voters=pupils[:2], contents=[{"choice": "pour"}] * 2)
    page = page_client_for(classroom.teachers.get()).get(
        reverse("classroom_votes:consultation_list")
    )
    assert "Ma question" in page.text
    assert "<td>2</td>" in page.text
