"""Seed 000 (Intérieur, matricule login) followed in Chromium by its labels, on the demo:
the login, the lost security key and the lost password (self-service), with each text the
guide quotes for these steps, the demo election's own numbers, and no axe violation."""

import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from elections.management.commands import load_demo
from elections.models import Election

from .conftest import axe_violations

pytestmark = pytest.mark.django_db(transaction=True)

MATRICULE = "D0001"
BIRTH = "14/03/1978"


@pytest.fixture
def demo():
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return Election.objects.get(pk=load_demo.DEMO_ELECTION_ID)


def visible(page, text: str) -> bool:
    return page.get_by_text(text, exact=False).first.is_visible()


def test_seed000_login_page_says_what_the_guide_says(page, demo):
    page.goto("/")  # the entry page lists the demo's two elections (the second is in preparation)
    page.get_by_role("link", name=load_demo.DEMO_ELECTION_NAME).click()
    page.wait_for_url("**/connexion/demo-2026/")
    assert page.get_by_role("heading", name="Se connecter").is_visible()
    for label in ("Matricule", "Date de naissance", "Clé de sécurité", "Mot de passe"):
        assert page.get_by_label(label, exact=True).is_visible(), label
    # « Dos de la carte agent : MATRICULE, CLÉ DE SÉCURITÉ » ; the password « dans la notice de vote
    # remise en main propre par mon référent RH » ; without a card, « sur un arrêté nominatif ou
    # sur le portail self-service ».
    assert visible(page, "Votre matricule figure au dos de votre carte agent")
    assert visible(page, "sur un arrêté nominatif ou sur le portail self-service de votre ministère")
    assert visible(page, "Dans la notice de vote remise en main propre par votre référent RH")
    # « En cas de problème de connexion, veuillez contacter le support électeur au N° VERT … »
    assert page.get_by_role("heading", name="Un problème de connexion ?").is_visible()
    assert visible(page, "N° vert 0 800 808 900 (service et appel gratuits)")
    assert visible(page, "05 56 42 72 47 (tarif d'une communication nationale)")
    assert not visible(page, load_demo.SUPPORT_CSU_PHONE)  # the CSU is the lost key's number
    assert axe_violations(page) == []


def test_seed000_lost_key_gives_every_case_the_csu_and_returns_to_the_login(page, demo):
    page.goto("/connexion/demo-2026/")
    page.get_by_role("link", name="J'ai perdu ma clé de sécurité").click()
    page.wait_for_url(re.compile(r"/aide/demo-2026/cle-de-securite-perdue/"))
    assert page.get_by_role("heading", name=re.compile("J'ai perdu ma clé de sécurité")).is_visible()
    opens = timezone.localdate(demo.opens)
    closes = timezone.localdate(demo.closes)
    csu = load_demo.SUPPORT_CSU_PHONE
    for quoted in (
        "je dois déclarer la perte de ma carte agent",
        "je n'ai pas reçu de fiche « clé de sécurité »",
        "je ne possède pas de carte agent et je n'ai pas reçu de fiche « clé de sécurité »",
        "pour les agents possédant une carte agent, via eVote-CS",
        "l'écran « E-Clé », qui me permet de récupérer ma « clé de sécurité »",
        f"J'appelle la CSU électeurs de mon poste de travail : {csu}",
        "Je me présente à mon président de bureau de vote électronique",
        "Je prouve mon identité (carte d'identité, carte agent)",
        f"Le président du bureau de vote électronique appelle la CSU électeurs : {csu}",
        "le référent de la CSU me communique ma « clé de sécurité » par téléphone",
        "J'effectue ma procédure de vote en utilisant ma « clé de sécurité » récupérée.",
        f"J'appelle la CSU électeurs au {csu}, du {opens:%d/%m/%Y} au {closes:%d/%m/%Y}, "
        "tous les jours de 9h00 à 18h00",
        "sauf week-end",
    ):
        assert visible(page, quoted), quoted
    assert page.get_by_role("heading", name="Vous ne parvenez toujours pas à voter ?").is_visible()
    assert not visible(page, "0 800 808 900")  # not the connection support's numbers
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 375, "height": 800})
    assert visible(page, f"J'appelle la CSU électeurs de mon poste de travail : {csu}")
    page.get_by_role("link", name="Retour", exact=True).click()
    page.wait_for_url("**/connexion/demo-2026/")


def test_seed000_lost_password_self_service_gives_a_new_password_that_logs_in(page, demo):
    page.goto("/connexion/demo-2026/")
    page.get_by_role("link", name="J'ai perdu mon mot de passe").click()
    page.wait_for_url("**/connexion/demo-2026/mot-de-passe-perdu/")
    # « MATRICULE sur un arrêté nominatif ou sur le portail self-service » ; « DONNÉE SECRÈTE DE
    # RÉASSORT : 6 premiers caractères du numéro de série de la carte agent OU 6 premiers
    # caractères de ma clé de sécurité » ; « 6 derniers caractères de l'IBAN ».
    assert visible(page, "sur un arrêté nominatif ou sur le portail self-service de votre ministère")
    assert visible(page, "Les 6 premiers caractères du numéro de série de votre carte agent")
    assert visible(page, "ou les 6 premiers caractères de votre clé de sécurité")
    assert visible(page, "A012 01")
    # « JE N'ARRIVE PAS À RÉINITIALISER MON MOT DE PASSE » then « J'appelle la CSU électeurs ».
    assert visible(page, "présentez-vous au président de votre bureau de vote électronique")
    assert visible(page, f"J'appelle la CSU électeurs au {load_demo.SUPPORT_CSU_PHONE}")
    assert axe_violations(page) == []
    page.get_by_label("Matricule", exact=True).fill(MATRICULE)
    page.get_by_label("Donnée secrète de réassort").fill(f"AC{MATRICULE}"[:6])
    page.get_by_label("Les 6 derniers caractères de votre IBAN").fill("A012 01")
    page.get_by_role("button", name="Obtenir un nouveau mot de passe").click()
    page.get_by_role("heading", name="Votre nouveau mot de passe").wait_for()
    # « Je note le nouveau mot de passe apparaissant à l'écran. »
    assert visible(page, "Je note le nouveau mot de passe apparaissant à l'écran")
    password = page.locator(".isoloir-secret code").inner_text().strip()
    assert axe_violations(page) == []
    # « Je recommence la procédure de vote en utilisant ce nouveau mot de passe. »
    page.get_by_role("link", name="Me connecter").click()
    key = load_demo.account_services.secrets.format_security_key(load_demo.voter_security_key(MATRICULE))
    page.get_by_label("Matricule", exact=True).fill(MATRICULE)
    page.get_by_label("Date de naissance").fill(BIRTH)
    page.get_by_label("Clé de sécurité", exact=True).fill(key)
    page.get_by_label("Mot de passe", exact=True).fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/portail/")
    assert page.get_by_role("heading", name="Bienvenue sur votre portail Élections").is_visible()


def test_seed000_tutorials_follow_the_election_and_are_accessible(page, demo):
    page.goto("/connexion/demo-2026/")
    key = load_demo.account_services.secrets.format_security_key(load_demo.voter_security_key(MATRICULE))
    page.get_by_label("Matricule", exact=True).fill(MATRICULE)
    page.get_by_label("Date de naissance").fill(BIRTH)
    page.get_by_label("Clé de sécurité", exact=True).fill(key)
    page.get_by_label("Mot de passe", exact=True).fill(load_demo.voter_password(MATRICULE))
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/portail/")
    page.get_by_role("link", name="Tutoriel « Réassorts »").click()
    page.wait_for_url("**/pages/tutoriel-reassorts/")
    assert visible(page, "je demande moi-même un nouveau mot de passe")
    assert visible(page, "sur un arrêté nominatif ou sur le portail self-service de votre ministère")
    assert visible(page, f"j'appelle la CSU électeurs au {load_demo.SUPPORT_CSU_PHONE}")
    assert axe_violations(page) == []
    page.go_back()
    page.get_by_role("link", name="Aide en ligne – Foire aux questions").click()
    page.wait_for_url("**/pages/faq/")
    assert visible(page, "Votre matricule figure au dos de votre carte agent")
    assert axe_violations(page) == []
