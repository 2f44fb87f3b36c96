from django.db import migrations

from accounts.roles import roles_sync


def sync(apps, schema_editor):
    roles_sync(apps)


class Migration(migrations.Migration):
    """The RH referent role may upload and follow voter imports."""

    dependencies = [
        ("elections", "0005_voter_imports"),
    ]

    operations = [
        migrations.RunPython(sync, migrations.RunPython.noop),
    ]
