"""Preuve de dépôt: the server's Ed25519 signature over PROTOCOL.md §Ballot box's statement.

Verification command, with the public key the portal publishes::

    python -m ballots.crypto.receipt --public-key <hex> --signature <hex> --statement '<JSON>'
"""

from __future__ import annotations

import argparse
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .box import deposit_statement
from .encoding import canonical_json, parse_json
from .errors import EncodingError, InvalidProof


def signing_key_from_hex(seed_hex: str) -> Ed25519PrivateKey:
    try:
        seed = bytes.fromhex(seed_hex)
    except ValueError:
        raise EncodingError("the signing key must be 64 hex characters") from None
    if len(seed) != 32:
        raise EncodingError("the signing key must be 32 bytes (64 hex characters)")
    return Ed25519PrivateKey.from_private_bytes(seed)


def public_key_hex(key: Ed25519PrivateKey) -> str:
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex()


def public_key_pem(key: Ed25519PrivateKey) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )


def sign_deposit(key: Ed25519PrivateKey, *, reference: str, fingerprint: str, time: str) -> tuple[bytes, str]:
    """The signed statement and its signature (hex)."""
    statement = deposit_statement(reference=reference, fingerprint=fingerprint, time=time)
    return statement, key.sign(statement).hex()


def verify_deposit(public_key: str, statement: str | bytes, signature: str) -> dict:
    """Check a preuve de dépôt; returns the statement's content."""
    try:
        key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_key))
        raw_signature = bytes.fromhex(signature)
    except ValueError:
        raise EncodingError("public key and signature must be hex (32 and 64 bytes)") from None
    content = parse_json(statement)
    canonical = canonical_json(content)
    try:
        key.verify(raw_signature, canonical)
    except InvalidSignature:
        raise InvalidProof("the signature does not match this statement and key") from None
    return content


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Vérifie une preuve de dépôt Isoloir.")
    parser.add_argument("--public-key", required=True, help="clé publique Ed25519 du portail (hex)")
    parser.add_argument("--signature", required=True, help="signature imprimée sur la preuve (hex)")
    parser.add_argument("--statement", required=True, help="contenu signé imprimé sur la preuve (JSON)")
    args = parser.parse_args(argv)
    try:
        content = verify_deposit(args.public_key, args.statement, args.signature)
    except (EncodingError, InvalidProof) as exc:
        print(f"PREUVE INVALIDE : {exc}", file=sys.stderr)
        return 1
    print(f"Preuve valide : bulletin {content.get('reference')} déposé le {content.get('time')}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
