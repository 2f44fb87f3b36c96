"""Canonical JSON, ids and the hash to scalar (PROTOCOL.md §Encodings, §Hash to scalar)."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from .errors import EncodingError
from .group import Q, scalar_to_bytes

VERSION = "isoloir/v1"
ID_RE = re.compile(r"[A-Za-z0-9._-]{1,64}")
UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
HASH_RE = re.compile(r"[0-9a-f]{64}")

TAG_ZERO_ONE = "isoloir/v1/zero-one"
TAG_EXACTLY_ONE = "isoloir/v1/exactly-one"
TAG_DECRYPTION = "isoloir/v1/decryption"
TAG_KEY = "isoloir/v1/key"


def canonical_json(value: Any) -> bytes:
    """Keys sorted, no spaces, UTF-8, integers only — as Python's json and JS JSON.stringify write."""
    _refuse_floats(value)
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def _refuse_floats(value: Any) -> None:
    if isinstance(value, float):
        raise EncodingError("canonical JSON holds integers only, not floats")
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise EncodingError("JSON object keys must be strings")
            _refuse_floats(item)
    elif isinstance(value, list | tuple):
        for item in value:
            _refuse_floats(item)


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise EncodingError(f"duplicate JSON key {key!r}")
        result[key] = value
    return result


def _no_constant(name: str) -> Any:
    raise EncodingError(f"{name} is not allowed in JSON")


def _no_float(text: str) -> Any:
    raise EncodingError("floats are not allowed")


def parse_json(data: str | bytes) -> Any:
    """Strict JSON: duplicate keys, floats, NaN and Infinity are refused."""
    try:
        return json.loads(
            data,
            object_pairs_hook=_no_duplicates,
            parse_constant=_no_constant,
            parse_float=_no_float,
        )
    except EncodingError:
        raise
    except (ValueError, TypeError, RecursionError) as exc:
        raise EncodingError(f"not valid JSON: {exc}") from None


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def hash_to_scalar(tag: str, fp: bytes, *items: bytes | int) -> int:
    """H(tag, fp, X1..Xn): SHA-512 of ascii(tag) || 0x00 || fp || X1 || … reduced mod q.

    ``items`` are 32-byte encodings; an int (the option index j) is encoded as a scalar.
    """
    if len(fp) != 32:
        raise EncodingError("the context hash must be 32 bytes")
    digest = hashlib.sha512(tag.encode("ascii") + b"\x00" + fp)
    for item in items:
        raw = scalar_to_bytes(item) if isinstance(item, int) else item
        if len(raw) != 32:
            raise EncodingError("every hashed item must be 32 bytes")
        digest.update(raw)
    return int.from_bytes(digest.digest(), "little") % Q


def check_id(value: Any, what: str = "id") -> str:
    if not isinstance(value, str) or not ID_RE.fullmatch(value):
        raise EncodingError(f"{what} must be 1 to 64 characters of [A-Za-z0-9._-]")
    return value


def check_uuid(value: Any, what: str = "election id") -> str:
    if not isinstance(value, str) or not UUID_RE.fullmatch(value):
        raise EncodingError(f"{what} must be a UUID in canonical lowercase form")
    return value


def hash_from_hex(value: Any, what: str = "hash") -> bytes:
    if not isinstance(value, str) or not HASH_RE.fullmatch(value):
        raise EncodingError(f"{what} must be 64 lowercase hex characters")
    return bytes.fromhex(value)


def check_keys(obj: Any, expected: set[str], what: str) -> dict[str, Any]:
    """An object with exactly the keys ``expected``: unknown or missing keys are refused."""
    if not isinstance(obj, dict):
        raise EncodingError(f"{what} must be a JSON object")
    keys = set(obj)
    if keys != expected:
        unknown = sorted(keys - expected)
        missing = sorted(expected - keys)
        raise EncodingError(f"{what}: unknown keys {unknown}, missing keys {missing}")
    return obj


def check_list(obj: Any, what: str, length: int | None = None) -> list[Any]:
    if not isinstance(obj, list):
        raise EncodingError(f"{what} must be a JSON array")
    if length is not None and len(obj) != length:
        raise EncodingError(f"{what} must have {length} entries, not {len(obj)}")
    return obj
