"""The append-only, hash-chained audit trail.

``audit_record`` is called by services inside the transaction of the change it
records; it locks the chain head, so entries form one line even with several app
servers. ``audit_verify`` recomputes the chain and names the first altered row.
The trail never holds a voter next to a ballot: casting writes no audit row.
"""

import datetime as dt
import hashlib
import ipaddress
import json
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.ipv6 import clean_ipv6_address

from .models import AuditChainHead, AuditEntry

GENESIS_HASH = hashlib.sha256(b"isoloir/v1/audit-genesis").hexdigest()
SECRET_MARK = "[secret]"  # noqa: S105 (a placeholder, not a secret)


def canonical_json(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def entry_hash(entry: AuditEntry) -> str:
    payload = {
        "id": entry.id,
        "time": entry.time.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor": entry.actor_id,
        "actor_label": entry.actor_label,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_label": entry.object_label,
        "old": entry.old_values,
        "new": entry.new_values,
        "address": entry.address,
        "prev": entry.prev_hash,
    }
    return hashlib.sha256(canonical_json(payload)).hexdigest()


def _json_value(field: models.Field, value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(field, models.FileField):
        return value.name or ""
    return str(value)


def secret_mark(raw: Any) -> str:
    """A secret as « [secret:…] »: shows that it changed, never what it is.

    The fingerprint is a truncated SHA-256 of the stored form (an HMAC digest, a
    Fernet token or a password hash), which reveals nothing of the value itself.
    """
    if not raw:
        return ""
    data = bytes(raw) if isinstance(raw, bytes | memoryview) else str(raw).encode()
    return f"{SECRET_MARK[:-1]}:{hashlib.sha256(data).hexdigest()[:12]}]"


def snapshot(instance: models.Model, *, secret_fields: tuple[str, ...] = ()) -> dict[str, Any]:
    """The instance's concrete and many-to-many values as JSON; secrets only as a mark."""
    values: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        raw = getattr(instance, field.attname)
        if field.name in secret_fields or field.name == "password":
            values[field.name] = secret_mark(raw)
        else:
            values[field.name] = _json_value(field, raw)
    if instance.pk is not None:
        for field in instance._meta.many_to_many:
            values[field.name] = sorted(
                str(pk) for pk in getattr(instance, field.name).values_list("pk", flat=True)
            )
    return values


def diff(old: dict[str, Any] | None, new: dict[str, Any] | None) -> tuple[dict | None, dict | None]:
    """Keep only the fields that changed (all of them for a creation or a deletion)."""
    if old is None or new is None:
        return old, new
    changed = [k for k in new.keys() | old.keys() if old.get(k) != new.get(k)]
    return {k: old.get(k) for k in sorted(changed)}, {k: new.get(k) for k in sorted(changed)}


def actor_label(actor) -> str:
    if actor is None:
        return "système"
    if not getattr(actor, "is_authenticated", False):
        return "anonyme"
    if getattr(actor, "is_voter", False):
        return f"électeur {actor.voter.matricule}"
    return actor.get_username()


def _clean_address(address: str | None) -> str | None:
    """An IP address in the form the database gives back (PostgreSQL's inet rewrites IPv6),
    so the hash computed now still matches when the row is read; anything else is None."""
    if not address:
        return None
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return None
    return clean_ipv6_address(address) if ip.version == 6 else str(ip)


def audit_record(
    *,
    actor,
    action: str,
    instance: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_label: str = "",
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
    address: str | None = None,
) -> AuditEntry:
    """Append one entry, chained to the previous one, in the caller's transaction."""
    if instance is not None:
        object_type = object_type or instance._meta.label_lower
        object_id = object_id or str(instance.pk)
        object_label = object_label or str(instance)[:300]
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(
            id=1, defaults={"last_hash": GENESIS_HASH}
        )
        entry = AuditEntry(
            id=head.last_id + 1,
            time=timezone.now(),
            actor=actor if getattr(actor, "pk", None) else None,
            actor_label=actor_label(actor),
            action=action,
            object_type=object_type,
            object_id=object_id,
            object_label=object_label,
            old_values=old,
            new_values=new,
            address=_clean_address(address),
            prev_hash=head.last_hash,
        )
        entry.hash = entry_hash(entry)
        entry.save(force_insert=True)
        head.last_id = entry.id
        head.last_hash = entry.hash
        head.save(update_fields=["last_id", "last_hash"])
    return entry


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    first_bad_id: int | None = None
    reason: str = ""


def audit_verify(*, batch_size: int = 2000) -> ChainReport:
    """Recompute every hash in order; report the first row that does not fit the chain.

    The chain is checked up to its head as read first: the head and the entries up to it
    are committed together (``audit_record``), and entries appended while the check runs
    (the vote goes on during the bureau's integrity check) are the next check's.
    """
    head = AuditChainHead.objects.filter(id=1).first()
    entries = AuditEntry.objects.order_by("id")
    if head is not None:
        entries = entries.filter(id__lte=head.last_id)
    prev_hash, expected_id, checked = GENESIS_HASH, 1, 0
    for entry in entries.iterator(chunk_size=batch_size):
        if entry.id != expected_id:
            return ChainReport(False, checked, expected_id, "entrée manquante")
        if entry.prev_hash != prev_hash:
            return ChainReport(False, checked, entry.id, "chaînage rompu")
        if entry_hash(entry) != entry.hash:
            return ChainReport(False, checked, entry.id, "contenu modifié")
        prev_hash, expected_id, checked = entry.hash, entry.id + 1, checked + 1
    if head is not None and (head.last_id, head.last_hash) != (expected_id - 1, prev_hash):
        return ChainReport(False, checked, expected_id, "dernières entrées supprimées")
    # A row past the head was never chained by audit_record (which moves the head in the same
    # transaction): the highest id is read before the head, so a legitimate entry committed
    # meanwhile is always within the head read after it.
    highest = AuditEntry.objects.aggregate(highest=Max("id"))["highest"]
    head_now = AuditChainHead.objects.filter(id=1).first()
    if highest is not None and highest > (head_now.last_id if head_now is not None else 0):
        return ChainReport(False, checked, (head_now.last_id if head_now else 0) + 1, "entrée hors chaîne")
    return ChainReport(True, checked)
