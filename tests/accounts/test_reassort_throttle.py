"""The self-service réassort's account-wide delay (issue 13): failures on one account from
many addresses (none of them reaching its own pair limit) make that account wait, a delay
that doubles with each failure and is capped, so guessing is slowed but the real voter is
never locked out. Called on the service, as the view does."""

import pytest
import time_machine
from django.utils import timezone

from accounts import recovery, services, throttle
from tests.factories import VOTER_PASSWORD

pytestmark = pytest.mark.django_db

IBAN = "FR76 1234 5123 4501 2345 6A01 201"


@pytest.fixture
def recoverable(voter, settings):
    settings.REASSORT_PAIR_FAILURES_PER_HOUR = 100  # only the account-wide delay is at work here
    settings.REASSORT_ACCOUNT_DELAY_AFTER = 3
    settings.REASSORT_ACCOUNT_DELAY_MAX_SECONDS = 8
    services.voter_set_recovery_secrets(voter=voter, card_serial="AC7Q9Z-0042", iban=IBAN)
    voter.save()
    return voter


def attempt(voter, address, *, iban_tail="A01201"):
    return recovery.password_reassort(
        election=voter.election,
        matricule=voter.matricule,
        secret="ac7q9z",
        iban_tail=iban_tail,
        address=address,
    )


def test_failures_from_many_addresses_make_the_account_wait_longer_and_longer_up_to_the_cap(recoverable):
    account = throttle.account_key(recoverable.election.pk, recoverable.matricule)
    waits = []
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for n in range(1, 8):
            failed = attempt(recoverable, f"192.0.2.{n}", iban_tail="FFFFFF")
            assert failed.password is None and failed.wait_seconds == 0
            if n < 3:  # below REASSORT_ACCOUNT_DELAY_AFTER: no delay at all
                assert (
                    throttle.reassort_check(
                        kind=recovery.SELF_SERVICE, account=account, address="198.51.100.7"
                    )
                    is None
                )
                continue
            # The real voter, elsewhere and with the right values, must wait too ...
            refused = attempt(recoverable, "198.51.100.7")
            assert refused.password is None and refused.wait_seconds > 0
            waits.append(refused.wait_seconds)
            traveller.shift(refused.wait_seconds)
        # ... but only for a while: the account is never locked out.
        outcome = attempt(recoverable, "198.51.100.7")
    assert outcome.password
    # 1, 2, 4, 8 seconds, then the cap (each wait rounded up by one second).
    assert waits == [2, 3, 5, 9, 9]
    recoverable.user.refresh_from_db()
    assert not recoverable.user.check_password(VOTER_PASSWORD)
