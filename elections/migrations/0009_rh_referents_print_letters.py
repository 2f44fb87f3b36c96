from django.db import migrations

from accounts.roles import roles_sync


def sync(apps, schema_editor):
    roles_sync(apps)


class Migration(migrations.Migration):
    """The RH referent role may request and download credential letters."""

    dependencies = [
        ("elections", "0008_letter_batches"),
    ]

    operations = [
        migrations.RunPython(sync, migrations.RunPython.noop),
    ]
