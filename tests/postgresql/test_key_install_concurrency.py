"""On PostgreSQL, two key installs at once: one key, and the other gets the French refusal."""

import threading

import pytest
from django.db import close_old_connections, connection

from ballots.crypto.keys import ceremony_simulate
from ballots.models import ElectionKey
from ballots.services import OpeningRefused, election_key_install
from elections.lifecycle import ElectionState as S
from tests.factories import ElectionFactory

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]

THREADS = 4


def test_concurrent_key_installs_store_one_key_and_refuse_the_others_in_french():
    assert connection.vendor == "postgresql"
    election = ElectionFactory(state=S.PREPARATION)  # a key is installed before the sealing
    records = [
        ceremony_simulate(
            election=str(election.pk),
            president="president",
            secretary="secretaire",
            delegates=[("d1", 1), ("d2", 2)],
            threshold=2,
        ).record
        for _ in range(THREADS)
    ]
    start = threading.Barrier(THREADS)
    refusals, errors = [], []

    def install(record):
        try:
            start.wait()
            election_key_install(election=election, record=record, origin=ElectionKey.Origin.SIMULATED)
        except OpeningRefused as exc:
            refusals.append(exc.message)
        except Exception as exc:  # noqa: BLE001 — reported to the main thread
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=install, args=(record,)) for record in records]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert refusals == ["L'élection a déjà une clé publique."] * (THREADS - 1)
    assert ElectionKey.objects.filter(election=election).count() == 1
