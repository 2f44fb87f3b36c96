"""The crypto core against PROTOCOL.md: vectors, algebraic properties, strict decoding."""

import copy
import json
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ballots.crypto import (
    EncodingError,
    InvalidBallot,
    InvalidParameters,
    InvalidProof,
    ScrutinParameters,
    ballot_reference,
    box_hash,
    canonical_json,
    create_ballot,
    parse_json,
    vectors,
    verify_ballot,
    verify_box,
    weed,
)
from ballots.crypto import group as g
from ballots.crypto.ballot import _encrypt
from ballots.crypto.encoding import hash_to_scalar
from ballots.crypto.keys import (
    ceremony_hash,
    ceremony_simulate,
    key_context,
    prove_knowledge,
    verify_ceremony_record,
    verify_knowledge,
)

VECTORS = Path(__file__).resolve().parents[2] / "vectors"
SECRET = 0x1234567890ABCDEF
PUBLIC_KEY = g.base_mult(SECRET).hex()
ELECTION = str(uuid.UUID(int=42))
crypto_settings = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def make_params(n_lists=3, scrutin="csa", public_key=PUBLIC_KEY, election=ELECTION):
    return ScrutinParameters.from_lists(
        election=election, scrutin=scrutin, list_ids=[f"l{i}" for i in range(n_lists)], public_key=public_key
    )


PARAMS = make_params()
HONEST = create_ballot(PARAMS, "l1")


def decrypt(ballot, secret=SECRET):
    """Which options encrypt 1 (test helper: a single ballot is never decrypted in the product)."""
    votes = []
    for answer in ballot["answers"]:
        alpha, beta = bytes.fromhex(answer["alpha"]), bytes.fromhex(answer["beta"])
        m = g.sub(beta, g.mult(secret, alpha))
        votes.append(0 if m == g.IDENTITY else 1 if m == g.BASE else None)
    return votes


# --- vectors ---------------------------------------------------------------------------


def test_committed_vectors_are_exactly_what_the_generator_makes():
    for name, content in vectors.all_vectors().items():
        assert (VECTORS / name).read_text(encoding="utf-8") == vectors.render(content), name


def test_valid_vectors_verify_and_are_reproduced_from_their_randomness():
    data = json.loads((VECTORS / "ballots.json").read_text())
    assert len(data["vectors"]) == 9
    for vector in data["vectors"]:
        params = ScrutinParameters.from_json(vector["params"])
        assert params.fingerprint == vector["fingerprint"]
        drawn = iter(int.from_bytes(bytes.fromhex(h), "little") for h in vector["randomness"])
        assert create_ballot(params, vector["choice"], lambda d=drawn: next(d)) == vector["ballot"]
        assert verify_ballot(params, vector["ballot"]).reference == vector["reference"]


def test_invalid_vectors_are_refused_with_the_expected_kind_of_error():
    data = json.loads((VECTORS / "invalid-ballots.json").read_text())
    params = ScrutinParameters.from_json(data["params"])
    for vector in data["vectors"]:
        expected = EncodingError if vector["kind"] == "malformed" else InvalidBallot
        with pytest.raises(expected):
            verify_ballot(params, vector["ballot"])


def test_hash_and_json_vectors():
    data = json.loads((VECTORS / "encoding.json").read_text())
    for case in data["hash_to_scalar"]:
        items = [bytes.fromhex(x) for x in case["items"]]
        assert (
            g.scalar_to_hex(hash_to_scalar(case["tag"], bytes.fromhex(case["fp"]), *items)) == case["scalar"]
        )
    for case in data["canonical_json"]:
        assert canonical_json(case["value"]).decode() == case["canonical"]
    box = data["box_hash"]
    assert box_hash(box["fingerprint"], reversed(box["references"])) == box["box_hash"]


# --- properties ------------------------------------------------------------------------


