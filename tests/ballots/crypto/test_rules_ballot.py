"""Scrutin parameters, ballots and strict JSON, without Django (tests/MUTATION.md).

Written against mutants of ballots/crypto that survived ``make mutation``: every refusal
names the field it refused (the verifier prints it to the auditor, the server logs it),
a structure check refuses each wrong type on its own, a beta may be the identity, and the
helpers under the hash and the canonical JSON refuse what PROTOCOL.md §Encodings refuses.
"""

import copy
import json

import pytest
import rbcl
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from ballots.crypto import (
    EncodingError,
    InvalidBallot,
    InvalidParameters,
    ScrutinParameters,
    canonical_json,
    create_ballot,
    parse_ballot,
    parse_json,
    vectors,
    verify_ballot,
)
from ballots.crypto import group as g
from ballots.crypto.encoding import TAG_ZERO_ONE, hash_to_scalar
from ballots.crypto.keys import ceremony_simulate, key_context
from ballots.crypto.receipt import public_key_hex, public_key_pem, signing_key_from_hex

from .test_crypto import ELECTION, HONEST, PARAMS, SECRET, decrypt


def refusal(error, call, *args):
    """The exact message of the refusal ``call(*args)`` raises (its type checked too)."""
    with pytest.raises(error) as caught:
        call(*args)
    assert type(caught.value) is error
    return str(caught.value)


def changed(ballot, path, value):
    """A deep copy of ``ballot`` with the field at ``path`` set to ``value`` (or removed)."""
    result = copy.deepcopy(ballot)
    holder = result
    for key in path[:-1]:
        holder = holder[key]
    if value is REMOVED:
        del holder[path[-1]]
    else:
        holder[path[-1]] = value
    return result


REMOVED = object()
NOT_HEX = "zz" * 32
OTHER_SCALAR = g.scalar_to_hex(5)


# --- scrutin parameters ----------------------------------------------------------------


def test_parameters_read_from_json_are_the_same_parameters():
    assert ScrutinParameters.from_json(PARAMS.as_json()) == PARAMS
    assert ScrutinParameters.from_json(PARAMS.as_json()).fingerprint == PARAMS.fingerprint


@pytest.mark.parametrize(
    ("change", "error", "message"),
    [
        (lambda p: p | {"extra": 1}, EncodingError, "scrutin parameters: unknown keys ['extra'], missing keys []"),
        (lambda p: {k: v for k, v in p.items() if k != "options"}, EncodingError,
         "scrutin parameters: unknown keys [], missing keys ['options']"),
        (lambda p: [p], EncodingError, "scrutin parameters must be a JSON object"),
        (lambda p: p | {"version": "isoloir/v2"}, InvalidParameters, "version must be isoloir/v1"),
        (lambda p: p | {"options": "l0,blank"}, EncodingError, "options must be a JSON array"),
        (lambda p: p | {"options": ["l0", "blank", "l1"]}, InvalidParameters,
         "at least one list, and the blank vote last"),
    ],
)  # fmt: skip
def test_bad_parameters_read_from_json_are_refused_naming_what_is_wrong(change, error, message):
    assert refusal(error, ScrutinParameters.from_json, change(PARAMS.as_json())) == message


# --- creating a ballot -----------------------------------------------------------------


def test_a_choice_outside_the_options_cannot_be_encrypted():
    assert refusal(InvalidBallot, create_ballot, PARAMS, "l9") == "unknown option 'l9'"
    assert refusal(InvalidBallot, create_ballot, PARAMS, "BLANK") == "unknown option 'BLANK'"


def test_a_ballot_whose_beta_is_the_identity_verifies():
    """beta_j = r_j·Y + G is O when r_j = −1/x: PROTOCOL.md allows O for a beta (never an alpha)."""
    r_identity = -pow(SECRET, -1, g.Q) % g.Q
    fixed = vectors.FixedRandomness("beta-identity")
    draws = iter([fixed(), r_identity, fixed(), fixed()])

    def rand() -> int:
        return next(draws, None) or fixed()

    ballot = create_ballot(PARAMS, "l1", rand)
    assert ballot["answers"][1]["beta"] == g.IDENTITY.hex()
    assert decrypt(ballot) == [0, 1, 0, 0]
    verified = verify_ballot(PARAMS, ballot)
    assert verified.alphas == tuple(answer["alpha"] for answer in ballot["answers"])
    assert verified.canonical == canonical_json(ballot)


