"""Wagtail's default workflow and its task, named in French.

Wagtail's migrations create them as data in English, and the admin shows the name inside its
French sentences (« Soumettre à Moderators approval »). Only rows still bearing Wagtail's name
are renamed, so running it again, or over names an administrator chose, changes nothing;
reversing gives Wagtail's names back. An account that chose another admin language gets the
site's again (French is the only one permitted; reversing leaves it). The groups keep Wagtail's names (« Editors »,
« Moderators »): Wagtail's migrations and ours find them by name to grant permissions, and
only administrators see them."""

from django.db import migrations

RENAMES = [
    ("wagtailcore.Workflow", "Moderators approval", "Relecture éditoriale"),
    ("wagtailcore.Task", "Moderators approval", "Validation par un modérateur"),
]


def _rename(apps, *, to_french):
    for label, english, french in RENAMES:
        old, new = (english, french) if to_french else (french, english)
        model = apps.get_model(label)
        if not model.objects.filter(name=new).exists():
            model.objects.filter(name=old).update(name=new)


def workflow_to_french(apps, schema_editor):
    _rename(apps, to_french=True)


def workflow_to_english(apps, schema_editor):
    _rename(apps, to_french=False)


def admin_languages_to_french(apps, schema_editor):
    profiles = apps.get_model("wagtailusers", "UserProfile").objects
    profiles.exclude(preferred_language__in=("", "fr")).update(preferred_language="")


class Migration(migrations.Migration):
    dependencies = [
        ("config", "0001_drop_plain_api_tokens"),
        ("wagtailcore", "0048_add_default_workflows"),
        ("wagtailusers", "0006_userprofile_prefered_language"),
    ]

    operations = [
        migrations.RunPython(workflow_to_french, workflow_to_english),
        migrations.RunPython(admin_languages_to_french, migrations.RunPython.noop),
    ]
