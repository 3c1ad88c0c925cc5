"""The second round of a two-round majority vote, organised in one action: the service (what it
carries over, each refusal, one second round per first round even when asked twice at once),
the results page's button (who sees it, who may press it), the API and the procès-verbal."""

import re
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from classroom_votes.consultations import services
from classroom_votes.models import Consultation, ConsultationStatus, ResultsVisibility, Tally
from classroom_votes.tallies import VotingMethod
from config.typography import french_text
from school.models import Classroom, User
from tests.school.factories import teacher_create

from ..factories import CANDIDATES, SOURCES, ballots_cast, consultation_create, pupils_create
from ..helpers import client_for, page_client_for, page_url, roles_cast

pytestmark = pytest.mark.django_db

QUESTION = "Qui sera délégué de classe ?"
# 4 + 3 + 2 of 9 exprimés (and a blank): nobody has 5, Alice and Bruno go through.
NO_MAJORITY = ["alice"] * 4 + ["bruno"] * 3 + ["chloe"] * 2 + ["blanc"]


@dataclass
class World:
    classroom: Classroom
    users: dict
    voters: list[User]
    first: Consultation

    @property
    def teacher(self) -> User:
        return self.users["teacher"]


def first_round(
    *,
    teacher: User,
    classroom: Classroom,
    voters: list[User],
    choices: list[str],
    status: str = ConsultationStatus.CLOSED,
    **extra,
) -> Consultation:
    """A single-choice vote with a second round, in `classroom`, where `voters` chose
    `choices` (the first ones), then closed (unless `status` says open)."""
    extra.setdefault("second_round", True)
    extra.setdefault("title", QUESTION)
    consultation = consultation_create(
        owner=teacher, classrooms=[classroom], method=VotingMethod.SINGLE, **extra
    )
    ballots_cast(
        consultation=consultation,
        voters=voters[: len(choices)],
        contents=[{"choice": choice} for choice in choices],
    )
    if status == ConsultationStatus.CLOSED:
        services.consultation_close(consultation=consultation, by=teacher)
        consultation.refresh_from_db()
    return consultation


@pytest.fixture
def world() -> World:
    teacher = teacher_create()
    classroom, _other, users = roles_cast(teacher=teacher)
    voters = pupils_create(classroom=classroom, count=10)
    first = first_round(
        teacher=teacher,
        classroom=classroom,
        voters=voters,
        choices=NO_MAJORITY,
        min_ballots=6,
        results_visibility=ResultsVisibility.LIVE,
    )
    return World(classroom, users, voters, first)


def other_first_round(world: World, choices: list[str], **extra) -> Consultation:
    return first_round(
        teacher=world.teacher,
        classroom=world.classroom,
        voters=world.voters,
        choices=choices,
        **extra,
    )


# --- Service ----------------------------------------------------------------------------------


def test_second_round_create_carries_the_question_classes_panels_and_settings(world):
    second = services.consultation_second_round_create(
        actor=world.teacher, consultation=world.first
    )

    second.refresh_from_db()
    assert second.first_round == world.first
    assert second.title == f"{QUESTION} — second tour"
    assert second.context == world.first.context
    assert (second.method, second.second_round) == (VotingMethod.SINGLE, False)
    assert (second.min_ballots, second.results_visibility) == (6, ResultsVisibility.LIVE)
    assert (second.status, second.opened_at, second.closed_at) == (
        ConsultationStatus.DRAFT,
        None,
        None,
    )
    assert (second.opens_at, second.closes_at, second.national_question) == (None, None, None)
    assert second.owner == world.teacher
    assert list(second.classrooms.all()) == [world.classroom]
    assert [
        {"key": o.key, "label": o.label, "description": o.description} for o in second.options.all()
    ] == [
        {**CANDIDATES[0]},
        {**CANDIDATES[1], "description": ""},
    ]
    assert sorted((s.panel, s.title, s.url, s.summary) for s in second.sources.all()) == sorted(
        (s["panel"], s["title"], s.get("url", ""), s.get("summary", "")) for s in SOURCES
    )
    # Counters at zero, as for any new consultation.
    assert set(Tally.objects.filter(consultation=second).values_list("key", "count")) == {
        ("alice", 0),
        ("bruno", 0),
        ("blanc", 0),
    }


@pytest.mark.parametrize("who", ["colleague", "admin"])
def test_second_round_create_by_a_colleague_of_every_class_or_an_admin(world, who):
    actor = world.users["admin"] if who == "admin" else teacher_create()
    if who == "colleague":
        world.classroom.teachers.add(actor)

    second = services.consultation_second_round_create(actor=actor, consultation=world.first)

    assert (second.owner, second.first_round) == (actor, world.first)


