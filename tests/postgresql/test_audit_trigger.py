"""On PostgreSQL the database itself refuses to update or delete audit rows."""

import pytest
from django.db import DatabaseError, connection, transaction

from accounts.audit import audit_record
from tests.factories import ElectionFactory

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db]


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE accounts_auditentry SET action = 'x' WHERE id = %s",
        "DELETE FROM accounts_auditentry WHERE id = %s",
    ],
)
def test_the_database_refuses_to_change_an_audit_row(statement):
    entry = audit_record(actor=None, action="test.event", instance=ElectionFactory())
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement, [entry.id])
    entry.refresh_from_db()
    assert entry.action == "test.event"
