"""ristretto255 through rbcl (bundled libsodium), with strict decoding.

Points are their 32-byte canonical encodings (``bytes``); scalars are Python ints in
[0, q). libsodium's multiplications refuse to return the identity O, so the cases
"scalar 0" and "point O" are handled here explicitly: they give O (PROTOCOL.md).
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


def point_from_hex(value: Any, what: str = "point", *, allow_identity: bool = False) -> bytes:
    """A point: canonical ristretto255 encoding; O only where the caller allows it."""
    raw = _hex32(value, what)
    if raw == IDENTITY:
        if allow_identity:
            return raw
        raise EncodingError(f"{what} must not be the identity")
    if not rbcl.crypto_core_ristretto255_is_valid_point(raw):
        raise EncodingError(f"{what} is not a canonical ristretto255 encoding")
    return raw


def random_scalar() -> int:
    """Uniform in [1, q−1] from libsodium's CSPRNG."""
    return int.from_bytes(rbcl.crypto_core_ristretto255_scalar_random(), "little")


def base_mult(n: int) -> bytes:
    n %= Q
    if n == 0:
        return IDENTITY
    return rbcl.crypto_scalarmult_ristretto255_base(n.to_bytes(32, "little"))


def mult(n: int, point: bytes) -> bytes:
    n %= Q
    if n == 0 or point == IDENTITY:
        return IDENTITY
    return rbcl.crypto_scalarmult_ristretto255(n.to_bytes(32, "little"), point)


def add(p: bytes, q: bytes) -> bytes:
    return rbcl.crypto_core_ristretto255_add(p, q)


def sub(p: bytes, q: bytes) -> bytes:
    return rbcl.crypto_core_ristretto255_sub(p, q)


def point_sum(points: list[bytes]) -> bytes:
    total = IDENTITY
    for point in points:
        total = add(total, point)
    return total


BASE = base_mult(1)
