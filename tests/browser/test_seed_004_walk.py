"""Seed 004 (Éducation) followed in Chromium by its labels, as a voter holding the guide:
first connection, identifier login with the captcha in the guide's order, the code de vote,
« Je n'ai pas de code de vote », the expired code, then the émargements without the code
after a new login. Each text the guide quotes for these steps is looked for on screen; axe
on the pages of issue 14; the radios and « Déconnexion » at 375 px."""

import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import VoteCode
from elections.management.commands import load_demo
from elections.models import Scrutin

from .conftest import axe_violations
from .test_identifier_login import ADDRESS, CHOSEN, MATRICULE, choose, demo, first_connection  # noqa: F401
from .test_voting import ACTIVATE

pytestmark = pytest.mark.django_db(transaction=True)

CAPTCHA = "Recopiez les chiffres de l'image"


def box(locator):
    found = locator.bounding_box()
    assert found is not None, locator
    return found


def login_in_the_guides_order(page) -> None:
    page.goto("/connexion/demo-2026/")
    identifier, captcha, password = (
        page.get_by_label("Identifiant"),
        page.get_by_label(CAPTCHA),
        page.get_by_label("Mot de passe Élections"),
    )
    # « Identifiant », « Recopier les chiffres du captcha », « mot de passe Élections », top to bottom.
    assert box(identifier)["y"] < box(captcha)["y"] < box(password)["y"]
    identifier.fill(ADDRESS)
    captcha.fill("PASSED")
    password.fill(CHOSEN)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/portail/")


def logout_at_375(page) -> None:
    page.set_viewport_size({"width": 375, "height": 800})
    button = page.get_by_role("button", name="Déconnexion").first
    expect(button).to_be_visible()
    assert button.inner_text().strip() == "Déconnexion"
    found = box(button)
    assert found["x"] >= 0 and found["x"] + found["width"] <= 375
    # The word is drawn whole inside the button, not clipped to an icon.
    assert button.evaluate("b => b.scrollWidth <= b.clientWidth + 1")
    assert found["width"] > 60
    button.click()
    page.wait_for_url("**/")
    page.set_viewport_size({"width": 1280, "height": 900})


def cast_blank(page, scrutin) -> None:
    page.get_by_role("link", name=f"PARTICIPER au scrutin {scrutin.name}").click()
    page.get_by_role("button", name=ACTIVATE).click()
    page.locator("label", has_text="Vote blanc").click()
    page.get_by_role("button", name="JE VEUX VOTER", exact=True).click()
    expect(page.get_by_text("VOUS AVEZ CHOISI DE VOTER BLANC")).to_be_visible()
    page.get_by_role("button", name="JE VOTE").click()
    expect(page.get_by_text(f"Vous venez de voter au scrutin {scrutin.name}.")).to_be_visible()
    expect(page.get_by_text("Cet émargement est disponible à tout moment")).to_be_visible()


