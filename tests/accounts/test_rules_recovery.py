"""The self-service réassort's refusals in the trail, called as a service (tests/MUTATION.md).

Written against mutants of accounts/recovery.py's ``_refusal_record`` that survived
``make mutation``.
"""

import pytest

from accounts.models import AuditEntry
from accounts.recovery import password_reassort
from tests.factories import ElectionFactory

pytestmark = pytest.mark.django_db


def test_a_refused_reassort_is_in_the_trail_by_election_and_address_with_the_matricule_typed():
    election = ElectionFactory()
    outcome = password_reassort(
        election=election, matricule=" Z9999 ", secret="ABCDEF", iban_tail="A01201", address="10.0.0.5"
    )
    assert not outcome.password
    entry = AuditEntry.objects.get(action="reassort.password.refused")
    assert entry.address == "10.0.0.5"
    assert entry.object_type == "accounts.voter"
    assert entry.object_label == f"demandes depuis 10.0.0.5 ({election.slug})"
    assert entry.new_values["first"] == f"matricule « Z9999 » ({election.slug})"
    assert f"election:{election.pk}" in entry.new_values["aggregate"]
