"""Test vectors that pin the format for every implementation (Python, browser, verifier).

``python -m ballots.crypto.vectors tests/vectors`` writes them; the test suite checks
that the committed files are exactly what this module produces and that they verify.
Randomness is fixed: scalar n of a vector is int_le(SHA-512("isoloir/v1/test-vector" ||
0x00 || name || 0x00 || n as 8 bytes little-endian)) mod q, skipping 0; every drawn
scalar is also written out, in the order ``create_ballot`` draws them.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import group as g
from .ballot import ScrutinParameters, _encrypt, ballot_reference, create_ballot
from .box import box_hash, deposit_statement
from .encoding import (
    TAG_DECRYPTION,
    TAG_EXACTLY_ONE,
    TAG_KEY,
    TAG_ZERO_ONE,
    VERSION,
    canonical_json,
    hash_to_scalar,
)

ELECTION = "6f1c2b7e-8d3a-4f5e-9b2c-0a1d2e3f4a5b"


class FixedRandomness:
    """Deterministic scalars in [1, q−1], recorded as they are drawn."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.counter = 0
        self.drawn: list[int] = []

    def __call__(self) -> int:
        while True:
            data = (
                b"isoloir/v1/test-vector\x00"
                + self.name.encode()
                + b"\x00"
                + self.counter.to_bytes(8, "little")
            )
            self.counter += 1
            n = int.from_bytes(hashlib.sha512(data).digest(), "little") % g.Q
            if n:
                self.drawn.append(n)
                return n


def _params(name: str, n_lists: int, scrutin: str) -> tuple[ScrutinParameters, int]:
    secret = FixedRandomness(f"{name}/election-secret")()
    params = ScrutinParameters.from_lists(
        election=ELECTION,
        scrutin=scrutin,
        list_ids=[f"liste-{i + 1:02d}" for i in range(n_lists)],
        public_key=g.base_mult(secret).hex(),
    )
    return params, secret


def _ballot_vector(name: str, params: ScrutinParameters, choice: str) -> dict[str, Any]:
    rand = FixedRandomness(name)
    ballot = create_ballot(params, choice, rand)
    return {
        "name": name,
        "params": params.as_json(),
        "fingerprint": params.fingerprint,
        "choice": choice,
        "randomness": [g.scalar_to_hex(n) for n in rand.drawn],
        "ballot": ballot,
        "reference": ballot_reference(ballot),
    }


