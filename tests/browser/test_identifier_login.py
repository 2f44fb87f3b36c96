"""Seed 004 in Chromium: first connection with the notice, choice of identifier and mot de
passe Élections, then the identifier login and the forgotten-password link; axe on each page."""

import re

import pytest
from django.core import mail
from django.core.management import call_command

from elections.management.commands import load_demo
from elections.models import Election

from .conftest import axe_violations

pytestmark = pytest.mark.django_db(transaction=True)

MATRICULE = "D0001"
ADDRESS = "claire.martin@demo.isoloir.localhost"  # confirmed on file in the demo
CHOSEN = "Le merle chante au printemps"  # noqa: S105


@pytest.fixture
def demo():
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    Election.objects.filter(slug="demo-2026").update(
        login_mode=Election.LoginMode.IDENTIFIER, vote_code_enabled=True
    )


def first_connection(page):
    page.goto("/connexion/demo-2026/")
    page.get_by_role("link", name="Première connexion avec ma notice de vote").click()
    key = load_demo.account_services.secrets.format_security_key(load_demo.voter_security_key(MATRICULE))
    page.get_by_label("Matricule").fill(MATRICULE)
    page.get_by_label("Date de naissance").fill("14/03/1978")
    page.get_by_label("Clé de sécurité").fill(key)
    page.get_by_label("Mot de passe", exact=True).fill(load_demo.voter_password(MATRICULE))
    page.get_by_label("Recopiez les chiffres de l'image").fill("PASSED")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/portail/premiere-connexion/")


def choose(page, password=CHOSEN, confirm=CHOSEN):
    page.get_by_label("Adresse électronique", exact=True).fill(ADDRESS)
    page.get_by_label("Confirmez l'adresse électronique").fill(ADDRESS)
    page.get_by_label("Mot de passe Élections", exact=True).fill(password)
    page.get_by_label("Confirmez le mot de passe Élections").fill(confirm)
    page.get_by_role("button", name="Enregistrer").click()


def identifier_login(page, password=CHOSEN):
    page.goto("/connexion/demo-2026/")
    page.get_by_label("Identifiant").fill(ADDRESS)
    page.get_by_label("Recopiez les chiffres de l'image").fill("PASSED")
    page.get_by_label("Mot de passe Élections").fill(password)
    page.get_by_role("button", name="Se connecter").click()


def test_first_connection_then_identifier_login_by_the_labels(page, demo):
    page.goto("/connexion/demo-2026/")
    assert axe_violations(page) == []
    first_connection(page)
    assert axe_violations(page) == []
    choose(page, password="qwertyuiop12", confirm="qwertyuiop12")
    assert page.get_by_text("Ce mot de passe est trop courant.").is_visible()
    assert axe_violations(page) == []
    choose(page)
    page.wait_for_url("**/portail/")
    assert page.get_by_text(f"Votre identifiant est désormais {ADDRESS}").is_visible()
    page.get_by_role("button", name="Déconnexion").first.click()
    page.wait_for_url("**/connexion/demo-2026/")
    identifier_login(page)
    page.wait_for_url("**/portail/")
    page.goto("/portail/je-vote/")
    page.get_by_role("link", name="Saisir mon code de vote").click()
    page.wait_for_url("**/portail/code-de-vote/**")
    assert page.get_by_label("Code de vote").is_visible()
    assert page.csp_violations == []


def test_forgotten_password_link_pages_by_the_labels(page, demo):
    first_connection(page)
    choose(page)
    page.wait_for_url("**/portail/")
    page.get_by_role("button", name="Déconnexion").first.click()
    page.get_by_role("link", name="J'ai oublié mon mot de passe Élections").click()
    assert axe_violations(page) == []
    page.get_by_label("Identifiant").fill(ADDRESS)
    page.get_by_label("Recopiez les chiffres de l'image").fill("PASSED")
    page.get_by_role("button", name="Recevoir le lien").click()
    assert page.get_by_text("Demande enregistrée").is_visible()
    assert axe_violations(page) == []
    link = re.search(r"(/connexion/\S+/)", mail.outbox[-1].body).group(1)
    page.goto(link)
    page.wait_for_url("**/choisir/")
    assert axe_violations(page) == []
    new = "Un autre merle au printemps"
    page.get_by_label("Mot de passe Élections", exact=True).fill(new)
    page.get_by_label("Confirmez le mot de passe Élections").fill(new)
    page.get_by_role("button", name="Enregistrer le nouveau mot de passe").click()
    page.wait_for_url("**/connexion/demo-2026/")
    identifier_login(page, new)
    page.wait_for_url("**/portail/")
    page.goto(link)
    assert page.get_by_role("heading", name="Ce lien n'est plus valable").is_visible()
    assert axe_violations(page) == []
