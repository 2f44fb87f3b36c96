"""The *code de vote* (seed 004): typed before entering the voting space.

A letter code is issued with the paper letters; « Je n'ai pas de code de vote » asks
for a new one with the NUMEN or the first 10 digits of the social security number, sent
to the voter's confirmed address, valid 2 minutes, single use. Codes are stored as
HMACs; every wrong entry counts against all live codes of the voter, and after
VOTE_CODE_MAX_FAILURES they are dead. Requests answer the same way whether or not the
identifier matched, are throttled like every réassort, and are written to the audit trail
(refusals counted, at most one entry a window: ``throttle.reassort_refusal_record``).
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets as std_secrets
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from . import secrets, throttle
from .audit import audit_record
from .models import VoteCode, Voter

DIGEST_KIND = "vote-code"
REQUEST_KIND = "vote-code"
REFUSALS = ("reassort.vote_code.refused", "reassort.vote_code.throttled")
CODE_LENGTH = 8
SESSION_KEY = "isoloir_vote_code_ok"
IDENTIFIER_KINDS = [
    ("numen", "Mon NUMEN"),
    ("nir", "Les 10 premiers chiffres de mon numéro de sécurité sociale"),
]


def generate_code() -> str:
    return "".join(std_secrets.choice(secrets.SECURITY_KEY_ALPHABET) for _ in range(CODE_LENGTH))


def format_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def _live(voter: Voter, now: dt.datetime):
    return VoteCode.objects.filter(
        voter=voter, revoked=False, used__isnull=True, failures__lt=settings.VOTE_CODE_MAX_FAILURES
    ).filter(Q(expires__isnull=True) | Q(expires__gt=now))


@transaction.atomic
def vote_code_issue_letter(*, voter: Voter, code: str | None = None, actor=None, audit: bool = True) -> str:
    """A new letter code (replacing the previous letter code); returns it, to be printed.

    ``audit=False`` for a batch of letters, which writes one entry naming every voter
    (one entry per voter would hold the trail's lock for the whole batch)."""
    code = secrets.normalise(code) if code else generate_code()
    VoteCode.objects.filter(voter=voter, origin=VoteCode.Origin.LETTER, revoked=False).update(revoked=True)
    VoteCode.objects.create(
        voter=voter,
        origin=VoteCode.Origin.LETTER,
        digest=secrets.digest(DIGEST_KIND, code),
        created=timezone.now(),
    )
    if audit:
        audit_record(actor=actor, action="vote_code.letter_issued", instance=voter)
    return code


@dataclass(frozen=True)
class EntryOutcome:
    accepted: bool
    remaining: int = 0  # wrong entries left before every live code dies
    expired: bool = False  # one of this voter's own codes, typed after its validity


def _expired_match(voter: Voter, candidate: str, now: dt.datetime) -> bool:
    """The typed code is one of this voter's e-mailed codes, unused and past its expiry.

    Only the voter's own HMACs are compared, so this says nothing about any other code:
    an unknown code stays « pas valide » and counts as a wrong guess.
    """
    digests = VoteCode.objects.filter(voter=voter, used__isnull=True, expires__lte=now).values_list(
        "digest", flat=True
    )
    return any(hmac.compare_digest(candidate, digest) for digest in digests)


@transaction.atomic
def vote_code_enter(
    *, voter: Voter, typed: str, address: str | None = None, now: dt.datetime | None = None
) -> EntryOutcome:
    """Check a typed code against the voter's live codes (locked while checking).

    A code of this voter typed after its expiry is answered ``expired`` and does not count
    against the live codes; any other wrong code counts.
    """
    now = now or timezone.now()
    codes = list(_live(voter, now).select_for_update())
    candidate = secrets.digest(DIGEST_KIND, typed)
    match = next((c for c in codes if hmac.compare_digest(candidate, c.digest)), None)
    if match is not None:
        if match.origin == VoteCode.Origin.EMAIL:
            match.used = now
            match.save(update_fields=["used"])
        return EntryOutcome(accepted=True)
    if _expired_match(voter, candidate, now):
        # Not a guess: the voter typed the code they were sent, too late.
        failures = max((c.failures for c in codes), default=settings.VOTE_CODE_MAX_FAILURES)
        return EntryOutcome(
            accepted=False, expired=True, remaining=max(settings.VOTE_CODE_MAX_FAILURES - failures, 0)
        )
    if not codes:
        return EntryOutcome(accepted=False, remaining=0)
    VoteCode.objects.filter(pk__in=[c.pk for c in codes]).update(failures=F("failures") + 1)
    failures = max(c.failures for c in codes) + 1
    remaining = max(settings.VOTE_CODE_MAX_FAILURES - failures, 0)
    if remaining == 0:
        audit_record(actor=voter.user, action="vote_code.locked", instance=voter, address=address)
    return EntryOutcome(accepted=False, remaining=remaining)


@dataclass(frozen=True)
class RequestOutcome:
    wait_seconds: int = 0  # > 0: refused by the throttle, nothing was checked


def _identifier_matches(voter: Voter, kind: str, value: str) -> bool:
    """One HMAC whatever the kind and whether or not the voter has that identifier."""
    if kind == "nir":
        return secrets.digest_matches("nir-prefix", secrets.normalise(value)[:10], voter.nir_prefix_digest)
    return secrets.digest_matches("numen", value, voter.numen_digest)


def vote_code_request(*, voter: Voter, kind: str, value: str, address: str) -> RequestOutcome:
    """« Je n'ai pas de code de vote »: a new code by e-mail if the identifier matches.

    The answer is the same whether it matched or not (the caller shows one page).
    """
    account = f"voter:{voter.pk}"
    refusal = throttle.reassort_check(kind=REQUEST_KIND, account=account, address=address)
    if refusal is not None:
        throttle.reassort_refusal_record(
            action="reassort.vote_code.throttled",
            scope=account,
            address=address,
            actor=voter.user,
            instance=voter,
        )
        return RequestOutcome(wait_seconds=refusal.wait_seconds)
    throttle.reassort_record_attempt(kind=REQUEST_KIND, address=address)
    matched = _identifier_matches(voter, kind, value)
    if not matched or not (voter.email and voter.email_confirmed):
        if not matched:
            throttle.reassort_record_failure(kind=REQUEST_KIND, account=account, address=address)
        # Counted; written at most once a window for this voter and address.
        throttle.reassort_refusal_record(
            action="reassort.vote_code.refused",
            scope=account,
            address=address,
            actor=voter.user,
            instance=voter,
            detail={
                "identifier": kind,
                "reason": "identifiant erroné" if not matched else "adresse non confirmée",
            },
        )
        return RequestOutcome()
    now = timezone.now()
    code = generate_code()
    with transaction.atomic():
        # A new e-mailed code replaces the previous ones; the letter code stays valid.
        VoteCode.objects.filter(voter=voter, origin=VoteCode.Origin.EMAIL, revoked=False).update(revoked=True)
        VoteCode.objects.create(
            voter=voter,
            origin=VoteCode.Origin.EMAIL,
            digest=secrets.digest(DIGEST_KIND, code),
            created=now,
            expires=now + dt.timedelta(seconds=settings.VOTE_CODE_EMAIL_VALIDITY_SECONDS),
        )
        audit_record(
            actor=voter.user,
            action="reassort.vote_code.sent",
            instance=voter,
            new={"identifier": kind},
            address=address,
        )
        # Sent once the code is stored (never for a rolled-back one).
        minutes = settings.VOTE_CODE_EMAIL_VALIDITY_SECONDS // 60
        transaction.on_commit(
            partial(
                send_mail,
                subject="Isoloir — votre nouveau code de vote",
                message=(
                    f"Bonjour {voter.display_name},\n\n"
                    f"Votre nouveau code de vote : {format_code(code)}\n\n"
                    f"Il est valable {minutes} minutes et ne sert qu'une fois. Copiez-le, puis collez-le "
                    "sur la page « Saisie du code de vote » de votre portail électeur.\n\n"
                    "Si vous n'êtes pas à l'origine de cette demande, contactez le support : "
                    "quelqu'un connaît peut-être vos identifiants."
                ),
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=[voter.email],
            )
        )
    throttle.reassort_refusals_flush(
        actions=REFUSALS, scope=account, address=address, actor=voter.user, instance=voter
    )
    throttle.reassort_record_success(kind=REQUEST_KIND, account=account, address=address)
    return RequestOutcome()


def session_has_vote_code(request) -> bool:
    return request.session.get(SESSION_KEY) == request.user.pk


def session_mark_vote_code(request) -> None:
    request.session[SESSION_KEY] = request.user.pk
