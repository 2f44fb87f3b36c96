"""The password link opens the account it was made for, in its own election (tests/MUTATION.md).

``password_link_voter`` is called by the link's page; here it is called directly, as any
other caller would. Written against mutants of accounts/identifier.py that dropped the
user or the election from the lookup and survived ``make mutation``.
"""

import pytest
from django.core import mail
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.identifier import password_link_request, password_link_voter, tokens
from accounts.models import AuditEntry
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


def ask(election, identifier, address, capture):
    with capture(execute=True):
        return password_link_request(
            election=election, identifier=identifier, address=address, link_for=lambda u, t: f"/lien/{u}/{t}/"
        )


def test_a_sent_link_is_in_the_trail_with_the_voter_and_the_address(django_capture_on_commit_callbacks):
    election = identifier_election()
    voter = with_identifier(make_voter(election=election), "camille@example.org")
    ask(election, "Camille@example.org", "10.0.0.9", django_capture_on_commit_callbacks)
    entry = AuditEntry.objects.get(action="reassort.password_link.sent")
    assert entry.actor_id is None
    assert (entry.object_type, entry.object_id) == ("accounts.voter", str(voter.pk))
    assert entry.address == "10.0.0.9"
    sent = mail.outbox[-1]
    assert sent.subject == "Isoloir — choisir un nouveau mot de passe Élections"
    assert sent.to == ["camille@example.org"]
    uidb64, token = sent.body.split("/lien/")[1].split("/")[:2]
    assert password_link_voter(election=election, uidb64=uidb64, token=token) == voter


def test_a_refused_request_is_in_the_trail_by_election_and_address_with_the_masked_identifier(
    django_capture_on_commit_callbacks,
):
    election = identifier_election()
    ask(election, "personne@example.org", "10.0.0.9", django_capture_on_commit_callbacks)
    entry = AuditEntry.objects.get(action="reassort.password_link.refused")
    assert entry.address == "10.0.0.9"
    assert entry.object_type == "accounts.voter"
    assert entry.object_label == f"demandes depuis 10.0.0.9 ({election.slug})"
    assert entry.new_values["first"] == f"identifiant « p…@example.org » ({election.slug})"
    assert f"election:{election.pk}" in entry.new_values["aggregate"]
    assert not mail.outbox
