"""Open data of imported elections: public, read-only, aggregates only, cacheable."""

import pytest
from rest_framework.test import APIClient

from classroom_votes.models import ElectionResult
from tests.api_pages import api_results

from .factories import election_create

pytestmark = pytest.mark.django_db


def test_anyone_lists_and_reads_an_election_with_its_figures_by_territory():
    election = election_create()
    client = APIClient()
    listed = client.get("/api/elections/")
    (row,) = api_results(listed)
    assert row["id"] == election.pk
    assert [c["key"] for c in row["candidates"]] == [
        c.key for c in election.candidates.order_by("order")
    ]
    detail = client.get(f"/api/elections/{election.pk}/").json()
    assert len(detail["results"]) == ElectionResult.objects.filter(election=election).count()
    for row in detail["results"]:
        assert sum(row["voix"].values()) == row["exprimes"]
        assert row["votants"] == row["exprimes"] + row["blancs"] + row["nuls"]


def test_responses_are_cacheable_and_answer_304_when_unchanged():
    election = election_create()
    client = APIClient()
    for url in ("/api/elections/", f"/api/elections/{election.pk}/"):
        first = client.get(url)
        assert first["Cache-Control"] == "public, max-age=300"
        assert first["ETag"] and first["Last-Modified"]
        again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304 and not again.content
        since = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
        assert since.status_code == 304
    other = election_create(first_round=True)
    assert client.get("/api/elections/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code in (
        200,
        304,
    )
    listed = client.get("/api/elections/")
    assert {e["id"] for e in api_results(listed)} == {election.pk, other.pk}


def test_the_list_etag_changes_when_an_election_is_added():
    election_create()
    client = APIClient()
    etag = client.get("/api/elections/")["ETag"]
    election_create(first_round=True)
    response = client.get("/api/elections/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and response["ETag"] != etag


def test_each_page_of_the_list_has_its_own_etag(settings):
    settings.HEMICYCLE_API_PAGE_SIZE = 1
    first, second = election_create(), election_create(first_round=True)
    client = APIClient()
    one, two = (client.get("/api/elections/", {"page": page}) for page in (1, 2))
    assert {api_results(one, whole=False)[0]["id"], api_results(two, whole=False)[0]["id"]} == {
        first.pk,
        second.pk,
    }
    assert one["ETag"] != two["ETag"]
    # Page 1's tag does not stand for page 2: a cache asking with it gets page 2 whole.
    again = client.get("/api/elections/", {"page": 2}, HTTP_IF_NONE_MATCH=one["ETag"])
    assert again.status_code == 200 and again.json() == two.json()
    unchanged = client.get("/api/elections/", {"page": 2}, HTTP_IF_NONE_MATCH=two["ETag"])
    assert unchanged.status_code == 304


def test_nothing_can_be_written_and_unknown_ids_are_404():
    election = election_create()
    client = APIClient()
    for method in ("post", "put", "patch", "delete"):
        response = getattr(client, method)(f"/api/elections/{election.pk}/", {}, format="json")
        assert response.status_code in (403, 405)
    assert client.post("/api/elections/", {}, format="json").status_code in (403, 405)
    assert client.get("/api/elections/987654/").status_code == 404
