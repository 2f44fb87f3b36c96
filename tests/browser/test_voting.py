"""Voting in a real Chromium: every demo scrutin with the keyboard alone; axe on each step."""

import pytest
from django.core.management import call_command

from ballots import crypto
from ballots.models import Ballot, Emargement
from ballots.services import crypto_parameters
from elections.management.commands import load_demo
from elections.models import Scrutin

from .conftest import axe_violations

pytestmark = pytest.mark.django_db(transaction=True)

# D0010 is on the roll of all five demo scrutins.
MATRICULE, BIRTH = "D0010", "28/02/1987"


@pytest.fixture
def demo():
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def focused_text(page) -> str:
    return page.evaluate("(document.activeElement.innerText || document.activeElement.value || '').trim()")


def tab_to(page, text: str, *, limit: int = 250) -> None:
    """Press Tab until the focused element shows ``text`` (keyboard only, no click)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if text in focused_text(page):
            return
    raise AssertionError(f"« {text} » never received the focus")


def keyboard_login(page) -> None:
    page.goto("/connexion/demo-2026/")
    page.get_by_label("Matricule").focus()
    key = load_demo.account_services.secrets.format_security_key(load_demo.voter_security_key(MATRICULE))
    for value in (MATRICULE, BIRTH, key, load_demo.voter_password(MATRICULE)):
        page.keyboard.type(value)
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**/portail/")


def test_a_voter_votes_in_every_demo_scrutin_with_the_keyboard_alone(page, demo):
    keyboard_login(page)
    tab_to(page, "Consulter les scrutins, les candidatures et voter")
    page.keyboard.press("Enter")
    page.wait_for_url("**/portail/je-vote/")
    scrutins = list(Scrutin.objects.filter(election__slug="demo-2026").order_by("order"))
    assert len(scrutins) == 5
    for index, scrutin in enumerate(scrutins):
        assert axe_violations(page) == [], "step 1"
        tab_to(page, "PARTICIPER")
        page.keyboard.press("Enter")
        page.wait_for_url(f"**/portail/je-vote/{scrutin.pk}/")
        radios = page.get_by_role("radio")
        assert radios.first.is_disabled()
        if index == 0:
            assert axe_violations(page) == [], "step 2, inactive"
        tab_to(page, "J'ACTIVE LA SÉLECTION")
        page.keyboard.press("Enter")
        status = page.get_by_role("status").filter(has_text="LES LOGOS SONT ACTIVÉS")
        assert status.is_visible()
        # The activation moves the focus into the radio group (one group, with a legend).
        assert page.evaluate("document.activeElement.type") == "radio"
        assert page.get_by_role("group", name=f"Mon choix de vote au scrutin {scrutin.name}").is_visible()
        page.keyboard.press("Space")  # the first list
        page.keyboard.press("ArrowDown")  # the second one
        chosen = scrutin.lists.order_by("order", "pk")[1]
        if index == 0:
            assert axe_violations(page) == [], "step 2, active"
        tab_to(page, "JE VEUX VOTER")
        page.keyboard.press("Enter")
        page.wait_for_url(f"**/portail/je-vote/{scrutin.pk}/confirmer/")
        assert page.get_by_text(f"VOUS AVEZ CHOISI LA LISTE {chosen.name}").is_visible()
        if index == 0:
            assert axe_violations(page) == [], "step 3"
        tab_to(page, "JE VOTE")
        page.keyboard.press("Enter")
        page.wait_for_url(f"**/portail/je-vote/{scrutin.pk}/voter/")
        assert page.get_by_text(f"Vous venez de voter au scrutin {scrutin.name}.").is_visible()
        reference = Ballot.objects.get(scrutin=scrutin).reference
        assert page.get_by_text(reference).is_visible()
        if index == 0:
            assert axe_violations(page) == [], "step 4"
        if index < len(scrutins) - 1:
            tab_to(page, "Continuer")
            page.keyboard.press("Enter")
            page.wait_for_url("**/portail/je-vote/")
    assert page.get_by_role("button", name="Me déconnecter").is_visible()
    assert Emargement.objects.filter(voter__matricule=MATRICULE).count() == 5
    for scrutin in scrutins:
        ballot = Ballot.objects.get(scrutin=scrutin)
        crypto.verify_ballot(crypto_parameters(scrutin), ballot.ballot)
    assert page.csp_violations == []


def test_voting_works_without_javascript(chromium, live_server, demo):
    context = chromium.new_context(base_url=live_server.url, java_script_enabled=False, locale="fr-FR")
    page = context.new_page()
    keyboard_login(page)
    scrutin = Scrutin.objects.get(election__slug="demo-2026", code="ccp-contractuels")
    page.goto(f"/portail/je-vote/{scrutin.pk}/")
    page.get_by_role("button", name="JE VEUX VOTER, J'ACTIVE LA SÉLECTION DE MON CHOIX DE VOTE").click()
    page.wait_for_url(f"**/portail/je-vote/{scrutin.pk}/?activer=1#choix")
    assert page.get_by_text("LES LOGOS SONT ACTIVÉS, VOUS POUVEZ FORMULER VOTRE CHOIX DE VOTE").is_visible()
    page.locator("label", has_text="Vote blanc").click()  # the DSFR label covers the radio
    assert page.get_by_label("Vote blanc").is_checked()
    page.get_by_role("button", name="JE VEUX VOTER", exact=True).click()
    assert page.get_by_text("VOUS AVEZ CHOISI DE VOTER BLANC").is_visible()
    page.get_by_role("button", name="JE VOTE").click()
    assert page.get_by_text(f"Vous venez de voter au scrutin {scrutin.name}.").is_visible()
    assert Ballot.objects.filter(scrutin=scrutin).count() == 1
    context.close()
