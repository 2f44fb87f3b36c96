"""The seed-004 way of logging in, for elections whose ``login_mode`` is « identifier ».

1. First connection with the notice de vote (the four values of ``VoterBackend``).
2. The voter chooses their address and a *mot de passe Élections* (Django's password
   validators: 12 characters at least, not a common password, not all digits, not
   close to their name). The notice password dies at once; the address becomes their
   « Identifiant » once confirmed by the link sent to it (at once when it is the
   address already confirmed on file). Until then the notice form still works, with the
   new password.
3. Later logins: Identifiant + captcha + mot de passe Élections (``IdentifierBackend``);
   the code de vote guards the voting space.
4. « Mot de passe oublié »: a single-use link sent to the confirmed identifier. The
   token is Django's password-reset token, which hashes the password and the last
   login, so it dies when used; it also hashes the identifier, so changing the address
   kills the links sent to the old one.

Every step is written to the audit trail (refusals counted, at most one entry a window:
``throttle.reassort_refusal_record``); requests for a link answer the same way whether
or not the address is known, and are throttled like every réassort.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.contrib.auth import password_validation, update_session_auth_hash
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from . import throttle
from .audit import audit_record, secret_mark
from .backends import identifier_voter, identifiers
from .models import User, Voter

LINK_KIND = "password-link"
OPEN_KIND = "password-link-open"


class VoterPasswordResetTokens(PasswordResetTokenGenerator):
    """Django's reset token, salted for voters and bound to the voter's identifier."""

    key_salt = "isoloir.accounts.identifier.password-link"

    def _make_hash_value(self, user, timestamp):
        voter = user.voter
        set_up = voter.credentials_set_up.isoformat() if voter.credentials_set_up else ""
        return f"{super()._make_hash_value(user, timestamp)}|{voter.email.lower()}|{set_up}"


tokens = VoterPasswordResetTokens()


def validate_election_password(password: str, *, voter: Voter, email: str = "") -> None:
    """Django's validators (settings.AUTH_PASSWORD_VALIDATORS), compared with what the
    voter is known by: names, matricule and address. Raises ValidationError."""
    known = User(  # never saved: what the similarity validator compares with
        username=voter.matricule,
        first_name=voter.first_name,
        last_name=voter.last_name,
        email=email or voter.email,
    )
    password_validation.validate_password(password, user=known)


class AlreadySetUp(Exception):
    """The voter has chosen their identifier already (a second tab, a replayed form)."""


@transaction.atomic
def credentials_set_up(*, voter: Voter, email: str, password: str, request) -> bool:
    """Step 2: the mot de passe Élections replaces the notice's; the address is stored.

    Returns whether the address is the voter's identifier already (it was the confirmed
    address on file); otherwise the caller sends the confirmation link
    (``services.voter_request_email_change``) once this transaction has committed.
    """
    voter = Voter.objects.select_for_update().select_related("user", "election").get(pk=voter.pk)
    if voter.credentials_set_up is not None:
        raise AlreadySetUp
    old_email, old_confirmed = voter.email, voter.email_confirmed
    user = voter.user
    user.set_password(password)
    user.save(update_fields=["password"])
    update_session_auth_hash(request, user)  # this session stays; any other one ends
    voter.credentials_set_up = timezone.now()
    voter.email = email
    voter.email_confirmed = old_confirmed and old_email.lower() == email.lower()
    if voter.email_confirmed and _identifier_taken(voter, email):
        voter.email_confirmed = False
    try:
        with transaction.atomic():
            voter.save(update_fields=["credentials_set_up", "email", "email_confirmed"])
    except IntegrityError:  # another voter confirmed this address at the same moment
        voter.email_confirmed = False
        voter.save(update_fields=["credentials_set_up", "email", "email_confirmed"])
    audit_record(
        actor=user,
        action="voter.credentials_set_up",
        instance=voter,
        old={"email": old_email, "email_confirmed": old_confirmed},
        new={
            "email": voter.email,
            "email_confirmed": voter.email_confirmed,
            "password": secret_mark(user.password),
        },
        address=throttle.client_address(request),
    )
    return voter.email_confirmed


def _identifier_taken(voter: Voter, email: str) -> bool:
    return identifiers(voter.election_id).filter(email_lower=email.lower()).exclude(pk=voter.pk).exists()


def identifier_taken(voter: Voter, email: str) -> bool:
    """Whether confirming this address would give ``voter`` another voter's identifier."""
    return voter.credentials_set_up is not None and _identifier_taken(voter, email)


