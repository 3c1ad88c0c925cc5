"""How the results page and API tell a tie: ranked choice names the options that can win (or
says the tie for last changed nothing), and the two-round majority names the qualified option
beside the ones tied for the second place."""

import pytest

from classroom_votes.consultations.services import consultation_close
from classroom_votes.tallies import VotingMethod
from tests.school.factories import classroom_create, teacher_create

from ..factories import ballots_cast, consultation_create, pupils_create
from ..helpers import client_for, page_client_for, page_url

pytestmark = pytest.mark.django_db

ALICE, BRUNO, CHLOE = "Alice Martin", "Bruno Petit", "Chloé Durand"


def closed_with(*, method: str, contents: list[dict], **extra):
    classroom = classroom_create(teacher=teacher_create(), name="2nde A")
    consultation = consultation_create(classrooms=[classroom], method=method, **extra)
    voters = pupils_create(classroom=classroom, count=len(contents))
    ballots_cast(consultation=consultation, voters=voters, contents=contents)
    teacher = classroom.teachers.get()
    consultation_close(consultation=consultation, by=teacher)
    return consultation, teacher


def results_text(consultation, teacher) -> str:
    page = page_client_for(teacher).get(page_url("consultation_results", consultation))
    assert page.status_code == 200
    # The wording only: French spacing is tests/config/test_french_text.py's to check.
    return page.text.replace("\u202f", " ").replace("\u00a0", " ")


def ranking(*keys: str) -> dict:
    return {"ranking": list(keys)}


def test_ranked_tie_names_the_options_that_can_win():
    # A cycle, twice over: whichever goes out first, its ballots make the next one win.
    cycle = [ranking("alice", "bruno"), ranking("bruno", "chloe"), ranking("chloe", "alice")]
    consultation, teacher = closed_with(method=VotingMethod.RANKED, contents=cycle * 2)

    text = results_text(consultation, teacher)

    assert (
        "Égalité : selon l'option éliminée en cas d'égalité pour la dernière place, "
        f"{ALICE}, {BRUNO} et {CHLOE} peuvent l'emporter." in text
    )
    assert (
        f"Égalité pour la dernière place entre {ALICE}, {BRUNO} et {CHLOE} : le gagnant dépend "
        "de l'option éliminée, le dépouillement s'arrête ici." in text
    )
    assert "Éliminé à ce tour" not in text


def test_ranked_tie_for_last_that_changes_nothing_is_said_so():
    # Alice 2, Bruno 1, Chloé 1 (and a blank): whichever of Bruno and Chloé goes out, its
    # ballot goes to Alice, 3 of 4.
    contents = [ranking("alice"), ranking("alice"), ranking("bruno", "alice")]
    contents += [ranking("chloe", "alice"), ranking()]
    consultation, teacher = closed_with(method=VotingMethod.RANKED, contents=contents)

    text = results_text(consultation, teacher)

    assert (
        f"En tête : {ALICE}. Des options étaient à égalité pour la dernière place : quelle que "
        f"soit celle qu'on élimine, {ALICE} l'emporte." in text
    )
    assert (
        f"Égalité pour la dernière place entre {BRUNO} et {CHLOE} : quelle que soit l'option "
        "éliminée, l'issue du dépouillement est la même." in text
    )
    assert f"Éliminé à ce tour : {BRUNO}." in text
    assert "peuvent l'emporter" not in text


def test_ranked_results_api_names_the_tied_for_last_and_the_possible_winners():
    cycle = [ranking("alice", "bruno"), ranking("bruno", "chloe"), ranking("chloe", "alice")]
    consultation, teacher = closed_with(method=VotingMethod.RANKED, contents=cycle * 2)

    body = client_for(teacher).get(f"/api/consultations/{consultation.pk}/results/").json()

    result = body["result"]
    assert (result["tie"], result["tied"]) == (True, ["alice", "bruno", "chloe"])
    assert result["details"]["exhaustive"] is True
    assert [r["tied_for_last"] for r in result["details"]["rounds"]] == [
        ["alice", "bruno", "chloe"]
    ]


def single(*choices: str) -> list[dict]:
    return [{"choice": choice} for choice in choices]


def test_two_round_tie_for_second_place_names_the_qualified_option():
    contents = single(*["alice"] * 4, *["bruno"] * 3, *["chloe"] * 3)
    consultation, teacher = closed_with(
        method=VotingMethod.SINGLE, contents=contents, second_round=True
    )

    text = results_text(consultation, teacher)

    assert (
        f"{ALICE} est qualifiée pour le second tour ; {BRUNO} et {CHLOE} sont à égalité pour "
        "la seconde place" in text
    )
    body = client_for(teacher).get(f"/api/consultations/{consultation.pk}/results/").json()
    assert body["result"]["tied"] == ["bruno", "chloe"]
    assert body["result"]["details"]["qualified"] == ["alice"]


def test_two_round_three_tied_for_first_qualify_nobody():
    contents = single(*["alice"] * 2, *["bruno"] * 2, *["chloe"] * 2)
    consultation, teacher = closed_with(
        method=VotingMethod.SINGLE, contents=contents, second_round=True
    )

    text = results_text(consultation, teacher)

    assert f"{ALICE}, {BRUNO} et {CHLOE} sont à égalité en tête" in text
    assert "est qualifiée" not in text


def test_relative_majority_tie_keeps_its_message():
    contents = single(*["alice"] * 2, *["bruno"] * 2, "chloe")
    consultation, teacher = closed_with(method=VotingMethod.SINGLE, contents=contents)

    text = results_text(consultation, teacher)

    assert f"Égalité entre {ALICE} et {BRUNO} : à la classe de trancher" in text
