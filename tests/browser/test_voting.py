"""Voting in a real Chromium: the ballot is encrypted in the page.

Every demo scrutin with the keyboard alone (axe on each step); what the page sends (the
ballot JSON and the reference, never the choice); tampered posts refused; without
JavaScript, the explanation and nothing to send.
"""

import json
from urllib.parse import parse_qs

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from ballots import crypto
from ballots.models import Ballot, Emargement
from ballots.services import crypto_parameters
from elections.management.commands import load_demo
from elections.models import Scrutin

from .conftest import axe_violations

pytestmark = pytest.mark.django_db(transaction=True)

# D0010 is on the roll of all five demo scrutins.
MATRICULE, BIRTH = "D0010", "28/02/1987"
ACTIVATE = "JE VEUX VOTER, J'ACTIVE LA SÉLECTION DE MON CHOIX DE VOTE"


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


def activate_and_choose(page, scrutin, *, position: int = 1):
    """Step 2 by keyboard: activate, then the option at ``position`` (0-based) with the arrows."""
    tab_to(page, "J'ACTIVE LA SÉLECTION")
    page.keyboard.press("Enter")
    assert page.get_by_role("status").filter(has_text="LES LOGOS SONT ACTIVÉS").is_visible()
    # The activation moves the focus into the radio group (one group, with a legend).
    assert page.evaluate("document.activeElement.type") == "radio"
    assert page.get_by_role("group", name=f"Mon choix de vote au scrutin {scrutin.name}").is_visible()
    page.keyboard.press("Space")  # the first option
    for _ in range(position):
        page.keyboard.press("ArrowDown")


def test_a_voter_votes_in_every_demo_scrutin_with_the_keyboard_alone(page, demo):
    keyboard_login(page)
    tab_to(page, "Consulter les scrutins, les candidatures et voter")
    page.keyboard.press("Enter")
    page.wait_for_url("**/portail/je-vote/")
    scrutins = list(Scrutin.objects.filter(election__slug="demo-2026").order_by("order"))
    assert len(scrutins) == 5
    references = {}
    for index, scrutin in enumerate(scrutins):
        assert axe_violations(page) == [], "step 1"
        tab_to(page, "PARTICIPER")
        page.keyboard.press("Enter")
        page.wait_for_url(f"**/portail/je-vote/{scrutin.pk}/")
        assert not page.get_by_text("Pour voter, JavaScript doit être activé").is_visible()
        radios = page.get_by_role("radio")
        assert radios.first.is_disabled()
        assert shown_buttons(page) == [ACTIVATE]
        if index == 0:
            assert axe_violations(page) == [], "step 2, inactive"
        activate_and_choose(page, scrutin, position=1)
        assert shown_buttons(page) == ["JE VEUX VOTER"]
        chosen = scrutin.lists.order_by("order", "pk")[1]
        if index == 0:
            assert axe_violations(page) == [], "step 2, active"
        tab_to(page, "JE VEUX VOTER")
        page.keyboard.press("Enter")
        # Step 3 in the page: the summary takes the focus and is read first.
        summary = f"VOUS AVEZ CHOISI LA LISTE {chosen.name}"
        assert page.get_by_text(summary).is_visible()
        assert focused_text(page) == summary
        assert shown_buttons(page) == ["RETOUR", "JE VOTE"]
        assert page.title().startswith(f"{scrutin.name} — Vote")
        assert (
            page.get_by_role("navigation", name="Étapes du vote")
            .locator('[aria-current="step"]')
            .inner_text()
            .startswith("3")
        )
        if index == 0:
            assert axe_violations(page) == [], "step 3"
            # RETOUR: back to the ballot, the choice kept and focused; then choose blank.
            tab_to(page, "RETOUR")
            page.keyboard.press("Enter")
            assert page.evaluate("document.activeElement.checked") is True
            assert page.get_by_label(chosen.name).is_checked()
            assert page.title().startswith(f"{scrutin.name} — Constitution bulletin")
            page.keyboard.press("ArrowUp")  # the first list…
            page.keyboard.press("ArrowUp")  # …then round to the last option, Vote blanc
            assert page.get_by_label("Vote blanc").is_checked()
            tab_to(page, "JE VEUX VOTER")
            page.keyboard.press("Enter")
            assert focused_text(page) == "VOUS AVEZ CHOISI DE VOTER BLANC"
        tab_to(page, "JE VOTE")
        page.keyboard.press("Enter")
        page.wait_for_url(f"**/portail/je-vote/{scrutin.pk}/voter/")
        assert page.get_by_text(f"Vous venez de voter au scrutin {scrutin.name}.").is_visible()
        reference = Ballot.objects.get(scrutin=scrutin).reference
        references[scrutin.pk] = reference
        assert page.get_by_text(reference).is_visible()
        if index == 0:
            assert axe_violations(page) == [], "step 4"
        if index < len(scrutins) - 1:
            tab_to(page, "Continuer")
            page.keyboard.press("Enter")
            page.wait_for_url("**/portail/je-vote/")
    assert page.get_by_role("button", name="Me déconnecter").is_visible()
    # Back to a ballot already cast: the page that says so.
    page.goto(f"/portail/je-vote/{scrutins[0].pk}/")
    expect(page.get_by_text("Votre vote a été enregistré le")).to_be_visible()
    assert axe_violations(page) == [], "already voted"
    assert Emargement.objects.filter(voter__matricule=MATRICULE).count() == 5
    for scrutin in scrutins:
        ballot = Ballot.objects.get(scrutin=scrutin)
        crypto.verify_ballot(crypto_parameters(scrutin), ballot.ballot)
        # The voter finds the reference the browser computed on the public ballot box.
        page.goto(f"/urne/demo-2026/{scrutin.code}/")
        page.get_by_label("Référence de mon bulletin").fill(references[scrutin.pk][:12])
        page.get_by_role("button", name="Rechercher").click()
        assert page.get_by_text(references[scrutin.pk]).first.is_visible()
    assert page.csp_violations == []