# --- « Mot de passe oublié » -----------------------------------------------------------


@dataclass(frozen=True)
class LinkOutcome:
    wait_seconds: int = 0  # > 0: refused by the throttle, nothing was checked


def _masked(identifier: str) -> str:
    """What the trail keeps of an address nobody has: enough to see a pattern, not the address."""
    local, _, domain = identifier.strip().partition("@")
    return f"{local[:1]}…@{domain}"[:80]


LINK_REFUSALS = ("reassort.password_link.refused", "reassort.password_link.throttled")


def password_link_request(*, election, identifier: str, address: str, link_for) -> LinkOutcome:
    """Send a reset link to the voter whose identifier this is; the same answer otherwise.

    ``link_for(uidb64, token)`` builds the absolute URL. Every request counts against
    the (address, identifier) pair and the identifier, known or not, so nobody can fill
    a mailbox with links or probe addresses faster than the réassort throttle allows.
    """
    account = throttle.identifier_account_key(election.pk, identifier)
    label = f"identifiant « {_masked(identifier)} » ({election.slug})"
    refusal = throttle.reassort_check(kind=LINK_KIND, account=account, address=address)
    if refusal is not None:
        throttle.election_refusal_record(
            election=election, action="reassort.password_link.throttled", address=address, typed=label
        )
        return LinkOutcome(wait_seconds=refusal.wait_seconds)
    throttle.reassort_record_attempt(kind=LINK_KIND, address=address)
    throttle.reassort_record_failure(kind=LINK_KIND, account=account, address=address)
    voter = identifier_voter(election, identifier) if election.uses_identifier_login else None
    if voter is None or not voter.user.is_active:
        throttle.election_refusal_record(
            election=election, action="reassort.password_link.refused", address=address, typed=label
        )
        return LinkOutcome()
    uidb64 = urlsafe_base64_encode(force_bytes(voter.user.pk))
    link = link_for(uidb64, tokens.make_token(voter.user))
    throttle.election_refusals_flush(election=election, actions=LINK_REFUSALS, address=address)
    minutes = settings.PASSWORD_RESET_TIMEOUT // 60
    with transaction.atomic():
        audit_record(actor=None, action="reassort.password_link.sent", instance=voter, address=address)
        # Sent once the entry is on the record (never for a rolled-back one).
        transaction.on_commit(
            partial(
                send_mail,
                subject="Isoloir — choisir un nouveau mot de passe Élections",
                message=(
                    f"Bonjour {voter.display_name},\n\n"
                    "Vous avez demandé à changer votre mot de passe Élections. Ouvrez ce lien dans les "
                    f"{minutes} minutes ; il ne sert qu'une fois :\n\n{link}\n\n"
                    "Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : votre mot de "
                    "passe actuel reste valable."
                ),
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=[voter.email],
            )
        )
    return LinkOutcome()


def password_link_voter(*, election, uidb64: str, token: str) -> Voter | None:
    """The voter this link is for, if the link is genuine, unused, recent and for this election."""
    try:
        user_pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    voter = (
        Voter.objects.select_related("user", "election")
        .filter(user__pk=user_pk, election=election, user__is_active=True)
        .first()
    )
    if voter is None or not voter.identifier_active or not election.uses_identifier_login:
        return None
    return voter if tokens.check_token(voter.user, token) else None


def password_link_invalid(*, election, address: str | None) -> bool:
    """Count a dead or altered link (written at most once a window per address); False once
    this address has opened more than the daily réassort ceiling of them (a 429)."""
    where = address or "inconnue"
    allowed = throttle.reassort_check(kind=OPEN_KIND, account="", address=where) is None
    if allowed:
        throttle.reassort_record_attempt(kind=OPEN_KIND, address=where)
    throttle.reassort_refusal_record(
        action="reassort.password_link.invalid",
        scope=f"election:{election.pk}",
        address=address,
        object_type="accounts.voter",
        object_label=throttle.election_refusals_label(election, address, "liens invalides ou expirés"),
    )
    return allowed


@transaction.atomic
def password_link_use(*, voter: Voter, password: str, address: str | None) -> None:
    """The new mot de passe Élections; the link and every open session of the account die."""
    user = voter.user
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(
        actor=None,
        action="reassort.password_link.used",
        instance=voter,
        new={"password": secret_mark(user.password)},
        address=address,
    )
    account = throttle.identifier_account_key(voter.election_id, voter.email)
    throttle.record_success(account=account)
