"""ristretto255 through rbcl (bundled libsodium), with strict decoding.

Points are their 32-byte canonical encodings (``bytes``); scalars are Python ints in
[0, q). libsodium's multiplications refuse to return the identity O, so the cases
"scalar 0" and "point O" are handled here explicitly: they give O (PROTOCOL.md).

libsodium 1.0.18 (the one rbcl bundles) ignores bit 255 of an encoding, so every point
has a second encoding it accepts; RFC 9496 and the browser refuse it. Every encoding is
checked here before libsodium sees it, which leaves exactly one accepted encoding per
point: points compare as bytes. Whatever the binding raises, or reports by an identity
it should not have returned, becomes an ``EncodingError``.
"""

from __future__ import annotations

import re
from typing import Any

import rbcl

from .errors import EncodingError

Q = 2**252 + 27742317777372353535851937790883648493
IDENTITY = bytes(32)
HEX64_RE = re.compile(r"[0-9a-f]{64}")


def scalar_to_bytes(n: int) -> bytes:
    return (n % Q).to_bytes(32, "little")


def scalar_to_hex(n: int) -> str:
    return scalar_to_bytes(n).hex()


def point_to_hex(point: bytes) -> str:
    return point.hex()


def _hex32(value: Any, what: str) -> bytes:
    if not isinstance(value, str) or not HEX64_RE.fullmatch(value):
        raise EncodingError(f"{what} must be 64 lowercase hex characters")
    return bytes.fromhex(value)


def scalar_from_hex(value: Any, what: str = "scalar") -> int:
    """A scalar: 32 bytes little-endian, lowercase hex, strictly below q."""
    n = int.from_bytes(_hex32(value, what), "little")
    if n >= Q:
        raise EncodingError(f"{what} is not reduced (≥ q)")
    return n


def _check_encoding(point: Any, what: str = "point") -> bytes:
    """32 bytes with bit 255 clear: what libsodium 1.0.18 does not check itself."""
    if not isinstance(point, bytes) or len(point) != 32:
        raise EncodingError(f"{what} must be 32 bytes")
    if point[31] & 0x80:
        raise EncodingError(f"{what} is not a canonical ristretto255 encoding (bit 255 set)")
    return point


def _is_point(point: bytes) -> bool:
    return point == IDENTITY or bool(rbcl.crypto_core_ristretto255_is_valid_point(point))


def point_from_hex(value: Any, what: str = "point", *, allow_identity: bool = False) -> bytes:
    """A point: canonical ristretto255 encoding; O only where the caller allows it.

    The bytes returned are the point's only accepted encoding, so points compare as bytes.
    """
    raw = _check_encoding(_hex32(value, what), what)
    if raw == IDENTITY:
        if allow_identity:
            return raw
        raise EncodingError(f"{what} must not be the identity")
    try:
        valid = rbcl.crypto_core_ristretto255_is_valid_point(raw)
    except (RuntimeError, ValueError, TypeError) as exc:
        raise EncodingError(f"{what}: {exc}") from None
    if not valid:
        raise EncodingError(f"{what} is not a canonical ristretto255 encoding")
    return raw


def random_scalar() -> int:
    """Uniform in [1, q−1] from libsodium's CSPRNG."""
    return int.from_bytes(rbcl.crypto_core_ristretto255_scalar_random(), "little")


def base_mult(n: int) -> bytes:
    n %= Q
    if n == 0:
        return IDENTITY
    try:
        return rbcl.crypto_scalarmult_ristretto255_base(n.to_bytes(32, "little"))
    except (RuntimeError, ValueError, TypeError) as exc:  # not expected for 0 < n < q
        raise EncodingError(f"scalar multiplication refused: {exc}") from None


def mult(n: int, point: bytes) -> bytes:
    n %= Q
    if _check_encoding(point) == IDENTITY or n == 0:
        return IDENTITY
    try:
        # With 0 < n < q and a valid point ≠ O the product is never O, so a refusal
        # means the point is not one (an encoding that decodes to O, or no point at all).
        return rbcl.crypto_scalarmult_ristretto255(n.to_bytes(32, "little"), point)
    except (RuntimeError, ValueError, TypeError) as exc:
        raise EncodingError(f"not a valid point: {exc}") from None


def _combine(operation: Any, p: bytes, q: bytes) -> bytes:
    _check_encoding(p)
    _check_encoding(q)
    try:
        result = operation(p, q)
    except (RuntimeError, ValueError, TypeError) as exc:
        raise EncodingError(f"not a valid point: {exc}") from None
    # rbcl ignores libsodium's return code here: an invalid operand yields 32 zero bytes,
    # indistinguishable from an honest O, so an O result has its operands checked.
    if result == IDENTITY and not (_is_point(p) and _is_point(q)):
        raise EncodingError("not a valid point")
    return result


def add(p: bytes, q: bytes) -> bytes:
    return _combine(rbcl.crypto_core_ristretto255_add, p, q)


def sub(p: bytes, q: bytes) -> bytes:
    return _combine(rbcl.crypto_core_ristretto255_sub, p, q)


def point_sum(points: list[bytes]) -> bytes:
    total = IDENTITY
    for point in points:
        total = add(total, point)
    return total


BASE = base_mult(1)
