"""PupilProfile.pseudonym_key: the pseudonym's canonical form (school.pseudonyms), unique in a
class in place of the case-insensitive pseudonym.

Existing pupils get their key; two pupils of one class whose pseudonyms are variants of each
other ("Ours-Corail-77" and "OURſ-Corail-77") would break the new constraint: the later one
(higher user id) is renamed "<pseudonym>-2" (then -3, …), deterministically, so that the
teacher sees which pupil changed and nothing is lost."""

from django.db import migrations, models


def keys_backfill(apps, schema_editor):
    from school.pseudonyms import pseudonym_canonical

    PupilProfile = apps.get_model("school", "PupilProfile")
    taken: set[tuple[int, str]] = set()
    for pupil in PupilProfile.objects.order_by("classroom_id", "user_id").iterator():
        pseudonym, suffix = pupil.pseudonym, 1
        key = pseudonym_canonical(pseudonym)
        while (pupil.classroom_id, key) in taken:
            suffix += 1
            pseudonym = f"{pupil.pseudonym[: 40 - len(str(suffix)) - 1]}-{suffix}"
            key = pseudonym_canonical(pseudonym)
        taken.add((pupil.classroom_id, key))
        pupil.pseudonym, pupil.pseudonym_key = pseudonym, key
        pupil.save(update_fields=["pseudonym", "pseudonym_key"])


class Migration(migrations.Migration):
    dependencies = [("school", "0006_join_control")]

    operations = [
        migrations.RemoveConstraint(
            model_name="pupilprofile", name="pupil_unique_pseudonym_per_class"
        ),
        migrations.AddField(
            model_name="pupilprofile",
            name="pseudonym_key",
            field=models.CharField(
                default="", max_length=160, verbose_name="forme canonique du pseudonyme"
            ),
            preserve_default=False,
        ),
        migrations.RunPython(keys_backfill, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="pupilprofile",
            constraint=models.UniqueConstraint(
                fields=("pseudonym_key", "classroom"), name="pupil_unique_pseudonym_key_per_class"
            ),
        ),
    ]
