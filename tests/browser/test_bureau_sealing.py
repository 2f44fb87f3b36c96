"""The bureau de vote seals an election in a real Chromium (issue 15, Tests): the president and
two delegates, each logged in with their own account in their own browser, go from the admin
home to the dashboard, read the checks and the seal, confirm, and the third confirmation seals;
the dashboard then shows the recorded seal."""

import datetime as dt
import re

import pytest
from django.apps import apps
from django.utils import timezone

from ballots.bureau.selectors import seal_groups
from ballots.lifecycle import seal_status
from ballots.models import ElectionSeal, SealConfirmation
from elections.models import Election
from tests.factories import sealable_election

from .conftest import axe_violations

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "staff-password-123"  # StaffFactory's
SHOTS = "/tmp/bureau-sealing"  # noqa: S108 — screenshots looked at by hand


@pytest.fixture
def prepared():
    from accounts.roles import roles_sync

    roles_sync(apps)  # a transactional test starts from an empty database
    opens = timezone.now() + dt.timedelta(days=2)
    return sealable_election(opens=opens, closes=opens + dt.timedelta(days=8))


def logged_in(chromium, live_server, user):
    """A browser of its own for one member, logged in through the admin's login page."""
    context = chromium.new_context(
        base_url=live_server.url, locale="fr-FR", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.goto("/gestion/login/?next=/gestion/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url("**/gestion/")
    return context, page


def seal_shown(page) -> str:
    """The seal as the page prints it (groups of four, two lines), blanks collapsed."""
    return " ".join(page.locator("#seal").inner_text().split())


def visible(page, text: str) -> bool:
    return page.get_by_text(text, exact=False).first.is_visible()


def test_the_president_and_two_delegates_seal_the_election_from_their_dashboards(
    chromium, live_server, prepared
):
    election, bureau = prepared
    seal = seal_status(election).seal
    members = [("president", "Président"), ("delegate1", "Délégué n° 1"), ("delegate2", "Délégué n° 2")]
    browsers = {key: logged_in(chromium, live_server, bureau[key]) for key, _ in members}
    try:
        # Each member's admin home leads to the dashboard; each opens the confirmation page.
        for key, label in members:
            page = browsers[key][1]
            box = page.locator("#bureau-home")
            assert box.get_by_role("heading", name="Bureau de vote").is_visible()
            if key == "president":
                page.screenshot(path=f"{SHOTS}-1-admin-home.png", full_page=True)
                assert axe_violations(page) == []
            box.get_by_role("link", name=f"Tableau de bord — {election.name}").click()
            page.wait_for_url(f"**/gestion/bureau/{election.slug}/")
            assert page.get_by_role("heading", name=f"Bureau de vote — {election.name}").is_visible()
            assert page.locator("#election-state").inner_text() == "En préparation"
            assert visible(page, f"Vous siégez au bureau de vote comme {label}")
            assert seal_shown(page) == seal_groups(seal)
            assert page.locator("#seal-checks").get_by_text("Non satisfaite").count() == 0
            if key == "president":
                page.screenshot(path=f"{SHOTS}-2-dashboard-before.png", full_page=True)
            page.get_by_role("link", name="Confirmer le scellement").click()
            page.wait_for_url(f"**/gestion/bureau/{election.slug}/sceller/")
            assert visible(page, "la troisième confirmation valide scelle l'élection")
            assert visible(page, "plus rien de la définition de l'élection ne peut changer")
            assert seal_shown(page) == seal_groups(seal)
        browsers["president"][1].screenshot(path=f"{SHOTS}-3-confirm-page.png", full_page=True)
        assert axe_violations(browsers["president"][1]) == []

        # They confirm one after the other; the pages were read before, the seal has not changed.
        for n, (key, _label) in enumerate(members, start=1):
            page = browsers[key][1]
            page.get_by_role("button", name="Je confirme les vérifications et le sceau").click()
            page.wait_for_url(f"**/gestion/bureau/{election.slug}/")
            assert visible(page, "Votre confirmation est enregistrée")
            assert SealConfirmation.objects.filter(election=election).count() == n
            if n == 1:
                assert visible(page, "Le scellement attend : 2 délégué(s).")
                assert page.locator("#election-state").inner_text() == "En préparation"
                page.screenshot(path=f"{SHOTS}-4-after-first.png", full_page=True)

        page = browsers["delegate2"][1]
        assert visible(page, "l'élection est scellée")
        recorded = ElectionSeal.objects.get(election=election)
        assert recorded.seal == seal
        assert Election.objects.get(pk=election.pk).get_state_display() == "Scellée"
        assert page.locator("#election-state").inner_text() == "Scellée"
        assert visible(page, "Sceau enregistré le")
        assert seal_shown(page) == seal_groups(recorded.seal)
        assert page.get_by_role("link", name="Confirmer le scellement").count() == 0
        confirmations = page.locator("#seal-confirmations").inner_text()
        assert all(label in confirmations for _key, label in members)
        assert page.locator("#bureau-trail").get_by_role("cell", name="Scellement", exact=True).is_visible()
        page.screenshot(path=f"{SHOTS}-5-sealed.png", full_page=True)
        assert axe_violations(page) == []

        # The president's dashboard, reloaded, shows the same recorded seal.
        president = browsers["president"][1]
        president.reload()
        assert president.locator("#election-state").inner_text() == "Scellée"
        assert seal_shown(president) == seal_groups(recorded.seal)
        assert re.search(r"Ouverture du vote", president.locator("#bureau-timetable").inner_text())
        president.get_by_role("link", name="Bureau de vote", exact=True).click()
        president.wait_for_url("**/gestion/bureau/")
        row = president.locator("#bureau-elections tbody tr").first
        assert row.get_by_role("link", name=election.name).is_visible()
        assert "Scellée" in row.inner_text() and "Ouverture du vote" in row.inner_text()
        president.screenshot(path=f"{SHOTS}-10-index.png", full_page=True)
    finally:
        for context, _page in browsers.values():
            context.close()


@pytest.fixture
def voting(prepared):
    """The election sealed by its bureau and opened by the calendar; two of its voters voted."""
    from ballots.lifecycle import election_open
    from ballots.services import ballot_build, ballot_cast
    from tests.factories import make_voter, seal_by_bureau

    election, bureau = prepared
    scrutin = election.scrutins.get()
    make_voter(election=election, scrutins=(scrutin,), last_name="Bernard", first_name="Karim")
    seal_by_bureau(election, bureau)
    Election.objects.filter(pk=election.pk).update(opens=timezone.now() - dt.timedelta(minutes=1))
    election.refresh_from_db()
    election_open(election=election)
    election.refresh_from_db()
    for voter in election.voters.order_by("last_name")[:2]:
        ballot_cast(
            voter=voter, scrutin_id=scrutin.pk, ballot=ballot_build(scrutin=scrutin, choice="liste-2")
        )
    return election, bureau


def test_the_president_suspends_resumes_checks_the_box_and_reads_the_emargements(
    chromium, live_server, voting
):
    from tests.conftest import run_jobs

    election, bureau = voting
    context, page = logged_in(chromium, live_server, bureau["president"])
    try:
        page.goto(f"/gestion/bureau/{election.slug}/")
        assert page.locator("#election-state").inner_text() == "Ouverte"
        counts = page.locator("#bureau-counts tbody tr").first.locator("td").all_inner_texts()
        assert counts == ["3", "2", "2"]  # registered, émargements, ballots

        page.get_by_role("link", name="Suspendre le vote").click()
        assert visible(page, "les électeurs ne peuvent plus voter")
        page.get_by_role("button", name="Suspendre le vote").click()  # no reason: the browser says so
        assert page.url.endswith("/suspendre/")
        page.get_by_label("Motif").fill("Panne du réseau du ministère")
        page.screenshot(path=f"{SHOTS}-6-suspend.png", full_page=True)
        assert axe_violations(page) == []
        page.get_by_role("button", name="Suspendre le vote").click()
        page.wait_for_url(f"**/gestion/bureau/{election.slug}/")
        assert visible(page, "Le vote est suspendu.")
        assert page.locator("#election-state").inner_text() == "Suspendue"
        assert page.locator("#bureau-trail").get_by_text("Motif : Panne du réseau du ministère").is_visible()
        page.screenshot(path=f"{SHOTS}-7-suspended.png", full_page=True)

        page.get_by_role("link", name="Reprendre le vote").click()
        page.get_by_label("Motif").fill("Réseau rétabli")
        page.get_by_role("button", name="Reprendre le vote").click()
        page.wait_for_url(f"**/gestion/bureau/{election.slug}/")
        assert page.locator("#election-state").inner_text() == "Ouverte"

        page.get_by_role("link", name="Contrôler l'intégrité").click()
        page.get_by_role("button", name="Lancer le contrôle d'intégrité").click()
        page.wait_for_url(f"**/gestion/bureau/{election.slug}/")
        assert page.locator("#integrity-checks").get_by_text("En attente").is_visible()
        run_jobs()
        page.reload()
        assert page.locator("#integrity-checks").get_by_text("Aucune anomalie").is_visible()
        page.screenshot(path=f"{SHOTS}-8-integrity.png", full_page=True)
        assert axe_violations(page) == []

        page.get_by_role("link", name="Consulter la liste d'émargement").click()
        rows = page.locator("#emargement-list tbody tr")
        assert rows.count() == 2
        assert rows.first.locator("th").inner_text().startswith("BERNARD Karim")
        page.get_by_label("Rechercher un nom ou un matricule").fill("bern")
        page.get_by_role("button", name="Rechercher").click()
        assert rows.count() == 1 and visible(page, "1 émargement(s) pour « bern »")
        page.screenshot(path=f"{SHOTS}-9-emargements.png", full_page=True)
        assert axe_violations(page) == []

        # The calendar closes and freezes the box (the scheduler's step, run here at the freeze time).
        from ballots.lifecycle import lifecycle_tick
        from elections.lifecycle import closing_grace

        lifecycle_tick(now=election.closes + closing_grace())
        page.goto(f"/gestion/bureau/{election.slug}/")
        assert page.locator("#election-state").inner_text() == "Close"
        frozen = page.locator("#bureau-freezes tbody tr").first
        assert frozen.is_visible() and frozen.locator("td").nth(2).inner_text() == "2"
        assert page.locator(".bureau-actions").get_by_role("link", name="Suspendre le vote").count() == 0
        page.screenshot(path=f"{SHOTS}-11-frozen.png", full_page=True)
        assert axe_violations(page) == []
    finally:
        context.close()
