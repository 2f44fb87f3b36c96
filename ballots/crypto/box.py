"""The ballot box as published: sorted references and their hash (PROTOCOL.md §Ballot box)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .ballot import ScrutinParameters, VerifiedBallot, verify_ballot
from .encoding import VERSION, canonical_json, sha256
from .errors import InvalidBallot


def box_hash(fingerprint: str, references: Iterable[str]) -> str:
    return sha256(canonical_json({"references": sorted(references), "scrutin": fingerprint})).hex()


def verify_box(params: ScrutinParameters, ballots: Iterable[Any]) -> list[VerifiedBallot]:
    """Every ballot verifies and no alpha repeats anywhere in the box."""
    seen: set[str] = set()
    verified = []
    for index, ballot in enumerate(ballots):
        checked = verify_ballot(params, ballot)
        for alpha in checked.alphas:
            if alpha in seen:
                raise InvalidBallot(f"ballot {index} repeats an alpha of the box")
            seen.add(alpha)
        verified.append(checked)
    return verified


def deposit_statement(*, reference: str, fingerprint: str, time: str) -> bytes:
    """The bytes the server signs in a preuve de dépôt."""
    return canonical_json({"reference": reference, "scrutin": fingerprint, "time": time, "version": VERSION})
