"""Staff roles as groups with permissions, and the audit chain's first head."""

import hashlib

from django.db import migrations

from accounts.roles import ROLES, roles_sync

GENESIS_HASH = hashlib.sha256(b"isoloir/v1/audit-genesis").hexdigest()

def create_roles(apps, schema_editor):
    roles_sync(apps)
    AuditChainHead = apps.get_model("accounts", "AuditChainHead")
    AuditChainHead.objects.get_or_create(id=1, defaults={"last_id": 0, "last_hash": GENESIS_HASH})


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_initial"),
        ("elections", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
