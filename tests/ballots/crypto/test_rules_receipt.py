"""The preuve de dépôt's signature and its verification command, without Django.

Written against the mutants that survived ``make mutation`` (tests/MUTATION.md): the
signed statement must carry the deposit time, and the command an auditor runs must say
why a proof is refused, print what a valid one proves, and refuse to run without its
three inputs.
"""

import json

import pytest

from ballots.crypto import EncodingError, InvalidProof
from ballots.crypto.receipt import main, public_key_hex, sign_deposit, signing_key_from_hex, verify_deposit

SEED = "11" * 32
REFERENCE = "ab" * 32
FINGERPRINT = "cd" * 32
TIME = "2026-12-08T09:15:00.123456+00:00"


def signed() -> tuple[str, str, str]:
    key = signing_key_from_hex(SEED)
    statement, signature = sign_deposit(key, reference=REFERENCE, fingerprint=FINGERPRINT, time=TIME)
    return public_key_hex(key), statement.decode(), signature


def test_the_signed_statement_names_the_ballot_the_scrutin_and_the_time():
    public_key, statement, signature = signed()
    content = verify_deposit(public_key, statement, signature)
    assert content["reference"] == REFERENCE
    assert content["scrutin"] == FINGERPRINT
    assert content["time"] == TIME


def test_a_valid_proof_is_stated_with_its_ballot_and_time(capsys):
    public_key, statement, signature = signed()
    assert main(["--public-key", public_key, "--signature", signature, "--statement", statement]) == 0
    out, err = capsys.readouterr()
    assert out.strip() == f"Preuve valide : bulletin {REFERENCE} déposé le {TIME}."
    assert err == ""


def test_a_refused_proof_says_why_on_the_error_stream(capsys):
    public_key, statement, signature = signed()
    forged = json.dumps({**json.loads(statement), "time": "2026-12-09T09:15:00.123456+00:00"})
    assert main(["--public-key", public_key, "--signature", signature, "--statement", forged]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.strip() == "PREUVE INVALIDE : the signature does not match this statement and key"
    assert main(["--public-key", "zz", "--signature", signature, "--statement", statement]) == 1
    assert capsys.readouterr().err.strip() == (
        "PREUVE INVALIDE : public key and signature must be hex (32 and 64 bytes)"
    )


@pytest.mark.parametrize("missing", ["--public-key", "--signature", "--statement"])
def test_the_command_refuses_to_run_without_each_input(missing, capsys):
    public_key, statement, signature = signed()
    given = {"--public-key": public_key, "--signature": signature, "--statement": statement}
    del given[missing]
    with pytest.raises(SystemExit) as exit_:
        main([part for pair in given.items() for part in pair])
    assert exit_.value.code == 2
    assert missing in capsys.readouterr().err


def test_the_help_explains_each_input_in_french(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "Vérifie une preuve de dépôt Isoloir." in help_text
    assert "clé publique Ed25519 du portail (hex)" in help_text
    assert "signature imprimée sur la preuve (hex)" in help_text
    assert "contenu signé imprimé sur la preuve (JSON)" in help_text


def test_a_bad_signing_key_is_refused_with_its_reason():
    with pytest.raises(EncodingError, match="^the signing key must be 64 hex characters$"):
        signing_key_from_hex("not hex")
    with pytest.raises(EncodingError, match=r"^the signing key must be 32 bytes \(64 hex characters\)$"):
        signing_key_from_hex("11" * 31)
    public_key, statement, signature = signed()
    with pytest.raises(InvalidProof, match="^the signature does not match this statement and key$"):
        verify_deposit(public_key, statement.replace(REFERENCE, "0" * 64), signature)
