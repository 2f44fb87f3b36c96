"""On PostgreSQL, several workers running lifecycle_tick at once (issue 15, item 8): each due
transition is taken once, with one audit entry, because every step takes the election's row
lock and re-reads its state inside the transaction (``ballots.lifecycle.lifecycle_step``)."""

import datetime as dt
import os
import subprocess
import sys
import threading
from collections import Counter

import pytest
from django.db import close_old_connections, connection
from django.utils import timezone

from accounts.models import AuditEntry
from ballots.lifecycle import lifecycle_tick
from ballots.models import ScrutinFreeze
from elections.lifecycle import ElectionState as S
from elections.lifecycle import Transition as T
from elections.models import Election
from tests.factories import seal_by_bureau, sealable_election
from tests.test_security import ROOT

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]

THREADS = 4
ELECTIONS = 3
CALENDAR = [T.OPEN, T.CLOSE, T.FREEZE]


@pytest.fixture(autouse=True)
def _roles():
    """The bureau's group (made by a migration; an earlier transactional test may have flushed it)."""
    from django.apps import apps

    from accounts.roles import roles_sync

    roles_sync(apps)


def _sealed_elections() -> list[Election]:
    elections = []
    for i in range(ELECTIONS):
        opens = timezone.now() + dt.timedelta(days=1, minutes=i)
        election, bureau = sealable_election(opens=opens, closes=opens + dt.timedelta(days=8))
        elections.append(seal_by_bureau(election, bureau))
    return elections


def _assert_each_transition_once(elections, taken):
    assert Counter(taken) == Counter((e.pk, t) for e in elections for t in CALENDAR)
    for election in elections:
        election.refresh_from_db()
        assert election.state == S.CLOSED
        entries = AuditEntry.objects.filter(object_id=str(election.pk), action__startswith="election.")
        actions = Counter(entries.exclude(action="election.seal.confirm").values_list("action", flat=True))
        assert actions == Counter(["election.seal", "election.open", "election.close", "election.freeze"])
        assert ScrutinFreeze.objects.filter(scrutin__election=election).count() == 1


def _ticks_at_once(moment) -> list[tuple]:
    """THREADS threads run lifecycle_tick(now=moment) at the same instant; what they took."""
    start = threading.Barrier(THREADS)
    taken, errors = [], []

    def tick():
        try:
            start.wait()
            taken.extend((election.pk, transition) for election, transition in lifecycle_tick(now=moment))
        except Exception as exc:  # noqa: BLE001 — reported to the main thread
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=tick) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return taken


def test_threads_running_lifecycle_tick_at_once_take_each_due_transition_once(settings):
    assert connection.vendor == "postgresql"
    elections = _sealed_elections()
    grace = dt.timedelta(minutes=settings.VOTE_CLOSING_GRACE_MINUTES)
    taken = []
    # Every election's opening, then closing, then freeze: each round's threads race for the same step.
    for moment, transition in (
        (max(e.opens for e in elections), T.OPEN),
        (max(e.closes for e in elections), T.CLOSE),
        (max(e.closes for e in elections) + grace, T.FREEZE),
    ):
        round_taken = _ticks_at_once(moment)
        assert sorted(round_taken) == sorted((e.pk, transition) for e in elections), transition
        taken += round_taken
    _assert_each_transition_once(elections, taken)


def test_servers_running_manage_py_lifecycle_tick_at_once_take_each_due_transition_once():
    """The command itself, as cron would start it on two servers: separate processes."""
    elections = _sealed_elections()
    db = connection.settings_dict
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))},
        "DJANGO_SETTINGS_MODULE": "voting_portal.settings.local",
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}",
    }
    labels = {T(t).label: t for t in CALENDAR}
    by_slug = {e.slug: e.pk for e in elections}
    pks = [e.pk for e in elections]
    now = timezone.now()
    taken = []
    # The seal does not cover the timetable: the opening moved into the past, then the closing
    # (and its grace) too; each time two servers' cron start the command at once.
    for opens, closes, expected in (
        (now - dt.timedelta(hours=3), now + dt.timedelta(days=1), [T.OPEN]),
        (now - dt.timedelta(hours=3), now - dt.timedelta(hours=2), [T.CLOSE, T.FREEZE]),
    ):
        Election.objects.filter(pk__in=pks).update(opens=opens, closes=closes)
        processes = [
            subprocess.Popen(  # noqa: S603
                [sys.executable, "manage.py", "lifecycle_tick"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        outputs = [process.communicate(timeout=120) for process in processes]
        assert [(p.returncode, err) for p, (_out, err) in zip(processes, outputs, strict=True)] == [
            (0, "")
        ] * 2
        round_taken = []
        for out, _err in outputs:
            for line in out.splitlines():
                slug, label = line.split("  ", 1)[1].split(" : ")
                round_taken.append((by_slug[slug], labels[label]))
        assert sorted(round_taken) == sorted((pk, t) for pk in pks for t in expected)
        taken += round_taken
    _assert_each_transition_once(elections, taken)
