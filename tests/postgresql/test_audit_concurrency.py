"""On PostgreSQL, concurrent writers still produce one unbroken audit chain."""

import threading

import pytest
from django.db import close_old_connections, connection

from accounts.audit import audit_record, audit_verify
from accounts.models import AuditEntry
from tests.factories import ElectionFactory

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]

THREADS = 8
PER_THREAD = 15


def test_concurrent_audit_writers_keep_one_chain():
    assert connection.vendor == "postgresql"
    election = ElectionFactory()
    start = threading.Barrier(THREADS)
    errors = []

    def writer(n):
        try:
            start.wait()
            for i in range(PER_THREAD):
                audit_record(actor=None, action="test.concurrent", instance=election, new={"t": n, "i": i})
        except Exception as exc:  # noqa: BLE001 — reported to the main thread
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert AuditEntry.objects.filter(action="test.concurrent").count() == THREADS * PER_THREAD
    report = audit_verify()
    assert report.ok, report