def test_second_round_title_too_long_is_cut_short(world):
    long_title = "Q" * 300
    first = other_first_round(world, NO_MAJORITY, title=long_title)

    second = services.consultation_second_round_create(actor=world.teacher, consultation=first)

    assert len(second.title) == 300
    assert second.title.endswith("… — second tour")


@pytest.mark.parametrize(
    ("setup", "code"),
    [
        (
            lambda w: other_first_round(w, NO_MAJORITY, status=ConsultationStatus.OPEN),
            services.CONSULTATION_SECOND_ROUND_NOT_CLOSED,
        ),
        (
            lambda w: other_first_round(w, NO_MAJORITY, second_round=False),
            services.CONSULTATION_SECOND_ROUND_NOT_TWO_ROUND,
        ),
        (
            lambda w: consultation_create(
                owner=w.teacher, classrooms=[w.classroom], status=ConsultationStatus.CLOSED
            ),
            services.CONSULTATION_SECOND_ROUND_NOT_TWO_ROUND,
        ),
        (
            lambda w: other_first_round(w, NO_MAJORITY[:5], min_ballots=6),
            services.CONSULTATION_SECOND_ROUND_NOT_PUBLISHED,
        ),
        (
            lambda w: other_first_round(w, ["alice"] * 4 + ["bruno"] * 3 + ["chloe"] * 3),
            services.CONSULTATION_SECOND_ROUND_TIED,
        ),
        (
            lambda w: other_first_round(w, ["alice"] * 6 + ["bruno"] * 3 + ["chloe"]),
            services.CONSULTATION_SECOND_ROUND_NOT_NEEDED,
        ),
        (
            lambda w: other_first_round(w, ["blanc"] * 6),
            services.CONSULTATION_SECOND_ROUND_NOT_NEEDED,
        ),
    ],
    ids=["open", "single-without", "yes-no", "unpublished", "tied", "elected", "all-blank"],
)
def test_second_round_create_refuses_and_stores_nothing(world, setup, code):
    consultation = setup(world)
    before = Consultation.objects.count()

    with pytest.raises(services.SecondRoundError) as error:
        services.consultation_second_round_create(actor=world.teacher, consultation=consultation)

    assert error.value.code == code
    assert error.value.status == 409
    assert error.value.message == str(services.SECOND_ROUND_MESSAGES[code])
    assert Consultation.objects.count() == before


@pytest.mark.parametrize("role", ["pupil", "other_pupil", "other_teacher", "editor"])
def test_second_round_create_refuses_who_does_not_run_the_vote(world, role):
    before = Consultation.objects.count()

    with pytest.raises(services.ConsultationError) as error:
        services.consultation_second_round_create(actor=world.users[role], consultation=world.first)

    assert (error.value.code, error.value.status) == (services.CONSULTATION_NOT_ALLOWED, 403)
    assert Consultation.objects.count() == before


def test_second_round_create_refuses_an_archived_class(world):
    Classroom.objects.filter(pk=world.classroom.pk).update(archived_at=timezone.now())
    before = Consultation.objects.count()

    with pytest.raises(services.ConsultationError) as error:
        services.consultation_second_round_create(actor=world.teacher, consultation=world.first)

    assert error.value.code == services.CLASSROOM_ARCHIVED
    assert Consultation.objects.count() == before


def test_second_round_create_twice_gives_the_existing_one(world):
    second = services.consultation_second_round_create(
        actor=world.teacher, consultation=world.first
    )

    with pytest.raises(services.SecondRoundError) as error:
        services.consultation_second_round_create(actor=world.teacher, consultation=world.first)

    assert error.value.code == services.CONSULTATION_SECOND_ROUND_EXISTS
    assert error.value.existing == second
    assert error.value.body()["second_round"] == second.pk
    assert Consultation.objects.filter(first_round=world.first).count() == 1


def test_second_round_race_lost_to_the_database_gives_the_existing_one(world, monkeypatch):
    # Two requests at once: both find no second round, then the database keeps the first.
    second = services.consultation_second_round_create(
        actor=world.teacher, consultation=world.first
    )
    lookups = []
    real_lookup = services._second_round_of

    def blind_once(consultation):
        lookups.append(consultation.pk)
        return None if len(lookups) == 1 else real_lookup(consultation)

    monkeypatch.setattr(services, "_second_round_of", blind_once)
    before = Consultation.objects.count()

    with pytest.raises(services.SecondRoundError) as error:
        services.consultation_second_round_create(actor=world.teacher, consultation=world.first)

    assert error.value.code == services.CONSULTATION_SECOND_ROUND_EXISTS
    assert error.value.existing == second
    assert len(lookups) == 2  # the check, then the lookup after the refused write
    assert Consultation.objects.count() == before  # the loser's draft was rolled back
    assert Consultation.objects.filter(first_round=world.first).count() == 1


