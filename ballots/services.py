"""Casting a ballot, and what the vote needs: the election key and the frozen parameters.

Nothing here writes an audit row, a log line or a cache entry that holds a voter next
to a ballot reference (DESIGN.md §4): casting writes the émargement and the ballot, and
nothing else.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from accounts.audit import audit_record
from elections import lifecycle
from elections.models import Election, Scrutin

from . import crypto
from .crypto.keys import verify_ceremony_record
from .crypto.receipt import public_key_hex, public_key_pem, sign_deposit, signing_key_from_hex
from .models import Ballot, BallotAlpha, ElectionKey, Emargement, ScrutinParameters


class VotingError(Exception):
    """A refusal the voter reads: ``message`` is French."""

    message = "Votre vote n'a pas pu être enregistré."

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.message)
        if message:
            self.message = message


class VotingClosed(VotingError):
    message = "Le vote n'est pas ouvert."


class AlreadyVoted(VotingError):
    message = "Vous avez déjà voté à ce scrutin : votre vote est définitif."

    def __init__(self, emargement: Emargement) -> None:
        super().__init__()
        self.emargement = emargement


class NotOnRoll(VotingError):
    message = "Vous n'êtes pas inscrit sur la liste électorale de ce scrutin."


class BallotRefused(VotingError):
    message = "Le bulletin reçu n'est pas valide : il n'a pas été déposé dans l'urne."


class OpeningRefused(VotingError):
    message = "Le vote ne peut pas être ouvert."


class KeyRecordRefused(OpeningRefused):
    """The key ceremony's record does not verify (PROTOCOL.md §Keys): nothing is stored."""

    message = "La clé de l'élection est refusée : le compte rendu de la cérémonie des clés n'est pas valide."


@dataclass(frozen=True)
class CastReceipt:
    """What the voter gets back: the accusé de réception and the preuve de dépôt."""

    scrutin: Scrutin
    voted_at: dt.datetime
    reference: str
    fingerprint: str

    @property
    def deposit_time(self) -> str:
        """ISO 8601, Paris time to the second: the ``time`` of the signed statement."""
        return timezone.localtime(self.voted_at).replace(microsecond=0).isoformat()


# --- key and parameters ----------------------------------------------------------------


@transaction.atomic
def election_key_install(
    *, election: Election, record: dict[str, Any], origin: str, actor=None
) -> ElectionKey:
    """Store the public outcome of the key ceremony; refused once the election has one.

    The record is verified first (``verify_ceremony_record``: every proof of knowledge,
    ``ceremony_hash``, ``public_key = Y_P + Σ C_i0`` over QUAL); one that does not verify
    raises KeyRecordRefused and nothing is stored. The election row is locked first, so two
    installs at once give one key and one refusal.
    """
    election = Election.objects.select_for_update().get(pk=election.pk)
    if not lifecycle.definition_editable(election):
        raise OpeningRefused("L'élection est scellée : sa clé ne peut plus changer.")
    if ElectionKey.objects.filter(election=election).exists():
        raise OpeningRefused("L'élection a déjà une clé publique.")
    try:
        verify_ceremony_record(record, election=str(election.pk))
    except crypto.InvalidProof as exc:
        raise KeyRecordRefused(
            "La clé de l'élection est refusée : le compte rendu de la cérémonie des clés ne se vérifie pas "
            "(preuve de connaissance, empreinte de la cérémonie ou clé publique). Rien n'a été enregistré."
        ) from exc
    except crypto.CryptoError as exc:
        raise KeyRecordRefused(
            "La clé de l'élection est refusée : le compte rendu de la cérémonie des clés est mal formé. "
            "Rien n'a été enregistré."
        ) from exc
    key = ElectionKey.objects.create(
        election=election, public_key=record["public_key"], record=record, origin=origin
    )
    audit_record(
        actor=actor,
        action="election.key.install",
        instance=key,
        new={
            "public_key": key.public_key,
            "origin": origin,
            "ceremony_hash": record.get("ceremony_hash", ""),
        },
    )
    return key


def election_key_check(election: Election) -> ElectionKey:
    """The election's key, if it may be used to open the vote here."""
    key = ElectionKey.objects.filter(election=election).first()
    if key is None:
        raise OpeningRefused(
            "L'élection n'a pas encore de clé publique : la cérémonie des clés doit avoir lieu."
        )
    if key.origin != ElectionKey.Origin.CEREMONY and not settings.ISOLOIR_SIMULATED_KEYS_ALLOWED:
        raise OpeningRefused(
            "La clé de cette élection n'a pas été produite par les détenteurs de clé : "
            "elle ne peut servir qu'en démonstration."
        )
    return key


def crypto_parameters(scrutin: Scrutin) -> crypto.ScrutinParameters:
    """The frozen parameters (``scrutin.parameters``, select_related by the caller or fetched)."""
    try:
        stored: ScrutinParameters = scrutin.parameters  # type: ignore[attr-defined]
    except ScrutinParameters.DoesNotExist:
        raise VotingClosed("Ce scrutin n'est pas encore ouvert au vote.") from None
    return crypto.ScrutinParameters.from_json(stored.params)


# --- the voting window ------------------------------------------------------------------


def voting_window_check(*, election: Election, voter, now: dt.datetime | None = None) -> None:
    """The vote is open for this voter now, or raises VotingClosed.

    After the closing time, R. 211-563 lets a voter who logged in before it finish
    within ``VOTE_CLOSING_GRACE_MINUTES``.
    """
    now = now or timezone.now()
    if not lifecycle.accepts_ballots(election):
        raise VotingClosed(lifecycle.closed_message(election))
    if now < election.opens:
        raise VotingClosed("Le vote n'est pas encore ouvert.")
    if now >= election.closes:
        grace_end = election.closes + lifecycle.closing_grace()
        logged_in = voter.user.last_login
        if not (now < grace_end and logged_in is not None and logged_in < election.closes):
            raise VotingClosed("Le vote est clos.")


