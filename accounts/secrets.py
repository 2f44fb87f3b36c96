"""Credentials at rest (DESIGN.md §4): normalisation, one-way digests, the security key.

Low-entropy secrets (IBAN tail, card serial prefix, NUMEN, social security prefix,
vote codes) are stored as HMAC-SHA-256 under RECOVERY_HMAC_KEY: without that key a
stolen database does not let anyone brute-force ten digits. Values are normalised
before hashing so « A012 01 » and « a01201 » match.
"""

import hashlib
import hmac
import secrets
import unicodedata

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

# No look-alikes: no 0/O, 1/I/L, 5/S, 2/Z, 8/B.
SECURITY_KEY_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
SECURITY_KEY_LENGTH = 12
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzACDEFGHJKMNPQRTUVWXY34679"  # noqa: S105
PASSWORD_LENGTH = 14


def normalise(value: str) -> str:
    """Uppercase, without spaces, dashes, dots or accents: how a person may type it."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    kept = [c for c in decomposed if c.isalnum() and not unicodedata.combining(c)]
    return "".join(kept).upper()


def digest(kind: str, value: str) -> str:
    """HMAC-SHA-256 of the normalised value, domain-separated by ``kind``."""
    key = settings.RECOVERY_HMAC_KEY.encode()
    message = f"isoloir/v1/{kind}\x00{normalise(value)}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def digest_matches(kind: str, value: str, stored: str) -> bool:
    """Constant-time comparison; an empty stored digest never matches."""
    candidate = digest(kind, value)
    return bool(stored) and hmac.compare_digest(candidate, stored)


def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in settings.FERNET_KEYS])


def generate_security_key() -> str:
    return "".join(secrets.choice(SECURITY_KEY_ALPHABET) for _ in range(SECURITY_KEY_LENGTH))


def format_security_key(key: str) -> str:
    """« ACDE-FGHJ-KMNP »: groups of four, as printed on the fiche clé de sécurité."""
    return "-".join(key[i : i + 4] for i in range(0, len(key), 4))


def encrypt_security_key(key: str) -> bytes:
    return _fernet().encrypt(normalise(key).encode())


def decrypt_security_key(token: bytes | memoryview) -> str | None:
    """The stored key, or None if the token does not decrypt (wrong or rotated key)."""
    fernet = _fernet()  # a misconfigured key raises here, loudly
    try:
        return fernet.decrypt(bytes(token)).decode()
    except InvalidToken:
        return None


def security_key_matches(typed: str, token: bytes | memoryview | None) -> bool:
    """Decrypt and compare in constant time. A missing token still costs one decryption."""
    stored = decrypt_security_key(token) if token else None
    if stored is None:
        decrypt_security_key(_DUMMY_TOKEN)
        stored = ""
    return bool(stored) and hmac.compare_digest(normalise(typed).encode(), stored.encode())


def generate_password() -> str:
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(PASSWORD_LENGTH))


# A token under a throwaway key: decrypting it fails after the same work as a real one.
_DUMMY_TOKEN = Fernet(Fernet.generate_key()).encrypt(b"ACDEFGHJKMNP")
