"""OpenAPI schema: the project's own DRF endpoints. Wagtail's read-only pages API (/api/v2/) and
its admin APIs have their own documentation and are not DRF-spectacular compatible."""

from django.utils.translation import gettext as _
from drf_spectacular.openapi import AutoSchema


class ApiSchema(AutoSchema):
    """Only a GET list comes a page at a time (config.pagination): a list a POST answers (the
    credentials of the pupils it created) is answered whole, and documented so."""

    def _get_paginator(self):
        return super()._get_paginator() if self.method == "GET" else None


def preprocess_project_endpoints(endpoints):
    return [
        endpoint
        for endpoint in endpoints
        if endpoint[0].startswith("/api/") and not endpoint[0].startswith("/api/v2/")
    ]


ERROR_COMPONENT = "Error"
BODY_METHODS = {"post", "put", "patch", "delete"}


def _error_schema() -> dict:
    return {
        "type": "object",
        "description": _(
            "Toute réponse d'erreur de l'API : un code stable et un message en français ; "
            "rien n'a été enregistré."
        ),
        "properties": {
            "code": {"type": "string", "description": _("Code stable, pour les programmes.")},
            "detail": {"type": "string", "description": _("Message en français, à afficher.")},
            "fields": {
                "type": "object",
                "additionalProperties": True,
                "description": _("Pour une entrée invalide : les messages, champ par champ."),
            },
            "index": {
                "type": "integer",
                "nullable": True,
                "description": _("xAPI : le rang de la déclaration refusée."),
            },
        },
        "required": ["code", "detail"],
    }


def _default_errors(method: str) -> dict[str, str]:
    errors = {
        "400": _("Entrée invalide, ou corps illisible ou trop imbriqué."),
        "401": _("Non connecté."),
        "403": _("Action non permise à ce compte."),
        "404": _("Rien à cette adresse que ce compte puisse voir."),
        "405": _("Méthode non acceptée à cette adresse."),
        "429": _("Trop de requêtes en peu de temps (en-tête Retry-After)."),
    }
    if method in BODY_METHODS:
        errors["413"] = _("Corps de requête trop volumineux.")
        errors["415"] = _("Type de contenu non accepté.")
    return errors


def postprocess_error_responses(result, generator, request, public):
    """Every operation answers its refusals with the one Error body (config.api_errors): the
    responses the views describe keep their description and get that body, and the refusals
    any endpoint may give are added."""
    result.setdefault("components", {}).setdefault("schemas", {})[ERROR_COMPONENT] = _error_schema()
    body = {"application/json": {"schema": {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}}}
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            for status, description in _default_errors(method).items():
                responses.setdefault(status, {"description": description})
            for status, response in responses.items():
                if int(status) >= 400:
                    response["content"] = body
    return result
