"""Password links, the réassort's secret values and the staff backend, called directly (tests/MUTATION.md).

Written against mutants of accounts/identifier.py, accounts/recovery.py and
accounts/backends.py that survived ``make mutation``: a link binds its time, the
identifier and the credentials it was made for, and never opens an inactive account;
a dead link is in the trail by election and address; the secret values typed in full
match on their first (card, key) or last (IBAN) six characters; the identifier kept in
the trail is cut at 80 characters; an inactive staff account neither logs in nor keeps
its session.
"""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.test import RequestFactory
from django.utils import timezone
from django.utils.http import base36_to_int, int_to_base36

from accounts import identifier, recovery, services
from accounts.backends import StaffBackend
from accounts.models import AuditEntry
from elections.models import Election
from tests.factories import ElectionFactory, StaffFactory, make_voter

pytestmark = pytest.mark.django_db

HERE = "192.0.2.30"
IBAN = "FR76 1234 5123 4501 2345 6A01 201"


def identifier_voter():
    election = ElectionFactory(login_mode=Election.LoginMode.IDENTIFIER, vote_code_enabled=True)
    voter = make_voter(election=election, matricule="A1001")
    voter.email, voter.email_confirmed = "camille@example.org", True
    voter.credentials_set_up = timezone.now() - dt.timedelta(days=1)
    voter.save()
    return voter


def opens(voter, token) -> bool:
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uidb64 = urlsafe_base64_encode(force_bytes(voter.user.pk))
    return identifier.password_link_voter(election=voter.election, uidb64=uidb64, token=token) == voter


def test_a_link_dies_when_the_credentials_are_set_up_again():
    voter = identifier_voter()
    token = identifier.tokens.make_token(voter.user)
    assert opens(voter, token)
    voter.credentials_set_up = timezone.now()
    voter.save(update_fields=["credentials_set_up"])
    assert not opens(voter, token)


def test_a_link_dies_when_the_identifier_changes():
    voter = identifier_voter()
    token = identifier.tokens.make_token(voter.user)
    voter.email = "dominique@example.org"
    voter.save(update_fields=["email"])
    assert not identifier.tokens.check_token(voter.user, token)


def test_a_links_time_cannot_be_moved_forward():
    voter = identifier_voter()
    made = timezone.now()
    with time_machine.travel(made, tick=False):
        token = identifier.tokens.make_token(voter.user)
    stamp, signature = token.split("-")
    later = made + dt.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)
    moved = f"{int_to_base36(base36_to_int(stamp) + settings.PASSWORD_RESET_TIMEOUT + 60)}-{signature}"
    with time_machine.travel(later, tick=False):
        assert not opens(voter, token)  # expired
        assert not opens(voter, moved)  # and its time cannot be changed


def test_a_link_never_opens_an_inactive_account():
    voter = identifier_voter()
    token = identifier.tokens.make_token(voter.user)
    assert opens(voter, token)
    voter.user.is_active = False
    voter.user.save(update_fields=["is_active"])
    assert not opens(voter, token)


def test_a_dead_link_is_in_the_trail_by_election_and_address():
    election = ElectionFactory(login_mode=Election.LoginMode.IDENTIFIER, vote_code_enabled=True)
    assert identifier.password_link_invalid(election=election, address=HERE)
    entry = AuditEntry.objects.get(action="reassort.password_link.invalid")
    assert entry.address == HERE
    assert entry.object_type == "accounts.voter"
    assert entry.object_label == f"liens invalides ou expirés depuis {HERE} ({election.slug})"
    assert entry.new_values["aggregate"] == f"reassort.password_link.invalid|election:{election.pk}|{HERE}"


def test_the_identifier_kept_in_the_trail_is_cut_at_80_characters():
    masked = identifier._masked("c" + "@" + "d" * 100 + ".example.org")
    assert masked == ("c…@" + "d" * 100)[:80]
    assert len(masked) == 80


@pytest.fixture
def recoverable():
    voter = make_voter(election=ElectionFactory(), matricule="A1001")
    services.voter_set_recovery_secrets(voter=voter, card_serial="AC7Q9Z-0042", iban=IBAN)
    voter.save()
    return voter


def reassort(voter, secret, iban_tail):
    return recovery.password_reassort(
        election=voter.election, matricule=voter.matricule, secret=secret, iban_tail=iban_tail, address=HERE
    )


