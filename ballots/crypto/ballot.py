"""Scrutin parameters, ballot creation and verification (PROTOCOL.md §Scrutin parameters, §Ballot).

A ballot is handled as its JSON object (``dict``); ``verify_ballot`` is the only way a
ballot gets accepted, and everything it refuses raises a ``CryptoError``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from . import group as g
from .encoding import (
    TAG_EXACTLY_ONE,
    TAG_ZERO_ONE,
    VERSION,
    canonical_json,
    check_id,
    check_keys,
    check_list,
    check_uuid,
    hash_from_hex,
    hash_to_scalar,
    parse_json,
    sha256,
)
from .errors import EncodingError, InvalidBallot, InvalidParameters

BLANK = "blank"
Randomness = Callable[[], int]

BALLOT_KEYS = {"answers", "exactly_one", "scrutin", "version"}
ANSWER_KEYS = {"alpha", "beta", "proof"}
PROOF_KEYS = {"challenge", "response"}
PARAMS_KEYS = {"election", "options", "public_key", "scrutin", "version"}


@dataclass(frozen=True)
class ScrutinParameters:
    """The public parameters of one scrutin; the fingerprint is what ballots name."""

    election: str
    scrutin: str
    options: tuple[str, ...]
    public_key: str
    fingerprint_bytes: bytes = field(init=False, repr=False, compare=False)
    public_key_point: bytes = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        try:
            check_uuid(self.election)
            check_id(self.scrutin, "scrutin id")
            for option in self.options:
                check_id(option, "option id")
            point = g.point_from_hex(self.public_key, "public key")
        except EncodingError as exc:
            raise InvalidParameters(str(exc)) from None
        if len(self.options) < 2 or self.options[-1] != BLANK:
            raise InvalidParameters("at least one list, and the blank vote last")
        if BLANK in self.options[:-1]:
            raise InvalidParameters("a list id is never 'blank'")
        if len(set(self.options)) != len(self.options):
            raise InvalidParameters("option ids must be distinct")
        object.__setattr__(self, "options", tuple(self.options))
        object.__setattr__(self, "public_key_point", point)
        object.__setattr__(self, "fingerprint_bytes", sha256(canonical_json(self.as_json())))

    @classmethod
    def from_lists(cls, *, election: str, scrutin: str, list_ids: Iterable[str], public_key: str):
        return cls(election=election, scrutin=scrutin, options=(*list_ids, BLANK), public_key=public_key)

    @classmethod
    def from_json(cls, obj: Any) -> ScrutinParameters:
        obj = check_keys(obj, PARAMS_KEYS, "scrutin parameters")
        if obj["version"] != VERSION:
            raise InvalidParameters(f"version must be {VERSION}")
        options = check_list(obj["options"], "options")
        return cls(
            election=obj["election"],
            scrutin=obj["scrutin"],
            options=tuple(options),
            public_key=obj["public_key"],
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "election": self.election,
            "options": list(self.options),
            "public_key": self.public_key,
            "scrutin": self.scrutin,
            "version": VERSION,
        }

    @property
    def fingerprint(self) -> str:
        return self.fingerprint_bytes.hex()


@dataclass(frozen=True)
class VerifiedBallot:
    """What the server keeps of a ballot that passed every check."""

    reference: str
    canonical: bytes
    alphas: tuple[str, ...]


def ballot_reference(ballot: dict[str, Any]) -> str:
    """SHA-256 of the ballot's canonical JSON, lowercase hex."""
    return sha256(canonical_json(ballot)).hex()


def _ballot_hash(ciphertexts: list[tuple[bytes, bytes]]) -> bytes:
    return sha256(b"".join(alpha + beta for alpha, beta in ciphertexts))


def _proof_json(challenge: int, response: int) -> dict[str, str]:
    return {"challenge": g.scalar_to_hex(challenge), "response": g.scalar_to_hex(response)}


