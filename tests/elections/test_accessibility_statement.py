"""The accessibility statement (RGAA 4.1 model): the footer states the real conformity and
links to it; the page says what is checked, what is not, when, and how to complain."""

import re

import pytest
from django.test import Client

from elections.context_processors import footer_pages_forget
from elections.models import Page

pytestmark = pytest.mark.django_db


def test_footer_says_partially_compliant_and_links_to_the_statement(election):
    footer_pages_forget()
    html = Client().get(f"/connexion/{election.slug}/").content.decode()
    assert re.search(r'href="/pages/accessibilite/">\s*Accessibilité : partiellement conforme\s*</a>', html)
    assert "non conforme" not in html


def test_footer_states_the_conformity_whatever_title_the_stored_page_has(election):
    # A database created before this statement keeps its old title: the status is the code's.
    Page.objects.filter(kind=Page.Kind.ACCESSIBILITY).update(title="Accessibilité : non conforme")
    footer_pages_forget()
    html = Client().get(f"/connexion/{election.slug}/").content.decode()
    assert "Accessibilité : partiellement conforme" in html
    assert "non conforme" not in html


def test_statement_gives_the_real_state_the_date_and_the_recourse(election):
    Page.objects.filter(kind=Page.Kind.ACCESSIBILITY).update(body="Support électeurs : 01 23 45 67 89")
    response = Client().get("/pages/accessibilite/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Déclaration d'accessibilité</h1>" in html
    for heading in (
        "État de conformité",
        "Résultats des tests",
        "Contenus non accessibles",
        "Établissement de cette déclaration d'accessibilité",
        "Retour d'information et contact",
        "Voies de recours",
    ):
        assert re.search(rf"<h2[^>]*>{re.escape(heading)}</h2>", html), heading
    assert "partiellement conforme" in html and "RGAA" in html and "4.1" in html
    assert "axe-core" in html and "clavier" in html
    assert "Aucun audit" in html  # no full audit by an expert: said, not hidden
    assert re.search(r"Déclaration établie le <time datetime=\"\d{4}-\d{2}-\d{2}\">", html)
    assert "Défenseur des droits" in html and "Libre réponse 71120" in html
    assert "https://formulaire.defenseurdesdroits.fr/" in html
    # The establishment's contact, which the RH referent writes in the admin.
    assert "Support électeurs : 01 23 45 67 89" in html


def test_an_older_database_loses_its_non_compliant_default_text_but_keeps_an_edited_one():
    from importlib import import_module

    from django.apps import apps

    migration = import_module("elections.migrations.0012_accessibility_statement_contact")
    page = Page.objects.get(kind=Page.Kind.ACCESSIBILITY)
    page.title, page.body = migration.OLD_TITLE, migration.OLD_BODY
    page.save()
    migration.forward(apps, None)
    page.refresh_from_db()
    assert page.title == "Déclaration d'accessibilité"
    assert "non conforme" not in page.body and "support électeurs" in page.body

    page.body = "Contact : accessibilite@ministere.example"
    page.save()
    migration.forward(apps, None)
    page.refresh_from_db()
    assert page.body == "Contact : accessibilite@ministere.example"


def test_the_statement_says_the_captcha_has_a_spoken_alternative(election):
    html = Client().get("/pages/accessibilite/").content.decode()
    assert "alternative sonore, lue en français" in html
    assert "sans alternative sonore" not in html
