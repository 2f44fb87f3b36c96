"""Staff roles: Django groups with their permissions.

Created by a migration, and again by ``load_demo`` (which must work on a database
that was flushed); ``roles_sync`` is idempotent and takes the app registry to use.
"""

from django.contrib.auth.management import create_permissions

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
        ("elections", "add_voterimport"),
        ("elections", "view_voterimport"),
        ("elections", "add_letterbatch"),
        ("elections", "view_letterbatch"),
    ],
    # Looks voters up to help them; sees assistance requests. Never edits rolls.
    "Support électeurs": [
        ("accounts", "view_voter"),
        ("accounts", "handle_security_key"),
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
        ("ballots", "view_emargement"),
    ],
}


def roles_sync(apps) -> None:
    """Create the groups of ROLES and give them exactly their permissions."""
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        # A migration that runs before a later app has models syncs what it can; that
        # app's own migration syncs again (e.g. ballots 0002). Outside migrations every
        # app has its models, so every permission must exist.
        group.permissions.set(
            [
                Permission.objects.get(content_type__app_label=app, codename=codename)
                for app, codename in perms
                if _has_models(apps, app)
            ]
        )


def _has_models(apps, app_label: str) -> bool:
    try:
        return any(True for _ in apps.get_app_config(app_label).get_models())
    except LookupError:  # in a migration's state, an app without models yet is absent
        return False