@crypto_settings
@given(n_lists=st.integers(1, 13), data=st.data())
def test_honest_ballots_verify_and_encrypt_the_choice(n_lists, data):
    params = make_params(n_lists)
    choice = data.draw(st.sampled_from(params.options))
    ballot = create_ballot(params, choice)
    verified = verify_ballot(params, ballot)
    assert verified.reference == ballot_reference(ballot)
    assert decrypt(ballot) == [1 if option == choice else 0 for option in params.options]


def _fields(ballot):
    """Paths to every string field of a ballot."""
    paths = [("version",), ("scrutin",), ("exactly_one", "challenge"), ("exactly_one", "response")]
    for j in range(len(ballot["answers"])):
        paths += [("answers", j, "alpha"), ("answers", j, "beta")]
        for k in range(2):
            paths += [("answers", j, "proof", k, "challenge"), ("answers", j, "proof", k, "response")]
    return paths


@crypto_settings
@given(data=st.data())
def test_changing_any_single_field_makes_the_ballot_fail(data):
    path = data.draw(st.sampled_from(_fields(HONEST)))
    tampered = copy.deepcopy(HONEST)
    holder = tampered
    for key in path[:-1]:
        holder = holder[key]
    old = holder[path[-1]]
    new = data.draw(
        st.one_of(
            st.text(alphabet="0123456789abcdef", min_size=64, max_size=64),
            st.sampled_from([g.base_mult(5).hex(), g.scalar_to_hex(1), "isoloir/v2", "", "00" * 32]),
        ).filter(lambda v: v != old)
    )
    holder[path[-1]] = new
    with pytest.raises((EncodingError, InvalidBallot)):
        verify_ballot(PARAMS, tampered)


@crypto_settings
@given(votes=st.lists(st.integers(0, 2), min_size=4, max_size=4).filter(lambda v: sorted(v) != [0, 0, 0, 1]))
def test_a_ballot_with_two_options_none_or_a_two_cannot_verify(votes):
    ballot = _encrypt(PARAMS, votes, g.random_scalar)
    with pytest.raises(InvalidBallot):
        verify_ballot(PARAMS, ballot)


def test_a_ballot_for_another_scrutin_fails():
    for other in (
        make_params(scrutin="capn"),
        make_params(election=str(uuid.UUID(int=43))),
        make_params(public_key=g.base_mult(7).hex()),
        ScrutinParameters(
            election=ELECTION, scrutin="csa", options=("l1", "l0", "l2", "blank"), public_key=PUBLIC_KEY
        ),
    ):
        with pytest.raises(InvalidBallot, match="another scrutin"):
            verify_ballot(other, HONEST)
        forged = dict(HONEST, scrutin=other.fingerprint)
        with pytest.raises(InvalidBallot):
            verify_ballot(other, forged)


def test_reordered_answers_and_proofs_moved_between_ballots_fail():
    other = create_ballot(PARAMS, "l1")
    mixed = copy.deepcopy(HONEST)
    mixed["answers"][0]["proof"] = other["answers"][0]["proof"]
    with pytest.raises(InvalidBallot):
        verify_ballot(PARAMS, mixed)
    swapped = copy.deepcopy(HONEST)
    swapped["answers"][0], swapped["answers"][1] = swapped["answers"][1], swapped["answers"][0]
    with pytest.raises(InvalidBallot):
        verify_ballot(PARAMS, swapped)


def test_weeding_refuses_a_replayed_alpha_and_the_box_check_too():
    first = verify_ballot(PARAMS, HONEST)
    weed(set(), first)
    with pytest.raises(InvalidBallot, match="already in the box"):
        weed(set(first.alphas), first)
    second = create_ballot(PARAMS, "blank")
    assert len(verify_box(PARAMS, [HONEST, second])) == 2
    with pytest.raises(InvalidBallot, match="repeats"):
        verify_box(PARAMS, [HONEST, second, HONEST])


# --- strict decoding -------------------------------------------------------------------


@crypto_settings
@given(junk=st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=70),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20,
))  # fmt: skip
def test_any_junk_is_refused_with_a_clear_exception(junk):
    with pytest.raises((EncodingError, InvalidBallot)):
        verify_ballot(PARAMS, junk)
    with pytest.raises((EncodingError, InvalidBallot)):
        verify_ballot(PARAMS, json.dumps(junk))


