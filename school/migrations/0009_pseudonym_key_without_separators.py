"""PupilProfile.pseudonym_key without spaces or dashes: the canonical form (school.pseudonyms)
now drops them, so that "Renard Bleu 27", "renardbleu27" and "RENARD-BLEU-27" log in as
"Renard-Bleu-27". Every stored key is recomputed.

Two pupils of one class whose pseudonyms differ only by separators ("Ours-Corail-77" and
"Ours Corail 77") would break the uniqueness constraint: as in 0007, the later one (higher user
id) is renamed "<pseudonym>-2" (then -3, …, never the key of another pupil of the class),
deterministically, so that the teacher sees which pupil changed and nothing is lost.

Failed logins counted before (django-axes keys a pupil by the canonical form) are counted
under the old key and no longer apply: at most AXES_COOLOFF_HOURS of lockout is forgotten."""

from django.db import migrations

PSEUDONYM_MAX = 40


def keys_recompute(apps, schema_editor):
    from school.pseudonyms import pseudonym_canonical

    PupilProfile = apps.get_model("school", "PupilProfile")
    pupils = list(
        PupilProfile.objects.order_by("classroom_id", "user_id").only(
            "user_id", "classroom_id", "pseudonym", "pseudonym_key"
        )
    )
    # Every pseudonym's own key is reserved first, so that a renamed pupil never takes the key
    # of a classmate handled after them.
    taken = {(pupil.classroom_id, pseudonym_canonical(pupil.pseudonym)) for pupil in pupils}
    kept: set[tuple[int, str]] = set()
    changed = []
    for pupil in pupils:
        pseudonym, key = pupil.pseudonym, pseudonym_canonical(pupil.pseudonym)
        suffix = 1
        if (pupil.classroom_id, key) in kept:
            while (pupil.classroom_id, key) in taken:
                suffix += 1
                pseudonym = f"{pupil.pseudonym[: PSEUDONYM_MAX - len(str(suffix)) - 1]}-{suffix}"
                key = pseudonym_canonical(pseudonym)
            taken.add((pupil.classroom_id, key))
        kept.add((pupil.classroom_id, key))
        if (pseudonym, key) != (pupil.pseudonym, pupil.pseudonym_key):
            changed.append((pupil, pseudonym, key))
    # The constraint holds at every row written: the changed rows first take a key no
    # canonical form can be ("#" is not a pseudonym's character), then their own.
    for pupil, _pseudonym, _key in changed:
        pupil.pseudonym_key = f"#{pupil.pk}"
    PupilProfile.objects.bulk_update(
        [pupil for pupil, *_ in changed], ["pseudonym_key"], batch_size=500
    )
    for pupil, pseudonym, key in changed:
        pupil.pseudonym, pupil.pseudonym_key = pseudonym, key
    PupilProfile.objects.bulk_update(
        [pupil for pupil, *_ in changed], ["pseudonym", "pseudonym_key"], batch_size=500
    )


class Migration(migrations.Migration):
    dependencies = [("school", "0008_school_year_retention")]

    operations = [migrations.RunPython(keys_recompute, migrations.RunPython.noop)]
