"""Reference territories shipped with the project (school/data/territories.json)."""

import json
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "territories.json"


def territories_load(*, region_model, academie_model, departement_model) -> None:
    """Create or update every région, académie, département and overseas collectivité
    (idempotent; a collectivité has no région and no académie). Takes the model classes so the
    data migrations can pass their historical models."""
    data = json.loads(DATA.read_text(encoding="utf-8"))
    for region in data["regions"]:
        region_model.objects.update_or_create(
            code=region["code"], defaults={"name": region["name"]}
        )
    for academie in data["academies"]:
        academie_model.objects.update_or_create(
            code=academie["code"],
            defaults={"name": academie["name"], "region_id": academie["region"]},
        )
    # The historical model of migration 0003 predates the collectivités (no `kind`, région and
    # académie required): it gets the départements only; 0004 adds the rest.
    with_kind = any(field.name == "kind" for field in departement_model._meta.get_fields())
    for departement in data["departements"]:
        kind = departement.get("kind", "departement")
        if not with_kind and kind != "departement":
            continue
        defaults = {
            "name": departement["name"],
            "region_id": departement["region"],
            "academie_id": departement["academie"],
        }
        if with_kind:
            defaults["kind"] = kind
        departement_model.objects.update_or_create(code=departement["code"], defaults=defaults)
