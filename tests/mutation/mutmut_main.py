"""``mutmut`` with the project's policy for string literals (run by run.py).

mutmut 3.8 turns every string literal into three mutants: ``"XX…XX"``, lower case and
upper case. In these modules most literals are French sentences shown to a person
(refusals, help texts, audit reasons): their wording is a matter of review, not a rule,
and they made a quarter of the mutants and most of the survivors. So:

- a literal containing white space (a sentence) is not mutated;
- any other literal (an action name, a field name, a status, a format, a hash input)
  gives one mutant, ``"XX…XX"``: a different value, which a test of the rule must notice.

Everything else is mutmut's own (pinned below 3.9 in pyproject.toml).
"""

import sys
from collections.abc import Iterable

import libcst as cst
from mutmut.__main__ import cli
from mutmut.mutation import mutators


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

if __name__ == "__main__":
    sys.exit(cli())
