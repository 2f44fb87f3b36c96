"""The password link opens the account it was made for, in its own election (tests/MUTATION.md).

``password_link_voter`` is called by the link's page; here it is called directly, as any
other caller would. Written against mutants of accounts/identifier.py that dropped the
user or the election from the lookup and survived ``make mutation``.
"""

import pytest
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.identifier import password_link_voter, tokens
from elections.models import Election
from tests.factories import ElectionFactory, make_voter

pytestmark = pytest.mark.django_db


def with_identifier(voter, email):
    voter.email, voter.email_confirmed, voter.credentials_set_up = email, True, timezone.now()
    voter.save(update_fields=["email", "email_confirmed", "credentials_set_up"])
    return voter


def link(voter) -> tuple[str, str]:
    return urlsafe_base64_encode(force_bytes(voter.user.pk)), tokens.make_token(voter.user)


def identifier_election():
    return ElectionFactory(login_mode=Election.LoginMode.IDENTIFIER, vote_code_enabled=True)


def test_a_link_opens_the_account_it_was_made_for_not_the_first_of_the_election():
    election = identifier_election()
    first = with_identifier(make_voter(election=election), "premiere@example.org")
    second = with_identifier(make_voter(election=election), "seconde@example.org")
    uidb64, token = link(second)
    assert password_link_voter(election=election, uidb64=uidb64, token=token) == second
    uidb64, token = link(first)
    assert password_link_voter(election=election, uidb64=uidb64, token=token) == first


def test_a_link_made_in_one_election_opens_nothing_in_another():
    made_in, other = identifier_election(), identifier_election()
    voter = with_identifier(make_voter(election=made_in), "camille@example.org")
    with_identifier(make_voter(election=other), "dominique@example.org")
    uidb64, token = link(voter)
    assert password_link_voter(election=made_in, uidb64=uidb64, token=token) == voter
    assert password_link_voter(election=other, uidb64=uidb64, token=token) is None
