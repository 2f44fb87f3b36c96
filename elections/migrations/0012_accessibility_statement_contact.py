"""The accessibility page's stored text is now only the contact paragraph of the statement
(elections/templates/elections/accessibility.html). A database made before keeps its old
default text, which declared the portal « non conforme »: replace it, only if nobody edited it."""

from django.db import migrations

OLD_TITLE = "Accessibilité : non conforme"
OLD_BODY = (
    "Ce portail vise la conformité au référentiel général d'amélioration de l'accessibilité "
    "(RGAA). Chaque version est vérifiée automatiquement (WCAG 2.1 A et AA) sur les pages de "
    "connexion et d'accueil, et le vote se fait au clavier seul.\n\n"
    "Aucun audit RGAA complet n'a encore été réalisé : le portail est donc déclaré non "
    "conforme jusqu'à cet audit.\n\n"
    "Si vous ne parvenez pas à accéder à un contenu ou à un service, contactez le support "
    "électeurs : il vous aidera à voter."
)


def forward(apps, schema_editor):
    from elections.pages import PAGES

    _, slug, title, body = next(page for page in PAGES if page[0] == "accessibility")
    Page = apps.get_model("elections", "Page")
    Page.objects.filter(slug=slug, title=OLD_TITLE).update(title=title)
    Page.objects.filter(slug=slug, body=OLD_BODY).update(body=body)


class Migration(migrations.Migration):
    dependencies = [("elections", "0011_rollentry_same_election_guard")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