@crypto_settings
@given(raw=st.binary(max_size=300))
def test_any_bytes_are_refused_with_a_clear_exception(raw):
    with pytest.raises((EncodingError, InvalidBallot)):
        verify_ballot(PARAMS, raw)


@pytest.mark.parametrize(
    "text",
    [
        '{"a":1,"a":2}',
        '{"a":1.5}',
        '{"a":NaN}',
        '{"a":Infinity}',
        "[" * 100000,
        '"\\ud800"',
    ],
)
def test_strict_json_refuses_duplicates_floats_and_constants(text):
    if text == '"\\ud800"':
        # A lone surrogate parses, but cannot be written as canonical UTF-8.
        with pytest.raises((EncodingError, UnicodeEncodeError)):
            canonical_json(parse_json(text))
        return
    with pytest.raises(EncodingError):
        parse_json(text)


def test_points_and_scalars_are_decoded_strictly():
    with pytest.raises(EncodingError):
        g.point_from_hex("00" * 32)
    assert g.point_from_hex("00" * 32, allow_identity=True) == g.IDENTITY
    with pytest.raises(EncodingError):
        g.point_from_hex(g.BASE.hex().upper())
    with pytest.raises(EncodingError):
        g.point_from_hex("ff" * 32)
    with pytest.raises(EncodingError):
        g.scalar_from_hex(g.Q.to_bytes(32, "little").hex())
    assert g.scalar_from_hex((g.Q - 1).to_bytes(32, "little").hex()) == g.Q - 1
    assert g.mult(0, g.BASE) == g.IDENTITY
    assert g.mult(5, g.IDENTITY) == g.IDENTITY
    assert g.base_mult(g.Q) == g.IDENTITY


def top_bit(point: bytes) -> bytes:
    """The second encoding libsodium 1.0.18 accepts for a point: bit 255 set."""
    return point[:31] + bytes([point[31] | 0x80])


TOP_BIT_IDENTITY = top_bit(g.IDENTITY)  # 00…0080


@pytest.mark.parametrize("point", [g.BASE, g.base_mult(7), g.base_mult(g.random_scalar()), g.IDENTITY])
def test_a_point_with_bit_255_set_is_refused_by_every_decoder(point):
    encoded = top_bit(point).hex()
    for allow_identity in (False, True):
        with pytest.raises(EncodingError, match="canonical"):
            g.point_from_hex(encoded, allow_identity=allow_identity)
    kc = key_context(election=ELECTION, holder="delegue1", role="delegate", index=1)
    with pytest.raises(EncodingError):
        verify_knowledge(kc, encoded, prove_knowledge(kc, 7))
    with pytest.raises(InvalidParameters):
        make_params(public_key=encoded)


def test_the_group_operations_refuse_a_point_with_bit_255_set():
    for operation in (
        lambda p: g.mult(3, p),
        lambda p: g.add(p, g.BASE),
        lambda p: g.sub(g.BASE, p),
        lambda p: g.point_sum([g.BASE, p]),
    ):
        for point in (top_bit(g.BASE), TOP_BIT_IDENTITY):
            with pytest.raises(EncodingError):
                operation(point)


def test_every_error_of_the_binding_becomes_an_encoding_error():
    # Not a point at all: libsodium's multiplication fails (rbcl raises RuntimeError)
    # and its addition silently answers the identity (rbcl ignores the return code).
    invalid = "ff" * 32
    for operation in (
        lambda p: g.mult(3, p),
        lambda p: g.add(p, g.BASE),
        lambda p: g.add(g.BASE, p),
        lambda p: g.sub(g.BASE, p),
        lambda p: g.sub(p, g.BASE),
    ):
        for point in (bytes.fromhex(invalid), b"\x01" * 31, "not bytes"):
            with pytest.raises(EncodingError):
                operation(point)
    # The identity as a result of honest points is still the identity.
    assert g.sub(g.BASE, g.BASE) == g.IDENTITY
    assert g.add(g.BASE, g.sub(g.IDENTITY, g.BASE)) == g.IDENTITY


