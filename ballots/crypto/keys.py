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
from .encoding import (
    TAG_KEY,
    VERSION,
    canonical_json,
    check_id,
    check_keys,
    check_list,
    check_uuid,
    hash_from_hex,
    hash_to_scalar,
    sha256,
)
from .errors import EncodingError, InvalidProof

ROLES = ("president", "secretary", "delegate")
RECORD_KEYS = {
    "ceremony_hash",
    "complaints",
    "delegates",
    "president",
    "public_key",
    "qual",
    "threshold",
    "transport",
}
TRANSPORT_KEYS = {"P", "holder", "index", "proof", "role"}
PRESIDENT_KEYS = {"Y_P", "proof"}
DELEGATE_KEYS = {"commitments", "index", "proof"}


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


def _index(value: Any, what: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 2**31:
        raise EncodingError(f"{what} must be a non-negative integer")
    return value


def verify_ceremony_record(record: Any, *, election: str) -> bytes:
    """Check the public ``keys`` record of a ceremony (PROTOCOL.md §Keys, §Election record).

    Structure (exact keys, one president and one secretary, delegates numbered from 1,
    2 ≤ t ≤ n, QUAL a sorted subset of the delegates of at least t), every proof of
    knowledge (transport keys, Y_P, each delegate's C_i0), ``ceremony_hash`` and
    ``public_key = Y_P + Σ_{i∈QUAL} C_i0``. Returns the public key's bytes.
    Raises ``EncodingError`` for a malformed record and ``InvalidProof`` for a false one.
    """
    check_uuid(election)
    record = check_keys(record, RECORD_KEYS, "key record")

    holders: dict[tuple[str, int], str] = {}
    for n, entry in enumerate(check_list(record["transport"], "transport keys")):
        entry = check_keys(entry, TRANSPORT_KEYS, f"transport key {n}")
        holder = check_id(entry["holder"], "key holder id")
        role, index = entry["role"], _index(entry["index"], "key holder index")
        if role not in ROLES or (index == 0) != (role != "delegate"):
            raise EncodingError("president and secretary have index 0, delegates are numbered from 1")
        if (role, index) in holders or holder in holders.values():
            raise EncodingError(f"transport key {n} repeats a key holder")
        holders[(role, index)] = holder
        kc = key_context(election=election, holder=holder, role=role, index=index)
        try:
            verify_knowledge(kc, entry["P"], entry["proof"])
        except InvalidProof:
            raise InvalidProof(f"the proof of the transport key of {holder} does not verify") from None
    if ("president", 0) not in holders or ("secretary", 0) not in holders:
        raise EncodingError("the record needs the president's and the secretary's transport keys")
    delegate_indices = sorted(index for role, index in holders if role == "delegate")

    president = check_keys(record["president"], PRESIDENT_KEYS, "president's part")
    kc = key_context(election=election, holder=holders[("president", 0)], role="president", index=0)
    try:
        verify_knowledge(kc, president["Y_P"], president["proof"])
    except InvalidProof:
        raise InvalidProof("the proof of the president's part Y_P does not verify") from None

    threshold = _index(record["threshold"], "threshold")
    if not 2 <= threshold <= len(delegate_indices):
        raise EncodingError("need 2 ≤ threshold ≤ number of delegates")
    first_commitments: dict[int, bytes] = {}
    for n, entry in enumerate(check_list(record["delegates"], "delegates")):
        entry = check_keys(entry, DELEGATE_KEYS, f"delegate {n}")
        index = _index(entry["index"], "delegate index")
        if index not in delegate_indices or index in first_commitments:
            raise EncodingError(f"delegate {index} has no transport key or appears twice")
        commitments = [
            g.point_from_hex(c, f"commitment {k} of delegate {index}")
            for k, c in enumerate(
                check_list(entry["commitments"], f"commitments of delegate {index}", threshold)
            )
        ]
        kc = key_context(election=election, holder=holders[("delegate", index)], role="delegate", index=index)
        try:
            verify_knowledge(kc, entry["commitments"][0], entry["proof"])
        except InvalidProof:
            raise InvalidProof(f"the proof of delegate {index}'s first commitment does not verify") from None
        first_commitments[index] = commitments[0]

    qual = check_list(record["qual"], "QUAL")
    if not all(isinstance(i, int) and not isinstance(i, bool) for i in qual) or qual != sorted(set(qual)):
        raise EncodingError("QUAL must be a sorted list of distinct delegate numbers")
    if not set(qual) <= set(first_commitments):
        raise EncodingError("QUAL names a delegate without commitments")
    if len(qual) < threshold:
        raise EncodingError("QUAL has fewer delegates than the threshold")
    check_list(record["complaints"], "complaints")

    if hash_from_hex(record["ceremony_hash"], "ceremony hash").hex() != ceremony_hash(record):
        raise InvalidProof("the ceremony hash does not match the record")
    public_key = g.point_from_hex(record["public_key"], "public key")
    y_p = g.point_from_hex(president["Y_P"], "Y_P")
    if g.add(y_p, g.point_sum([first_commitments[i] for i in qual])) != public_key:
        raise InvalidProof("the public key is not Y_P + the sum of the first commitments of QUAL")
    return public_key


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
