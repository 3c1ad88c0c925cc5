"""The national open-data API: public, read-only, territories only, cacheable."""

import random
from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.http import http_date
from rest_framework.test import APIClient
from rest_framework.throttling import AnonRateThrottle

from classroom_votes.models import Level, TerritoryResult
from classroom_votes.national import services
from classroom_votes.tallies import VotingMethod
from tests.api_pages import api_results
from tests.classroom_votes.factories import VALID_BALLOTS, national_question_create
from tests.classroom_votes.helpers import ROLES, documented_operations, roles_cast
from tests.school.factories import admin_create, school_create, teacher_create, uai_make

from .factories import contributions_bulk_create, national_class_close

pytestmark = pytest.mark.django_db

LIST = "/api/national-questions/"
POUR, CONTRE = {"choice": "pour"}, {"choice": "contre"}
COMMON = {"method", "votants", "blancs", "exprimes", "winner", "tie", "tied", "rows", "details"}
ROW = {
    "key",
    "label",
    "rank",
    "count",
    "percentage",
    "approval_rate",
    "majority_grade",
    "majority_grade_label",
    "grades",
    "better_percentage",
    "worse_percentage",
}
# The method's own fields of the tallies result dataclass (dataclasses.asdict), by method.
DETAILS = {
    VotingMethod.YES_NO: set(),
    VotingMethod.SCALE5: {"median", "average"},
    VotingMethod.SINGLE: {
        "absolute_majority",
        "elected_first_round",
        "second_round_requested",
        "second_round_between",
        "qualified",
    },
    VotingMethod.APPROVAL: set(),
    VotingMethod.MAJORITY_JUDGMENT: {"tie_break_used"},
    VotingMethod.RANKED: {"rounds", "exhaustive"},
}


@pytest.fixture(autouse=True)
def _no_throttle(monkeypatch):
    """The anonymous rate counts every request of the run from one address: off here, checked
    on its own in test_results_are_throttled_as_anonymous."""
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": None})


def results_url(question, **query) -> str:
    url = f"{LIST}{question.pk}/results/"
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def three_classes(question, contents, *, departement="75"):
    """Three classes of two schools of one département: a safe batch, shown everywhere above."""
    lycee_a, lycee_b = (
        school_create(departement=departement),
        school_create(departement=departement),
    )
    return [
        national_class_close(question=question, school=school, contents=contents)
        for school in (lycee_a, lycee_a, lycee_b)
    ]


def territory(body, level, code):
    return next(t for t in body["territories"] if (t["level"], t["code"]) == (level, code))


# --- The list ---------------------------------------------------------------------------------


def test_the_list_gives_published_questions_with_options_period_and_links():
    closes = timezone.now() + timedelta(days=30)
    question = national_question_create(method=VotingMethod.SINGLE, closes_at=closes)
    national_question_create(title="Brouillon", live=False)
    response = APIClient().get(LIST)
    [entry] = api_results(response)
    assert set(entry) == {"id", "title", "method", "options", "period", "links"}
    assert entry["id"] == question.pk and entry["method"] == "single"
    assert [option["key"] for option in entry["options"]] == ["alice", "bruno", "chloe"]
    assert set(entry["options"][0]) == {"key", "label"}
    assert entry["period"]["opens_at"] is None and entry["period"]["closes_at"]
    assert entry["links"]["results"] == f"http://testserver{results_url(question)}"
    assert (
        entry["links"]["page"]
        == f"http://testserver/consultations/nationales/{question.pk}/resultats/"
    )
    assert response["Cache-Control"] == "public, max-age=60"


# --- Results: shapes --------------------------------------------------------------------------


@pytest.mark.parametrize("method", list(VotingMethod))
def test_results_give_each_method_its_result_with_stable_field_names(method):
    question = national_question_create(method=method)
    ballot, _counts = VALID_BALLOTS[method]
    three_classes(question, [ballot] * 10)
    response = APIClient().get(results_url(question))
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"question", "licence", "rules", "updated_at", "territories"}
    assert body["question"] == {"id": question.pk, "title": question.title, "method": method}
    assert body["rules"] == {"min_classes": 3, "min_schools": 2, "min_ballots": 30}
    assert body["licence"]["id"] == "etalab-2.0"
    assert "Licence Ouverte" in body["licence"]["name"]
    france = territory(body, "france", "FR")
    assert france["shown"] is True
    assert (france["classes"], france["schools"], france["ballots"]) == (3, 2, 30)
    result = france["result"]
    assert set(result) == COMMON and result["method"] == method and result["votants"] == 30
    assert set(result["details"]) == DETAILS[method]
    for row in result["rows"]:
        assert set(row) == ROW
        assert row["label"]
        for number in (row["percentage"], *(g["percentage"] for g in row["grades"])):
            assert number is None or isinstance(number, int | float)
    assert any(isinstance(row["percentage"], float) for row in result["rows"]) or (
        method == VotingMethod.MAJORITY_JUDGMENT
    )
    assert territory(body, "departement", "75")["result"] == result


