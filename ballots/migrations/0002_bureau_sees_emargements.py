from django.db import migrations

from accounts.roles import roles_sync


def sync(apps, schema_editor):
    roles_sync(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("ballots", "0001_initial"),
        ("accounts", "0004_audit_append_only_trigger"),
    ]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
