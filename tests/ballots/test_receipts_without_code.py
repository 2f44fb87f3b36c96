"""Issue 14, item 4: with the code de vote (seed 004), the receipts stay reachable after a
new login without the code — my scrutins with their times, the émargement PDFs — and only
casting (the ballot page, JE VOTE) asks for it."""

import re

import pytest

from ballots.models import Ballot
from tests.accounts.test_vote_code import LETTER_CODE, enter, login, text
from tests.accounts.test_vote_code import coded as _coded
from tests.ballots.test_voting import blank_vote, vote

pytestmark = pytest.mark.django_db
coded = _coded


def test_after_voting_everywhere_a_new_login_sees_receipts_without_the_code(coded, scrutins):
    first = login(coded)
    assert enter(first, LETTER_CODE).status_code == 302
    for scrutin in scrutins[:2]:
        assert vote(first, scrutin).status_code == 200

    later = login(coded)  # a new session: no code typed
    response = later.get("/portail/je-vote/")
    assert response.status_code == 200
    page = text(response)
    assert page.count("Choix enregistré le") == 2
    for scrutin in scrutins[:2]:
        assert f'href="/portail/je-vote/{scrutin.pk}/emargement.pdf"' in page
        pdf = later.get(f"/portail/je-vote/{scrutin.pk}/emargement.pdf")
        assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert "Saisir mon code de vote" not in page  # nothing left to cast


def test_without_the_code_the_list_shows_and_casting_asks_for_it(coded, scrutins):
    first = login(coded)
    assert enter(first, LETTER_CODE).status_code == 302
    assert vote(first, scrutins[0]).status_code == 200

    later = login(coded)
    page = text(later.get("/portail/je-vote/"))
    assert "Choix enregistré le" in page
    # The remaining scrutin is offered through the code page.
    button = re.search(r'<a class="fr-btn"[^>]*href="([^"]+)"[^>]*>Saisir mon code de vote</a>', page)
    assert button and button.group(1) == "/portail/code-de-vote/?next=%2Fportail%2Fje-vote%2F"
    ballot = later.get(f"/portail/je-vote/{scrutins[1].pk}/")
    assert ballot.status_code == 302 and ballot["Location"].startswith("/portail/code-de-vote/?next=")
    refused = later.post(f"/portail/je-vote/{scrutins[1].pk}/voter/", blank_vote(scrutins[1]))
    assert refused.status_code == 403 and "Code de vote nécessaire" in text(refused)
    assert Ballot.objects.count() == 1
