"""elections/access.py called directly (tests/MUTATION.md): when the code de vote is still
owed, and the voter pages' decorators. Written against mutants that survived
``make mutation``."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from accounts.votecode import SESSION_KEY
from elections import access
from elections.lifecycle import ElectionState as S
from elections.models import Election
from tests.factories import ElectionFactory, StaffFactory, make_voter

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


# The decorators are applied inside each test, so that the function under test is the one
# the test runs (a decorator applied at import time is out of a mutant's reach).


def _ok(request, *args, **kwargs):
    return HttpResponse(f"ok {kwargs.get('n', '')}")


def _get(user, path="/portail/page/?x=1"):
    request = RequestFactory().get(path)
    request.user = user
    request.session = {}
    return request


def _pending_voter():
    """A seed-004 voter who has not chosen their identifier and password yet."""
    return make_voter(
        election=ElectionFactory(login_mode=Election.LoginMode.IDENTIFIER, vote_code_enabled=True)
    )


def test_voter_required_sends_anonymous_visitors_and_staff_to_the_login_with_their_page():
    view = access.voter_required(_ok)
    for user in (AnonymousUser(), StaffFactory()):
        response = view(_get(user))
        assert response.status_code == 302
        assert response["Location"] == "/?next=/portail/page/%3Fx%3D1"


def test_voter_required_serves_a_voter_with_their_arguments_and_no_store():
    voter = make_voter(election=ElectionFactory())
    request = _get(voter.user)
    response = access.voter_required(_ok)(request, n=7)
    assert response.content == b"ok 7"
    assert request.voter == voter
    assert "no-store" in response["Cache-Control"]


def test_voter_required_sends_a_voter_without_credentials_to_choose_them_first():
    voter = _pending_voter()
    response = access.voter_required(_ok)(_get(voter.user))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:credentials_setup")
    assert "no-store" in response["Cache-Control"]
    # The page where they choose them, and the form of the decorator with arguments.
    allowed = access.voter_required(setup_pending_ok=True)(_ok)
    assert allowed(_get(voter.user)).content == b"ok "
    assert access.voter_required()(_ok)(_get(voter.user)).status_code == 302


def test_voter_required_lets_a_voter_without_credentials_reach_the_receipts_once_frozen():
    voter = _pending_voter()
    Election.objects.filter(pk=voter.election_id).update(state=S.CLOSED)
    voter = type(voter).objects.select_related("election").get(pk=voter.pk)
    assert access.voter_required(_ok)(_get(voter.user)).content == b"ok "


def test_the_code_page_comes_back_to_the_page_asked():
    assert access.vote_code_url("/portail/je-vote/3/?a=b") == (
        "/portail/code-de-vote/?next=%2Fportail%2Fje-vote%2F3%2F%3Fa%3Db"
    )


def test_vote_code_required_asks_for_the_code_then_serves_the_page():
    voter = make_voter(election=ElectionFactory(vote_code_enabled=True))
    view = access.vote_code_required(_ok)
    asked = request_of(voter, code_given=False)
    response = view(asked)
    assert response.status_code == 302 and response["Location"] == access.vote_code_url("/")
    posted = RequestFactory().post("/")
    posted.user, posted.voter, posted.session = voter.user, voter, {}
    refused = view(posted)
    assert refused.status_code == 403 and "code de vote" in refused.content.decode()
    assert view(request_of(voter, code_given=True), n=2).content == b"ok 2"
