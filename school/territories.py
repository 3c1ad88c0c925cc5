"""Reference territories shipped with the project (school/data/territories.json)."""

import json
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "territories.json"


def territories_load(*, region_model, academie_model, departement_model) -> None:
    """Create or update every région, académie and département (idempotent). Takes the model
    classes so the data migration can pass its historical models."""
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
    for departement in data["departements"]:
        departement_model.objects.update_or_create(
            code=departement["code"],
            defaults={
                "name": departement["name"],
                "region_id": departement["region"],
                "academie_id": departement["academie"],
            },
        )
