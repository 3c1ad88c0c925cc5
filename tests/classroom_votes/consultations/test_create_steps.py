"""Creating a consultation in two steps: the method first, then only what that method needs;
sources added one block at a time (capped); the panels' titles, editable, never empty."""

import re

import pytest
from django.urls import reverse

from classroom_votes.consultations import services
from classroom_votes.models import Consultation
from classroom_votes.models.consultations import PANEL_TITLE_DEFAULTS
from classroom_votes.tallies import VotingMethod
from config.typography import french_text
from tests.school.factories import classroom_create, pupil_create, teacher_create

from ..factories import SOURCES, consultation_create
from ..helpers import page_client_for, page_url

pytestmark = pytest.mark.django_db

CREATE = reverse("classroom_votes:consultation_create")
OPTIONS_TEXT = "Alice Martin\nBruno Petit\nChloé Durand"


@pytest.fixture
def classroom():
    return classroom_create(teacher=teacher_create())


@pytest.fixture
def client(classroom):
    return page_client_for(classroom.teachers.get())


def _body(classroom, method, **changes):
    data = {
        "method": method,
        "classrooms": [classroom.pk],
        "title": "Qui sera délégué ?",
        "context": "",
        "min_ballots": "5",
        "results_visibility": "after_close",
        "sources-TOTAL_FORMS": "1",
        "sources-INITIAL_FORMS": "0",
        "sources-0-panel": "medias",
        "sources-0-title": "",
    }
    if method not in (VotingMethod.YES_NO, VotingMethod.SCALE5):
        data["options"] = OPTIONS_TEXT
    data.update(changes)
    return data


def _names(html: str) -> set[str]:
    return set(re.findall(r'name="([^"]+)"', html))


def test_first_step_asks_for_the_method_only(client):
    page = client.get(CREATE)
    assert page.status_code == 200
    assert "Étape 1 sur 2" in page.text
    for value in VotingMethod.values:
        assert f'value="{value}"' in page.text
    assert french_text("de « Waouh » à « Beurk »") in page.text
    assert 'name="title"' not in page.text
    assert '<form method="get" action="/consultations/nouvelle/#resume-erreurs"' in page.text


def test_change_link_preselects_the_method(client):
    page = client.get(CREATE + "?changer=ranked")
    assert re.search(r'<input type="radio" name="method" value="ranked"[^>]*checked', page.text)


@pytest.mark.parametrize(
    ("method", "options", "second_round"),
    [
        (VotingMethod.YES_NO, False, False),
        (VotingMethod.SCALE5, False, False),
        (VotingMethod.SINGLE, True, True),
        (VotingMethod.APPROVAL, True, False),
        (VotingMethod.MAJORITY_JUDGMENT, True, False),
        (VotingMethod.RANKED, True, False),
    ],
)
def test_second_step_shows_only_the_methods_fields(client, method, options, second_round):
    page = client.get(CREATE + f"?method={method}")
    assert page.status_code == 200
    assert "Étape 2 sur 2" in page.text
    names = _names(page.text)
    assert ("options" in names) is options
    assert ("second_round" in names) is second_round
    assert re.search(rf'<input type="hidden" name="method" value="{method}"', page.text)
    # One source block to start with, and the panels' titles at their defaults.
    assert "sources-0-title" in names and "sources-1-title" not in names
    for title in PANEL_TITLE_DEFAULTS.values():
        assert f'value="{title}"' in page.text


def test_unknown_method_goes_back_to_the_first_step(client):
    page = client.get(CREATE + "?method=plebiscite")
    assert page.status_code == 400
    assert 'id="resume-erreurs"' in page.text
    assert "Ce mode de scrutin n&#x27;existe pas" in page.text
    assert 'name="title"' not in page.text


@pytest.mark.parametrize("method", ["plebiscite", ""])
def test_tampered_hidden_method_creates_nothing(client, classroom, method):
    page = client.post(CREATE, {**_body(classroom, VotingMethod.SINGLE), "method": method})
    assert page.status_code == 400
    assert 'id="resume-erreurs"' in page.text
    assert not Consultation.objects.exists()


@pytest.mark.parametrize("method", VotingMethod.values)
def test_each_method_is_created_from_its_own_form(client, classroom, method):
    response = client.post(CREATE, _body(classroom, method))
    assert response.status_code == 302, response.text
    consultation = Consultation.objects.get()
    assert consultation.method == method
    expected = [] if method in (VotingMethod.YES_NO, VotingMethod.SCALE5) else OPTIONS_TEXT
    labels = [option.label for option in consultation.options.all()]
    assert labels == (expected.splitlines() if expected else [])
    assert not consultation.sources.exists()


def test_fields_of_another_method_are_refused_or_ignored(client, classroom):
    page = client.post(CREATE, _body(classroom, VotingMethod.RANKED, second_round="on"))
    assert "Le second tour n&#x27;existe que pour le choix unique" in page.text
    assert not Consultation.objects.exists()
    client.post(CREATE, _body(classroom, VotingMethod.YES_NO, options="A\nB"))
    assert not Consultation.objects.get().options.exists()


