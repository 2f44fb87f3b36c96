"""The Isoloir ballot protocol (PROTOCOL.md), pure Python: no Django import anywhere here.

An auditor can verify ballots with this package and rbcl alone.
"""

from .ballot import (
    BLANK,
    ScrutinParameters,
    VerifiedBallot,
    ballot_reference,
    create_ballot,
    parse_ballot,
    verify_ballot,
    weed,
)
from .box import box_hash, deposit_statement, verify_box
from .encoding import VERSION, canonical_json, parse_json
from .errors import CryptoError, EncodingError, InvalidBallot, InvalidParameters, InvalidProof

__all__ = [
    "BLANK",
    "VERSION",
    "CryptoError",
    "EncodingError",
    "InvalidBallot",
    "InvalidParameters",
    "InvalidProof",
    "ScrutinParameters",
    "VerifiedBallot",
    "ballot_reference",
    "box_hash",
    "canonical_json",
    "create_ballot",
    "deposit_statement",
    "parse_ballot",
    "parse_json",
    "verify_ballot",
    "verify_box",
    "weed",
]