def valid_ballots() -> dict[str, Any]:
    vectors = []
    for n_lists, scrutin in ((1, "ccp-minimal"), (4, "ccp-contractuels"), (13, "csa-ministeriel")):
        params, _ = _params(scrutin, n_lists, scrutin)
        for choice in (params.options[0], params.options[len(params.options) // 2], "blank"):
            vectors.append(_ballot_vector(f"{scrutin}/{choice}", params, choice))
    return {
        "version": VERSION,
        "description": "Honest ballots: every implementation reproduces them from 'randomness' "
        "(drawn in order: every r_j, then per answer w, c_u, s_u, then the exactly-one w) and accepts them.",
        "vectors": vectors,
    }


def _mutate(ballot: dict[str, Any], change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    copy = json.loads(json.dumps(ballot))
    change(copy)
    return copy


def invalid_ballots() -> dict[str, Any]:
    params, _ = _params("ccp-contractuels", 4, "ccp-contractuels")
    other, _ = _params("other-scrutin", 4, "ccp-contractuels")
    honest = create_ballot(params, "liste-02", FixedRandomness("invalid/honest"))
    q_hex = g.Q.to_bytes(32, "little").hex()
    # A non-canonical encoding: p (2^255 − 19) in little-endian is not reduced.
    non_canonical = ((1 << 255) - 19).to_bytes(32, "little").hex()
    g_hex = g.BASE.hex()
    # Bit 255 set: libsodium 1.0.18 ignores it and decodes the same point (PROTOCOL.md
    # §Implementation notes). The honest ballot with alpha 0 so written, every proof
    # made over those bytes; and 00…0080, which it decodes to the identity.
    top_bit_identity = "00" * 31 + "80"
    top_bit_alpha = _encrypt(
        params,
        [0, 1, 0, 0, 0],
        FixedRandomness("invalid/honest"),
        alpha_encoding=lambda j, alpha: alpha[:31] + bytes([alpha[31] | 0x80]) if j == 0 else alpha,
    )

    def set_answer(j: int, key: str, value: Any) -> Callable[[dict[str, Any]], None]:
        return lambda b: b["answers"][j].__setitem__(key, value)

    def set_proof(j: int, k: int, key: str, value: Any) -> Callable[[dict[str, Any]], None]:
        return lambda b: b["answers"][j]["proof"][k].__setitem__(key, value)

    cases: list[tuple[str, str, Any]] = [
        ("two-choices", "invalid", _encrypt(params, [1, 1, 0, 0, 0], FixedRandomness("invalid/two"))),
        ("no-choice", "invalid", _encrypt(params, [0, 0, 0, 0, 0], FixedRandomness("invalid/none"))),
        ("vote-of-two", "invalid", _encrypt(params, [2, 0, 0, 0, 0], FixedRandomness("invalid/two-votes"))),
        ("other-scrutin", "invalid", create_ballot(other, "liste-02", FixedRandomness("invalid/other"))),
        ("swapped-answers", "invalid", _mutate(honest, lambda b: b["answers"].reverse())),
        ("changed-beta", "invalid", _mutate(honest, set_answer(1, "beta", g_hex))),
        ("changed-challenge", "invalid", _mutate(honest, set_proof(0, 1, "challenge", g.scalar_to_hex(1)))),
        ("wrong-version", "invalid", _mutate(honest, lambda b: b.__setitem__("version", "isoloir/v2"))),
        ("missing-answer", "invalid", _mutate(honest, lambda b: b["answers"].pop())),
        ("identity-alpha", "malformed", _mutate(honest, set_answer(0, "alpha", "00" * 32))),
        ("duplicate-alpha", "invalid", _mutate(honest, set_answer(1, "alpha", honest["answers"][0]["alpha"]))),
        ("uppercase-hex", "malformed", _mutate(honest, set_answer(0, "alpha", honest["answers"][0]["alpha"].upper()))),
        ("non-canonical-point", "malformed", _mutate(honest, set_answer(0, "beta", non_canonical))),
        ("top-bit-alpha", "malformed", top_bit_alpha),
        ("top-bit-identity-alpha", "malformed", _mutate(honest, set_answer(0, "alpha", top_bit_identity))),
        ("top-bit-identity-beta", "malformed", _mutate(honest, set_answer(0, "beta", top_bit_identity))),
        ("scalar-not-reduced", "malformed", _mutate(honest, set_proof(0, 0, "response", q_hex))),
        ("short-hex", "malformed", _mutate(honest, set_answer(0, "alpha", honest["answers"][0]["alpha"][:62]))),
        ("unknown-key", "malformed", _mutate(honest, lambda b: b.__setitem__("voter", "A1001"))),
        ("unknown-nested-key", "malformed", _mutate(honest, set_answer(0, "index", 0))),
        ("three-branches", "malformed", _mutate(honest, lambda b: b["answers"][0]["proof"].append(
            b["answers"][0]["proof"][0]))),
        ("number-instead-of-hex", "malformed", _mutate(honest, set_proof(0, 0, "challenge", 1))),
    ]  # fmt: skip
    return {
        "version": VERSION,
        "description": "Ballots every implementation refuses for the parameters 'params'; "
        "'malformed' fails decoding, 'invalid' fails a check.",
        "params": params.as_json(),
        "fingerprint": params.fingerprint,
        "vectors": [{"name": name, "kind": kind, "ballot": ballot} for name, kind, ballot in cases],
    }


def hashes() -> dict[str, Any]:
    fp = hashlib.sha256(b"isoloir test fingerprint").digest()
    point = g.BASE
    cases = []
    for tag in (TAG_ZERO_ONE, TAG_EXACTLY_ONE, TAG_DECRYPTION, TAG_KEY):
        items: list[bytes] = [point, g.base_mult(2), g.scalar_to_bytes(7)]
        cases.append(
            {
                "tag": tag,
                "fp": fp.hex(),
                "items": [item.hex() for item in items],
                "scalar": g.scalar_to_hex(hash_to_scalar(tag, fp, *items)),
            }
        )
    json_cases = [
        {"a": 1, "B": [1, 2, {"z": "é", "y": '"\\\n\u0001'}], "": None, "t": True},
        {"election": ELECTION, "name": "Élections professionnelles 2026 — CSA"},
    ]
    references = [FixedRandomness("box")().to_bytes(32, "little").hex() for _ in range(3)]
    fingerprint = _params("ccp-contractuels", 4, "ccp-contractuels")[0].fingerprint
    return {
        "version": VERSION,
        "description": "Hash to scalar H(tag, fp, X1..Xn), canonical JSON, box hash, deposit statement.",
        "hash_to_scalar": cases,
        "canonical_json": [{"value": v, "canonical": canonical_json(v).decode("utf-8")} for v in json_cases],
        "box_hash": {
            "fingerprint": fingerprint,
            "references": references,
            "box_hash": box_hash(fingerprint, references),
        },
        "deposit_statement": {
            "reference": references[0],
            "fingerprint": fingerprint,
            "time": "2026-12-01T16:26:03+01:00",
            "statement": deposit_statement(
                reference=references[0], fingerprint=fingerprint, time="2026-12-01T16:26:03+01:00"
            ).decode("utf-8"),
        },
    }


def all_vectors() -> dict[str, dict[str, Any]]:
    return {
        "ballots.json": valid_ballots(),
        "invalid-ballots.json": invalid_ballots(),
        "encoding.json": hashes(),
    }


def render(content: dict[str, Any]) -> str:
    return json.dumps(content, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    target = Path(argv[0] if argv else "tests/vectors")
    target.mkdir(parents=True, exist_ok=True)
    for name, content in all_vectors().items():
        (target / name).write_text(render(content), encoding="utf-8")
        print(f"{target / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
