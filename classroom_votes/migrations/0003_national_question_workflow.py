"""Wagtail's usual editorial roles for national questions: editors write and submit them for
moderation, moderators publish them; and the default workflow (the one on the page tree's root,
"Moderators approval") applies to them as to pages."""

from django.db import migrations

MODEL = "nationalquestion"
GROUP_ACTIONS = {
    "Editors": ("add", "change", "view", "lock", "unlock"),
    "Moderators": ("add", "change", "delete", "view", "publish", "lock", "unlock"),
}


def grant(apps, schema_editor):
    # Permissions (and Wagtail's publish/lock ones) are normally created after migrations.
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    content_type, _created = ContentType.objects.get_or_create(
        app_label="classroom_votes", model=MODEL
    )
    for group in Group.objects.filter(name__in=GROUP_ACTIONS):
        for action in GROUP_ACTIONS[group.name]:
            permission, _created = Permission.objects.get_or_create(
                content_type=content_type,
                codename=f"{action}_{MODEL}",
                defaults={"name": f"Can {action} question nationale"},
            )
            group.permissions.add(permission)

    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    WorkflowContentType = apps.get_model("wagtailcore", "WorkflowContentType")
    root_workflow = (
        WorkflowPage.objects.filter(page__depth=1, workflow__active=True)
        .select_related("workflow")
        .first()
    )
    if root_workflow is not None:
        WorkflowContentType.objects.get_or_create(
            content_type=content_type, defaults={"workflow": root_workflow.workflow}
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    WorkflowContentType = apps.get_model("wagtailcore", "WorkflowContentType")
    permissions = Permission.objects.filter(
        content_type__app_label="classroom_votes", codename__endswith=f"_{MODEL}"
    )
    for group in Group.objects.filter(name__in=GROUP_ACTIONS):
        group.permissions.remove(*permissions)
    WorkflowContentType.objects.filter(
        content_type__app_label="classroom_votes", content_type__model=MODEL
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("classroom_votes", "0002_national_questions"),
        ("wagtailcore", "0048_add_default_workflows"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
