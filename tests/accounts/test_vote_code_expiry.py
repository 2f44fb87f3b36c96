"""Issue 14, item 3: an e-mailed code typed after its 2 minutes is called expired, offers a
new one and costs no attempt; a code that is not one of the voter's expired codes stays
« pas valide » and counts (nothing says whether an unknown code ever existed)."""

import datetime as dt
import re

import pytest
import time_machine
from django.utils import timezone

from accounts import votecode
from accounts.models import VoteCode
from tests.accounts import test_vote_code as base
from tests.accounts.test_vote_code import LETTER_CODE, NUMEN, emailed_code, enter, login, text
from tests.factories import make_voter

pytestmark = pytest.mark.django_db

EXPIRED = "Ce code de vote a expiré"
coded = base.coded  # the election asks for the code; the voter has a letter code and a NUMEN


def _expired_code(client, start, traveller) -> str:
    client.post("/portail/code-de-vote/nouveau/", {"kind": "numen", "identifier": NUMEN})
    code = emailed_code()
    traveller.move_to(start + dt.timedelta(seconds=121))
    return code


def test_an_expired_code_is_called_expired_and_offers_a_new_one(coded):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        client = login(coded)
        code = _expired_code(client, start, traveller)
        response = enter(client, code)
    page = text(response)
    assert response.status_code == 400
    assert EXPIRED in page
    assert "n'est pas valide" not in page and "essai" not in page
    alert = re.search(r'<div class="fr-alert[^"]*"[^>]*id="code-expire">(.*?)</div>', page, re.S).group(1)
    assert EXPIRED in alert and "n'est pas comptée comme une erreur" in alert
    assert re.search(r'<a href="/portail/code-de-vote/nouveau/">Je n\'ai pas de code de vote', alert)


def test_an_expired_code_costs_no_attempt(coded):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        client = login(coded)
        code = _expired_code(client, start, traveller)
        for _ in range(10):
            assert EXPIRED in text(enter(client, code))
        assert set(VoteCode.objects.values_list("failures", flat=True)) == {0}
        # The next wrong guess is the first one.
        assert "Il vous reste 4 essais" in text(enter(client, "WXYZWXYZ"))
        assert enter(client, LETTER_CODE).status_code == 302


def test_an_unknown_code_stays_invalid_and_counts_even_after_an_expiry(coded):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        client = login(coded)
        _expired_code(client, start, traveller)
        response = enter(client, "WXYZWXYZ")
    assert response.status_code == 400
    assert "Ce code de vote n'est pas valide. Il vous reste 4 essais" in text(response)
    assert EXPIRED not in text(response)


def test_another_voters_expired_code_is_only_invalid(coded, election, scrutins):
    other = make_voter(election=election, matricule="A2002", scrutins=scrutins[:1])
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        theirs = votecode.generate_code()
        VoteCode.objects.create(
            voter=other,
            origin=VoteCode.Origin.EMAIL,
            digest=votecode.secrets.digest(votecode.DIGEST_KIND, theirs),
            created=start,
            expires=start + dt.timedelta(seconds=120),
        )
        traveller.move_to(start + dt.timedelta(seconds=121))
        response = enter(login(coded), theirs)
    assert EXPIRED not in text(response)
    assert "Il vous reste 4 essais" in text(response)


def test_the_service_says_expired_without_counting(coded):
    start = timezone.now()
    code = votecode.generate_code()
    VoteCode.objects.create(
        voter=coded,
        origin=VoteCode.Origin.EMAIL,
        digest=votecode.secrets.digest(votecode.DIGEST_KIND, code),
        created=start,
        expires=start + dt.timedelta(seconds=120),
    )
    outcome = votecode.vote_code_enter(voter=coded, typed=code, now=start + dt.timedelta(seconds=120))
    assert outcome == votecode.EntryOutcome(accepted=False, expired=True, remaining=5)
    assert set(VoteCode.objects.values_list("failures", flat=True)) == {0}