def election_share_locked(election_id) -> Election:
    """The election row re-read inside the caller's transaction, share-locked on PostgreSQL.

    ``FOR KEY SHARE`` conflicts with the transitions' ``FOR UPDATE`` (ballots.lifecycle)
    but not with other casts. SQLite's transactions are IMMEDIATE here (settings): the
    caller already holds the database's write lock.
    """
    lock = " FOR KEY SHARE" if connection.vendor == "postgresql" else ""
    table = Election._meta.db_table
    key = Election._meta.pk.get_db_prep_value(election_id, connection)  # type: ignore[union-attr]
    return Election.objects.raw(f"SELECT * FROM {table} WHERE id = %s{lock}", [key])[0]  # noqa: S608


def voting_is_open(*, election: Election, voter, now: dt.datetime | None = None) -> bool:
    try:
        voting_window_check(election=election, voter=voter, now=now)
    except VotingClosed:
        return False
    return True


# --- casting ---------------------------------------------------------------------------


def ballot_build(*, scrutin: Scrutin, choice: str) -> dict[str, Any]:
    """Encrypt a choice on the server (tests, demo, load generator; the browser does it for voters)."""
    params = crypto_parameters(scrutin)
    if choice not in params.options:
        raise BallotRefused("Ce choix ne fait pas partie du bulletin de ce scrutin.")
    return crypto.create_ballot(params, choice)


def ballot_cast(
    *,
    voter,
    scrutin_id: int,
    ballot: str | bytes | dict[str, Any],
    expected_reference: str | None = None,
    now: dt.datetime | None = None,
) -> CastReceipt:
    """Verify a ballot, then record the émargement and the ballot in one transaction.

    The scrutin must be one of the voter's (else NotOnRoll). ``ballot`` is the
    encrypted ballot, made in the voter's browser (the server never sees a choice);
    ``expected_reference``, when given (always, from the web), is the reference the
    browser computed: the server recomputes it and refuses a mismatch.
    Raises NotOnRoll, VotingClosed, AlreadyVoted or BallotRefused; on any of them
    nothing is written. Two concurrent calls for one voter and scrutin give one
    ballot: the émargement's unique constraint decides, and the loser's transaction
    (ballot included) rolls back.
    """
    election = voter.election
    # One query: the scrutin, only if the voter is on its roll, with its parameters.
    try:
        scrutin = Scrutin.objects.select_related("parameters").get(
            pk=scrutin_id, election=election, roll_entries__voter=voter
        )
    except Scrutin.DoesNotExist:
        raise NotOnRoll() from None
    scrutin.election = election
    voting_window_check(election=election, voter=voter, now=now)
    params = crypto_parameters(scrutin)
    try:
        verified = crypto.verify_ballot(params, ballot)
    except (crypto.CryptoError, UnicodeEncodeError) as exc:
        raise BallotRefused() from exc
    if expected_reference is not None and expected_reference != verified.reference:
        raise BallotRefused(
            "La référence calculée par votre navigateur ne correspond pas au bulletin reçu : "
            "le bulletin n'a pas été déposé. Recommencez depuis le bulletin."
        )

    voted_at = now or timezone.now()
    try:
        with transaction.atomic():
            # The window again, on the election row as it is now and share-locked until the
            # commit: a suspension or the freeze committed while the ballot was verified
            # refuses it, and a transition waits for the casts already past this point.
            voting_window_check(election=election_share_locked(election.pk), voter=voter, now=now)
            Emargement.objects.create(voter=voter, scrutin=scrutin, voted_at=voted_at)
            entry = Ballot.objects.create(
                id=uuid.uuid4(),
                scrutin=scrutin,
                reference=verified.reference,
                ballot=verified.canonical.decode(),
            )
            BallotAlpha.objects.bulk_create(
                BallotAlpha(scrutin=scrutin, alpha=alpha, ballot=entry) for alpha in verified.alphas
            )
    except IntegrityError:
        # Everything rolled back. Either the émargement's unique constraint (a vote
        # committed earlier or concurrently, visible by now) or the weeding index
        # (a replayed ciphertext) refused the rows.
        existing = Emargement.objects.filter(voter=voter, scrutin=scrutin).first()
        if existing is not None:
            raise AlreadyVoted(existing) from None
        raise BallotRefused(
            "Ce bulletin reprend un bulletin déjà présent dans l'urne : il a été refusé."
        ) from None
    return CastReceipt(
        scrutin=scrutin, voted_at=voted_at, reference=verified.reference, fingerprint=params.fingerprint
    )


# --- preuve de dépôt -------------------------------------------------------------------


def _signing_key():
    return signing_key_from_hex(settings.RECEIPT_SIGNING_KEY)


def receipt_public_key() -> str:
    return public_key_hex(_signing_key())


def receipt_public_key_pem() -> str:
    return public_key_pem(_signing_key())


def deposit_proof_sign(*, reference: str, fingerprint: str, time: str) -> tuple[str, str]:
    """The signed statement (canonical JSON) and its Ed25519 signature, both as text."""
    statement, signature = sign_deposit(
        _signing_key(), reference=reference, fingerprint=fingerprint, time=time
    )
    return statement.decode("utf-8"), signature