def top_bit_alpha(j):
    return lambda index, alpha: top_bit(alpha) if index == j else alpha


@pytest.mark.parametrize("j", [0, 1, 3])
def test_a_ballot_whose_proofs_hold_over_a_top_bit_alpha_is_refused(j):
    # A voter who knows their randomness can make every proof hold over the second
    # encoding: libsodium decodes it to the same point, only the hashed bytes differ.
    honest = _encrypt(PARAMS, [0, 1, 0, 0], vectors.FixedRandomness("top-bit"))
    twin = _encrypt(PARAMS, [0, 1, 0, 0], vectors.FixedRandomness("top-bit"), alpha_encoding=top_bit_alpha(j))
    verify_ballot(PARAMS, honest)
    assert twin["answers"][j]["alpha"] == top_bit(bytes.fromhex(honest["answers"][j]["alpha"])).hex()
    assert [a["beta"] for a in twin["answers"]] == [a["beta"] for a in honest["answers"]]
    with pytest.raises(EncodingError, match=f"alpha {j}"):
        verify_ballot(PARAMS, twin)
    with pytest.raises(EncodingError):
        verify_box(PARAMS, [honest, twin])


def test_the_top_bit_vector_is_refused_for_its_encoding_only(monkeypatch):
    data = json.loads((VECTORS / "invalid-ballots.json").read_text())
    params = ScrutinParameters.from_json(data["params"])
    ballot = next(v["ballot"] for v in data["vectors"] if v["name"] == "top-bit-alpha")
    with pytest.raises(EncodingError, match="bit 255"):
        verify_ballot(params, ballot)
    # With libsodium 1.0.18's own decoding (bit 255 ignored) every proof holds.
    monkeypatch.setattr(g, "_check_encoding", lambda point, what="point": point)
    assert verify_ballot(params, ballot).alphas[0] == ballot["answers"][0]["alpha"]


@pytest.mark.parametrize("field", ["alpha", "beta"])
def test_the_top_bit_identity_is_refused_not_a_crash(field):
    for j in (0, 3):
        ballot = copy.deepcopy(HONEST)
        ballot["answers"][j][field] = TOP_BIT_IDENTITY.hex()
        with pytest.raises(EncodingError, match=f"{field} {j}"):
            verify_ballot(PARAMS, ballot)
        with pytest.raises(EncodingError):
            verify_box(PARAMS, [HONEST, ballot])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"options": ("blank",)}, "at least one list"),
        ({"options": ("a", "b")}, "blank vote last"),
        ({"options": ("blank", "a", "blank")}, "never 'blank'"),
        ({"options": ("a", "a", "blank")}, "distinct"),
        ({"options": ("a b", "blank")}, "option id"),
        ({"scrutin": "x" * 65}, "scrutin id"),
        ({"election": "6F1C2B7E-8D3A-4F5E-9B2C-0A1D2E3F4A5B"}, "UUID"),
        ({"public_key": "00" * 32}, "identity"),
    ],
)
def test_bad_scrutin_parameters_are_refused(kwargs, message):
    values = {
        "election": ELECTION,
        "scrutin": "csa",
        "options": ("a", "blank"),
        "public_key": PUBLIC_KEY,
    } | kwargs
    with pytest.raises(InvalidParameters, match=message):
        ScrutinParameters(**values)


# --- keys ------------------------------------------------------------------------------


