"""The audit trail: chained, append-only, checked row by row, written with the change."""

from html import unescape

import pytest
from django.db import transaction

from accounts.audit import audit_record, audit_verify
from accounts.models import AuditEntry
from tests.factories import ElectionFactory, make_voter

pytestmark = pytest.mark.django_db


def record_n(n):
    election = ElectionFactory()
    for i in range(n):
        audit_record(actor=None, action="test.event", instance=election, new={"i": i})


def test_an_untouched_chain_verifies():
    record_n(5)
    report = audit_verify()
    assert report.ok and report.checked >= 5


def test_entries_are_numbered_and_chained():
    record_n(3)
    entries = list(AuditEntry.objects.order_by("id"))
    assert [e.id for e in entries] == list(range(1, len(entries) + 1))
    for previous, current in zip(entries, entries[1:], strict=False):
        assert current.prev_hash == previous.hash


@pytest.mark.parametrize(
    "column,value",
    [
        ("action", "'voter.delete'"),
        ("actor_label", "'quelqu''un'"),
        ("new_values", "'{\"i\": 99}'"),
        ("object_label", "'autre chose'"),
    ],
)
def test_altering_any_row_is_found_at_that_row(tamper, column, value):
    record_n(6)
    target = AuditEntry.objects.order_by("id")[3].id
    tamper.execute(f"UPDATE accounts_auditentry SET {column} = {value} WHERE id = %s", [target])
    report = audit_verify()
    assert not report.ok
    assert report.first_bad_id == target


def test_rehashing_an_altered_row_is_found_at_the_next_row(tamper):
    record_n(6)
    entries = list(AuditEntry.objects.order_by("id"))
    target = entries[2]
    target.action = "falsified"
    from accounts.audit import entry_hash

    new_hash = entry_hash(target)
    tamper.execute(
        "UPDATE accounts_auditentry SET action = %s, hash = %s WHERE id = %s",
        ["falsified", new_hash, target.id],
    )
    report = audit_verify()
    assert report.first_bad_id == entries[3].id


def test_a_deleted_row_is_found(tamper):
    record_n(6)
    target = AuditEntry.objects.order_by("id")[2].id
    tamper.execute("DELETE FROM accounts_auditentry WHERE id = %s", [target])
    report = audit_verify()
    assert not report.ok and report.first_bad_id == target


def test_deleting_the_last_rows_is_found(tamper):
    record_n(4)
    last = AuditEntry.objects.order_by("-id").first().id
    tamper.execute("DELETE FROM accounts_auditentry WHERE id = %s", [last])
    report = audit_verify()
    assert not report.ok and report.first_bad_id == last


def test_audit_row_is_rolled_back_with_the_change():
    election = ElectionFactory()
    before = AuditEntry.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(actor=None, action="test.event", instance=election)
        raise RuntimeError("the change failed")
    assert AuditEntry.objects.count() == before
    assert audit_verify().ok


def test_voter_creation_is_audited_without_secrets():
    voter = make_voter(election=ElectionFactory(), matricule="S1")
    entry = AuditEntry.objects.get(action="voter.create", object_id=str(voter.pk))
    assert entry.new_values["matricule"] == "S1"
    assert entry.new_values["security_key_encrypted"].startswith("[secret:")
    assert "ACDE" not in str(entry.new_values)


def test_application_cannot_update_an_entry_through_the_admin(admin_client):
    record_n(1)
    entry = AuditEntry.objects.first()
    response = admin_client.post(f"/gestion/accounts/auditentry/{entry.pk}/change/", {"action": "x"})
    assert response.status_code == 403
    assert (
        admin_client.post(f"/gestion/accounts/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    entry.refresh_from_db()
    assert entry.action == "test.event"


def test_verify_page_reports_the_first_altered_row(admin_client, tamper):
    record_n(3)
    target = AuditEntry.objects.order_by("id")[1].id
    assert "intègre" in admin_client.get("/gestion/accounts/auditentry/verifier/").content.decode()
    tamper.execute("UPDATE accounts_auditentry SET action = 'x' WHERE id = %s", [target])
    html = admin_client.get("/gestion/accounts/auditentry/verifier/").content.decode()
    assert f"rompue à l'entrée n° {target}" in unescape(html)


def test_deleting_a_user_leaves_their_audit_rows_untouched(admin_client):
    from tests.factories import StaffFactory

    staff = StaffFactory()
    audit_record(actor=staff, action="test.event", instance=ElectionFactory())
    staff_pk = staff.pk
    staff.delete()
    entry = AuditEntry.objects.get(action="test.event")
    assert entry.actor_id == staff_pk and entry.actor_label == staff.username
    assert audit_verify().ok
    page = admin_client.get(f"/gestion/accounts/auditentry/{entry.pk}/change/")
    assert page.status_code == 200 and staff.username in page.content.decode()


def test_deleting_a_voter_who_wrote_audit_rows_keeps_the_chain(admin_client):
    voter = make_voter(election=ElectionFactory(), matricule="DEL1")
    audit_record(actor=voter.user, action="test.voter_event", instance=voter)
    response = admin_client.post(f"/gestion/accounts/voter/{voter.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert audit_verify().ok


@pytest.mark.parametrize(
    ("address", "stored"),
    [("inconnue", None), ("", None), ("10.0.0.1", "10.0.0.1"), ("2001:DB8:0:0::1", "2001:db8::1")],
)
def test_addresses_are_stored_as_the_database_gives_them_back(address, stored):
    election = ElectionFactory()
    entry = audit_record(actor=None, action="test.event", instance=election, address=address)
    assert AuditEntry.objects.get(pk=entry.pk).address == stored
    assert audit_verify().ok
