"""Réassort: getting back a lost password or security key (seed 000, cases 2 to 4).

Every key reveal or reissue and every password reset is written to the audit trail, in
the transaction of the change; refused self-service attempts are throttled first, then
counted and written at most once a window (``throttle.reassort_refusal_record``). The self-service path does the same
work whether or not the matricule exists and answers with one generic refusal.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from django.db import transaction

from . import secrets, throttle
from .audit import audit_record, secret_mark
from .models import User, Voter

SELF_SERVICE = "password"

IDENTITY_DOCUMENTS = [
    ("cni", "Carte nationale d'identité"),
    ("passeport", "Passeport"),
    ("carte_agent", "Carte agent"),
    ("titre_sejour", "Titre de séjour"),
    ("permis", "Permis de conduire"),
]
KEY_CALLERS = [
    ("voter", "L'électeur appelle lui-même le support"),
    ("president", "Le président du bureau de vote appelle pour l'électeur, qui est auprès de lui"),
]


@dataclass(frozen=True)
class ReassortOutcome:
    password: str | None = None  # shown once on screen, never stored in clear
    identifier: str = ""  # seed 004: the address to log in with, when the voter has one
    wait_seconds: int = 0  # > 0: refused by the throttle, nothing was checked


def _first6(value: str) -> str:
    return secrets.normalise(value)[:6]


def _secret_matches(voter: Voter | None, secret: str, iban_tail: str) -> bool:
    """Card serial prefix OR security key prefix, AND IBAN tail.

    Always one HMAC for the card, one Fernet decryption and one HMAC for the IBAN,
    whether or not the voter exists.
    """
    typed = _first6(secret)
    card_ok = secrets.digest_matches("card-serial", typed, voter.card_serial_digest if voter else "")
    token = voter.security_key_encrypted if voter else None
    stored_key = secrets.decrypt_security_key(token) if token else None
    if stored_key is None:
        secrets.decrypt_security_key(secrets._DUMMY_TOKEN)
        stored_key = ""
    key_ok = len(typed) == 6 and bool(stored_key) and hmac.compare_digest(typed, stored_key[:6])
    iban_typed = secrets.normalise(iban_tail)[-6:]
    iban_ok = secrets.digest_matches("iban-tail", iban_typed, voter.iban_tail_digest if voter else "")
    return len(typed) == 6 and len(iban_typed) == 6 and (card_ok or key_ok) and iban_ok


def password_reassort(
    *, election, matricule: str, secret: str, iban_tail: str, address: str
) -> ReassortOutcome:
    """Self-service: matricule + donnée secrète + IBAN tail → a new password, once."""
    account = throttle.account_key(election.pk, matricule)
    label = f"matricule « {matricule.strip()[:32]} » ({election.slug})"
    refusal = throttle.reassort_check(kind=SELF_SERVICE, account=account, address=address)
    if refusal is not None:
        throttle.election_refusal_record(
            election=election, action="reassort.password.throttled", address=address, typed=label
        )
        return ReassortOutcome(wait_seconds=refusal.wait_seconds)
    throttle.reassort_record_attempt(kind=SELF_SERVICE, address=address)
    voter = (
        Voter.objects.select_related("user").filter(election=election, matricule=matricule.strip()).first()
    )
    if not _secret_matches(voter, secret, iban_tail) or voter is None or not voter.user.is_active:
        throttle.reassort_record_failure(kind=SELF_SERVICE, account=account, address=address)
        throttle.election_refusal_record(
            election=election, action="reassort.password.refused", address=address, typed=label
        )
        return ReassortOutcome()
    throttle.election_refusals_flush(election=election, actions=REFUSALS, address=address)
    password = secrets.generate_password()
    with transaction.atomic():
        _set_password(voter.user, password)
        audit_record(
            actor=None,
            action="reassort.password.success",
            instance=voter,
            new={"password": secret_mark(voter.user.password)},
            address=address,
        )
    throttle.reassort_record_success(kind=SELF_SERVICE, account=account, address=address)
    active = election.uses_identifier_login and voter.identifier_active
    return ReassortOutcome(password=password, identifier=voter.email if active else "")


REFUSALS = ("reassort.password.refused", "reassort.password.throttled")


def _set_password(user: User, password: str) -> None:
    """The new password; every open session of the account ends (Django's session hash)."""
    user.set_password(password)
    user.save(update_fields=["password"])


class RecoveryRefused(Exception):
    """This staff member may not do this for this voter."""


class SecurityKeyUnreadable(RecoveryRefused):
    """The voter has no stored key, or it no longer decrypts (the encryption key changed)."""


def can_reset_password(staff: User, voter: Voter) -> bool:
    """The president of the voter's bureau de vote (or a superuser)."""
    from elections.models import BureauMember

    if not staff.is_active or not staff.is_staff:
        return False
    if staff.is_superuser:
        return True
    return BureauMember.objects.filter(
        user=staff, election_id=voter.election_id, role=BureauMember.Role.PRESIDENT, active=True
    ).exists()


def can_handle_security_key(staff: User) -> bool:
    """The support desk (permission accounts.handle_security_key)."""
    return staff.is_active and staff.is_staff and staff.has_perm("accounts.handle_security_key")


@transaction.atomic
def password_reset_by_bureau(*, staff: User, voter: Voter, document: str, address: str | None) -> str:
    """Case 4: the president checked the voter's identity document; a new password, once."""
    if not can_reset_password(staff, voter):
        raise RecoveryRefused
    password = secrets.generate_password()
    _set_password(voter.user, password)
    audit_record(
        actor=staff,
        action="bureau.password_reset",
        instance=voter,
        new={"identity_document": document, "password": secret_mark(voter.user.password)},
        address=address,
    )
    return password


@transaction.atomic
def security_key_reveal(*, staff: User, voter: Voter, caller: str, address: str | None) -> str:
    """Case 2: the support desk reads the current key out, after the identity check."""
    if not can_handle_security_key(staff):
        raise RecoveryRefused
    key = secrets.decrypt_security_key(voter.security_key_encrypted)
    if key is None:
        raise SecurityKeyUnreadable
    audit_record(
        actor=staff, action="support.key_reveal", instance=voter, new={"caller": caller}, address=address
    )
    return secrets.format_security_key(key)


@transaction.atomic
def security_key_reissue(*, staff: User, voter: Voter, caller: str, address: str | None) -> str:
    """Case 2: a new key replaces the old one (the old one stops working at once)."""
    if not can_handle_security_key(staff):
        raise RecoveryRefused
    voter = Voter.objects.select_for_update().get(pk=voter.pk)
    old = secret_mark(bytes(voter.security_key_encrypted))
    key = secrets.generate_security_key()
    voter.security_key_encrypted = secrets.encrypt_security_key(key)
    voter.save(update_fields=["security_key_encrypted"])
    audit_record(
        actor=staff,
        action="support.key_reissue",
        instance=voter,
        old={"security_key_encrypted": old},
        new={"security_key_encrypted": secret_mark(bytes(voter.security_key_encrypted)), "caller": caller},
        address=address,
    )
    return secrets.format_security_key(key)