def test_je_veux_voter_without_a_choice_says_so_and_keeps_the_focus_on_the_ballot(page, demo):
    keyboard_login(page)
    scrutin = Scrutin.objects.get(election__slug="demo-2026", code="ccp-contractuels")
    page.goto(f"/portail/je-vote/{scrutin.pk}/")
    page.get_by_role("button", name="JE VEUX VOTER, J'ACTIVE LA SÉLECTION DE MON CHOIX DE VOTE").click()
    page.get_by_role("button", name="JE VEUX VOTER", exact=True).click()
    assert page.get_by_text("Sélectionnez une liste ou le vote blanc avant de continuer.").is_visible()
    assert page.evaluate("document.activeElement.id") == "choix"
    assert axe_violations(page) == []
    assert page.get_by_role("group", name="Mon choix de vote au scrutin").get_attribute(
        "aria-labelledby"
    ) == ("choix-legend choix-error")
    assert not page.get_by_text("VOUS AVEZ CHOISI").first.is_visible()
    assert Ballot.objects.count() == 0


def shown_buttons(page) -> list[str]:
    """The buttons a person sees in the page's content (not those the DOM merely holds)."""
    return [
        button.inner_text().strip() for button in page.locator("main button").all() if button.is_visible()
    ]


def test_each_step_shows_only_its_own_buttons_and_texts(page, demo):
    keyboard_login(page)
    scrutin = Scrutin.objects.get(election__slug="demo-2026", code="csa-ministeriel")
    chosen = scrutin.lists.order_by("order", "pk")[0]
    page.goto(f"/portail/je-vote/{scrutin.pk}/")
    # Step 2, inactive: only the activation button; the choices show but cannot be ticked.
    assert shown_buttons(page) == [ACTIVATE]
    expect(page.get_by_role("button", name="JE VEUX VOTER", exact=True)).to_be_hidden()
    expect(page.get_by_role("link", name="RETOUR")).to_be_visible()
    expect(page.get_by_text("Pour voter, JavaScript doit être activé")).to_be_hidden()
    expect(page.get_by_text("LES LOGOS SONT ACTIVÉS")).to_be_hidden()
    expect(page.get_by_text("Sélectionnez une liste ou le vote blanc")).to_be_hidden()
    expect(page.locator("label", has_text=chosen.name).first).to_be_visible()
    expect(page.get_by_text("VOUS AVEZ CHOISI").first).to_be_hidden()
    # Step 2, active: the activation button gives way to JE VEUX VOTER.
    page.get_by_role("button", name=ACTIVATE).click()
    expect(page.get_by_text("LES LOGOS SONT ACTIVÉS")).to_be_visible()
    assert shown_buttons(page) == ["JE VEUX VOTER"]
    page.locator("label", has_text=chosen.name).first.click()
    page.get_by_role("button", name="JE VEUX VOTER", exact=True).click()
    # Step 3: the choice restated, RETOUR and JE VOTE; nothing of step 2 remains.
    expect(page.get_by_text(f"VOUS AVEZ CHOISI LA LISTE {chosen.name}")).to_be_visible()
    expect(page.get_by_text("VOUS AVEZ CHOISI DE VOTER BLANC")).to_be_hidden()
    expect(page.get_by_text("voter pour cette liste")).to_be_visible()
    expect(page.get_by_text("voter blanc", exact=True)).to_be_hidden()
    assert shown_buttons(page) == ["RETOUR", "JE VOTE"]
    expect(page.locator("label", has_text=chosen.name).first).to_be_hidden()
    expect(page.get_by_role("link", name="RETOUR")).to_be_hidden()
    # RETOUR: step 2 again, still active; then blank.
    page.get_by_role("button", name="RETOUR").click()
    assert shown_buttons(page) == ["JE VEUX VOTER"]
    expect(page.get_by_text("VOUS AVEZ CHOISI").first).to_be_hidden()
    page.locator("label", has_text="Vote blanc").click()
    page.get_by_role("button", name="JE VEUX VOTER", exact=True).click()
    expect(page.get_by_text("VOUS AVEZ CHOISI DE VOTER BLANC")).to_be_visible()
    expect(page.get_by_text(f"VOUS AVEZ CHOISI LA LISTE {chosen.name}")).to_be_hidden()
    expect(page.get_by_text("voter blanc", exact=True)).to_be_visible()
    expect(page.get_by_text("voter pour cette liste")).to_be_hidden()
    page.get_by_role("button", name="JE VOTE").click()
    page.wait_for_url(f"**/portail/je-vote/{scrutin.pk}/voter/")
    # Step 4: the accusé; no button of steps 2 and 3 is left on screen.
    expect(page.get_by_text(f"Vous venez de voter au scrutin {scrutin.name}.")).to_be_visible()
    assert not any(name in shown_buttons(page) for name in (ACTIVATE, "JE VEUX VOTER", "JE VOTE", "RETOUR"))


