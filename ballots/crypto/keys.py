"""Key holders' public values and proofs (PROTOCOL.md §Keys).

``ceremony_simulate`` plays every key holder's part on one machine. It exists for the
demo and the tests only, until the key holders' ceremony runs on their own devices:
its output has the structure of the real ceremony, but whoever ran it saw every secret,
so an election keyed this way is marked as such and production refuses to open it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import group as g
from .encoding import TAG_KEY, VERSION, canonical_json, check_keys, check_uuid, hash_to_scalar, sha256
from .errors import EncodingError, InvalidProof

ROLES = ("president", "secretary", "delegate")


def key_context(*, election: str, holder: str, role: str, index: int) -> bytes:
    if role not in ROLES:
        raise EncodingError(f"unknown key holder role {role!r}")
    return sha256(canonical_json({"election": election, "holder": holder, "index": index, "role": role}))


def prove_knowledge(kc: bytes, z: int, rand: Callable[[], int] = g.random_scalar) -> dict[str, str]:
    """Schnorr proof of knowledge of z for Z = z·G, bound to the key context."""
    w = rand()
    big_z, t = g.base_mult(z), g.base_mult(w)
    c = hash_to_scalar(TAG_KEY, kc, big_z, t)
    return {"challenge": g.scalar_to_hex(c), "response": g.scalar_to_hex(w + c * z)}


def verify_knowledge(kc: bytes, point_hex: str, proof: Any) -> None:
    proof = check_keys(proof, {"challenge", "response"}, "proof of knowledge")
    big_z = g.point_from_hex(point_hex, "public value")
    c = g.scalar_from_hex(proof["challenge"], "challenge")
    s = g.scalar_from_hex(proof["response"], "response")
    t = g.sub(g.base_mult(s), g.mult(c, big_z))
    if c != hash_to_scalar(TAG_KEY, kc, big_z, t):
        raise InvalidProof("the proof of knowledge does not verify")


@dataclass(frozen=True)
class SimulatedCeremony:
    """The public ``keys`` record of PROTOCOL.md §Election record, and the secrets."""

    record: dict[str, Any]
    secrets: dict[str, Any]

    @property
    def public_key(self) -> str:
        return self.record["public_key"]


def ceremony_hash(record: dict[str, Any]) -> str:
    """SHA-256 of the transport keys, Y_P, the delegates' commitments and proofs, and QUAL."""
    return sha256(
        canonical_json(
            {
                "delegates": record["delegates"],
                "president": record["president"],
                "qual": record["qual"],
                "transport": record["transport"],
            }
        )
    ).hex()


def ceremony_simulate(
    *,
    election: str,
    president: str,
    secretary: str,
    delegates: list[tuple[str, int]],
    threshold: int,
    rand: Callable[[], int] = g.random_scalar,
) -> SimulatedCeremony:
    """Every holder's part of the ceremony on one machine (demo and tests only).

    ``delegates`` are (holder id, delegate number) pairs. No complaint is raised, so
    every delegate is qualified.
    """
    check_uuid(election)
    indices = [index for _, index in delegates]
    if not 2 <= threshold <= len(delegates) or len(set(indices)) != len(indices) or min(indices) < 1:
        raise EncodingError("need 2 ≤ threshold ≤ number of delegates, delegates numbered from 1")

    transport = []
    holders = [(president, "president", 0), (secretary, "secretary", 0)] + [
        (holder, "delegate", index) for holder, index in delegates
    ]
    for holder, role, index in holders:
        p = rand()
        kc = key_context(election=election, holder=holder, role=role, index=index)
        transport.append(
            {
                "holder": holder,
                "index": index,
                "P": g.base_mult(p).hex(),
                "proof": prove_knowledge(kc, p, rand),
                "role": role,
            }
        )

    x_p = rand()
    kc_p = key_context(election=election, holder=president, role="president", index=0)
    y_p = g.base_mult(x_p)

    coefficients = {index: [rand() for _ in range(threshold)] for _, index in delegates}
    delegate_records = []
    for holder, index in delegates:
        kc = key_context(election=election, holder=holder, role="delegate", index=index)
        delegate_records.append(
            {
                "commitments": [g.base_mult(a).hex() for a in coefficients[index]],
                "index": index,
                "proof": prove_knowledge(kc, coefficients[index][0], rand),
            }
        )
    shares = {
        j: sum(sum(a * pow(j, power, g.Q) for power, a in enumerate(coefficients[i])) for i in coefficients)
        % g.Q
        for j in coefficients
    }
    y_d = g.point_sum([g.base_mult(coefficients[i][0]) for i in coefficients])
    record: dict[str, Any] = {
        "complaints": [],
        "delegates": delegate_records,
        "president": {"Y_P": y_p.hex(), "proof": prove_knowledge(kc_p, x_p, rand)},
        "qual": sorted(coefficients),
        "public_key": g.add(y_p, y_d).hex(),
        "threshold": threshold,
        "transport": transport,
    }
    record["ceremony_hash"] = ceremony_hash(record)
    secrets = {
        "version": VERSION,
        "election": election,
        "x_P": g.scalar_to_hex(x_p),
        "delegate_shares": {str(j): g.scalar_to_hex(x) for j, x in shares.items()},
    }
    return SimulatedCeremony(record=record, secrets=secrets)
