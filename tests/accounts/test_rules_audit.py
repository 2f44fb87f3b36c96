"""The whole report of ``audit_verify`` for each kind of damage (tests/MUTATION.md).

tests/accounts/test_audit.py checks that verification fails at the right entry; these
check the rest of what the bureau reads: ``ok`` is False (not merely falsy), how many
entries were found sound before the damage, and the reason given. Written against
mutants of ``audit_verify`` that survived ``make mutation``.
"""

import pytest

from accounts.audit import ChainReport, audit_record, audit_verify
from accounts.models import AuditEntry
from tests.factories import ElectionFactory

pytestmark = pytest.mark.django_db


def record(n) -> list[int]:
    election = ElectionFactory()
    start = AuditEntry.objects.count()
    for i in range(n):
        audit_record(actor=None, action="test.event", instance=election, new={"i": i})
    ids = list(AuditEntry.objects.order_by("id").values_list("id", flat=True))
    assert len(ids) == start + n
    return ids


def test_a_sound_chain_reports_every_entry_checked():
    ids = record(5)
    assert audit_verify() == ChainReport(True, len(ids))
    assert audit_verify(batch_size=2) == ChainReport(True, len(ids))


def test_a_missing_entry(tamper):
    ids = record(6)
    tamper.execute("DELETE FROM accounts_auditentry WHERE id = %s", [ids[-4]])
    assert audit_verify() == ChainReport(False, len(ids) - 4, ids[-4], "entrée manquante")


def test_a_broken_link(tamper):
    ids = record(6)
    tamper.execute("UPDATE accounts_auditentry SET prev_hash = %s WHERE id = %s", ["0" * 64, ids[-3]])
    assert audit_verify() == ChainReport(False, len(ids) - 3, ids[-3], "chaînage rompu")


def test_an_altered_entry(tamper):
    ids = record(6)
    tamper.execute("UPDATE accounts_auditentry SET action = 'falsifié' WHERE id = %s", [ids[-2]])
    assert audit_verify() == ChainReport(False, len(ids) - 2, ids[-2], "contenu modifié")


def test_the_last_entries_deleted(tamper):
    ids = record(4)
    tamper.execute("DELETE FROM accounts_auditentry WHERE id >= %s", [ids[-2]])
    assert audit_verify() == ChainReport(False, len(ids) - 2, ids[-2], "dernières entrées supprimées")