# --- the structure of a ballot ---------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("extra",), 1, "ballot: unknown keys ['extra'], missing keys []"),
        (("answers",), REMOVED, "ballot: unknown keys [], missing keys ['answers']"),
        (("version",), 1, "ballot version and scrutin must be strings"),
        (("scrutin",), None, "ballot version and scrutin must be strings"),
        (("exactly_one",), [], "exactly_one proof must be a JSON object"),
        (("exactly_one", "nonce"), "00", "exactly_one proof: unknown keys ['nonce'], missing keys []"),
        (("answers",), {}, "answers must be a JSON array"),
        (("answers", 2), "alpha", "answer 2 must be a JSON object"),
        (("answers", 1, "proof"), REMOVED, "answer 1: unknown keys [], missing keys ['proof']"),
        (("answers", 3, "proof"), {}, "answer 3 proof must be a JSON array"),
        (("answers", 0, "proof"), HONEST["answers"][0]["proof"][:1], "answer 0 proof must have 2 entries, not 1"),
        (("answers", 2, "proof", 1), "proof", "answer 2 proof must be a JSON object"),
        (("answers", 1, "proof", 0, "challenge"), REMOVED,
         "answer 1 proof: unknown keys [], missing keys ['challenge']"),
    ],
)  # fmt: skip
def test_a_malformed_ballot_is_refused_naming_the_field(path, value, message):
    ballot = changed(HONEST, path, value)
    assert refusal(EncodingError, parse_ballot, ballot) == message
    assert refusal(EncodingError, verify_ballot, PARAMS, ballot) == message
    assert refusal(EncodingError, verify_ballot, PARAMS, json.dumps(ballot)) == message


def test_a_ballot_that_is_not_an_object_is_refused():
    assert refusal(EncodingError, parse_ballot, [HONEST]) == "ballot must be a JSON object"
    assert refusal(EncodingError, verify_ballot, PARAMS, "[]") == "ballot must be a JSON object"


def test_a_well_formed_ballot_comes_back_unchanged_from_the_structure_check():
    assert parse_ballot(json.dumps(HONEST)) == HONEST
    assert parse_ballot(HONEST) is HONEST


# --- verifying a ballot ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "value", "error", "message"),
    [
        (("version",), "isoloir/v2", InvalidBallot, "version must be isoloir/v1"),
        (("scrutin",), PARAMS.fingerprint.upper(), EncodingError,
         "scrutin fingerprint must be 64 lowercase hex characters"),
        (("scrutin",), "00" * 32, InvalidBallot, "the ballot is for another scrutin"),
        (("answers",), HONEST["answers"][:3], InvalidBallot, "4 answers expected, not 3"),
        (("answers",), [*HONEST["answers"], HONEST["answers"][0]], InvalidBallot, "4 answers expected, not 5"),
        (("answers", 2, "alpha"), NOT_HEX, EncodingError, "alpha 2 must be 64 lowercase hex characters"),
        (("answers", 3, "beta"), NOT_HEX, EncodingError, "beta 3 must be 64 lowercase hex characters"),
        (("answers", 1, "proof", 0, "challenge"), NOT_HEX, EncodingError,
         "challenge 1 must be 64 lowercase hex characters"),
        (("answers", 2, "proof", 1, "challenge"), g.Q.to_bytes(32, "little").hex(), EncodingError,
         "challenge 2 is not reduced (≥ q)"),
        (("answers", 3, "proof", 1, "response"), NOT_HEX, EncodingError,
         "response 3 must be 64 lowercase hex characters"),
        (("answers", 0, "proof", 0, "response"), "ff" * 32, EncodingError, "response 0 is not reduced (≥ q)"),
        (("exactly_one", "challenge"), NOT_HEX, EncodingError,
         "exactly_one challenge must be 64 lowercase hex characters"),
        (("exactly_one", "response"), "ff" * 32, EncodingError, "exactly_one response is not reduced (≥ q)"),
        (("answers", 2, "proof", 0, "response"), OTHER_SCALAR, InvalidBallot,
         "the zero-one proof of answer 2 does not verify"),
        (("answers", 0, "proof", 1, "challenge"), OTHER_SCALAR, InvalidBallot,
         "the zero-one proof of answer 0 does not verify"),
        (("exactly_one", "response"), OTHER_SCALAR, InvalidBallot, "the exactly-one proof does not verify"),
        (("exactly_one", "challenge"), OTHER_SCALAR, InvalidBallot, "the exactly-one proof does not verify"),
    ],
)  # fmt: skip
def test_a_false_ballot_is_refused_naming_the_field_or_the_proof(path, value, error, message):
    assert refusal(error, verify_ballot, PARAMS, changed(HONEST, path, value)) == message


# --- strict JSON, the hash and the canonical form ----------------------------------------


