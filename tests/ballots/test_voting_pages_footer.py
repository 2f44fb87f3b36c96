"""Issue 14, item 8: the voting pages say « Dernière connexion le … » (as seed 004's screens
do), and the footer holds the support contact the no-JavaScript message points to."""

import re
from html import unescape

import pytest
from django.test import Client

from accounts.models import Voter
from tests.ballots.test_voting import login
from tests.conftest import paris

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return unescape(response.content.decode())


def footer(page: str) -> str:
    return re.search(r'<footer[^>]*id="pied-de-page"[^>]*>(.*?)</footer>', page, re.S).group(1)


def test_voting_pages_show_the_previous_login(open_election, scrutins, voter):
    Voter.objects.filter(pk=voter.pk).update(previous_login=paris(2026, 12, 1, 16, 12))
    client = Client()
    client.force_login(voter.user)
    for url in ("/portail/je-vote/", f"/portail/je-vote/{scrutins[0].pk}/"):
        page = text(client.get(url))
        assert "Dernière connexion le : 01/12/2026 à 16h12 (heure de Paris)" in page, url


def test_the_footer_holds_the_support_the_ballot_page_points_to(open_election, scrutins, voter):
    client = login(Client(), voter)
    page = text(client.get(f"/portail/je-vote/{scrutins[0].pk}/"))
    assert "coordonnées figurent en bas de page" in page
    bottom = footer(page)
    assert "Assistance aux électeurs" in bottom
    assert "le support électeurs" in bottom.lower()
    assert "N° vert 0 800 808 900" in bottom and "05 56 42 72 47" in bottom
    assert "tous les jours de 9h00 à 18h00" in bottom


def test_public_pages_keep_their_own_support_in_their_body(open_election):
    """The login and help pages name the channel they are about; the footer adds none."""
    assert "Assistance aux électeurs" not in footer(text(Client().get(f"/connexion/{open_election.slug}/")))


def test_pages_without_an_election_have_no_support_block(db):
    assert "Assistance aux électeurs" not in footer(text(Client().get("/verification/")))