def test_results_list_every_public_territory_and_hide_those_without_enough_classes():
    question = national_question_create()
    three_classes(question, [POUR] * 7 + [CONTRE] * 3, departement="69")
    body = APIClient().get(results_url(question)).json()
    levels = {t["level"] for t in body["territories"]}
    assert levels == {"france", "zone", "etranger", "region", "academie", "departement"}
    assert body["territories"][0]["code"] == "FR"
    lyon = territory(body, "departement", "69")
    assert lyon["shown"] and lyon["result"]["winner"] == "pour"
    assert lyon["result"]["rows"][0] == lyon["result"]["rows"][0] | {
        "key": "pour",
        "count": 21,
        "percentage": 70.0,
    }
    paris = territory(body, "departement", "75")
    assert paris == {
        "level": "departement",
        "code": "75",
        "name": "Paris",
        "shown": False,
        "classes": None,
        "schools": None,
        "ballots": None,
        "updated_at": None,
        "result": None,
    }
    assert territory(body, "etranger", "ETR")["shown"] is False


@pytest.mark.parametrize("level", ["departement", "academie", "region", "zone", "france"])
def test_results_filter_one_level(level):
    question = national_question_create()
    three_classes(question, [POUR] * 10)
    body = APIClient().get(results_url(question, level=level)).json()
    assert body["territories"] and {t["level"] for t in body["territories"]} == {level}
    assert any(t["shown"] for t in body["territories"])


def test_results_refuse_an_unknown_level_and_the_school_level():
    question = national_question_create()
    for level in ("school", "commune"):
        response = APIClient().get(results_url(question, level=level))
        assert response.status_code == 400 and response.json()["code"], response.json()


def test_no_school_nor_class_appears_anywhere():
    question = national_question_create()
    uais = [uai_make(330021), uai_make(330022)]
    schools = [
        school_create(departement="33", name=f"Lycée Montaigne-{n}", uai=uai)
        for n, uai in enumerate(uais)
    ]
    for n, school in enumerate((schools[0], schools[0], schools[0], schools[1])):
        national_class_close(
            question=question, school=school, contents=[POUR] * 10, name=f"Terminale Zèbre {n}"
        )
    assert TerritoryResult.objects.filter(level=Level.SCHOOL).exists()  # the school's own
    client = APIClient()
    responses = [client.get(LIST), client.get(results_url(question))]
    responses += [client.get(results_url(question, level=level)) for level in Level.values[1:]]
    for response in responses:
        assert response.status_code == 200
        text = response.content.decode()
        for secret in ("Montaigne", *uais, "Zèbre", "Zebre", '"school"'):
            assert secret not in text, (secret, response.request["PATH_INFO"])
    body = responses[1].json()
    assert {t["level"] for t in body["territories"]} <= set(Level.values) - {Level.SCHOOL}
    assert territory(body, "departement", "33")["classes"] == 4


# --- Results: who, what, which methods --------------------------------------------------------


def test_an_unpublished_or_unknown_question_answers_404():
    draft = national_question_create(live=False)
    client = APIClient()
    for url in (results_url(draft), f"{LIST}987654321/results/"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.json()["code"]


def test_anyone_reads_the_same_bytes_logged_in_or_not():
    question = national_question_create()
    three_classes(question, [POUR] * 10)
    anonymous = APIClient().get(results_url(question))
    admin = APIClient()
    admin.force_login(admin_create())
    logged_in = admin.get(results_url(question))
    assert logged_in.status_code == anonymous.status_code == 200
    assert logged_in.content == anonymous.content
    assert logged_in["ETag"] == anonymous["ETag"]
    assert "Cookie" not in anonymous.get("Vary", "")


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_writes_answer_405(method):
    question = national_question_create()
    client = APIClient()
    client.force_login(admin_create())
    for url in (LIST, results_url(question)):
        response = getattr(client, method)(url, {}, format="json")
        assert response.status_code == 405, (method, url)
        assert response.json()["code"] == "method_not_allowed"


def test_results_are_throttled_as_anonymous(monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "1/min"})
    question = national_question_create()
    client = APIClient(REMOTE_ADDR="203.0.113.18")  # an address of its own: its own count
    try:
        assert client.get(results_url(question)).status_code == 200
        response = client.get(results_url(question))
    finally:
        AnonRateThrottle.cache.delete("throttle_anon_203.0.113.18")
    assert response.status_code == 429 and int(response["Retry-After"]) >= 1