# --- Results page -----------------------------------------------------------------------------

BUTTON = "Organiser le second tour"


def results_page(world: World, role: str, consultation=None):
    user = world.users[role]
    client = page_client_for(user) if user else Client()
    return client.get(page_url("consultation_results", consultation or world.first))


def test_results_button_shown_to_who_runs_the_vote_only(world):
    admin = results_page(world, "admin")
    teacher = results_page(world, "teacher")
    pupil = results_page(world, "pupil")

    for page in (teacher, admin):
        assert page.status_code == 200
        assert BUTTON in page.text
        # A plain form: no JavaScript needed, the CSRF token inside.
        action = page_url("consultation_second_round", world.first)
        form = re.search(f'<form method="post" action="{action}".*?</form>', page.text, re.S)
        assert form and 'name="csrfmiddlewaretoken"' in form.group()
        assert '<button type="submit" class="fr-btn' in form.group()
    assert pupil.status_code == 200
    assert "Personne n'a la majorité absolue" in pupil.text
    assert BUTTON not in pupil.text
    for role in ("other_pupil", "other_teacher"):
        assert results_page(world, role).status_code == 404
    assert results_page(world, "anonymous").status_code == 302


def test_results_button_hidden_when_no_second_round_is_needed(world):
    elected = other_first_round(world, ["alice"] * 6 + ["bruno"] * 3 + ["chloe"])

    page = results_page(world, "teacher", elected)

    assert "dès le premier tour" in page.text
    assert BUTTON not in page.text


def test_teacher_organises_the_second_round_from_the_results(world):
    client = page_client_for(world.teacher)

    response = client.post(page_url("consultation_second_round", world.first), follow=True)

    second = Consultation.objects.get(first_round=world.first)
    assert response.redirect_chain == [(page_url("consultation_detail", second), 302)]
    assert "Le second tour est créé, avec les deux options qualifiées." in response.text
    assert french_text(f"{QUESTION} — second tour") in response.text
    # Back to the first round from the second, and on to the second from the first.
    first_url = page_url("consultation_detail", world.first)
    assert f'Ce vote est le second tour de <a href="{first_url}">' in response.text
    first_page = client.get(page_url("consultation_results", world.first))
    results_url = page_url("consultation_results", second)
    assert french_text(f'Le second tour est organisé : <a href="{results_url}">') in first_page.text
    assert BUTTON not in first_page.text


def test_double_click_lands_on_the_same_second_round(world):
    client = page_client_for(world.teacher)
    url = page_url("consultation_second_round", world.first)

    first_click = client.post(url)
    second_click = client.post(url, follow=True)

    second = Consultation.objects.get(first_round=world.first)
    assert first_click["Location"] == page_url("consultation_detail", second)
    assert second_click.redirect_chain == [(page_url("consultation_detail", second), 302)]
    assert "Le second tour de cette consultation est déjà organisé." in second_click.text


def test_second_round_refused_on_the_page_says_why(world):
    tied = other_first_round(world, ["alice"] * 4 + ["bruno"] * 3 + ["chloe"] * 3)
    before = Consultation.objects.count()

    response = page_client_for(world.teacher).post(
        page_url("consultation_second_round", tied), follow=True
    )

    assert response.redirect_chain == [(page_url("consultation_results", tied), 302)]
    assert "Des options sont à égalité pour une place au second tour" in response.text
    assert Consultation.objects.count() == before


@pytest.mark.parametrize(
    ("role", "status"), [("pupil", 403), ("other_pupil", 404), ("other_teacher", 404)]
)
def test_second_round_post_by_others_is_refused_and_creates_nothing(world, role, status):
    before = Consultation.objects.count()

    response = page_client_for(world.users[role]).post(
        page_url("consultation_second_round", world.first)
    )

    assert response.status_code == status
    assert Consultation.objects.count() == before


def test_second_round_get_goes_back_to_the_results(world):
    response = page_client_for(world.teacher).get(
        page_url("consultation_second_round", world.first)
    )

    assert response.status_code == 302
    assert response["Location"] == page_url("consultation_results", world.first)
    assert not Consultation.objects.filter(first_round=world.first).exists()


# --- API --------------------------------------------------------------------------------------


def api_url(consultation: Consultation) -> str:
    return f"/api/consultations/{consultation.pk}/second-round/"


