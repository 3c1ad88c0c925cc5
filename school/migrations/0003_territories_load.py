from django.db import migrations

from school.territories import territories_load


def load(apps, schema_editor):
    territories_load(
        region_model=apps.get_model("school", "Region"),
        academie_model=apps.get_model("school", "Academie"),
        departement_model=apps.get_model("school", "Departement"),
    )


class Migration(migrations.Migration):
    dependencies = [("school", "0002_academie_region_departement_academie_region_school_and_more")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