def create_ballot(
    params: ScrutinParameters, choice: str, rand: Randomness = g.random_scalar
) -> dict[str, Any]:
    """Encrypt a vote for option ``choice`` (a list id or ``blank``) with its proofs.

    ``rand`` is drawn in this order, which the test vectors record: every r_j, then for
    each answer j its w, c_u and s_u, then the exactly-one proof's w.
    """
    if choice not in params.options:
        raise InvalidBallot(f"unknown option {choice!r}")
    return _encrypt(params, [1 if option == choice else 0 for option in params.options], rand)


def _encrypt(
    params: ScrutinParameters,
    votes: list[int],
    rand: Randomness,
    *,
    alpha_encoding: Callable[[int, bytes], bytes] | None = None,
) -> dict[str, Any]:
    """The ballot for any vector of votes. Only ``create_ballot`` makes honest ones; tests
    use this directly to show that dishonest votes (two, none, a 2) cannot verify.

    ``alpha_encoding(j, alpha)`` (tests and vectors only) rewrites the bytes written and
    hashed for alpha j, e.g. a non-canonical encoding of the same point, so that every
    proof holds over those bytes and only the decoder can refuse the ballot."""
    y = params.public_key_point
    fp = params.fingerprint_bytes
    rs = [rand() for _ in votes]
    points = [(g.base_mult(r), g.add(g.mult(r, y), g.base_mult(v))) for r, v in zip(rs, votes, strict=True)]
    written = [
        (alpha_encoding(j, alpha) if alpha_encoding else alpha, beta)
        for j, (alpha, beta) in enumerate(points)
    ]
    bh = _ballot_hash(written)

    answers = []
    for j, ((alpha, beta), r, v) in enumerate(zip(written, rs, votes, strict=True)):
        w, c_u, s_u = rand(), rand(), rand()
        real = 1 if v else 0  # a dishonest v (tests only) claims the branch 1
        u = 1 - real
        # Simulated branch u, in the fixed-base form: with t = s_u − c_u·r,
        # s_u·G − c_u·alpha = t·G and s_u·Y − c_u·(beta − u·G) = t·Y + c_u·(u − v)·G.
        t = (s_u - c_u * r) % g.Q
        commitments: dict[int, tuple[bytes, bytes]] = {
            real: (g.base_mult(w), g.mult(w, y)),
            u: (g.base_mult(t), g.add(g.mult(t, y), g.base_mult(c_u * (u - v)))),
        }
        c = hash_to_scalar(TAG_ZERO_ONE, fp, bh, j, alpha, beta, *commitments[0], *commitments[1])
        c_v = (c - c_u) % g.Q
        s_v = (w + c_v * r) % g.Q
        proof = {real: _proof_json(c_v, s_v), u: _proof_json(c_u, s_u)}
        answers.append({"alpha": alpha.hex(), "beta": beta.hex(), "proof": [proof[0], proof[1]]})

    total_alpha = g.point_sum([alpha for alpha, _ in points])
    total_beta = g.point_sum([beta for _, beta in points])
    w = rand()
    t1, t2 = g.base_mult(w), g.mult(w, y)
    c = hash_to_scalar(TAG_EXACTLY_ONE, fp, bh, total_alpha, total_beta, t1, t2)
    s = (w + c * sum(rs)) % g.Q
    return {
        "answers": answers,
        "exactly_one": _proof_json(c, s),
        "scrutin": params.fingerprint,
        "version": VERSION,
    }


def parse_ballot(data: str | bytes | dict[str, Any]) -> dict[str, Any]:
    """Strict structure check (keys, types, lengths of hex fields); no cryptography yet."""
    ballot = parse_json(data) if isinstance(data, str | bytes) else data
    check_keys(ballot, BALLOT_KEYS, "ballot")
    if not isinstance(ballot["version"], str) or not isinstance(ballot["scrutin"], str):
        raise EncodingError("ballot version and scrutin must be strings")
    check_keys(ballot["exactly_one"], PROOF_KEYS, "exactly_one proof")
    for index, answer in enumerate(check_list(ballot["answers"], "answers")):
        check_keys(answer, ANSWER_KEYS, f"answer {index}")
        for proof in check_list(answer["proof"], f"answer {index} proof", 2):
            check_keys(proof, PROOF_KEYS, f"answer {index} proof")
    return ballot


