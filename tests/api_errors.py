"""Reading the API's one error body (config.api_errors) in tests."""

ERROR_KEYS = {"code", "detail"}


def refusal_text(body: dict, field: str | None = None) -> str:
    """The French text of a refusal: its message, or the messages about one input field."""
    assert set(body) >= ERROR_KEYS, body
    if field is None:
        return body["detail"]
    return " ".join(str(message) for message in body["fields"][field])
