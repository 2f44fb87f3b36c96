"""State changes on users and voters. Every one that matters is audited."""

import datetime as dt
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.contrib.auth import authenticate, login
from django.core import signing
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse

from . import identifier, secrets, throttle
from .audit import audit_record, diff, snapshot
from .models import User, Voter, new_voter_username

VOTER_SECRET_FIELDS = (
    "security_key_encrypted",
    "card_serial_digest",
    "iban_tail_digest",
    "numen_digest",
    "nir_prefix_digest",
)
EMAIL_CONFIRMATION_SALT = "isoloir.accounts.email-confirmation"


@dataclass(frozen=True)
class IssuedCredentials:
    """Credentials shown or printed once; never stored in clear."""

    password: str | None
    security_key: str


def voter_snapshot(voter: Voter) -> dict:
    return snapshot(voter, secret_fields=VOTER_SECRET_FIELDS)


def recovery_digests(
    *, card_serial: str = "", iban: str = "", numen: str = "", nir: str = ""
) -> dict[str, str]:
    """The digests of the recovery values given (empty values are left out).

    ``card_serial`` keeps its first 6 characters, ``iban`` its last 6, ``nir`` its
    first 10 digits, as the réassort forms ask them (seeds, DESIGN.md §2).
    """
    digests = {}
    if card_serial:
        digests["card_serial_digest"] = secrets.digest("card-serial", secrets.normalise(card_serial)[:6])
    if iban:
        digests["iban_tail_digest"] = secrets.digest("iban-tail", secrets.normalise(iban)[-6:])
    if numen:
        digests["numen_digest"] = secrets.digest("numen", numen)
    if nir:
        digests["nir_prefix_digest"] = secrets.digest("nir-prefix", secrets.normalise(nir)[:10])
    return digests


def voter_set_recovery_secrets(
    *,
    voter: Voter,
    card_serial: str = "",
    iban: str = "",
    numen: str = "",
    nir: str = "",
) -> list[str]:
    """Store the digests of the recovery values given; returns the fields changed."""
    digests = recovery_digests(card_serial=card_serial, iban=iban, numen=numen, nir=nir)
    for field, value in digests.items():
        setattr(voter, field, value)
    return list(digests)


def voter_attach_account(
    *, voter: Voter, password: str | None = None, security_key: str | None = None
) -> IssuedCredentials:
    """Give a new voter a login account and a security key (drawn if not given).

    Without ``password`` the account cannot log in until credentials are issued.
    The caller saves the voter, in the same transaction.
    """
    user = User(username=new_voter_username())
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    voter.user = user
    key = secrets.normalise(security_key) if security_key else secrets.generate_security_key()
    voter.security_key_encrypted = secrets.encrypt_security_key(key)
    return IssuedCredentials(password=password, security_key=key)


@transaction.atomic
def voter_create(
    *,
    actor: User | None,
    election,
    matricule: str,
    last_name: str,
    first_name: str,
    birth_date: dt.date,
    establishment,
    affectation: str = "",
    email: str = "",
    postal_address: str = "",
    has_agent_card: bool = True,
    password: str | None = None,
    security_key: str | None = None,
    recovery: dict[str, str] | None = None,
    address: str | None = None,
) -> tuple[Voter, IssuedCredentials]:
    """Create a voter with their login account; the credentials are returned once."""
    voter = Voter(
        election=election,
        matricule=matricule.strip(),
        last_name=last_name.strip(),
        first_name=first_name.strip(),
        birth_date=birth_date,
        establishment=establishment,
        affectation=affectation,
        email=email,
        postal_address=postal_address,
        has_agent_card=has_agent_card,
    )
    voter.full_clean(exclude=["user", "security_key_encrypted"])
    issued = voter_attach_account(voter=voter, password=password, security_key=security_key)
    voter_set_recovery_secrets(voter=voter, **(recovery or {}))
    voter.save()
    audit_record(
        actor=actor,
        action="voter.create",
        instance=voter,
        new=voter_snapshot(voter),
        address=address,
    )
    return voter, issued


@dataclass(frozen=True)
class LoginOutcome:
    logged_in: bool = False
    wait_seconds: int = 0  # > 0: refused by the throttle, nothing was checked


def voter_login_attempt(
    request,
    *,
    election,
    matricule: str,
    birth_date: dt.date,
    security_key: str,
    password: str,
) -> LoginOutcome:
    """One login attempt with the notice's four values (see ``_login_attempt``)."""
    return _login_attempt(
        request,
        account=throttle.account_key(election.pk, matricule),
        credentials={
            "election": election,
            "matricule": matricule,
            "birth_date": birth_date,
            "security_key": security_key,
            "password": password,
        },
    )


