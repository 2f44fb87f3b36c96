"""The code version the seal records (issue 15): what ran the election.

``ISOLOIR_VERSION`` in the environment (set by the deployment) wins; otherwise the
project's version from ``pyproject.toml`` and, in a git checkout, the commit.
"""

from __future__ import annotations

import functools
import os
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _git_commit(root: Path) -> str:
    head_file = root / ".git" / "HEAD"
    try:
        head = head_file.read_text().strip()
    except OSError:
        return ""
    if not head.startswith("ref: "):
        return head
    ref = head.removeprefix("ref: ")
    try:
        return (root / ".git" / ref).read_text().strip()
    except OSError:
        pass
    try:
        for line in (root / ".git" / "packed-refs").read_text().splitlines():
            if line.endswith(f" {ref}"):
                return line.split(" ", 1)[0]
    except OSError:
        pass
    return ""


@functools.cache
def code_version() -> str:
    explicit = os.environ.get("ISOLOIR_VERSION", "").strip()
    if explicit:
        return explicit
    try:
        with (ROOT / "pyproject.toml").open("rb") as handle:
            base = tomllib.load(handle)["project"]["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        base = "inconnue"
    commit = _git_commit(ROOT)
    return f"{base}+{commit[:12]}" if commit else base
