"""The two subtraction attacks of issue 18, played as an attacker would with the public figures:
a territory read just before and just after one class's close, and a parent minus its published
children. Neither may give a class's or a school's result."""

from datetime import timedelta

import pytest
from django.utils import timezone

from classroom_votes.national import services
from classroom_votes.national.selectors import national_overview
from tests.classroom_votes.factories import national_question_create
from tests.school.factories import school_create

from .factories import contribution_add

pytestmark = pytest.mark.django_db

POUR, CONTRE = {"choice": "pour"}, {"choice": "contre"}


def _close(question, school, ballots, now):
    contribution_add(question=question, school=school, ballots=ballots, now=now)
    services.national_release(question=question, now=now)


def _figures(question, level, code):
    overview = national_overview(question=question)
    every = (
        overview.france,
        *overview.zones,
        overview.etranger,
        *overview.regions,
        *overview.academies,
        *overview.departements,
    )
    territory = next(t for t in every if t.level == level and t.code == code)
    return (territory.classes, territory.ballots, territory.result)


def test_one_class_closing_does_not_move_its_territories():
    question = national_question_create()
    now = timezone.now()
    a, b = school_create(departement="75"), school_create(departement="75")
    for school in (a, a, b):
        _close(question, school, [POUR] * 10, now)
    before = {
        level: _figures(question, level, code)
        for level, code in (("departement", "75"), ("region", "11"), ("france", "FR"))
    }
    assert before["departement"][0] == 3
    # The attacker's class closes with 10 « contre »: were the figures to move, the difference
    # would be its result.
    _close(question, b, [CONTRE] * 10, now)
    for level, code in (("departement", "75"), ("region", "11"), ("france", "FR")):
        assert _figures(question, level, code) == before[level]
    # They move once two more classes have closed with it: by three classes at once.
    _close(question, a, [POUR] * 5 + [CONTRE] * 5, now)
    assert _figures(question, "departement", "75") == before["departement"]
    _close(question, b, [POUR] * 10, now)
    after = _figures(question, "departement", "75")
    assert after[0] - before["departement"][0] == 3
    assert after[1] - before["departement"][1] == 30


def test_a_region_minus_its_published_departements_is_never_one_class():
    question = national_question_create()
    now = timezone.now()
    paris = [school_create(departement="75") for _ in range(2)]
    for school in (*paris, paris[0]):
        _close(question, school, [POUR] * 10, now)
    # One class in the Hauts-de-Seine: the département shows nothing, and the région must not
    # either show it (région − Paris would be that class).
    hauts_de_seine = school_create(departement="92")
    _close(question, hauts_de_seine, [CONTRE] * 12, now)
    later = now + timedelta(days=30)  # long past the pooling delay
    services.national_rollup_pending(now=later)
    assert _figures(question, "departement", "92")[2] is None
    assert _figures(question, "region", "11")[:2] == _figures(question, "departement", "75")[:2]
    # With two more classes of the Seine-Saint-Denis (académie de Créteil), the three waiting
    # classes make a batch of the région: région − Paris is then three classes of two schools.
    for school in (school_create(departement="93"), school_create(departement="93")):
        _close(question, school, [CONTRE] * 10, later)
    services.national_rollup_pending(now=later + timedelta(days=30))
    region, paris_figures = (
        _figures(question, "region", "11"),
        _figures(question, "departement", "75"),
    )
    assert region[0] - paris_figures[0] == 3
    assert region[1] - paris_figures[1] == 32
    assert _figures(question, "departement", "92")[2] is None
    assert _figures(question, "departement", "93")[2] is None
    assert _figures(question, "academie", "24")[2] is None  # Créteil: 2 classes only
