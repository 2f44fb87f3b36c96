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