def test_simulated_ceremony_has_consistent_public_values():
    ceremony = ceremony_simulate(
        election=ELECTION, president="president", secretary="secretaire",
        delegates=[("delegue1", 1), ("delegue2", 2), ("delegue3", 3)], threshold=2,
    )  # fmt: skip
    record, secrets = ceremony.record, ceremony.secrets
    x_p = int.from_bytes(bytes.fromhex(secrets["x_P"]), "little")
    assert g.base_mult(x_p).hex() == record["president"]["Y_P"]
    verify_knowledge(
        key_context(election=ELECTION, holder="president", role="president", index=0),
        record["president"]["Y_P"],
        record["president"]["proof"],
    )
    # Any two delegates' shares recombine x_D by Lagrange interpolation at 0.
    shares = {
        int(j): int.from_bytes(bytes.fromhex(x), "little") for j, x in secrets["delegate_shares"].items()
    }
    for subset in ([1, 2], [2, 3], [1, 3]):
        x_d = 0
        for i in subset:
            lam = 1
            for k in subset:
                if k != i:
                    lam = lam * k * pow(k - i, -1, g.Q) % g.Q
            x_d = (x_d + lam * shares[i]) % g.Q
        assert g.base_mult(x_p + x_d).hex() == record["public_key"]


def test_a_proof_of_knowledge_is_bound_to_its_context():
    kc = key_context(election=ELECTION, holder="delegue1", role="delegate", index=1)
    proof = prove_knowledge(kc, 99)
    verify_knowledge(kc, g.base_mult(99).hex(), proof)
    other = key_context(election=ELECTION, holder="delegue2", role="delegate", index=2)
    with pytest.raises(Exception, match="does not verify"):
        verify_knowledge(other, g.base_mult(99).hex(), proof)


CEREMONY = ceremony_simulate(
    election=ELECTION, president="president", secretary="secretaire",
    delegates=[("delegue1", 1), ("delegue2", 2), ("delegue3", 3)], threshold=2,
)  # fmt: skip


def _rehash(record):
    """What a dishonest server would do after a substitution: recompute the ceremony hash."""
    record["ceremony_hash"] = ceremony_hash(record)


def _recompute_key(record):
    """… and the public key from Y_P and QUAL's first commitments."""
    first = {d["index"]: bytes.fromhex(d["commitments"][0]) for d in record["delegates"]}
    y_p = bytes.fromhex(record["president"]["Y_P"])
    record["public_key"] = g.add(y_p, g.point_sum([first[i] for i in record["qual"]])).hex()


def _set(path, value):
    def change(record):
        holder = record
        for key in path[:-1]:
            holder = holder[key]
        holder[path[-1]] = value

    return change


def _then(*changes):
    def change(record):
        for step in changes:
            step(record)

    return change


OTHER_POINT = g.base_mult(5).hex()
OTHER_SCALAR = g.scalar_to_hex(5)