# --- Caching ----------------------------------------------------------------------------------


def test_results_answer_304_to_their_etag():
    question = national_question_create()
    three_classes(question, [POUR] * 10)
    client = APIClient()
    first = client.get(results_url(question))
    etag = first["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert first["Cache-Control"] == "public, max-age=60"
    again = client.get(results_url(question), HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag and again["Cache-Control"] == "public, max-age=60"
    other = client.get(results_url(question, level="france"), HTTP_IF_NONE_MATCH=etag)
    assert other.status_code == 200 and other["ETag"] != etag  # the query is in the tag
    assert client.get(results_url(question), HTTP_IF_NONE_MATCH='"stale"').status_code == 200


def test_results_answer_304_to_if_modified_since():
    question = national_question_create()
    three_classes(question, [POUR] * 10)
    client = APIClient()
    first = client.get(results_url(question))
    updated = TerritoryResult.objects.filter(question=question).latest("updated_at").updated_at
    assert first["Last-Modified"] == http_date(int(updated.timestamp()))
    since = first["Last-Modified"]
    again = client.get(results_url(question), HTTP_IF_MODIFIED_SINCE=since)
    assert again.status_code == 304
    earlier = http_date(int(updated.timestamp()) - 60)
    assert client.get(results_url(question), HTTP_IF_MODIFIED_SINCE=earlier).status_code == 200


def test_nothing_released_yet_still_has_an_etag_and_no_last_modified():
    question = national_question_create()
    response = APIClient().get(results_url(question))
    assert response.status_code == 200 and response["ETag"]
    assert not response.has_header("Last-Modified")
    again = APIClient().get(results_url(question), HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_the_etag_changes_when_another_batch_is_released():
    question = national_question_create()
    three_classes(question, [POUR] * 10)
    client = APIClient()
    first = client.get(results_url(question))
    three_classes(question, [CONTRE] * 10, departement="13")
    second = client.get(results_url(question), HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200 and second["ETag"] != first["ETag"]
    assert territory(second.json(), "france", "FR")["classes"] == 6


# --- Schema and queries -----------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_every_role_reads_the_open_data_as_anonymous_does(role):
    question = national_question_create()
    _classroom, _other, users = roles_cast(teacher=teacher_create())
    client = APIClient()
    if users[role] is not None:
        client.force_login(users[role])
    for url in (LIST, results_url(question)):
        assert client.get(url).status_code == 200, (role, url)


def test_the_schema_documents_the_paths():
    operations = documented_operations(LIST)
    assert operations == {
        ("get", "/api/national-questions/"),
        ("get", "/api/national-questions/{id}/results/"),
    }


def test_queries_do_not_grow_with_the_number_of_classes(django_assert_max_num_queries):
    question = national_question_create()
    rng = random.Random(18)
    client = APIClient()
    contributions_bulk_create(question=question, classes=12, rng=rng, abroad_share=0)
    services.national_release(question=question, now=timezone.now())
    with django_assert_max_num_queries(7):
        small = client.get(results_url(question))
    contributions_bulk_create(
        question=question, classes=400, rng=rng, abroad_share=0.05, first_number=1000
    )
    services.national_release(question=question, now=timezone.now())
    with django_assert_max_num_queries(7):
        large = client.get(results_url(question))
    with django_assert_max_num_queries(3):  # the same figures again: the body is cached
        assert client.get(results_url(question)).content == large.content
    shown = [t for t in large.json()["territories"] if t["shown"]]
    assert len(shown) > len([t for t in small.json()["territories"] if t["shown"]]) > 0
    with django_assert_max_num_queries(3):
        assert (
            client.get(results_url(question), HTTP_IF_NONE_MATCH=large["ETag"]).status_code == 304
        )
    # The questions, their options, and the page's COUNT (config.pagination).
    with django_assert_max_num_queries(3):
        api_results(client.get(LIST))
