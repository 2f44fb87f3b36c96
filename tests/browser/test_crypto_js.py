"""The committed bundle static/js/isoloir-crypto.js, run in Chromium, against the shared
test vectors and against the Python implementation (DESIGN.md §5: both produce and
accept the same ballots)."""

import json
from pathlib import Path

import pytest

from ballots import crypto
from ballots.crypto import group

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = ROOT / "static" / "js" / "isoloir-crypto.js"
VECTORS = ROOT / "tests" / "vectors"


@pytest.fixture
def js(chromium):
    """A blank page with only the bundle loaded (no server, no other script)."""
    context = chromium.new_context()
    page = context.new_page()
    page.set_content("<!DOCTYPE html><title>vectors</title>")
    page.add_script_tag(path=str(BUNDLE))
    assert page.evaluate("typeof IsoloirCrypto.createBallot") == "function"
    yield page
    context.close()


def load(name: str):
    return json.loads((VECTORS / name).read_text())


def test_the_bundle_reproduces_and_accepts_every_honest_vector(js):
    vectors = load("ballots.json")["vectors"]
    results = js.evaluate(
        """(vectors) => vectors.map((v) => {
            const C = IsoloirCrypto;
            const draws = v.randomness.map((h) => C.scalarFromHex(h));
            let next = 0;
            const ballot = C.createBallot(v.params, v.choice, () => draws[next++]);
            return {
              name: v.name,
              same: C.canonicalJson(ballot) === C.canonicalJson(v.ballot),
              reference: C.ballotReference(ballot),
              accepted: C.verifyBallot(v.params, v.ballot),
              fingerprint: C.prepareParameters(v.params).fingerprint,
              drawsUsed: next === draws.length,
            };
        })""",
        vectors,
    )
    assert len(results) == len(vectors) >= 9
    for vector, result in zip(vectors, results, strict=True):
        assert result["same"], vector["name"]
        assert result["reference"] == vector["reference"] == result["accepted"], vector["name"]
        assert result["fingerprint"] == vector["fingerprint"], vector["name"]
        assert result["drawsUsed"], vector["name"]


def test_the_bundle_refuses_every_invalid_vector(js):
    data = load("invalid-ballots.json")
    results = js.evaluate(
        """([params, vectors]) => vectors.map((v) => {
            try {
              IsoloirCrypto.verifyBallot(params, v.ballot);
              return "accepted";
            } catch (error) {
              return error.name;
            }
        })""",
        [data["params"], data["vectors"]],
    )
    assert len(results) == len(data["vectors"]) >= 19
    assert results == ["ProtocolError"] * len(results), [v["name"] for v in data["vectors"]]


def test_the_bundle_agrees_on_canonical_json_and_the_hash_to_scalar(js):
    data = load("encoding.json")
    results = js.evaluate(
        """(data) => {
            const C = IsoloirCrypto;
            const hex = (h) => Uint8Array.from(h.match(/../g).map((b) => parseInt(b, 16)));
            return {
              json: data.canonical_json.map((v) => C.canonicalJson(v.value)),
              scalars: data.hash_to_scalar.map((v) =>
                C.scalarToHex(C.hashToScalar(v.tag, hex(v.fp), ...v.items.map(hex)))),
            };
        }""",
        data,
    )
    assert results["json"] == [v["canonical"] for v in data["canonical_json"]]
    assert results["scalars"] == [v["scalar"] for v in data["hash_to_scalar"]]


def test_random_scalars_are_in_range_and_never_repeat(js):
    values = js.evaluate(
        "() => Array.from({length: 200}, () => IsoloirCrypto.scalarToHex(IsoloirCrypto.randomScalar()))"
    )
    assert len(set(values)) == 200
    assert all(0 < int.from_bytes(bytes.fromhex(v), "little") < group.Q for v in values)


def test_hundreds_of_ballots_made_in_chromium_verify_in_python(js):
    public_key = group.base_mult(group.random_scalar()).hex()
    cases = [
        crypto.ScrutinParameters.from_lists(
            election="6f1c2b7e-8d3a-4f5e-9b2c-0a1d2e3f4a5b",
            scrutin=f"scrutin-{size}",
            list_ids=[f"liste-{i:02d}" for i in range(1, size)],
            public_key=public_key,
        )
        for size in (2, 5, 14)
    ]
    made = js.evaluate(
        """(cases) => cases.flatMap(([params, count]) => {
            const prepared = IsoloirCrypto.prepareParameters(params);
            return Array.from({length: count}, (_, i) => {
              const choice = params.options[i % params.options.length];
              const ballot = IsoloirCrypto.createBallot(prepared, choice);
              return [params.scrutin, JSON.stringify(ballot), IsoloirCrypto.ballotReference(ballot)];
            });
        })""",
        [[params.as_json(), count] for params, count in zip(cases, (150, 100, 50), strict=True)],
    )
    assert len(made) == 300
    by_id = {params.scrutin: params for params in cases}
    alphas: set[str] = set()
    for scrutin, ballot, reference in made:
        verified = crypto.verify_ballot(by_id[scrutin], ballot)
        assert verified.reference == reference
        crypto.weed(alphas, verified)  # fresh randomness: no alpha ever repeats
        alphas.update(verified.alphas)