def voter_identifier_login_attempt(request, *, election, identifier: str, password: str) -> LoginOutcome:
    """Seed 004: one login attempt with the identifier and the mot de passe Élections."""
    return _login_attempt(
        request,
        account=throttle.identifier_account_key(election.pk, identifier),
        credentials={"election": election, "identifier": identifier, "password": password},
    )


def _login_attempt(request, *, account: str, credentials: dict) -> LoginOutcome:
    """One login attempt: throttles first, then the backends, then the session.

    django-axes (through ``authenticate``) counts and locks (account, address) pairs
    and sets ``request.axes_locked_out``, which its middleware turns into the lockout
    page; our own counters add the account-wide delay and the per-address ceiling.
    """
    address = throttle.client_address(request) or "inconnue"
    refusal = throttle.check(account=account, address=address)
    if refusal is not None:
        return LoginOutcome(wait_seconds=refusal.wait_seconds)
    user = authenticate(request, **credentials)
    if user is None:
        throttle.record_failure(account=account, address=address)
        return LoginOutcome()
    throttle.record_success(account=account)
    voter_login(request, user=user, backend=user.backend)  # type: ignore[attr-defined]  # set by authenticate()
    return LoginOutcome(logged_in=True)


def voter_login(request, *, user: User, backend: str = "accounts.backends.VoterBackend") -> None:
    """Log the voter in: a new session id, and the previous login kept for the home page."""
    voter = user.voter
    voter.previous_login = user.last_login
    voter.save(update_fields=["previous_login"])
    login(request, user, backend=backend)


def email_confirmation_token(*, voter: Voter, email: str) -> str:
    return signing.dumps({"v": voter.pk, "e": email}, salt=EMAIL_CONFIRMATION_SALT)


@transaction.atomic
def voter_request_email_change(*, voter: Voter, email: str, request) -> None:
    """Send a confirmation link to the new address; the address counts once confirmed.

    Raises ``throttle.VoterLimitReached`` (nothing sent or written) past the voter's
    limit (settings.VOTER_EMAIL_CHANGES_PER_HOUR / _PER_DAY).
    """
    throttle.voter_limit_take(
        action="email_change",
        voter_id=voter.pk,
        per_hour=settings.VOTER_EMAIL_CHANGES_PER_HOUR,
        per_day=settings.VOTER_EMAIL_CHANGES_PER_DAY,
        message="Vous avez déjà demandé {count} changements d'adresse en {period}.",
    )
    token = email_confirmation_token(voter=voter, email=email)
    link = request.build_absolute_uri(reverse("accounts:confirm_email", args=[token]))
    audit_record(actor=voter.user, action="voter.email_change_requested", instance=voter)
    # Sent once the request is on the record (never for a rolled-back one).
    transaction.on_commit(
        partial(
            send_mail,
            subject="Isoloir — confirmez votre adresse électronique",
            message=(
                f"Bonjour {voter.display_name},\n\n"
                "Pour confirmer cette adresse sur votre portail électeur, ouvrez le lien suivant "
                f"dans les 48 heures :\n\n{link}\n\n"
                "Si vous n'êtes pas à l'origine de cette demande, ignorez ce message."
            ),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[email],
        )
    )


class InvalidConfirmation(Exception):
    """The e-mail confirmation link is expired, altered or for another voter."""


class IdentifierTaken(InvalidConfirmation):
    """Seed 004: the address is another voter's identifier in this election."""


@transaction.atomic
def voter_confirm_email(*, voter: Voter, token: str) -> str:
    try:
        data = signing.loads(token, salt=EMAIL_CONFIRMATION_SALT, max_age=settings.EMAIL_CONFIRMATION_MAX_AGE)
    except signing.BadSignature as exc:
        raise InvalidConfirmation from exc
    if data.get("v") != voter.pk:
        raise InvalidConfirmation
    voter = Voter.objects.select_for_update().get(pk=voter.pk)
    if identifier.identifier_taken(voter, data["e"]):
        raise IdentifierTaken
    old = voter_snapshot(voter)
    voter.email = data["e"]
    voter.email_confirmed = True
    try:
        with transaction.atomic():
            voter.save(update_fields=["email", "email_confirmed"])
    except IntegrityError as exc:  # confirmed by another voter at the same moment
        raise IdentifierTaken from exc
    before, after = diff(old, voter_snapshot(voter))
    audit_record(actor=voter.user, action="voter.email_confirmed", instance=voter, old=before, new=after)
    return voter.email
