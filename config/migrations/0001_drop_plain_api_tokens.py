"""Drop DRF's authtoken table: its tokens were stored in clear and never expired.

API tokens are now django-rest-knox's (a digest and an expiry, never the token); the old ones
are not carried over, their owners ask for a new one. The authtoken app is no longer installed,
so its table and its migration records are removed here (on a new database there is nothing to
remove); `manage.py remove_stale_contenttypes` removes its content types."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = []

    operations = [
        migrations.RunSQL("DROP TABLE IF EXISTS authtoken_token", migrations.RunSQL.noop),
        migrations.RunSQL(
            "DELETE FROM django_migrations WHERE app = 'authtoken'", migrations.RunSQL.noop
        ),
    ]
