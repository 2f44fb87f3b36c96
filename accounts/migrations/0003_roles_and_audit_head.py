"""Staff roles as groups with permissions, and the audit chain's first head."""

import hashlib

from django.contrib.auth.management import create_permissions
from django.db import migrations

GENESIS_HASH = hashlib.sha256(b"isoloir/v1/audit-genesis").hexdigest()

VIEW_ALL = ("accounts", "view_all_establishments")

ROLES = {
    # Imports voters and rolls, manages scrutins, lists and pages, answers requests;
    # scoped to their establishments (no view_all_establishments).
    "Référent RH": [
        *[("accounts", f"{a}_voter") for a in ("add", "change", "delete", "view")],
        *[("elections", f"{a}_rollentry") for a in ("add", "change", "delete", "view")],
        *[("elections", f"{a}_scrutin") for a in ("add", "change", "delete", "view")],
        *[("elections", f"{a}_candidatelist") for a in ("add", "change", "delete", "view")],
        *[("elections", f"{a}_candidate") for a in ("add", "change", "delete", "view")],
        *[("elections", f"{a}_page") for a in ("add", "change", "delete", "view")],
        ("elections", "view_voterrequest"),
        ("elections", "change_voterrequest"),
        ("elections", "view_election"),
        ("elections", "view_establishment"),
    ],
    # Looks voters up to help them; sees assistance requests. Never edits rolls.
    "Support électeurs": [
        ("accounts", "view_voter"),
        VIEW_ALL,
        ("elections", "view_election"),
        ("elections", "view_scrutin"),
        ("elections", "view_establishment"),
        ("elections", "view_voterrequest"),
        ("elections", "change_voterrequest"),
    ],
    # Watches the vote and its trail; the life cycle actions come with later issues.
    "Membre du bureau de vote": [
        ("accounts", "view_voter"),
        VIEW_ALL,
        ("accounts", "view_auditentry"),
        ("elections", "view_election"),
        ("elections", "view_scrutin"),
        ("elections", "view_candidatelist"),
        ("elections", "view_candidate"),
        ("elections", "view_rollentry"),
        ("elections", "view_establishment"),
        ("elections", "view_voterrequest"),
        ("elections", "view_bureaumember"),
    ],
}


def create_roles(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, codename in perms:
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
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
