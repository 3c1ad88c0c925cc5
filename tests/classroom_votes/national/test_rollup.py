"""The roll-up through the real close: classes of a national question add up by territory."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from classroom_votes.models import Level, NationalContribution, TerritoryResult
from classroom_votes.national import services
from classroom_votes.national.selectors import national_comparison, national_overview
from classroom_votes.tallies import VotingMethod
from tests.classroom_votes.factories import national_question_create
from tests.school.factories import school_create

from .factories import national_class_close

pytestmark = pytest.mark.django_db

POUR, CONTRE = {"choice": "pour"}, {"choice": "contre"}


def _rows(question):
    return {
        (row.level, row.code): (row.classes, row.schools, row.ballots, row.counts)
        for row in TerritoryResult.objects.filter(question=question)
    }


def test_three_classes_of_two_schools_publish_every_level_above_them():
    question = national_question_create()
    lycee_a, lycee_b = school_create(departement="75"), school_create(departement="75")
    national_class_close(question=question, school=lycee_a, contents=[POUR] * 8 + [CONTRE] * 2)
    national_class_close(question=question, school=lycee_a, contents=[POUR] * 5 + [CONTRE] * 5)
    assert _rows(question) == {}  # two classes: nothing yet
    national_class_close(question=question, school=lycee_b, contents=[CONTRE] * 10)
    expected = (3, 2, 30, {"pour": 13, "contre": 17})
    assert _rows(question) == {
        ("departement", "75"): expected,
        ("academie", "01"): expected,
        ("region", "11"): expected,
        ("zone", "metropole"): expected,
        ("france", "FR"): expected,
    }
    overview = national_overview(question=question)
    assert overview.france.shown and overview.france.result.winner == "contre"
    assert overview.etranger.shown is False
    assert [d.code for d in overview.departements if d.shown] == ["75"]


def test_a_school_of_three_classes_sees_its_own_figures_the_public_never():
    question = national_question_create()
    lycee = school_create(departement="69")
    closed = [
        national_class_close(question=question, school=lycee, contents=[POUR] * 10)
        for _ in range(3)
    ]
    rows = _rows(question)
    assert rows == {(Level.SCHOOL, str(lycee.pk)): (3, 1, 30, {"pour": 30})}  # one school only
    comparison = national_comparison(
        consultation=closed[0], classroom=closed[0].consultation_classrooms.get().classroom
    )
    school, departement = comparison.territories[:2]
    assert school.shown and school.ballots == 30
    assert departement.shown is False
    assert not any(
        t.level == Level.SCHOOL for t in national_overview(question=question).departements
    )


def test_a_class_below_its_publication_floor_never_counts():
    question = national_question_create(min_ballots=8)
    lycee = school_create()
    national_class_close(question=question, school=lycee, contents=[POUR] * 7)
    assert NationalContribution.objects.count() == 0


def test_roll_up_is_idempotent_and_the_recompute_agrees(settings):
    settings.HEMICYCLE_NATIONAL_POOL_AFTER_DAYS = 0  # waiting classes pool upwards at once
    question = national_question_create(method=VotingMethod.RANKED)
    ranked = [{"ranking": ["alice", "bruno"]}] * 6 + [{"ranking": ["chloe"]}] * 4
    closed = [
        national_class_close(
            question=question, school=school_create(departement=d), contents=ranked
        )
        for d in ("13", "13", "83", "84")
    ]
    before = _rows(question)
    # Two classes in the Bouches-du-Rhône are too few, and the Var's is alone in the académie
    # de Nice: the three make a batch of the région; the Vaucluse's class, last, waits alone.
    assert set(before) == {("region", "93"), ("zone", "metropole"), ("france", "FR")}
    assert before[("region", "93")] == (3, 3, 30, {"alice": 18, "chloe": 12})
    assert NationalContribution.objects.filter(public_batch=None).get().departement == "84"
    for consultation in closed:
        assert services.national_rollup(consultation_id=consultation.pk) == 0
    assert _rows(question) == before
    stamps = set(TerritoryResult.objects.values_list("pk", "updated_at"))
    report = services.national_recompute(question_id=question.pk)
    assert report.differences == ()
    assert _rows(question) == before
    # Rows that agree are not rewritten: the open-data ETags stay.
    assert set(TerritoryResult.objects.values_list("pk", "updated_at")) == stamps
    call_command("national_recompute", "--check")


def test_recompute_says_and_fixes_a_figure_that_drifted():
    question = national_question_create()
    for d in ("31", "31", "31"):
        national_class_close(
            question=question, school=school_create(departement=d), contents=[POUR] * 10
        )
    TerritoryResult.objects.filter(level="france").update(ballots=29)
    TerritoryResult.objects.filter(level="region").delete()
    TerritoryResult.objects.create(
        question=question, level="departement", code="32", updated_at=timezone.now()
    )
    report = services.national_recompute(question_id=question.pk)
    assert sorted(report.differences) == [
        "departement:32 had no batch",
        "france:FR differed",
        "region:76 was missing",
    ]
    assert TerritoryResult.objects.get(level="france").ballots == 30
    assert TerritoryResult.objects.get(level="region").ballots == 30
    assert not TerritoryResult.objects.filter(code="32").exists()
    assert services.national_recompute(question_id=question.pk).differences == ()


def test_schools_abroad_roll_up_on_their_own():
    question = national_question_create()
    for country in ("ES", "ES", "MA"):
        national_class_close(
            question=question, school=school_create(country=country), contents=[CONTRE] * 10
        )
    assert set(_rows(question)) == {("etranger", "ETR")}
    assert national_overview(question=question).france.shown is False


def test_a_failing_roll_up_costs_the_close_nothing_and_leaves_nothing_half_done(monkeypatch):
    from classroom_votes.consultations.selectors import consultation_results

    question = national_question_create()
    school = school_create()

    def broken(**kwargs):
        raise RuntimeError("database went away mid-release")

    monkeypatch.setattr(services, "national_release", broken)
    consultation = national_class_close(question=question, school=school, contents=[POUR] * 10)
    # The close stands, and the class's own result is out.
    assert consultation.status == "closed"
    assert consultation_results(consultation=consultation).published
    # The roll-up rolled back whole: no contribution, and the class is still to be rolled up.
    assert NationalContribution.objects.count() == 0
    link = consultation.consultation_classrooms.get()
    assert link.national_rollup_at is None
    monkeypatch.undo()
    services.national_rollup_pending()
    assert NationalContribution.objects.count() == 1
