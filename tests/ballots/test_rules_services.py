"""ballots/services called directly (tests/MUTATION.md): mutants that survived ``make mutation``."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from accounts.models import Voter
from ballots import crypto
from ballots.crypto.receipt import verify_deposit
from ballots.models import Ballot, BallotAlpha, Emargement
from ballots.services import (
    AlreadyVoted,
    BallotRefused,
    CastReceipt,
    VotingClosed,
    ballot_build,
    ballot_cast,
    crypto_parameters,
    deposit_proof_sign,
    receipt_public_key,
    voting_is_open,
)
from elections import lifecycle
from tests.factories import ElectionFactory, make_voter

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


# --- casting ---------------------------------------------------------------------------


def _fresh(voter) -> Voter:
    """The voter with its election as the database has it now (opened by the fixture)."""
    return Voter.objects.select_related("election", "user").get(pk=voter.pk)


def test_a_choice_outside_the_ballot_is_not_encrypted_by_the_server(open_election, scrutins):
    with pytest.raises(BallotRefused) as refused:
        ballot_build(scrutin=scrutins[0], choice="liste-09")
    assert refused.value.message == "Ce choix ne fait pas partie du bulletin de ce scrutin."
    assert str(refused.value) == "Ce choix ne fait pas partie du bulletin de ce scrutin."


def test_a_cast_is_judged_and_dated_at_the_time_given_not_the_clock(open_election, scrutins, voter):
    """``now`` is the time of the cast for both window checks, the émargement and the receipt:
    here the clock is past the closing (and its grace), the time given inside the window."""
    voter = _fresh(voter)
    election = voter.election
    scrutin = scrutins[0]
    ballot = ballot_build(scrutin=scrutin, choice="liste-02")
    now = election.opens + dt.timedelta(days=1, microseconds=250)
    with time_machine.travel(election.closes + dt.timedelta(hours=2), tick=False):
        assert not voting_is_open(election=election, voter=voter)
        receipt = ballot_cast(voter=voter, scrutin_id=scrutin.pk, ballot=ballot, now=now)
    assert receipt == CastReceipt(
        scrutin=scrutin,
        voted_at=now,
        reference=crypto.ballot_reference(ballot),
        fingerprint=crypto_parameters(scrutin).fingerprint,
    )
    assert receipt.fingerprint == ballot["scrutin"]
    assert list(Emargement.objects.values_list("voter", "scrutin", "voted_at")) == [
        (voter.pk, scrutin.pk, now)
    ]
    assert list(Ballot.objects.values_list("scrutin", "reference")) == [(scrutin.pk, receipt.reference)]


def test_a_closed_window_is_reported_before_the_ballot_is_read(open_election, scrutins, voter):
    """After the closing, « Le vote est clos. » whatever was sent, even a ballot that is no ballot."""
    voter = _fresh(voter)
    after = voter.election.closes + dt.timedelta(hours=2)
    for ballot in ("pas un bulletin", ballot_build(scrutin=scrutins[0], choice="blank")):
        with pytest.raises(VotingClosed) as closed:
            ballot_cast(voter=voter, scrutin_id=scrutins[0].pk, ballot=ballot, now=after)
        assert closed.value.message == "Le vote est clos."
    assert Emargement.objects.count() == 0 and Ballot.objects.count() == 0


def test_a_replay_by_a_voter_who_voted_in_another_scrutin_is_refused_as_a_replay(
    open_election, scrutins, voter
):
    """The émargement that decides « déjà voté » is the one of this scrutin: having voted in
    another scrutin does not turn a weeded replay into « déjà voté »."""
    voter = _fresh(voter)
    other = _fresh(make_voter(election=open_election, matricule="B2002", scrutins=scrutins[1:2]))
    copied = ballot_build(scrutin=scrutins[1], choice="liste-01")
    ballot_cast(voter=other, scrutin_id=scrutins[1].pk, ballot=copied)
    ballot_cast(
        voter=voter, scrutin_id=scrutins[0].pk, ballot=ballot_build(scrutin=scrutins[0], choice="blank")
    )
    with pytest.raises(BallotRefused) as refused:
        ballot_cast(voter=voter, scrutin_id=scrutins[1].pk, ballot=copied)
    assert refused.value.message == (
        "Ce bulletin reprend un bulletin déjà présent dans l'urne : il a été refusé."
    )
    assert set(Emargement.objects.values_list("voter", "scrutin")) == {
        (other.pk, scrutins[1].pk),
        (voter.pk, scrutins[0].pk),
    }
    assert Ballot.objects.filter(scrutin=scrutins[1]).count() == 1
    assert BallotAlpha.objects.filter(scrutin=scrutins[1]).count() == len(copied["answers"])
    # A second ballot in a scrutin where this voter has voted is « déjà voté ».
    with pytest.raises(AlreadyVoted) as again:
        ballot_cast(
            voter=voter, scrutin_id=scrutins[0].pk, ballot=ballot_build(scrutin=scrutins[0], choice="blank")
        )
    assert again.value.emargement == Emargement.objects.get(voter=voter, scrutin=scrutins[0])