def _option_ids(scrutin) -> set[str]:
    return set(crypto_parameters(scrutin).options)


def test_no_request_from_the_ballot_to_the_accuse_carries_the_choice(page, demo):
    keyboard_login(page)
    scrutin = Scrutin.objects.get(election__slug="demo-2026", code="csa-ministeriel")
    requests = []
    page.on("request", lambda request: requests.append(request))
    page.goto(f"/portail/je-vote/{scrutin.pk}/")
    page.get_by_role("button", name="JE VEUX VOTER, J'ACTIVE LA SÉLECTION DE MON CHOIX DE VOTE").click()
    chosen = scrutin.lists.order_by("order", "pk")[2]
    page.locator("label", has_text=chosen.name).first.click()  # the DSFR label covers the radio
    page.get_by_role("button", name="JE VEUX VOTER", exact=True).click()
    page.get_by_role("button", name="RETOUR").click()
    page.get_by_role("button", name="JE VEUX VOTER", exact=True).click()
    page.get_by_role("button", name="JE VOTE").click()
    page.wait_for_url(f"**/portail/je-vote/{scrutin.pk}/voter/")
    assert page.get_by_text(f"Vous venez de voter au scrutin {scrutin.name}.").is_visible()

    options = _option_ids(scrutin)
    posts = [r for r in requests if r.method != "GET"]
    assert [r.url.split("/portail/")[1] for r in posts] == [f"je-vote/{scrutin.pk}/voter/"]
    fields = parse_qs(posts[0].post_data, strict_parsing=True)
    assert set(fields) == {"csrfmiddlewaretoken", "ballot", "reference"}
    ballot = json.loads(fields["ballot"][0])
    strings = json.dumps(ballot)
    assert not any(f'"{option}"' in strings for option in options)
    assert (
        fields["reference"][0]
        == crypto.ballot_reference(ballot)
        == Ballot.objects.get(scrutin=scrutin).reference
    )
    # Outside the ballot JSON, no request (URL, body) names an option or a choice.
    for request in requests:
        body = parse_qs(request.post_data or "")
        outside = " ".join(
            [request.url, *(f"{k}={v}" for k, vs in body.items() if k != "ballot" for v in vs)]
        )
        assert not any(option in outside for option in options - {"blank"}), request.url
        assert "choix" not in outside and "blank" not in outside.replace(request.url, ""), request.url
    crypto.verify_ballot(crypto_parameters(scrutin), Ballot.objects.get(scrutin=scrutin).ballot)


