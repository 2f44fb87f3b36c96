"""pytest plugin for ``make mutation``: a mutant is judged by the tests of its own package only.

mutmut already runs, for each mutant, only the tests that called the mutated function
while it collected its stats. This plugin narrows that set to the mutant's package
(``tests_folder``): a mutant of ``accounts/…`` is run against ``tests/accounts/`` alone,
one of ``ballots/…`` against ``tests/ballots/``, one of ``elections/…`` against
``tests/elections/``, and one of the cryptographic core ``ballots/crypto/…`` against
``tests/ballots/crypto/``: the core is a library without Django, whose rules its own
tests must hold (the vote's pages and services exercise it too, at seconds a test). A
mutant that only other tests would notice counts as « no tests » for its own package,
which is what the score should say.

mutmut names the mutant under test in ``MUTANT_UNDER_TEST`` (``accounts.audit.x_…``);
its other phases (stats, the clean run, the forced failure) use names without a dot
and keep every test.
"""

import os

import pytest


def tests_folder(name: str) -> str:
    """The tests that judge a mutated function, from its mutmut name: ``tests/`` and the
    function's package (``accounts.audit.x_audit_record`` → ``tests/accounts/``,
    ``ballots.crypto.keys.x_prove`` → ``tests/ballots/crypto/``)."""
    package = name.split(".")[:-2]
    return "/".join(["tests", *package, ""])


def mutant_folder(name: str) -> str | None:
    """``tests_folder`` of a mutant name such as ``accounts.audit.x_audit_record__mutmut_3``,
    else None (mutmut's other phases)."""
    if "__mutmut_" not in name:
        return None
    return tests_folder(name)


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
    if report.failed and mutant_folder(name) is not None:
        with open("killers.tsv", "a", encoding="utf-8") as killers:
            killers.write(f"{name.partition('__mutmut_')[0]}\t{report.nodeid}\n")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    prefix = mutant_folder(os.environ.get("MUTANT_UNDER_TEST", ""))
    if prefix is None:
        return
    kept, dropped = [], []
    for item in items:
        (kept if item.nodeid.startswith(prefix) else dropped).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept
