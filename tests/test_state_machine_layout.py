"""One state machine (issue 15): no code outside it reads or writes an election's state.

``elections/lifecycle.py`` is the only module that compares ``Election.state`` (every
other place asks one of its predicates by name), and ``ballots/lifecycle.py`` the only
one that assigns it. This test reads the source of every app module and names any
comparison with a ``.state`` attribute or a ``State`` member, any ``state``/``state__…``
keyword in a call (a query or a creation), and any assignment to ``.state`` elsewhere.
"""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APPS = ("accounts", "ballots", "elections", "receipts", "voting_portal")
READS_STATE = {ROOT / "elections" / "lifecycle.py"}
WRITES_STATE = {ROOT / "ballots" / "lifecycle.py"}


def _mentions_state(node: ast.AST) -> bool:
    for sub in ast.walk(node):
        if isinstance(sub, ast.Attribute) and sub.attr == "state":
            return True
        if (
            isinstance(sub, ast.Attribute)
            and isinstance(sub.value, ast.Attribute)
            and sub.value.attr == "State"
        ):
            return True
        if isinstance(sub, ast.Name) and sub.id in ("ElectionState", "S"):
            return True
    return False


def _keyword_names(call: ast.Call) -> list[str]:
    """The keyword names of a call, those of a ``**{"literal": …}`` dictionary included."""
    names = []
    for keyword in call.keywords:
        if keyword.arg is not None:
            names.append(keyword.arg)
        elif isinstance(keyword.value, ast.Dict):
            names.extend(
                k.value
                for k in keyword.value.keys
                if isinstance(k, ast.Constant) and isinstance(k.value, str)
            )
    return names


def offences(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found: list[tuple[int, str]] = []
    where = path.relative_to(ROOT)
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare) and path not in READS_STATE:
            if _mentions_state(node):
                found.append((node.lineno, "compares the state"))
        elif isinstance(node, ast.Match) and path not in READS_STATE:
            if _mentions_state(node.subject):
                found.append((node.lineno, "compares the state"))
        elif isinstance(node, ast.Call) and path not in READS_STATE:
            for name in _keyword_names(node):
                if name == "state" or name.startswith("state__"):
                    found.append((node.lineno, "filters or sets state= in a call"))
            if isinstance(node.func, ast.Name) and node.func.id in ("getattr", "setattr"):
                if any(isinstance(a, ast.Constant) and a.value == "state" for a in node.args[1:2]):
                    found.append((node.lineno, f"reads or sets the state through {node.func.id}"))
        elif isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign) and path not in WRITES_STATE:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Attribute) and target.attr == "state":
                    found.append((node.lineno, "assigns the state"))
    return [f"{where}:{line}: {what}" for line, what in sorted(found)]


def test_only_the_state_machine_reads_and_only_the_transitions_write_the_election_state():
    found = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            found.extend(offences(path))
    assert found == []


def test_the_layout_check_sees_a_comparison_a_query_and_an_assignment(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "def f(election):\n"
        "    if election.state == Election.State.OPEN:\n"
        "        Election.objects.filter(state__in=['open'])\n"
        "    election.state = 'closed'\n"
        "    Election.objects.filter(Q(**{'state': 'open'}))\n"
        "    match election.state:\n"
        "        case 'open':\n"
        "            setattr(election, 'state', 'closed')\n"
    )
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        assert [line.split(": ", 1)[1] for line in offences(sample)] == [
            "compares the state",
            "filters or sets state= in a call",
            "assigns the state",
            "filters or sets state= in a call",
            "compares the state",
            "reads or sets the state through setattr",
        ]
    finally:
        ROOT = saved


def test_no_template_reads_the_election_state():
    """Templates ask the predicates too (the views pass them); ``get_state_display`` names it."""
    pattern = re.compile(r"\.state\b(?!_)")
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted(ROOT.rglob("templates/**/*.html"))
        if ".venv" not in path.parts and "mutants" not in path.parts
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if pattern.search(line)
    ]
    assert found == []