def test_duplicate_keys_are_refused_naming_the_key():
    assert refusal(EncodingError, parse_json, '{"a":1,"b":{"c":2,"c":3}}') == "duplicate JSON key 'c'"
    doubled = json.dumps(HONEST)[:-1] + ',"version":"isoloir/v1"}'
    assert refusal(EncodingError, verify_ballot, PARAMS, doubled) == "duplicate JSON key 'version'"


@pytest.mark.parametrize("text", ['{"a":', "{'a': 1}", "", b"\xff\xfe"])
def test_text_that_is_not_json_is_refused_with_the_parser_s_reason(text):
    with pytest.raises((ValueError, TypeError)) as parser:
        json.loads(text)
    expected = f"not valid JSON: {parser.value}"
    assert refusal(EncodingError, parse_json, text) == expected
    assert refusal(EncodingError, verify_ballot, PARAMS, text) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"a": 1.0}, "canonical JSON holds integers only, not floats"),
        ([{"b": [2, 0.5]}], "canonical JSON holds integers only, not floats"),
        ({1: "a"}, "JSON object keys must be strings"),
        ({"a": {None: 1}}, "JSON object keys must be strings"),
    ],
)
def test_canonical_json_holds_integers_and_string_keys_only(value, message):
    assert refusal(EncodingError, canonical_json, value) == message


def test_canonical_json_sorts_keys_without_spaces_or_escapes():
    assert canonical_json({"é": [1, (2, 3)], "a": {"c": True, "b": None}}) == (
        '{"a":{"b":null,"c":true},"é":[1,[2,3]]}'.encode()
    )


def test_the_hash_to_scalar_takes_32_bytes_only():
    fp = bytes(range(32))
    point = g.BASE
    assert hash_to_scalar(TAG_ZERO_ONE, fp, 3, point) == hash_to_scalar(
        TAG_ZERO_ONE, fp, g.scalar_to_bytes(3), point
    )
    assert refusal(EncodingError, hash_to_scalar, TAG_ZERO_ONE, fp[:31], point) == (
        "the context hash must be 32 bytes"
    )
    assert refusal(EncodingError, hash_to_scalar, TAG_ZERO_ONE, fp + b"\x00", point) == (
        "the context hash must be 32 bytes"
    )
    assert refusal(EncodingError, hash_to_scalar, TAG_ZERO_ONE, fp, point, point[:31]) == (
        "every hashed item must be 32 bytes"
    )
    assert refusal(EncodingError, hash_to_scalar, TAG_ZERO_ONE, fp, point + b"\x00") == (
        "every hashed item must be 32 bytes"
    )


# --- the group, the keys and the receipt key -----------------------------------------------


def test_a_multiplication_of_32_bytes_that_are_no_point_is_refused():
    """Bit 255 clear and 32 bytes: only libsodium can tell it is no point; its refusal is an EncodingError."""
    not_a_point = bytes([1]) + bytes(31)
    with pytest.raises(RuntimeError) as libsodium:
        rbcl.crypto_scalarmult_ristretto255((3).to_bytes(32, "little"), not_a_point)
    assert refusal(EncodingError, g.mult, 3, not_a_point) == f"not a valid point: {libsodium.value}"
    assert refusal(EncodingError, g.point_from_hex, not_a_point.hex(), "alpha 0") == (
        "alpha 0 is not a canonical ristretto255 encoding"
    )


def test_a_key_context_names_one_of_the_three_roles():
    for role in ("president", "secretary", "delegate"):
        assert len(key_context(election=ELECTION, holder="h", role=role, index=1)) == 32

    def voter_context():
        return key_context(election=ELECTION, holder="h", role="voter", index=1)

    assert refusal(EncodingError, voter_context) == "unknown key holder role 'voter'"


@pytest.mark.parametrize(
    ("delegates", "threshold"),
    [
        ([("d1", 1), ("d2", 2)], 1),
        ([("d1", 1), ("d2", 2)], 3),
        ([("d1", 1), ("d2", 1)], 2),
        ([("d0", 0), ("d1", 1)], 2),
    ],
)
def test_a_simulated_ceremony_needs_a_threshold_and_delegates_numbered_from_1(delegates, threshold):
    def simulate():
        ceremony_simulate(
            election=ELECTION, president="p", secretary="s", delegates=delegates, threshold=threshold
        )

    assert refusal(EncodingError, simulate) == (
        "need 2 ≤ threshold ≤ number of delegates, delegates numbered from 1"
    )


def test_the_receipt_key_in_pem_is_the_same_public_key():
    key = signing_key_from_hex("07" * 32)
    pem = public_key_pem(key)
    assert pem.startswith("-----BEGIN PUBLIC KEY-----\n")
    loaded = load_pem_public_key(pem.encode("ascii"))
    assert loaded.public_bytes_raw().hex() == public_key_hex(key)