def test_api_second_round_answers_201_with_the_detail(world):
    client = client_for(world.teacher)

    response = client.post(api_url(world.first), format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    second = Consultation.objects.get(first_round=world.first)
    detail = client.get(f"/api/consultations/{second.pk}/").json()
    assert body == detail
    assert (body["id"], body["status"], body["first_round"]) == (second.pk, "draft", world.first.pk)
    assert [option["key"] for option in body["options"]] == ["alice", "bruno"]
    first = client.get(f"/api/consultations/{world.first.pk}/").json()
    assert first["second_round_consultation"] == second.pk


def test_api_second_round_twice_is_a_conflict_naming_the_existing_one(world):
    client = client_for(world.teacher)
    created = client.post(api_url(world.first), format="json").json()

    again = client.post(api_url(world.first), format="json")

    assert again.status_code == 409
    assert again.json() == {
        "code": services.CONSULTATION_SECOND_ROUND_EXISTS,
        "detail": "Le second tour de cette consultation est déjà organisé.",
        "second_round": created["id"],
    }
    assert Consultation.objects.filter(first_round=world.first).count() == 1


def test_api_second_round_refusal_uses_the_error_model(world):
    tied = other_first_round(world, ["alice"] * 4 + ["bruno"] * 3 + ["chloe"] * 3)
    before = Consultation.objects.count()

    response = client_for(world.teacher).post(api_url(tied), format="json")

    assert response.status_code == 409
    assert set(response.json()) == {"code", "detail"}
    assert response.json()["code"] == services.CONSULTATION_SECOND_ROUND_TIED
    assert Consultation.objects.count() == before


@pytest.mark.parametrize(
    ("role", "status"),
    [("pupil", 403), ("other_pupil", 403), ("other_teacher", 404), ("anonymous", 401)],
)
def test_api_second_round_refused_to_others(world, role, status):
    before = Consultation.objects.count()

    response = client_for(world.users[role]).post(api_url(world.first), format="json")

    assert response.status_code == status
    assert set(response.json()) == {"code", "detail"}
    assert Consultation.objects.count() == before


def test_api_pupil_does_not_see_a_draft_second_round(world):
    services.consultation_second_round_create(actor=world.teacher, consultation=world.first)

    body = client_for(world.users["pupil"]).get(f"/api/consultations/{world.first.pk}/").json()

    assert body["second_round_consultation"] is None


# --- Procès-verbal ----------------------------------------------------------------------------


def test_pv_of_a_second_round_records_both_rounds(world):
    second = services.consultation_second_round_create(
        actor=world.teacher, consultation=world.first
    )
    services.consultation_open(consultation=second, by=world.teacher)
    ballots_cast(
        consultation=second,
        voters=world.voters[:6],
        contents=[{"choice": c} for c in ["alice"] * 4 + ["bruno"] * 2],
    )
    services.consultation_close(consultation=second, by=world.teacher)
    client = page_client_for(world.teacher)

    text = client.get(page_url("consultation_pv", second, classroom_pk=world.classroom.pk)).text

    first_at = text.index("Premier tour</h2>")
    second_at = text.index("Second tour</h2>")
    assert first_at < second_at
    first_part, second_part = text[first_at:second_at], text[second_at:]
    assert "Décompte — premier tour" in first_part
    assert '<tr><th scope="row">Votants</th><td>10</td></tr>' in first_part
    assert '<tr><th scope="row">Chloé Durand</th><td>2</td>' in first_part
    assert (
        french_text(
            "Qualifiées pour le second tour (toutes classes réunies) : Alice Martin et Bruno Petit."
        )
        in first_part
    )
    assert "Décompte — second tour" in second_part
    assert '<tr><th scope="row">Votants</th><td>6</td></tr>' in second_part
    assert '<tr><th scope="row">Alice Martin</th><td>4</td><td>66,7 %</td>' in second_part
    assert "Chloé Durand" not in second_part

    first_pv = client.get(page_url("consultation_pv", world.first, classroom_pk=world.classroom.pk))
    second_pv_url = reverse(
        "classroom_votes:consultation_pv",
        kwargs={"pk": second.pk, "classroom_pk": world.classroom.pk},
    )
    assert (
        french_text(
            f"Un second tour a été organisé : « {QUESTION} — second tour » "
            f'(<a href="{second_pv_url}">son procès-verbal</a>).'
        )
        in first_pv.text
    )
    assert "Premier tour</h2>" not in first_pv.text


def test_second_round_keeps_the_first_rounds_panel_titles(world):
    Consultation.objects.filter(pk=world.first.pk).update(panel_title_pour="Leurs soutiens")
    world.first.refresh_from_db()
    second = services.consultation_second_round_create(
        actor=world.teacher, consultation=world.first
    )
    second.refresh_from_db()
    assert second.panel_title_pour == "Leurs soutiens"
    assert second.panel_title_medias == "Les médias en parlent"
