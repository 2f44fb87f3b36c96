"""make mutation: run mutmut over the modules that hold the rules, then report.

    .venv/bin/python tests/mutation/run.py            # fresh run (removes mutants/ first)
    .venv/bin/python tests/mutation/run.py --keep     # reuse mutants/: only what changed is re-run
    .venv/bin/python tests/mutation/run.py --report   # no run, the report of the last one
    .venv/bin/python tests/mutation/run.py 'accounts.audit.*'   # re-run these mutants (implies --keep)

What is mutated, and against which tests, is [tool.mutmut] in pyproject.toml; each mutant
runs the tests of its own app that called the mutated function (tests/mutation/app_scope.py).
The report gives the score per module and every surviving mutant with its diff; the
machine and the duration are printed at the end (tests/MUTATION.md records them).
"""

from __future__ import annotations

import argparse
import ast
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Counted as killed: a test failed, or the mutant made the tests hang (mutmut's timeouts).
KILLED = {"killed", "timeout", "caught by type check"}


def machine() -> str:
    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"{os.cpu_count()} CPU(s) (nproc {len(os.sched_getaffinity(0))}), {cpu}, load average {load}"


def function_span(source: str, mangled: str) -> tuple[int, int] | None:
    """Lines of the function mutmut calls ``mangled`` (``x_name`` or ``xǁClassǁname``)."""
    if mangled.startswith("xǁ"):
        _, cls, name = mangled.split("ǁ")
    else:
        cls, name = None, mangled.removeprefix("x_")
    tree = ast.parse(source)
    scopes = [tree]
    if cls:
        scopes = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == cls]
    for scope in scopes:
        for node in scope.body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == name:
                start = min([d.lineno for d in node.decorator_list] + [node.lineno])
                return start, node.end_lineno or node.lineno
    return None


def describe(mutant: str, path: str) -> tuple[int | None, str]:
    """(line in the source, the change as ``- old / + new``) of one mutant."""
    from mutmut.mutation.diff_apply import get_diff_for_mutant

    diff = get_diff_for_mutant(mutant, path=path)
    removed = [ln[1:] for ln in diff.splitlines() if ln.startswith("-") and not ln.startswith("---")]
    added = [ln[1:] for ln in diff.splitlines() if ln.startswith("+") and not ln.startswith("+++")]
    source = (ROOT / path).read_text()
    mangled = mutant.rpartition(".")[2].rsplit("__mutmut_", 1)[0]
    line = None
    span = function_span(source, mangled)
    if span and removed:
        lines = source.splitlines()
        for number in range(span[0], span[1] + 1):
            if lines[number - 1].strip() == removed[0].strip():
                line = number
                break
    if line is None and span:
        line = span[0]
    change = (
        " / ".join(f"- {r.strip()}" for r in removed) + " → " + " / ".join(f"+ {a.strip()}" for a in added)
    )
    return line, change


def reason(mutant: str, change: str) -> str:
    from fnmatch import fnmatch

    from tests.mutation.reasons import NEEDS_A_TEST, RULES

    for pattern, text, why in RULES:
        found = re.search(text[3:], change) if text.startswith("re:") else text in change
        if fnmatch(mutant, pattern) and found:
            return why
    return NEEDS_A_TEST


def report() -> tuple[int, int]:
    """Print the score per module and every mutant not killed; return (killed, tested)."""
    sys.path.insert(0, str(ROOT))
    from mutmut.mutation.data import SourceFileMutationData
    from mutmut.stats import status_by_exit_code
    from mutmut.utils.file_utils import walk_mutatable_files

    rows, survivors, all_killed, all_tested, unchecked = [], [], 0, 0, 0
    for path in sorted(walk_mutatable_files(), key=str):
        data = SourceFileMutationData(path=path)
        data.load()
        if not data.exit_code_by_key:
            continue
        counts = Counter(status_by_exit_code[code] for code in data.exit_code_by_key.values())
        killed = sum(counts[s] for s in KILLED)
        tested = sum(counts.values()) - counts["not checked"]
        unchecked += counts["not checked"]
        all_killed += killed
        all_tested += tested
        others = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()) if s not in KILLED)
        score = f"{100 * killed / tested:.1f} %" if tested else "–"
        rows.append(f"| {path} | {killed} / {tested} | {score} | {others} |")
        for mutant, code in sorted(data.exit_code_by_key.items()):
            status = status_by_exit_code[code]
            if status not in KILLED and status != "not checked":
                line, change = describe(mutant, str(path))
                survivors.append((str(path), line or 0, status, mutant, change))
    print("\n| module | killed / tested | score | not killed |\n|---|---|---|---|")
    print("\n".join(rows))
    if all_tested:
        print(f"| **all** | **{all_killed} / {all_tested}** | **{100 * all_killed / all_tested:.1f} %** | |")
    if unchecked:
        print(f"\n{unchecked} mutant(s) not checked yet (the run was stopped or is still going).")
    print(f"\n{len(survivors)} mutant(s) not killed (module:line, status, mutant, change, reason):\n")
    for path, line, status, mutant, change in sorted(survivors):
        short = mutant.rpartition(".")[2]
        print(f"- {path}:{line} ({status}) `{short}`: `{change}` — {reason(mutant, change)}")
    return all_killed, all_tested


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("mutants", nargs="*", help="mutant names or globs to re-run (implies --keep)")
    parser.add_argument("--keep", action="store_true", help="reuse mutants/ from the last run")
    parser.add_argument("--report", action="store_true", help="only report the last run")
    parser.add_argument("--max-children", type=int, default=len(os.sched_getaffinity(0)))
    args = parser.parse_args()
    os.chdir(ROOT)
    started, began = datetime.now().astimezone(), time.monotonic()
    print(f"machine: {machine()}")
    status = 0
    if not args.report:
        if not (args.keep or args.mutants):
            shutil.rmtree(ROOT / "mutants", ignore_errors=True)
        launcher = ROOT / "tests" / "mutation" / "mutmut_main.py"
        command = [
            sys.executable,
            str(launcher),
            "run",
            "--max-children",
            str(args.max_children),
            *args.mutants,
        ]
        # SQLite in memory and the local-memory cache, whatever the shell says (keep_db.py).
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CACHE_URL")}
        env["DJANGO_SETTINGS_MODULE"] = "voting_portal.settings.test"
        status = subprocess.run(command, env=env, check=False).returncode  # noqa: S603
    killed, total = report()
    minutes, seconds = divmod(int(time.monotonic() - began), 60)
    print(f"\nstarted {started:%Y-%m-%d %H:%M %Z}, took {minutes} min {seconds:02d} s")
    print(f"machine: {machine()}")
    if total:
        print(f"score: {killed} / {total} tested mutants killed ({100 * killed / total:.1f} %)")
    return status


if __name__ == "__main__":
    sys.exit(main())
