"""OpenAPI schema: the project's own DRF endpoints. Wagtail's read-only pages API (/api/v2/) and
its admin APIs have their own documentation and are not DRF-spectacular compatible."""


def preprocess_project_endpoints(endpoints):
    return [
        endpoint
        for endpoint in endpoints
        if endpoint[0].startswith("/api/") and not endpoint[0].startswith("/api/v2/")
    ]
