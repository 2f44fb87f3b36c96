"""``mutmut`` with the project's policy for string literals (run by run.py).

mutmut 3.8 turns every string literal into three mutants: ``"XX…XX"``, lower case and
upper case. In these modules most literals are French sentences shown to a person
(refusals, help texts, audit reasons): their wording is a matter of review, not a rule,
and they made a quarter of the mutants and most of the survivors. So:

- a literal containing white space (a sentence) is not mutated;
- any other literal (an action name, a field name, a status, a format, a hash input)
  gives one mutant, ``"XX…XX"``: a different value, which a test of the rule must notice.

Each mutant is run against the tests of its own package only (issue 13): once mutmut has
recorded which tests call which function, ``own_package_tests_only`` keeps, for a function
of ``accounts/…``, only the tests under ``tests/accounts/``, for one of ``ballots/crypto/…``
only those under ``tests/ballots/crypto/`` (app_scope.tests_folder). mutmut then orders,
times out and runs each mutant on those tests alone — without this, pytest collected the
other apps' test files for every mutant, only for app_scope.py to deselect them. A function
only other apps' tests call has no tests: mutmut reports its mutants « no tests ».

When mutmut has just run the whole suite to record those calls, its « clean run » of the
same tests without any mutant is skipped: that first run already had to pass.

Killers first: mutmut runs a mutant's tests fastest first and stops at the first failure.
app_scope.py writes, in ``mutants/killers.tsv``, which test failed for each mutant; the
next mutants of the same function run those tests first (the most recent first), then
the others fastest first. A mutant's verdict does not depend on the order (it is killed
if any of its tests fails); only the time to find the failing test does.

Everything else is mutmut's own (pinned below 3.9 in pyproject.toml).
"""

import sys
from collections.abc import Iterable

import libcst as cst
import mutmut.__main__ as mutmut_main
from mutmut.__main__ import cli
from mutmut.mutation import mutators
from mutmut.runners.harness import PytestRunner
from mutmut.state import state
from mutmut.workers import isolation


def is_sentence(node: cst.SimpleString) -> bool:
    value = node.evaluated_value
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    return any(character.isspace() for character in value)


def operator_value_string(node: cst.BaseString) -> Iterable[cst.BaseString]:
    if isinstance(node, cst.SimpleString) and is_sentence(node):
        return
    for mutant in mutators.operator_string(node):
        yield mutant  # the first one is "XX…XX"
        return


mutators.mutation_operators[:] = [
    (kind, operator_value_string if operator is mutators.operator_string else operator)
    for kind, operator in mutators.mutation_operators
]


def own_package_tests_only() -> None:
    """Keep, for each mutated function (``accounts.audit.x_…``), the tests of its package only."""
    # Imported here, from mutants/ (on sys.path once mutmut has set it up), never from the
    # source tree, which mutmut keeps off sys.path so that the tests see the mutants.
    from tests.mutation.app_scope import tests_folder

    for name, tests in state().tests_by_mangled_function_name.items():
        prefix = tests_folder(name)
        tests.intersection_update({test for test in tests if test.startswith(prefix)})


_full_stats_ran = False
_run_stats_collection = mutmut_main.run_stats_collection
_collect_or_load_stats = mutmut_main.collect_or_load_stats
_run_clean_tests = isolation.ForkRunner.run_clean_tests


def run_stats_collection(runner, tests=None):
    global _full_stats_ran
    _run_stats_collection(runner, tests)
    _full_stats_ran = _full_stats_ran or not tests


def collect_or_load_stats(runner, **kwargs):
    _collect_or_load_stats(runner, **kwargs)
    own_package_tests_only()


def run_clean_tests(self, tests):
    if _full_stats_ran:
        print("    (skipped: the run that recorded the calls passed on the same tests)")
        return 0
    return _run_clean_tests(self, tests)


KILLERS = "killers.tsv"  # in mutants/, the directory the tests run in


def killers_first(mutant_name: str, tests: list[str]) -> list[str]:
    """``tests`` (fastest first) with those that killed this function's mutants moved first."""
    function = mutant_name.partition("__mutmut_")[0]
    try:
        with open(KILLERS, encoding="utf-8") as killers:
            lines = killers.read().splitlines()
    except OSError:
        return tests
    wanted = set(tests)
    first: list[str] = []
    for line in reversed(lines):
        name, _, test = line.partition("\t")
        if name == function and test in wanted and test not in first:
            first.append(test)
    return first + [test for test in tests if test not in set(first)]


_run_tests = PytestRunner.run_tests


def run_tests(self, *, mutant_name, tests):
    if mutant_name and "__mutmut_" in mutant_name:
        tests = killers_first(mutant_name, list(tests))
    return _run_tests(self, mutant_name=mutant_name, tests=tests)


PytestRunner.run_tests = run_tests
mutmut_main.run_stats_collection = run_stats_collection
mutmut_main.collect_or_load_stats = collect_or_load_stats
isolation.ForkRunner.run_clean_tests = run_clean_tests

if __name__ == "__main__":
    sys.exit(cli())
