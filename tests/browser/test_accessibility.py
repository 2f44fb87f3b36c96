"""axe-core (WCAG 2.1 A and AA) on every page a voter meets, in both login modes.

One logged-in page walks the portal so the walk stays fast; each walk collects every
page's violations and asserts none at the end, so one run names all of them. The ballot
steps and the accusé are checked in test_voting.py, the identifier password-link pages in
test_identifier_login.py.
"""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from elections.management.commands import load_demo
from elections.models import Election, Page, Scrutin

from .conftest import axe_violations
from .test_voting import keyboard_login

pytestmark = pytest.mark.django_db(transaction=True)

SLUG = "demo-2026"


@pytest.fixture
def demo():
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def check(page, found: dict, name: str, path: str | None = None) -> None:
    """Open ``path`` (or stay), require one h1, and record what axe finds under ``name``."""
    if path is not None:
        page.goto(path)
    if page.locator("h1").count() != 1:
        found[name] = ["one h1 expected", page.locator("h1").all_inner_texts()]
    violations = axe_violations(page)
    if violations:
        found[name] = violations


def fill_captcha(page) -> None:
    captcha = page.get_by_label("Recopiez les chiffres de l'image")
    if captcha.count():
        captcha.fill("PASSED")


def test_every_page_a_voter_meets_with_the_matricule_login_has_no_wcag_violation(page, demo):
    found: dict = {}
    scrutins = list(Scrutin.objects.filter(election__slug=SLUG).order_by("order"))
    # Logged out: login, help, self-service recovery, the public ballot box, footer pages.
    check(page, found, "connexion", f"/connexion/{SLUG}/")
    check(page, found, "aide clé perdue", "/aide/cle-de-securite-perdue/")
    check(page, found, "aide mot de passe perdu", "/aide/mot-de-passe-perdu/")
    check(page, found, "réassort mot de passe", f"/connexion/{SLUG}/mot-de-passe-perdu/")
    page.get_by_role("button", name="Recevoir").or_(
        page.locator("main form button[type=submit]")
    ).first.click()
    check(page, found, "réassort mot de passe, erreurs")
    page.get_by_label("Matricule").fill("D0001")
    page.get_by_label("Donnée secrète de réassort").fill("ACD000")
    page.get_by_label("Les 6 derniers caractères de votre IBAN").fill("A01201")
    fill_captcha(page)
    page.locator("main form button[type=submit]").first.click()
    expect(page.get_by_role("heading", name="Votre nouveau mot de passe")).to_be_visible()
    check(page, found, "réassort mot de passe, nouveau mot de passe")
    check(page, found, "urnes", f"/urne/{SLUG}/")
    for scrutin in scrutins[:2]:
        check(page, found, f"urne {scrutin.code}", f"/urne/{SLUG}/{scrutin.code}/")
    check(page, found, "vérification", "/verification/")
    for slug in Page.objects.filter(kind__in=Page.PUBLIC_KINDS).values_list("slug", flat=True):
        check(page, found, f"page {slug}", f"/pages/{slug}/")
    # Logged in: home and every portal page, the informations, FAQ and tutorials.
    keyboard_login(page)
    check(page, found, "accueil")
    check(page, found, "compte", "/portail/compte/")
    page.get_by_label("Nouvelle adresse électronique").fill("pas-une-adresse")
    page.locator("main form button[type=submit]").first.click()
    check(page, found, "compte, erreur")
    check(page, found, "scrutins", "/portail/scrutins/")
    check(page, found, "liste électorale", f"/portail/scrutins/{scrutins[0].pk}/liste-electorale/")
    check(
        page,
        found,
        "liste électorale, recherche",
        f"/portail/scrutins/{scrutins[0].pk}/liste-electorale/?q=zzz",
    )
    for path, name in (("/portail/reclamation/", "réclamation"), ("/portail/assistance/", "assistance")):
        check(page, found, name, path)
        page.locator("main form button[type=submit]").first.click()
        check(page, found, f"{name}, erreurs")
    for slug in Page.objects.values_list("slug", flat=True):
        check(page, found, f"page {slug} (connecté)", f"/pages/{slug}/")
    check(page, found, "je vote", "/portail/je-vote/")
    # The pages of a suspended vote.
    Election.objects.filter(slug=SLUG).update(state=Election.State.SUSPENDED)
    check(page, found, "vote suspendu", f"/portail/je-vote/{scrutins[0].pk}/")
    expect(page.get_by_text("Le vote est suspendu par le bureau de vote.")).to_be_visible()
    check(page, found, "accueil, vote suspendu", "/portail/")
    assert found == {}


def test_every_page_a_voter_meets_with_the_identifier_login_and_vote_code_has_no_wcag_violation(page, demo):
    Election.objects.filter(slug=SLUG).update(
        login_mode=Election.LoginMode.IDENTIFIER, vote_code_enabled=True
    )
    found: dict = {}
    check(page, found, "connexion par identifiant", f"/connexion/{SLUG}/")
    page.locator("main form button[type=submit]").first.click()
    check(page, found, "connexion par identifiant, erreurs")
    check(page, found, "première connexion", f"/connexion/{SLUG}/premiere-connexion/")
    page.locator("main form button[type=submit]").first.click()
    check(page, found, "première connexion, erreurs")
    check(page, found, "mot de passe oublié", f"/connexion/{SLUG}/mot-de-passe-oublie/")
    check(page, found, "lien invalide", f"/connexion/{SLUG}/mot-de-passe-oublie/MQ/pas-un-jeton/")
    # First connection with the notice, then the choice of identifier and password.
    matricule = "D0001"
    key = load_demo.account_services.secrets.format_security_key(load_demo.voter_security_key(matricule))
    page.goto(f"/connexion/{SLUG}/premiere-connexion/")
    page.get_by_label("Matricule").fill(matricule)
    page.get_by_label("Date de naissance").fill("14/03/1978")
    page.get_by_label("Clé de sécurité").fill(key)
    page.get_by_label("Mot de passe", exact=True).fill(load_demo.voter_password(matricule))
    fill_captcha(page)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/portail/premiere-connexion/")
    check(page, found, "choix des identifiants")
    address, chosen = "claire.martin@demo.isoloir.localhost", "Le merle chante au printemps"
    page.get_by_label("Adresse électronique", exact=True).fill(address)
    page.get_by_label("Confirmez l'adresse électronique").fill(address)
    page.get_by_label("Mot de passe Élections", exact=True).fill(chosen)
    page.get_by_label("Confirmez le mot de passe Élections").fill(chosen)
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url("**/portail/")
    # The vote code, its request (errors, then sent), and the page a POST without it gets.
    check(page, found, "code de vote", "/portail/code-de-vote/")
    page.locator("main form button[type=submit]").first.click()
    check(page, found, "code de vote, erreur")
    check(page, found, "demande de code de vote", "/portail/code-de-vote/nouveau/")
    page.locator("main form button[type=submit]").first.click()
    check(page, found, "demande de code de vote, erreurs")
    page.locator("label", has_text="Mon NUMEN").click()  # the DSFR label covers the radio
    page.get_by_label("NUMEN ou 10 premiers chiffres du numéro de sécurité sociale").fill(
        load_demo.voter_numen(matricule)
    )
    page.locator("main form button[type=submit]").first.click()
    expect(page.get_by_role("heading", name="Demande enregistrée")).to_be_visible()
    check(page, found, "code de vote envoyé")
    assert found == {}