def verify_ballot(params: ScrutinParameters, data: str | bytes | dict[str, Any]) -> VerifiedBallot:
    """Every check of PROTOCOL.md §Ballot, Verification 1–3. Weeding (4) is the caller's.

    Raises ``EncodingError`` for a malformed ballot and ``InvalidBallot`` for one that
    is well formed but false.
    """
    ballot = parse_ballot(data)
    if ballot["version"] != VERSION:
        raise InvalidBallot(f"version must be {VERSION}")
    if hash_from_hex(ballot["scrutin"], "scrutin fingerprint") != params.fingerprint_bytes:
        raise InvalidBallot("the ballot is for another scrutin")
    answers = ballot["answers"]
    if len(answers) != len(params.options):
        raise InvalidBallot(f"{len(params.options)} answers expected, not {len(answers)}")

    decoded = []
    for j, answer in enumerate(answers):
        alpha = g.point_from_hex(answer["alpha"], f"alpha {j}")
        beta = g.point_from_hex(answer["beta"], f"beta {j}", allow_identity=True)
        proofs = [
            (
                g.scalar_from_hex(p["challenge"], f"challenge {j}"),
                g.scalar_from_hex(p["response"], f"response {j}"),
            )
            for p in answer["proof"]
        ]
        decoded.append((alpha, beta, proofs))
    exactly_c = g.scalar_from_hex(ballot["exactly_one"]["challenge"], "exactly_one challenge")
    exactly_s = g.scalar_from_hex(ballot["exactly_one"]["response"], "exactly_one response")
    alphas = [alpha for alpha, _, _ in decoded]
    if len(set(alphas)) != len(alphas):
        raise InvalidBallot("two answers share the same alpha")

    y = params.public_key_point
    fp = params.fingerprint_bytes
    bh = _ballot_hash([(alpha, beta) for alpha, beta, _ in decoded])
    for j, (alpha, beta, ((c0, s0), (c1, s1))) in enumerate(decoded):
        beta_minus_g = g.sub(beta, g.BASE)
        a0 = g.sub(g.base_mult(s0), g.mult(c0, alpha))
        b0 = g.sub(g.mult(s0, y), g.mult(c0, beta))
        a1 = g.sub(g.base_mult(s1), g.mult(c1, alpha))
        b1 = g.sub(g.mult(s1, y), g.mult(c1, beta_minus_g))
        if (c0 + c1) % g.Q != hash_to_scalar(TAG_ZERO_ONE, fp, bh, j, alpha, beta, a0, b0, a1, b1):
            raise InvalidBallot(f"the zero-one proof of answer {j} does not verify")

    total_alpha = g.point_sum(alphas)
    total_beta = g.point_sum([beta for _, beta, _ in decoded])
    t1 = g.sub(g.base_mult(exactly_s), g.mult(exactly_c, total_alpha))
    t2 = g.sub(g.mult(exactly_s, y), g.mult(exactly_c, g.sub(total_beta, g.BASE)))
    if exactly_c != hash_to_scalar(TAG_EXACTLY_ONE, fp, bh, total_alpha, total_beta, t1, t2):
        raise InvalidBallot("the exactly-one proof does not verify")

    canonical = canonical_json(ballot)
    return VerifiedBallot(
        reference=sha256(canonical).hex(),
        canonical=canonical,
        alphas=tuple(alpha.hex() for alpha in alphas),
    )


def weed(box_alphas: set[str], ballot: VerifiedBallot) -> None:
    """PROTOCOL.md Verification 4: no alpha may repeat one already in the box."""
    if any(alpha in box_alphas for alpha in ballot.alphas):
        raise InvalidBallot("an alpha of this ballot is already in the box (replayed ballot)")