@pytest.mark.parametrize(
    ("change", "error", "message"),
    [
        # Proofs of knowledge, the hash recomputed so that the proof alone must refuse.
        (_then(_set(("transport", 0, "proof", "response"), OTHER_SCALAR), _rehash), InvalidProof, "transport key of president"),
        (_then(_set(("transport", 3, "P"), OTHER_POINT), _rehash), InvalidProof, "transport key of delegue2"),
        (_then(_set(("president", "Y_P"), OTHER_POINT), _recompute_key, _rehash), InvalidProof, "Y_P"),
        (_then(_set(("president", "proof", "challenge"), OTHER_SCALAR), _rehash), InvalidProof, "Y_P"),
        (_then(_set(("delegates", 1, "proof", "challenge"), OTHER_SCALAR), _rehash), InvalidProof, "delegate 2"),
        (_then(_set(("delegates", 0, "commitments", 0), OTHER_POINT), _recompute_key, _rehash), InvalidProof, "delegate 1"),
        # The hash, which the key holders compare in person.
        (_set(("ceremony_hash",), "00" * 32), InvalidProof, "ceremony hash"),
        (_set(("delegates", 2, "commitments", 1), OTHER_POINT), InvalidProof, "ceremony hash"),
        (_set(("qual",), [1, 2]), InvalidProof, "ceremony hash"),
        # Y = Y_P + Σ C_i0 over QUAL.
        (_set(("public_key",), OTHER_POINT), InvalidProof, "public key"),
        (_then(_set(("qual",), [1, 3]), _rehash), InvalidProof, "public key"),
        (_then(_set(("public_key",), "00" * 32)), EncodingError, "identity"),
        # QUAL and the threshold.
        (_then(_set(("qual",), [1]), _recompute_key, _rehash), EncodingError, "threshold"),
        (_then(_set(("qual",), [1, 2, 3, 4]), _rehash), EncodingError, "without commitments"),
        (_then(_set(("qual",), [2, 1, 3]), _rehash), EncodingError, "sorted"),
        (_then(_set(("qual",), [1, 1, 2, 3]), _rehash), EncodingError, "sorted"),
        (_set(("threshold",), 1), EncodingError, "threshold"),
        (_set(("threshold",), 4), EncodingError, "threshold"),
        (_set(("threshold",), True), EncodingError, "threshold"),
        # Structure.
        (_set(("delegates", 0, "commitments"), [OTHER_POINT]), EncodingError, "2 entries"),
        (_set(("extra",), 1), EncodingError, "unknown keys"),
        (lambda r: r.pop("complaints"), EncodingError, "missing keys"),
        (_set(("transport", 1, "role"), "president"), EncodingError, "repeats"),
        (_set(("transport", 2, "index"), 0), EncodingError, "index 0"),
        (lambda r: r["transport"].pop(1), EncodingError, "secretary"),
        (lambda r: r["delegates"].append(r["delegates"][0]), EncodingError, "twice"),
        (_set(("delegates", 0, "index"), 7), EncodingError, "no transport key"),
        (_set(("transport", 0, "P"), top_bit(bytes.fromhex(CEREMONY.record["transport"][0]["P"])).hex()), EncodingError, "bit 255"),
        (_set(("delegates", 0, "commitments", 1), "00" * 31 + "80"), EncodingError, "bit 255"),
    ],
)  # fmt: skip
def test_a_tampered_ceremony_record_is_refused(change, error, message):
    record = copy.deepcopy(CEREMONY.record)
    change(record)
    with pytest.raises(error, match=message):
        verify_ceremony_record(record, election=ELECTION)


def test_the_honest_simulated_ceremony_record_is_accepted_for_its_election_only():
    for threshold, delegates in (
        (2, [("d1", 1), ("d2", 2)]),
        (3, [("d1", 1), ("d3", 3), ("d4", 4), ("d9", 9)]),
    ):
        ceremony = ceremony_simulate(
            election=ELECTION, president="p", secretary="s", delegates=delegates, threshold=threshold
        )
        assert (
            verify_ceremony_record(copy.deepcopy(ceremony.record), election=ELECTION).hex()
            == ceremony.public_key
        )
    assert verify_ceremony_record(CEREMONY.record, election=ELECTION).hex() == CEREMONY.public_key
    # The proofs are bound to the election: the same record does not verify for another.
    with pytest.raises(InvalidProof):
        verify_ceremony_record(CEREMONY.record, election=str(uuid.UUID(int=43)))
    with pytest.raises(EncodingError):
        verify_ceremony_record(CEREMONY.record, election="not-a-uuid")
    for junk in (None, [], "x", {"transport": []}):
        with pytest.raises(EncodingError):
            verify_ceremony_record(junk, election=ELECTION)


def test_the_crypto_core_imports_no_django():
    code = "import sys, ballots.crypto, ballots.crypto.keys, ballots.crypto.receipt, ballots.crypto.vectors; "
    code += "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules), 'django imported'"
    root = Path(__file__).resolve().parents[3]
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def test_a_ballot_whose_answers_share_an_alpha_is_refused_for_that_reason():
    # Two answers encrypted with the same r: every proof is honestly made and holds,
    # only the repeated alpha (which would let the two ciphertexts be compared) refuses it.
    fixed = vectors.FixedRandomness("shared-alpha")
    shared = fixed()
    draws = iter([shared, shared])

    def rand() -> int:
        return next(draws, None) or fixed()

    ballot = _encrypt(PARAMS, [0, 1, 0, 0], rand)
    assert ballot["answers"][0]["alpha"] == ballot["answers"][1]["alpha"]
    assert ballot["answers"][0]["beta"] != ballot["answers"][1]["beta"]
    with pytest.raises(InvalidBallot, match="two answers share the same alpha"):
        verify_ballot(PARAMS, ballot)