def test_the_card_serial_typed_in_full_matches_on_its_first_six_characters(recoverable):
    assert reassort(recoverable, "AC7Q9Z-0042", "A01201").password


def test_the_iban_typed_in_full_matches_on_its_last_six_characters(recoverable):
    assert reassort(recoverable, "AC7Q9Z", IBAN).password


def test_an_inactive_staff_account_neither_logs_in_nor_keeps_its_session():
    staff = StaffFactory(username="agent-inactif")
    backend = StaffBackend()
    request = RequestFactory().post("/admin/login/")
    assert backend.authenticate(request, username="agent-inactif", password="staff-password-123") == staff
    assert backend.get_user(staff.pk) == staff
    staff.is_active = False
    staff.save(update_fields=["is_active"])
    assert backend.authenticate(request, username="agent-inactif", password="staff-password-123") is None
    assert backend.get_user(staff.pk) is None


def identifier_login(voter_or_election, identifier_typed, address):
    from accounts.services import voter_identifier_login_attempt

    request = RequestFactory().post("/connexion/", REMOTE_ADDR=address)
    election = getattr(voter_or_election, "election", voter_or_election)
    return voter_identifier_login_attempt(
        request, election=election, identifier=identifier_typed, password="pas-le-bon-mot-de-passe"
    )


def test_identifier_login_failures_delay_that_identifier_in_that_election_only(settings):
    settings.LOGIN_ACCOUNT_DELAY_AFTER = 2
    voter = identifier_voter()
    for n in range(2):
        assert identifier_login(voter, "camille@example.org", f"192.0.2.{n + 1}").wait_seconds == 0
    assert identifier_login(voter, "Camille@example.org", "192.0.2.9").wait_seconds > 0
    assert identifier_login(voter, "dominique@example.org", "192.0.2.9").wait_seconds == 0
    other = ElectionFactory(login_mode=Election.LoginMode.IDENTIFIER, vote_code_enabled=True)
    assert identifier_login(other, "camille@example.org", "192.0.2.9").wait_seconds == 0


def test_the_identifier_backend_refuses_incomplete_credentials_without_an_error():
    from accounts.backends import IdentifierBackend

    voter = identifier_voter()
    backend = IdentifierBackend()
    request = RequestFactory().post("/connexion/")
    assert backend.authenticate(request, identifier="camille@example.org", password="x") is None
    assert backend.authenticate(request, election=voter.election, password="x") is None
    assert backend.authenticate(request, election=voter.election, identifier="camille@example.org") is None


def test_an_unknown_identifier_costs_one_password_hash_as_a_known_one():
    from unittest import mock

    from accounts.backends import IdentifierBackend
    from accounts.hashers import IsoloirArgon2PasswordHasher

    voter = identifier_voter()
    request = RequestFactory().post("/connexion/")
    for typed in ("camille@example.org", "personne@example.org"):
        calls = []
        encode, verify = IsoloirArgon2PasswordHasher.encode, IsoloirArgon2PasswordHasher.verify

        def counting_encode(self, *args, _encode=encode, calls=calls, **kwargs):
            calls.append("encode")
            return _encode(self, *args, **kwargs)

        def counting_verify(self, *args, _verify=verify, calls=calls, **kwargs):
            calls.append("verify")
            return _verify(self, *args, **kwargs)

        with (
            mock.patch.object(IsoloirArgon2PasswordHasher, "encode", counting_encode),
            mock.patch.object(IsoloirArgon2PasswordHasher, "verify", counting_verify),
        ):
            IdentifierBackend().authenticate(
                request, election=voter.election, identifier=typed, password="pas-le-bon-mot-de-passe"
            )
        assert len(calls) == 1, typed


def test_an_address_another_voter_of_the_election_holds_as_identifier_is_taken():
    holder = identifier_voter()
    other = make_voter(election=holder.election, matricule="B2002")
    other.credentials_set_up = timezone.now()
    other.save(update_fields=["credentials_set_up"])
    assert identifier.identifier_taken(other, "Camille@Example.org")
    assert not identifier.identifier_taken(other, "dominique@example.org")
    assert not identifier.identifier_taken(holder, "camille@example.org")  # one's own
    elsewhere = make_voter(election=ElectionFactory(), matricule="C3003")
    elsewhere.credentials_set_up = timezone.now()
    elsewhere.save(update_fields=["credentials_set_up"])
    assert not identifier.identifier_taken(elsewhere, "camille@example.org")
