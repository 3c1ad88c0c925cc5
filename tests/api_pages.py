"""Reading a page of an API list (config.pagination) in tests."""

PAGE_KEYS = {"count", "next", "previous", "results"}


def api_results(response, *, whole: bool = True) -> list:
    """The items of a list answer, once it is checked to be a page `{"count", "next",
    "previous", "results"}`. Unless `whole` is False, the page must hold the whole list (no page
    before or after it), so that what a test finds missing from it is missing from the list."""
    assert response.status_code == 200, response.content
    body = response.json()
    assert isinstance(body, dict) and set(body) == PAGE_KEYS, body
    results = body["results"]
    assert isinstance(results, list) and isinstance(body["count"], int), body
    if whole:
        assert body["count"] == len(results), body
        assert body["next"] is None and body["previous"] is None, body
    return results