@pytest.mark.parametrize("tamper", ["reference", "ballot"])
def test_a_ballot_or_reference_changed_on_the_way_is_refused(page, demo, tamper):
    keyboard_login(page)
    scrutin = Scrutin.objects.get(election__slug="demo-2026", code="ccp-contractuels")

    def change(route):
        fields = parse_qs(route.request.post_data)
        ballot = json.loads(fields["ballot"][0])
        reference = fields["reference"][0]
        if tamper == "reference":
            reference = reference[:-1] + ("0" if reference[-1] != "0" else "1")
        else:  # swap two answers' betas and send the matching reference: the proofs fail
            answers = ballot["answers"]
            answers[0]["beta"], answers[1]["beta"] = answers[1]["beta"], answers[0]["beta"]
            reference = crypto.ballot_reference(ballot)
        body = "&".join(
            f"{key}={value}"
            for key, value in (
                ("csrfmiddlewaretoken", fields["csrfmiddlewaretoken"][0]),
                ("ballot", _quote(json.dumps(ballot, separators=(",", ":"), sort_keys=True))),
                ("reference", reference),
            )
        )
        route.continue_(post_data=body)

    page.route(f"**/portail/je-vote/{scrutin.pk}/voter/", change)
    page.goto(f"/portail/je-vote/{scrutin.pk}/")
    page.get_by_role("button", name="JE VEUX VOTER, J'ACTIVE LA SÉLECTION DE MON CHOIX DE VOTE").click()
    page.locator("label", has_text="Vote blanc").click()
    page.get_by_role("button", name="JE VEUX VOTER", exact=True).click()
    with page.expect_response(f"**/portail/je-vote/{scrutin.pk}/voter/") as response:
        page.get_by_role("button", name="JE VOTE").click()
    assert response.value.status == 400
    page.wait_for_url(f"**/portail/je-vote/{scrutin.pk}/voter/")
    assert page.get_by_text("Votre bulletin n'a pas été déposé").is_visible()
    expected = "ne correspond pas au bulletin reçu" if tamper == "reference" else "n'est pas valide"
    assert page.get_by_text(expected, exact=False).is_visible()
    assert axe_violations(page) == []
    assert Ballot.objects.count() == 0 and Emargement.objects.count() == 0


def _quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text, safe="")


def test_without_javascript_the_voter_is_told_why_and_nothing_can_be_sent(chromium, live_server, demo):
    context = chromium.new_context(base_url=live_server.url, java_script_enabled=False, locale="fr-FR")
    page = context.new_page()
    requests = []
    page.on("request", lambda request: requests.append(request))
    keyboard_login(page)
    scrutin = Scrutin.objects.get(election__slug="demo-2026", code="ccp-contractuels")
    page.goto(f"/portail/je-vote/{scrutin.pk}/")
    assert page.get_by_role(
        "heading", name="Pour voter, JavaScript doit être activé dans votre navigateur"
    ).is_visible()
    assert page.get_by_text("Aucun choix n'a été envoyé.").is_visible()
    assert page.get_by_role("radio").count() == 0  # hidden: nothing to choose
    for name in ("JE VEUX VOTER", "JE VOTE"):
        assert page.get_by_role("button", name=name).count() == 0
    assert page.get_by_role("link", name="Retour à mes scrutins").is_visible()
    posts = [r for r in requests if r.method == "POST"]
    assert [r.url for r in posts] == [f"{live_server.url}/connexion/demo-2026/"]
    assert Ballot.objects.count() == 0
    context.close()
