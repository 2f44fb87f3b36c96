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


def test_entries_written_while_the_chain_is_verified_are_not_taken_for_deleted_ones(monkeypatch):
    """The chain is checked up to the head read when the check starts: an entry appended
    meanwhile (a vote goes on during the bureau's integrity check) is not an anomaly."""
    from accounts import audit

    assert not AuditEntry.objects.exists()
    for n in range(3):
        audit.audit_record(actor=None, action="test.before", new={"n": n})
    real_hash, appended = audit.entry_hash, []

    def hash_and_append(entry):
        if not appended:
            appended.append(True)  # before: audit_record hashes its entry too
            audit.audit_record(actor=None, action="test.during")
        return real_hash(entry)

    monkeypatch.setattr(audit, "entry_hash", hash_and_append)
    report = audit.audit_verify()
    monkeypatch.setattr(audit, "entry_hash", real_hash)
    assert AuditEntry.objects.filter(action="test.during").exists()
    assert report.ok, report
    assert report.checked == 3
    assert audit.audit_verify().checked == 4


def test_a_row_chained_by_hand_past_the_head_is_reported():
    """Someone with the database's rights appends a well-formed entry without moving the head."""
    from django.utils import timezone

    from accounts.audit import entry_hash
    from accounts.models import AuditChainHead

    ids = record(2)
    head = AuditChainHead.objects.get(id=1)
    forged = AuditEntry(
        id=head.last_id + 1,
        time=timezone.now(),
        actor_label="système",
        action="election.seal",
        object_type="",
        object_id="",
        object_label="",
        old_values={},
        new_values={"seal": "00" * 32},
        prev_hash=head.last_hash,
    )
    forged.hash = entry_hash(forged)
    forged.save(force_insert=True)
    assert audit_verify() == ChainReport(False, len(ids), len(ids) + 1, "entrée hors chaîne")
