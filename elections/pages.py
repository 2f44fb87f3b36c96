"""The footer's public pages, with a first text the RH referent completes in the admin.

Created by a migration, and again by ``load_demo`` on a flushed database.
"""

import datetime

# The accessibility statement's facts belong to the code that is checked (its template,
# elections/templates/elections/accessibility.html); the stored page only adds the
# establishment's contact. The footer states this status whatever the stored title says.
ACCESSIBILITY_STATUS = "partiellement conforme"
ACCESSIBILITY_STATEMENT_DATE = datetime.date(2026, 12, 1)

PAGES = [
    (
        "legal",
        "mentions-legales",
        "Mentions légales",
        "Ce portail de vote électronique est édité par l'administration organisatrice du scrutin, "
        "pour les élections professionnelles de ses agents.\n\n"
        "Le référent RH complète cette page dans l'administration : éditeur, directeur de la "
        "publication, hébergeur et adresse de contact.",
    ),
    (
        "personal_data",
        "donnees-personnelles",
        "Données personnelles",
        "Les données de la liste électorale (matricule, nom, prénom, date de naissance, "
        "affectation, adresse) sont traitées pour vous permettre de vous identifier et de voter, "
        "conformément au code général de la fonction publique (articles R. 211-503 à R. 211-584) "
        "et à la délibération n° 2019-053 de la CNIL.\n\n"
        "La liste d'émargement et l'urne sont séparées : votre bulletin est chiffré dans votre "
        "navigateur et ne porte aucun lien avec votre identité.\n\n"
        "Vous pouvez exercer vos droits d'accès et de rectification auprès de votre référent RH. "
        "Le référent RH complète cette page (responsable du traitement, durée de conservation, "
        "délégué à la protection des données).",
    ),
    (
        "accessibility",
        "accessibilite",
        "Déclaration d'accessibilité",
        "Pour signaler un défaut d'accessibilité ou obtenir un contenu sous une autre forme, "
        "appelez le support électeurs de votre élection : ses numéros et ses horaires figurent "
        "sur la page de connexion.",
    ),
    (
        "rgs",
        "conformite-rgs",
        "Conformité RGS",
        "Le système de vote suit le référentiel général de sécurité et la recommandation de la "
        "CNIL sur le vote électronique : chiffrement du bulletin dans le navigateur, séparation "
        "de l'urne et de la liste d'émargement, clés de déchiffrement détenues par les membres "
        "du bureau de vote, journal d'audit chaîné.",
    ),
    (
        "cookies",
        "gestion-des-cookies",
        "Gestion des cookies",
        "Ce portail n'utilise que des cookies strictement nécessaires : un cookie de session, "
        "qui vous garde connecté, et un cookie de protection des formulaires. Aucun cookie de "
        "mesure d'audience ni de publicité n'est déposé ; aucun consentement n'est donc demandé.",
    ),
]


def public_pages_sync(apps) -> None:
    """Create the footer's public pages that do not exist yet; never overwrite a text."""
    Page = apps.get_model("elections", "Page")
    for order, (kind, slug, title, body) in enumerate(PAGES):
        Page.objects.get_or_create(
            slug=slug, defaults={"kind": kind, "title": title, "body": body, "order": order}
        )
