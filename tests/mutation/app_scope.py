"""pytest plugin for ``make mutation``: a mutant is judged by the tests of its own app only.

mutmut already runs, for each mutant, only the tests that called the mutated function
while it collected its stats. This plugin narrows that set to the mutant's app:
a mutant of ``accounts/…`` is run against ``tests/accounts/`` alone, one of
``ballots/…`` against ``tests/ballots/``, one of ``elections/…`` against
``tests/elections/``. A mutant that only another app's tests would notice counts as
« no tests » for its own app, which is what the score should say.

mutmut names the mutant under test in ``MUTANT_UNDER_TEST`` (``accounts.audit.x_…``);
its other phases (stats, the clean run, the forced failure) use names without a dot
and keep every test.
"""

import os

import pytest


def mutant_app(name: str) -> str | None:
    """The app of a mutant name such as ``accounts.audit.x_audit_record__mutmut_3``, else None."""
    if "__mutmut_" not in name:
        return None
    return name.split(".", 1)[0]


def pytest_configure(config):
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        raise pytest.UsageError("make mutation runs on SQLite: unset DATABASE_URL")
    # The same examples in every mutant's run: a kill is the mutant's doing, never the draw's.
    from hypothesis import settings as hypothesis_settings

    hypothesis_settings.register_profile("mutation", derandomize=True, database=None)
    hypothesis_settings.load_profile("mutation")
    # Registered now, after pytest-django, so that its django_db_setup is the one used.
    from . import keep_db

    config.pluginmanager.register(keep_db, "mutation-keep-db")
    if os.environ.get("MUTATION_REAL_ARGON2") != "1":
        from . import argon2_memo

        argon2_memo.install()


def pytest_runtest_logreport(report):
    """A test that failed under a mutant: written for the next mutants of its function
    (mutmut_main.py runs them first). One short line appended per killed mutant."""
    name = os.environ.get("MUTANT_UNDER_TEST", "")
    if report.failed and mutant_app(name) is not None:
        with open("killers.tsv", "a", encoding="utf-8") as killers:
            killers.write(f"{name.partition('__mutmut_')[0]}\t{report.nodeid}\n")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    app = mutant_app(os.environ.get("MUTANT_UNDER_TEST", ""))
    if app is None:
        return
    prefix = f"tests/{app}/"
    kept, dropped = [], []
    for item in items:
        (kept if item.nodeid.startswith(prefix) else dropped).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept
