"""ballots/services called directly (tests/MUTATION.md): mutants that survived ``make mutation``."""

import pytest

from ballots.crypto.receipt import verify_deposit
from ballots.services import deposit_proof_sign, receipt_public_key

TIME = "2026-12-08T09:15:00.123456+00:00"


@pytest.mark.django_db
def test_the_deposit_proof_signs_the_reference_the_scrutin_and_the_time():
    statement, signature = deposit_proof_sign(reference="ab" * 32, fingerprint="cd" * 32, time=TIME)
    content = verify_deposit(receipt_public_key(), statement, signature)
    assert (content["reference"], content["scrutin"], content["time"]) == ("ab" * 32, "cd" * 32, TIME)


@pytest.mark.django_db
def test_voting_is_open_asks_the_window_for_this_voter_at_the_time_given():
    """The « Je vote » page's question: the time and the voter it is given are the ones checked
    (a voter logged in before the closing may finish within the grace, no one else)."""
    import datetime as dt

    from django.utils import timezone

    from ballots.services import voting_is_open
    from elections import lifecycle
    from tests.factories import ElectionFactory, make_voter

    now = timezone.now()
    election = ElectionFactory(opens=now - dt.timedelta(days=1), closes=now + dt.timedelta(hours=1))
    early, late = make_voter(election=election), make_voter(election=election)
    type(early.user).objects.filter(pk=early.user.pk).update(
        last_login=election.closes - dt.timedelta(minutes=5)
    )
    type(late.user).objects.filter(pk=late.user.pk).update(
        last_login=election.closes + dt.timedelta(minutes=1)
    )
    early.user.refresh_from_db()
    late.user.refresh_from_db()
    assert lifecycle.accepts_ballots(election)
    in_grace = election.closes + dt.timedelta(minutes=10)
    assert voting_is_open(election=election, voter=early, now=in_grace)
    assert not voting_is_open(election=election, voter=late, now=in_grace)
    assert not voting_is_open(election=election, voter=early, now=election.opens - dt.timedelta(seconds=1))
    assert voting_is_open(election=election, voter=late, now=election.opens)
