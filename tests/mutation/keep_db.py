"""The test database of ``make mutation``: migrated once, copied into every mutant's run.

mutmut forks one process per mutant from the process that ran the whole suite, and each
fork starts a new pytest session. pytest-django would migrate a fresh in-memory SQLite
database in every one of them (about five seconds here, for a run of a few tenths of a
second). This fixture, registered by app_scope.py after pytest-django so that it takes
its place, migrates once, keeps a pristine copy of the migrated database (SQLite's
backup API) and restores it at the start of every later session, in the same process or
in a fork: each mutant sees exactly the database a fresh session would have created.
"""

import sqlite3

import pytest

_pristine: sqlite3.Connection | None = None


@pytest.fixture(scope="session")
def django_db_setup(request, django_test_environment, django_db_blocker):
    global _pristine
    from django.db import connections
    from django.test.utils import setup_databases
    from pytest_django.fixtures import _get_databases_for_setup

    connection = connections["default"]
    with django_db_blocker.unblock():
        if _pristine is None:
            aliases, serialized_aliases = _get_databases_for_setup(request.session.items)
            setup_databases(
                verbosity=0, interactive=False, aliases=aliases, serialized_aliases=serialized_aliases
            )
            connection.ensure_connection()
            _pristine = sqlite3.connect(":memory:")
            connection.connection.backup(_pristine)
        else:
            connection.ensure_connection()
            _pristine.backup(connection.connection)
    yield