def test_add_source_posts_back_one_more_empty_block_without_errors(client, classroom):
    body = _body(
        classroom,
        VotingMethod.SINGLE,
        title="",
        **{"sources-0-title": "Un article", "sources-0-url": "", "ajouter_source": "1"},
    )
    page = client.post(CREATE, body)
    assert page.status_code == 200
    assert 'id="resume-erreurs"' not in page.text
    assert 'name="sources-TOTAL_FORMS" value="2"' in page.text
    assert 'name="sources-0-title" value="Un article"' in page.text
    assert 'name="sources-1-title"' in page.text and 'name="sources-2-title"' not in page.text
    # The next block suggests the next panel, and the button lands on the block it adds.
    assert re.search(r'name="sources-1-panel".*?<option value="pour" selected>', page.text, re.S)
    assert 'formaction="/consultations/nouvelle/#source-3"' in page.text
    assert "Alice Martin\nBruno Petit" in page.text
    assert not Consultation.objects.exists()


def test_add_source_stops_at_the_cap(client, classroom):
    rows = {f"sources-{n}-panel": "pour" for n in range(services.SOURCES_MAX)}
    body = _body(
        classroom,
        VotingMethod.YES_NO,
        **rows,
        **{"sources-TOTAL_FORMS": str(services.SOURCES_MAX), "ajouter_source": "1"},
    )
    page = client.post(CREATE, body)
    assert f'name="sources-TOTAL_FORMS" value="{services.SOURCES_MAX}"' in page.text
    assert "data-source-add" not in page.text


def test_a_huge_source_count_is_refused(client, classroom):
    page = client.post(
        CREATE, _body(classroom, VotingMethod.YES_NO, **{"sources-TOTAL_FORMS": "1000000"})
    )
    assert 'id="resume-erreurs"' in page.text
    assert page.text.count('name="sources-') < 40 * 4 + 10
    assert not Consultation.objects.exists()


def test_sources_errors_are_in_the_summary_and_linked(client, classroom):
    body = _body(
        classroom,
        VotingMethod.YES_NO,
        **{
            "sources-TOTAL_FORMS": "2",
            "sources-1-panel": "medias",
            "sources-1-title": "Sans lien",
        },
    )
    page = client.post(CREATE, body)
    summary = re.search(r'id="resume-erreurs".*?</ul>', page.text, re.S).group(0)
    assert 'href="#id_sources-1-url">Source 2 — Lien' in summary
    assert not Consultation.objects.exists()


def test_panel_titles_are_stored_stripped_and_blank_ones_fall_back(client, classroom):
    body = _body(
        classroom,
        VotingMethod.YES_NO,
        panel_title_medias="  Dans la presse  ",
        panel_title_pour="",
        panel_title_contre="<script>alert(1)</script>",
    )
    assert client.post(CREATE, body).status_code == 302
    consultation = Consultation.objects.get()
    assert consultation.panel_title_medias == "Dans la presse"
    assert consultation.panel_title_pour == "Ils sont pour"
    assert consultation.panel_title_contre == "<script>alert(1)</script>"


def test_panel_titles_show_on_the_vote_page_escaped(classroom):
    consultation = consultation_create(
        classrooms=[classroom],
        panel_titles={"medias": "Dans la presse", "contre": "<b>Non</b>"},
    )
    pupil = pupil_create(classroom=classroom).user
    page = page_client_for(pupil).get(page_url("consultation_detail", consultation))
    assert ">Dans la presse</h3>" in page.text
    assert ">Ils sont pour</h3>" in page.text
    assert "&lt;b&gt;Non&lt;/b&gt;" in page.text and "<b>Non</b>" not in page.text


def test_too_long_panel_title_is_refused(client, classroom):
    page = client.post(CREATE, _body(classroom, VotingMethod.YES_NO, panel_title_pour="x" * 81))
    assert 'href="#id_panel_title_pour"' in page.text
    assert not Consultation.objects.exists()


@pytest.mark.parametrize(
    "titles",
    [{"ailleurs": "Autre"}, {"pour": 3}, {"pour": "x" * 81}, ["pour"]],
)
def test_service_refuses_bad_panel_titles(classroom, titles):
    with pytest.raises(services.ConsultationError) as error:
        services.consultation_create(
            owner=classroom.teachers.get(),
            classrooms=[classroom],
            title="Q",
            context="",
            method=VotingMethod.YES_NO,
            options=[],
            sources=SOURCES,
            panel_titles=titles,
        )
    assert error.value.code == services.PANEL_TITLE_INVALID
    assert not Consultation.objects.exists()


def test_another_teachers_class_is_refused_at_the_second_step(client, classroom):
    other = classroom_create(teacher=teacher_create())
    page = client.post(CREATE, _body(classroom, VotingMethod.YES_NO, classrooms=[other.pk]))
    assert 'href="#id_classrooms"' in page.text
    assert not Consultation.objects.exists()
