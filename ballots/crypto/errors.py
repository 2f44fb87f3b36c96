"""Exceptions of the crypto core. Every refusal is one of these, never a crash."""


class CryptoError(ValueError):
    """Base class: the input does not follow PROTOCOL.md."""


class EncodingError(CryptoError):
    """A field is malformed: wrong type, length, hex, non-canonical point, scalar ≥ q…"""


class InvalidParameters(CryptoError):
    """Scrutin parameters that do not follow PROTOCOL.md §Scrutin parameters."""


class InvalidBallot(CryptoError):
    """A ballot that is well formed but does not verify (wrong scrutin, proof, weeding…)."""


class InvalidProof(CryptoError):
    """A key, decryption or other proof that does not verify."""
