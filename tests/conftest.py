import datetime as dt
import os
from collections import Counter

import pytest
from django.core.cache import cache
from django.db import connection, transaction

from .factories import VOTER_PASSWORD, ElectionFactory, ScrutinFactory, make_voter, open_for_voting


@pytest.fixture(autouse=True)
def _clear_cache():
    """Throttling counters live in the cache: every test starts from zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _commit_at_the_end_of_each_request(monkeypatch):
    """Each test-client request ends as a real one does: its on_commit callbacks run.

    Mails leave in ``transaction.on_commit`` callbacks; inside the test's own transaction
    they would never run. Here a request's callbacks run when it returns (those of a
    block rolled back are dropped, as in production); code called outside the client
    wraps itself in ``django_capture_on_commit_callbacks(execute=True)``.
    """
    from django.test import Client, TestCase

    original = Client.request

    def request_then_commit(self, **request):
        with TestCase.captureOnCommitCallbacks(execute=True):
            return original(self, **request)

    monkeypatch.setattr(Client, "request", request_then_commit)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_ROOT = tmp_path / "private"


def run_jobs() -> int:
    """Run every queued background job with db_worker's own Worker, then return how many ran.

    The same claim and run as ``manage.py db_worker``, without its loop, which closes
    the database connection between tasks (and so the test's transaction).
    """
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="tests",
        excluded_queue_names=[],
    )
    ran = 0
    while True:
        # Claimed under its row lock, as the worker does (PostgreSQL refuses FOR UPDATE
        # outside a transaction: the browser tests run in autocommit).
        with transaction.atomic():
            task_result = DBTaskResult.objects.ready().filter(backend_name="default").get_locked()
            if task_result is None:
                break
            task_result.claim(worker.worker_id)
        worker.run_task(task_result)
        task_result.refresh_from_db()
        assert task_result.status == "SUCCESSFUL", task_result.traceback
        ran += 1
    return ran


@pytest.fixture
def election(db):
    return ElectionFactory()


@pytest.fixture
def scrutins(election):
    return [ScrutinFactory(election=election, order=i) for i in range(3)]


@pytest.fixture
def tamper():
    """A cursor able to alter the trail, as someone with the database owner's rights.

    On PostgreSQL the append-only trigger is disabled first: the chain must catch
    what the trigger cannot stop.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE accounts_auditentry DISABLE TRIGGER accounts_auditentry_append_only")
        yield cursor
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE accounts_auditentry ENABLE TRIGGER accounts_auditentry_append_only")


@pytest.fixture
def open_election(election, scrutins):
    """The election with 3 lists per scrutin, keyed and open."""
    return open_for_voting(election)


@pytest.fixture
def voter(election, scrutins):
    return make_voter(election=election, matricule="A1001", scrutins=scrutins[:2])


@pytest.fixture
def login_data(voter):
    return {
        "matricule": "A1001",
        "birth_date": "17/05/1980",
        "security_key": "ACDE-FGHJ-KMNP",
        "password": VOTER_PASSWORD,
    }


@pytest.fixture
def voter_client(client, voter):
    """A test client logged in as ``voter`` through the real login page."""
    response = client.post(
        f"/connexion/{voter.election.slug}/",
        {
            "matricule": voter.matricule,
            "birth_date": voter.birth_date.strftime("%d/%m/%Y"),
            "security_key": "ACDE-FGHJ-KMNP",
            "password": VOTER_PASSWORD,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return client


def paris(*args) -> dt.datetime:
    from zoneinfo import ZoneInfo

    return dt.datetime(*args, tzinfo=ZoneInfo("Europe/Paris"))


# --- groups: which kinds of test ran, said at the end of every run -------------------

_outcomes: dict[str, Counter] = {"base": Counter(), "browser": Counter(), "postgresql": Counter()}


def pytest_collection_modifyitems(config, items):
    """PostgreSQL tests run in the PostgreSQL pass; there they are required.

    Decided at collection, before any database fixture runs, so a skipped test
    leaves the test database as it found it.
    """
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    if engine.endswith("postgresql"):
        return
    if os.environ.get("REQUIRE_POSTGRESQL"):
        raise pytest.UsageError(f"PostgreSQL required (REQUIRE_POSTGRESQL=1), DATABASE_URL gives {engine}")
    skip = pytest.mark.skip(reason="runs in the PostgreSQL pass (DATABASE_URL=postgres://…)")
    for item in items:
        if item.get_closest_marker("postgresql"):
            item.add_marker(skip)


def pytest_runtest_logreport(report):
    if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
        keywords = report.keywords
        group = "browser" if "browser" in keywords else "postgresql" if "postgresql" in keywords else "base"
        _outcomes[group][report.outcome] += 1


def pytest_terminal_summary(terminalreporter):
    database = connection.settings_dict.get("ENGINE", "").rsplit(".", 1)[-1]
    terminalreporter.section("Isoloir test groups")
    labels = {
        "base": f"unit + HTTP integration ({database})",
        "browser": "browser (Chromium + Playwright)",
        "postgresql": "PostgreSQL-only (locking, concurrency)",
    }
    for group, label in labels.items():
        counts = _outcomes[group]
        if not counts:
            terminalreporter.write_line(f"{label}: none collected")
            continue
        parts = ", ".join(f"{n} {outcome}" for outcome, n in sorted(counts.items()))
        terminalreporter.write_line(f"{label}: {parts}")