def test_seed_004_by_the_labels(page, demo):  # noqa: F811
    # First connection with the notice, then the identifier and mot de passe Élections.
    first_connection(page)
    choose(page)
    page.wait_for_url("**/portail/")
    expect(page.get_by_text("Bienvenue sur votre portail Élections")).to_be_visible()
    logout_at_375(page)

    # The login, in the guide's order; the captcha's other digits and its audio.
    page.goto("/connexion/demo-2026/")
    image = page.get_by_role("img", name="Chiffres à recopier (image)")
    before = image.get_attribute("src")
    key_before = page.locator('input[name="captcha_0"]').input_value()
    page.get_by_role("link", name="Afficher d'autres chiffres").click()
    expect(image).not_to_have_attribute("src", before)
    assert page.locator('input[name="captcha_0"]').input_value() not in ("", key_before)
    assert page.url.endswith("/connexion/demo-2026/")  # no reload: what was typed stays
    assert axe_violations(page) == []
    assert page.csp_violations == []
    login_in_the_guides_order(page)

    # « Consulter les scrutins, les candidatures et voter » → the code first.
    page.get_by_role("link", name="Consulter les scrutins, les candidatures et voter").click()
    expect(page.get_by_role("heading", name="Accès aux scrutins")).to_be_visible()
    expect(page.get_by_text("Dernière connexion le :")).to_be_visible()
    page.get_by_role("link", name="Saisir mon code de vote").click()
    expect(page.get_by_role("heading", name="Saisie du code de vote")).to_be_visible()
    expect(
        page.get_by_text("indiqué dans le courrier papier reçu à domicile ou retiré au secrétariat")
    ).to_be_visible()
    assert axe_violations(page) == []

    # « Je n'ai pas de code de vote »: NUMEN or the first 10 digits of the NIR, as radios.
    page.get_by_role("link", name="Je n'ai pas de code de vote").click()
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        group = page.get_by_role("group", name="Je m'identifie avec")
        expect(group).to_be_visible()
        numen = group.get_by_role("radio", name="Mon NUMEN")
        nir = group.get_by_role("radio", name="Les 10 premiers chiffres de mon numéro de sécurité sociale")
        expect(numen).to_be_visible()
        expect(nir).to_be_visible()
        last_label = box(page.locator("label", has_text="Les 10 premiers chiffres de mon numéro"))
        next_label = box(page.locator("label[for=id_identifier]"))
        assert last_label["y"] + last_label["height"] <= next_label["y"]  # no overlap
        assert box(numen)["width"] < 40  # a radio, not a stretched text input
        assert axe_violations(page) == []
    page.set_viewport_size({"width": 1280, "height": 900})
    expect(page.get_by_text("2 minutes").first).to_be_visible()
    expect(page.get_by_text("dossier « spam »")).to_be_visible()
    page.locator("label", has_text="Mon NUMEN").click()  # DSFR draws the radio on its label
    expect(page.get_by_label("Mon NUMEN")).to_be_checked()
    page.get_by_label("NUMEN ou 10 premiers chiffres du numéro de sécurité sociale").fill(
        load_demo.voter_numen(MATRICULE)
    )
    page.get_by_role("button", name="Recevoir un nouveau code de vote").click()
    expect(page.get_by_text("Demande enregistrée")).to_be_visible()
    expect(page.get_by_text("dossier « spam »")).to_be_visible()
    emailed = re.search(r"Votre nouveau code de vote : ([A-Z0-9-]+)", mail.outbox[-1].body).group(1)

    # The 2 minutes have passed: the code is said expired, and a new one is offered.
    VoteCode.objects.filter(origin=VoteCode.Origin.EMAIL).update(expires=timezone.now())
    page.get_by_role("link", name="Saisir mon code de vote").click()
    page.get_by_label("Code de vote").fill(emailed)
    page.get_by_role("button", name="Accéder à l'espace de vote").click()
    alert = page.get_by_role("alert").filter(has_text="Ce code de vote a expiré")
    expect(alert).to_be_visible()
    expect(alert.get_by_role("link", name=re.compile("Je n'ai pas de code de vote"))).to_be_visible()
    expect(page.get_by_text("Il vous reste")).to_have_count(0)
    assert axe_violations(page) == []

    # The letter's code opens the voting space; vote in every scrutin.
    page.get_by_label("Code de vote").fill(load_demo.voter_vote_code(MATRICULE))
    page.get_by_role("button", name="Accéder à l'espace de vote").click()
    page.wait_for_url("**/portail/je-vote/")
    expect(
        page.get_by_text("le nombre et la nature des scrutins diffèrent d'un électeur à l'autre")
    ).to_be_visible()
    mine = list(Scrutin.objects.filter(roll_entries__voter__matricule=MATRICULE).order_by("order", "pk"))
    for scrutin in mine:
        page.goto("/portail/je-vote/")
        cast_blank(page, scrutin)
    logout_at_375(page)

    # A new login: the émargements and the times without any code.
    login_in_the_guides_order(page)
    page.get_by_role("link", name="Consulter les scrutins, les candidatures et voter").click()
    page.wait_for_url("**/portail/je-vote/")
    expect(page.get_by_text("Dernière connexion le :")).to_be_visible()
    expect(page.get_by_text("Choix enregistré le")).to_have_count(len(mine))
    expect(page.get_by_role("link", name="Saisir mon code de vote")).to_have_count(0)
    links = page.get_by_role("link", name=re.compile("Télécharger mon émargement"))
    expect(links).to_have_count(len(mine))
    pdf = page.request.get(links.first.get_attribute("href"))
    assert pdf.status == 200 and pdf.body()[:5] == b"%PDF-"
    assert axe_violations(page) == []
    # The footer holds the support contact the pages point to « en bas de page ».
    footer = page.locator("#pied-de-page")
    expect(footer.get_by_text("Assistance aux électeurs")).to_be_visible()
    assert page.csp_violations == []
