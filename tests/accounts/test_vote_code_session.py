"""The session's « code de vote entered » mark belongs to the voter who entered it (issue 13):
another voter in the same browser or session never inherits it."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.middleware import SessionMiddleware
from django.test import Client

from accounts import votecode
from tests.factories import VOTER_PASSWORD, StaffFactory, make_voter

pytestmark = pytest.mark.django_db

LETTER_CODE = "ACDE3479"


@pytest.fixture
def two_voters(open_election, scrutins):
    """Two voters of an election that asks for the code, each with their letter code. A staff
    account is made first so that no voter has the primary key 1 (== True)."""
    StaffFactory()
    open_election.vote_code_enabled = True
    open_election.save(update_fields=["vote_code_enabled"])
    voters = [
        make_voter(election=open_election, matricule=m, scrutins=scrutins[:1]) for m in ("A1001", "B2002")
    ]
    for voter in voters:
        assert voter.user.pk != 1
        votecode.vote_code_issue_letter(voter=voter, code=LETTER_CODE)
    return voters


def session_request(rf, user, session=None):
    request = rf.get("/portail/je-vote/")
    if session is None:
        SessionMiddleware(lambda r: None).process_request(request)
    else:
        request.session = session
    request.user = user
    return request


def test_the_vote_code_mark_holds_for_the_voter_who_entered_it(two_voters, rf):
    first, _ = two_voters
    request = session_request(rf, first.user)
    assert not votecode.session_has_vote_code(request)
    votecode.session_mark_vote_code(request)
    assert votecode.session_has_vote_code(request)


def test_another_user_in_the_same_session_does_not_inherit_the_vote_code_mark(two_voters, rf):
    first, second = two_voters
    marked = session_request(rf, first.user)
    votecode.session_mark_vote_code(marked)
    assert not votecode.session_has_vote_code(session_request(rf, second.user, marked.session))
    assert not votecode.session_has_vote_code(session_request(rf, AnonymousUser(), marked.session))


def login(client, voter):
    response = client.post(
        f"/connexion/{voter.election.slug}/",
        {
            "matricule": voter.matricule,
            "birth_date": "17/05/1980",
            "security_key": "ACDE-FGHJ-KMNP",
            "password": VOTER_PASSWORD,
        },
    )
    assert response.status_code == 302


def asks_for_the_code(client) -> bool:
    """The code page asks (200) until the code was entered, then sends on (302)."""
    response = client.get("/portail/code-de-vote/")
    assert response.status_code in (200, 302)
    return response.status_code == 200


def test_the_next_voter_in_the_same_browser_is_asked_for_their_own_code(two_voters):
    first, second = two_voters
    client = Client()
    login(client, first)
    assert asks_for_the_code(client)
    client.post("/portail/code-de-vote/", {"code": LETTER_CODE, "next": "/portail/je-vote/"})
    assert not asks_for_the_code(client)
    # The login page sends a logged-in voter to their portal: the next one logs the first out.
    client.post("/deconnexion/")
    login(client, second)
    assert client.session["_auth_user_id"] == str(second.user.pk)
    assert asks_for_the_code(client)


def test_a_session_carrying_another_voters_mark_is_asked_for_the_code(two_voters):
    first, second = two_voters
    client = Client()
    login(client, second)
    session = client.session
    session[votecode.SESSION_KEY] = first.user.pk  # set while the first voter was logged in
    session.save()
    assert asks_for_the_code(client)
