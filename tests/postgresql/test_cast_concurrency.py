"""On PostgreSQL, simultaneous JE VOTE for one voter and scrutin give one ballot, one émargement."""

import json
import threading
from collections import Counter

import pytest
from django.db import close_old_connections, connection
from django.test import Client

from ballots.crypto import ballot_reference
from ballots.models import Ballot, BallotAlpha, Emargement
from ballots.services import ballot_build
from tests.factories import ElectionFactory, ScrutinFactory, make_voter, open_for_voting

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]

THREADS = 12


def test_simultaneous_je_vote_give_one_ballot_and_already_voted_pages():
    assert connection.vendor == "postgresql"
    election = ElectionFactory()
    scrutin = ScrutinFactory(election=election)
    open_for_voting(election)
    voter = make_voter(election=election, matricule="P0001", scrutins=[scrutin])
    login = Client()
    login.force_login(voter.user, backend="accounts.backends.VoterBackend")
    cookies = login.cookies
    # Different ballots, so that only the émargement can stop the extra ones.
    ballots = [ballot_build(scrutin=scrutin, choice="blank") for _ in range(THREADS)]
    start = threading.Barrier(THREADS)
    results: list[tuple[int, str]] = []
    errors: list[Exception] = []

    def je_vote(n):
        try:
            client = Client()
            client.cookies = cookies
            start.wait()
            response = client.post(
                f"/portail/je-vote/{scrutin.pk}/voter/",
                {"ballot": json.dumps(ballots[n]), "reference": ballot_reference(ballots[n])},
            )
            results.append((response.status_code, response.content.decode()))
        except Exception as exc:  # noqa: BLE001 — reported to the main thread
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=je_vote, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Counter(status for status, _ in results) == {200: 1, 409: THREADS - 1}
    assert all("Vous avez déjà voté à ce scrutin" in page for status, page in results if status == 409)
    assert Emargement.objects.filter(voter=voter, scrutin=scrutin).count() == 1
    assert Ballot.objects.filter(scrutin=scrutin).count() == 1
    assert BallotAlpha.objects.filter(scrutin=scrutin).count() == 3 + 1
