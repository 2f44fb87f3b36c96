"""Before the opening, in a real Chromium: the voter sees when the vote opens, and nothing to cast."""

import datetime as dt

import pytest
from django.utils import timezone
from django.utils.formats import date_format

from elections.models import Election
from tests.factories import VOTER_PASSWORD, CandidateListFactory, ElectionFactory, ScrutinFactory, make_voter

from .conftest import axe_violations

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = "/tmp/vote-periods"  # noqa: S108 — screenshots looked at by hand


@pytest.fixture
def before_opening():
    """An election in preparation opening in two days at 08:00 (Paris), a voter on two scrutins."""
    day = timezone.localtime() + dt.timedelta(days=2)
    opens = day.replace(hour=8, minute=0, second=0, microsecond=0)
    election = ElectionFactory(
        state=Election.State.PREPARATION, opens=opens, closes=opens + dt.timedelta(days=7)
    )
    scrutins = [ScrutinFactory(election=election, order=i) for i in range(2)]
    for scrutin in scrutins:
        CandidateListFactory(scrutin=scrutin, code="liste-01", name="Liste n° 1", order=0)
    voter = make_voter(election=election, matricule="A1001", scrutins=scrutins)
    return election, voter


def test_before_the_opening_a_voter_sees_the_opening_date_and_no_way_to_cast(page, before_opening):
    election, voter = before_opening
    opening = date_format(timezone.localtime(election.opens), "l j F Y à H\\hi")
    page.goto(f"/connexion/{election.slug}/")
    page.get_by_label("Matricule").fill(voter.matricule)
    page.get_by_label("Date de naissance").fill("17/05/1980")
    page.get_by_label("Clé de sécurité").fill("ACDE-FGHJ-KMNP")
    page.get_by_label("Mot de passe").fill(VOTER_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/portail/")

    status = page.get_by_role("status").filter(has_text="Le vote n'est pas encore ouvert")
    assert status.is_visible()
    assert status.get_by_text(f"Il ouvrira le {opening} (heure de Paris).").is_visible()
    assert page.get_by_role("link", name="Consulter les scrutins, les candidatures et voter").count() == 0
    page.screenshot(path=f"{SHOTS}-home-before-opening.png", full_page=True)
    assert axe_violations(page) == []

    page.get_by_role("link", name="Voir mes scrutins").click()
    page.wait_for_url("**/portail/je-vote/")
    status = page.get_by_role("status").filter(has_text="Le vote n'est pas encore ouvert")
    assert status.is_visible()
    assert status.get_by_text(f"Il ouvrira le {opening} (heure de Paris).").is_visible()
    assert page.get_by_role("link", name="PARTICIPER").count() == 0
    assert page.get_by_text("CSA n°").first.is_visible()
    page.screenshot(path=f"{SHOTS}-je-vote-before-opening.png", full_page=True)
    assert axe_violations(page) == []
    assert page.csp_violations == []
