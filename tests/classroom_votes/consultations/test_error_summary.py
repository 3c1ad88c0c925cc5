"""An invalid ballot lands on an error summary at the top of the page that names what is
missing, and stores nothing; a valid one is not slowed by it."""

import re

import pytest

from classroom_votes.tallies import VotingMethod
from config.typography import french_text
from tests.school.factories import classroom_create, pupil_create, teacher_create

from ..factories import consultation_create, rows_count
from ..helpers import page_client_for, page_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def classroom():
    return classroom_create(teacher=teacher_create())


@pytest.fixture
def pupil(classroom):
    return pupil_create(classroom=classroom).user


def _summary(html: str) -> str:
    match = re.search(r'<div [^>]*id="resume-erreurs"[^>]*>(.*?)</div>', html, re.S)
    assert match, "no error summary on the page"
    return match.group(0)


def test_majority_judgment_ballot_form_asks_the_browser_for_every_grade(classroom, pupil):
    consultation = consultation_create(
        classrooms=[classroom], method=VotingMethod.MAJORITY_JUDGMENT
    )
    page = page_client_for(pupil).get(page_url("consultation_detail", consultation))
    form = re.search(r"<form [^>]*consultation_vote|<form [^>]*voter/[^>]*>", page.text)
    assert form and "novalidate" not in form.group(0)
    assert 'voter/#resume-erreurs"' in page.text
    for key in ("alice", "bruno", "chloe"):
        radios = re.findall(rf'<input type="radio" name="grade_{key}"[^>]*>', page.text)
        assert radios and all(" required" in radio for radio in radios)
    assert 'id="resume-erreurs"' not in page.text


def test_incomplete_majority_judgment_ballot_lands_on_a_summary_of_ungraded_options(
    classroom, pupil
):
    consultation = consultation_create(
        classrooms=[classroom], method=VotingMethod.MAJORITY_JUDGMENT
    )
    for step in ({}, {"confirm": "1"}):
        page = page_client_for(pupil).post(
            page_url("consultation_vote", consultation), {"grade_alice": "bien", **step}
        )
        assert page.status_code == 400
        summary = _summary(page.text)
        assert 'tabindex="-1"' in summary and "autofocus" in summary
        assert "Le formulaire contient 2 erreurs" in summary
        assert 'href="#id_grade_bruno">' + french_text("Bruno Petit : Donne une mention") in summary
        assert (
            'href="#id_grade_chloe">' + french_text("Chloé Durand : Donne une mention") in summary
        )
        assert "Alice Martin" not in summary
        # The summary comes before the panels and the ballot, right under the title's crumbs.
        assert page.text.index('id="resume-erreurs"') < page.text.index('id="panels-title"')
        assert 'id="id_grade_bruno"' in page.text
        assert 'aria-invalid="true"' in page.text
    assert rows_count() == (0, 0, 0)


def test_ranked_ballot_summary_names_the_shared_and_the_missing_ranks(classroom, pupil):
    consultation = consultation_create(classrooms=[classroom], method=VotingMethod.RANKED)
    client = page_client_for(pupil)
    shared = client.post(
        page_url("consultation_vote", consultation),
        {"rank_alice": "2", "rank_bruno": "2", "rank_chloe": "1"},
    )
    summary = _summary(shared.text)
    assert "Le formulaire contient 2 erreurs" in summary
    assert 'href="#id_rank_alice"' in summary and 'href="#id_rank_bruno"' in summary
    assert french_text("Le rang 2 est donné à « Alice Martin », « Bruno Petit »") in summary
    gap = client.post(
        page_url("consultation_vote", consultation),
        {"rank_alice": "3", "rank_bruno": "", "rank_chloe": ""},
    )
    summary = _summary(gap.text)
    assert "Le formulaire contient 1 erreur<" in summary
    assert "Il manque les rangs 1, 2" in summary
    assert rows_count() == (0, 0, 0)


def test_summary_escapes_option_labels(classroom, pupil):
    consultation = consultation_create(
        classrooms=[classroom],
        method=VotingMethod.MAJORITY_JUDGMENT,
        options=[
            {"key": "a", "label": "<b>Alice</b>"},
            {"key": "b", "label": "Bruno"},
        ],
    )
    page = page_client_for(pupil).post(page_url("consultation_vote", consultation), {})
    summary = _summary(page.text)
    assert "&lt;b&gt;Alice&lt;/b&gt;" in summary and "<b>Alice" not in summary


def test_ranked_ballot_checks_its_ranks_in_the_browser_too(classroom, pupil):
    consultation = consultation_create(classrooms=[classroom], method=VotingMethod.RANKED)
    page = page_client_for(pupil).get(page_url("consultation_detail", consultation))
    assert "data-ranking" in page.text
    assert "Il manque le rang %(rank)s" in page.text
    assert "js/vote-classement.js" in page.text
