"""elections/access.py called directly (tests/MUTATION.md): when the code de vote is still
owed. Written against mutants that survived
``make mutation``."""

import pytest
from django.test import RequestFactory

from accounts.votecode import SESSION_KEY
from elections import access
from tests.factories import ElectionFactory, make_voter

pytestmark = pytest.mark.django_db


def request_of(voter, *, code_given: bool):
    request = RequestFactory().get("/")
    request.user, request.voter = voter.user, voter
    request.session = {SESSION_KEY: voter.user.pk} if code_given else {}
    return request


@pytest.mark.parametrize(
    ("enabled", "code_given", "pending"),
    [(True, False, True), (True, True, False), (False, False, False), (False, True, False)],
)
def test_the_code_is_owed_only_when_the_election_asks_for_it_and_this_session_has_not_given_it(
    enabled, code_given, pending
):
    voter = make_voter(election=ElectionFactory(vote_code_enabled=enabled))
    assert access.vote_code_pending(request_of(voter, code_given=code_given)) is pending


def test_the_code_given_by_another_account_in_this_session_does_not_count():
    election = ElectionFactory(vote_code_enabled=True)
    voter, other = make_voter(election=election), make_voter(election=election)
    request = request_of(voter, code_given=False)
    request.session = {SESSION_KEY: other.user.pk}
    assert access.vote_code_pending(request)
