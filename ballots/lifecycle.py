"""The transitions that act on the ballot box: seal, open, suspend, resume, close, freeze.

The only code that changes ``Election.state`` (the table and the predicates are
``elections.lifecycle``). Every transition takes the election's row lock, re-reads the
state inside the transaction, checks the table, and writes one audit entry
``election.<transition>`` with its actor (``None`` for the scheduler). Refusals raise
``LifecycleRefused`` with a French message; nothing is written then.

Sealing (R. 211-541, R. 211-552): the checks (``seal_checks``) must pass, and the
president and at least two delegates must each have confirmed, logged in with their own
account, the seal the checks produced. A confirmation names the seal it confirmed: if
anything the seal covers changes afterwards, the seal changes and the confirmation no
longer counts. The seal is the SHA-256 of the canonical JSON of ``seal_document``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from accounts.audit import audit_record
from accounts.models import AuditEntry
from elections import lifecycle
from elections.lifecycle import Transition
from elections.models import BureauMember, CandidateList, Election, RollEntry, Scrutin
from elections.selectors import roll_problems
from voting_portal.version import code_version

from . import crypto
from .models import (
    Ballot,
    ElectionKey,
    ElectionSeal,
    Emargement,
    ScrutinFreeze,
    ScrutinParameters,
    SealConfirmation,
)
from .services import OpeningRefused, election_key_check

R = BureauMember.Role
logger = logging.getLogger(__name__)


class LifecycleRefused(Exception):
    """A transition, a confirmation or a check refused; ``message`` is French."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _locked(election: Election) -> Election:
    """The election re-read under its row lock (callers are inside a transaction)."""
    return Election.objects.select_for_update().get(pk=election.pk)


def _transition(
    election: Election,
    transition: str,
    *,
    actor,
    address: str | None = None,
    new: dict[str, Any] | None = None,
) -> Election:
    """Check the table and move the (locked) election; one audit entry."""
    error = lifecycle.transition_error(election, transition)
    if error:
        raise LifecycleRefused(error)
    old_state = election.state
    election.state = lifecycle.transition_target(transition)
    election.save(update_fields=["state"])
    audit_record(
        actor=actor,
        action=f"election.{transition}",
        instance=election,
        old={"state": old_state},
        new={"state": election.state, **(new or {})},
        address=address,
    )
    return election


# --- who may do what ------------------------------------------------------------------

# Which seats may take each action of the bureau (the scheduler takes open, close, freeze).
SEATS_FOR = {
    "confirm": (R.PRESIDENT, R.SECRETARY, R.DELEGATE),
    Transition.SUSPEND: (R.PRESIDENT,),
    Transition.RESUME: (R.PRESIDENT,),
    "integrity": (R.PRESIDENT, R.SECRETARY, R.DELEGATE),
}


def bureau_seat(user, election: Election) -> BureauMember | None:
    """The user's active seat in the election's bureau, or None."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return None
    return BureauMember.objects.filter(election=election, user=user, active=True).first()


def seat_may(seat: BureauMember | None, action: str) -> bool:
    return seat is not None and seat.role in SEATS_FOR[action]


def _seat_required(user, election: Election, action: str) -> BureauMember:
    seat = bureau_seat(user, election)
    if seat is None:
        raise LifecycleRefused("Vous ne siégez pas au bureau de vote de cette élection.")
    if not seat_may(seat, action):
        allowed = ", ".join(R(role).label.lower() for role in SEATS_FOR[action])
        raise LifecycleRefused(f"Cette action revient au bureau de vote : {allowed}.")
    return seat


# --- the checks before sealing --------------------------------------------------------


@dataclass(frozen=True)
class Check:
    code: str
    label: str
    ok: bool
    detail: str = ""


def _election_ballots(election: Election):
    return Ballot.objects.filter(scrutin__election=election)


def seal_checks(
    election: Election, *, now: dt.datetime | None = None, document: dict[str, Any] | None = None
) -> list[Check]:
    """What must hold before the sealing, each with its outcome (R. 211-541)."""
    now = now or timezone.now()
    checks: list[Check] = []
    scrutins = list(
        election.scrutins.annotate(
            n_lists=Count("lists", distinct=True), n_candidates=Count("lists__candidates", distinct=True)
        ).order_by("order", "pk")
    )
    checks.append(
        Check(
            "scrutins",
            "L'élection a au moins un scrutin",
            bool(scrutins),
            "" if scrutins else "Aucun scrutin.",
        )
    )
    ballots = _election_ballots(election).count()
    checks.append(
        Check(
            "box_empty",
            "L'urne est vide",
            ballots == 0,
            f"{ballots} bulletin(s) dans l'urne." if ballots else "",
        )
    )
    emargements = Emargement.objects.filter(scrutin__election=election).count()
    checks.append(
        Check(
            "emargements_zero",
            "La liste d'émargement et les compteurs sont à zéro",
            emargements == 0,
            f"{emargements} émargement(s)." if emargements else "",
        )
    )
    problems = roll_problems(election)
    checks.append(
        Check(
            "rolls",
            "Les listes électorales ne signalent aucun problème",
            not problems,
            f"{problems.total} problème(s) à corriger (« Contrôler les listes »)." if problems else "",
        )
    )
    incomplete = [s.name for s in scrutins if s.n_lists == 0]
    empty_lists = list(
        CandidateList.objects.filter(scrutin__election=election, candidates__isnull=True)
        .order_by("scrutin__order", "order")
        .values_list("name", flat=True)
    )
    detail = "; ".join(
        [
            *(f"« {name} » n'a aucune liste" for name in incomplete),
            *(f"la liste « {n} » n'a aucun candidat" for n in empty_lists),
        ]
    )
    checks.append(
        Check(
            "lists",
            "Chaque scrutin a ses listes, chaque liste ses candidats",
            not detail and bool(scrutins),
            detail,
        )
    )
    without_voters = [
        s.name for s in election.scrutins.filter(roll_entries__isnull=True).order_by("order", "pk")
    ]
    checks.append(
        Check(
            "voters",
            "Chaque scrutin a des électeurs inscrits",
            not without_voters and bool(scrutins),
            "; ".join(f"« {name} » n'a aucun électeur inscrit" for name in without_voters),
        )
    )
    absent = _absent_documents(document if document is not None else seal_document(election))
    checks.append(
        Check(
            "documents",
            "Les documents des listes sont lisibles",
            not absent,
            "Illisibles : " + ", ".join(absent) if absent else "",
        )
    )
    try:
        election_key_check(election)
        key_detail = ""
    except OpeningRefused as exc:
        key_detail = exc.message
    checks.append(Check("key", "La clé de l'élection est complète", not key_detail, key_detail))
    seats = list(BureauMember.objects.filter(election=election, active=True).values_list("role", flat=True))
    has_president, delegates = R.PRESIDENT in seats, seats.count(R.DELEGATE)
    checks.append(
        Check(
            "bureau",
            "Le bureau de vote a un président et au moins deux délégués",
            has_president and delegates >= 2,
            ""
            if has_president and delegates >= 2
            else f"Président : {'oui' if has_president else 'non'} ; délégués : {delegates}.",
        )
    )
    timetable_ok = election.closes > now
    checks.append(
        Check(
            "timetable",
            "La fermeture du vote est à venir",
            timetable_ok,
            "" if timetable_ok else "La date de fermeture est passée : corrigez le calendrier.",
        )
    )
    return checks


# --- the seal ---------------------------------------------------------------------------


def _file_digest(field_file, *, fresh: bool = False) -> str:
    """SHA-256 of a list's document, or "absent" when it cannot be read (a failed check).

    The dashboard recomputes the seal on every view, so the digest is cached by (name,
    size, modification time); ``fresh`` (the sealing, the freeze, the integrity check)
    reads every byte whatever the storage can tell.
    """
    if not field_file:
        return ""
    cache_key = None
    if not fresh:
        storage = field_file.storage
        try:
            modified = storage.get_modified_time(field_file.name).timestamp()
            stamp = f"{field_file.name}:{storage.size(field_file.name)}:{modified}"
        except (OSError, NotImplementedError):
            stamp = None
        if stamp is not None:
            cache_key = "isoloir:document-sha256:" + hashlib.sha256(stamp.encode()).hexdigest()
            cached = cache.get(cache_key)
            if cached:
                return cached
    digest = hashlib.sha256()
    try:
        with field_file.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 16), b""):
                digest.update(chunk)
    except OSError:
        return ABSENT
    finally:
        field_file.close()
    if cache_key:
        cache.set(cache_key, digest.hexdigest(), timeout=24 * 3600)
    return digest.hexdigest()


ABSENT = "absent"


def _absent_documents(document: dict[str, Any]) -> list[str]:
    return [
        f"{cl['name']} ({kind})"
        for scrutin in document["scrutins"]
        for cl in scrutin["lists"]
        for kind, digest in cl["documents"].items()
        if digest == ABSENT
    ]


def _roll_digest(scrutin: Scrutin) -> dict[str, Any]:
    matricules = sorted(RollEntry.objects.filter(scrutin=scrutin).values_list("voter__matricule", flat=True))
    return {
        "count": len(matricules),
        "matricules_sha256": hashlib.sha256("\n".join(matricules).encode()).hexdigest(),
    }


def scrutin_parameters_of(scrutin: Scrutin, public_key: str) -> crypto.ScrutinParameters:
    codes = [cl.code for cl in sorted(scrutin.lists.all(), key=lambda cl: (cl.order, cl.pk))]
    return crypto.ScrutinParameters.from_lists(
        election=str(scrutin.election_id), scrutin=scrutin.code, list_ids=codes, public_key=public_key
    )


def seal_document(election: Election, *, fresh: bool = False) -> dict[str, Any]:
    """The election's public parameters as the seal covers them (canonical JSON-ready).

    ``fresh`` reads every document again (the sealing, the freeze, the integrity check).
    """
    key = ElectionKey.objects.filter(election=election).first()
    public_key = key.public_key if key else ""
    scrutins = []
    for scrutin in election.scrutins.order_by("order", "pk").prefetch_related("lists__candidates"):
        lists = sorted(scrutin.lists.all(), key=lambda cl: (cl.order, cl.pk))
        entry: dict[str, Any] = {
            "code": scrutin.code,
            "name": scrutin.name,
            "kind": scrutin.kind,
            "seats": scrutin.seats,
            "lists": [
                {
                    "code": cl.code,
                    "name": cl.name,
                    "affiliation": cl.affiliation,
                    "order": cl.order,
                    "candidates": [
                        {"name": c.name, "order": c.order}
                        for c in sorted(cl.candidates.all(), key=lambda c: (c.order, c.pk))
                    ],
                    "documents": {
                        "logo": _file_digest(cl.logo, fresh=fresh),
                        "profession_de_foi": _file_digest(cl.profession_de_foi, fresh=fresh),
                        "candidates_pdf": _file_digest(cl.candidates_pdf, fresh=fresh),
                    },
                }
                for cl in lists
            ],
            "roll": _roll_digest(scrutin),
        }
        if public_key and lists:
            params = scrutin_parameters_of(scrutin, public_key)
            entry["parameters"] = params.as_json()
            entry["fingerprint"] = params.fingerprint
        scrutins.append(entry)
    return {
        "election": str(election.pk),
        "name": election.name,
        "public_key": public_key,
        "ceremony_hash": key.record.get("ceremony_hash", "") if key else "",
        "scrutins": scrutins,
        "code_version": code_version(),
    }


def seal_of(document: dict[str, Any]) -> str:
    return crypto.encoding.sha256(crypto.encoding.canonical_json(document)).hex()


def seal_compute(election: Election, *, fresh: bool = False) -> str:
    return seal_of(seal_document(election, fresh=fresh))


@dataclass
class SealStatus:
    """What the dashboard shows before the sealing: the checks, the seal they give, who confirmed."""

    checks: list[Check]
    seal: str
    confirmations: list[SealConfirmation] = field(default_factory=list)
    expired: list[SealConfirmation] = field(default_factory=list)

    @property
    def checks_pass(self) -> bool:
        return all(check.ok for check in self.checks)

    @property
    def president_confirmed(self) -> bool:
        return any(c.role == R.PRESIDENT for c in self.confirmations)

    @property
    def delegates_confirmed(self) -> int:
        return len({c.user_id for c in self.confirmations if c.role == R.DELEGATE})

    @property
    def quorum(self) -> bool:
        return self.president_confirmed and self.delegates_confirmed >= 2

    def missing(self) -> str:
        """What the quorum still lacks, in French ("" when met)."""
        needs = []
        if not self.president_confirmed:
            needs.append("le président")
        if self.delegates_confirmed < 2:
            needs.append(f"{2 - self.delegates_confirmed} délégué(s)")
        return " et ".join(needs)


def confirmation_valid(confirmation: SealConfirmation, seal: str) -> bool:
    """A confirmation counts while it confirms this seal and its seat is still held, in the same
    role, by the person who gave it, whose account is still an active staff account."""
    member, user = confirmation.member, confirmation.user
    return (
        confirmation.seal == seal
        and member.active
        and member.user_id == confirmation.user_id
        and member.role == confirmation.role
        and user.is_active
        and user.is_staff
    )


def seal_status(election: Election, *, now: dt.datetime | None = None) -> SealStatus:
    document = seal_document(election)
    checks = seal_checks(election, now=now, document=document)
    seal = seal_of(document)
    current: list[SealConfirmation] = []
    expired: list[SealConfirmation] = []
    for confirmation in SealConfirmation.objects.filter(election=election).select_related("member", "user"):
        valid = confirmation_valid(confirmation, seal)
        (current if valid else expired).append(confirmation)
    return SealStatus(checks=checks, seal=seal, confirmations=current, expired=expired)


@transaction.atomic
def seal_confirm(*, election: Election, user, seal: str, address: str | None = None) -> Election:
    """A bureau member confirms the checks and the seal ``seal`` they were shown.

    Refused if the user has no seat, the election is not in preparation, a check fails,
    or the seal shown is no longer the election's (something changed since the page was
    read). When the president and at least two delegates have confirmed the current
    seal, the election is sealed in the same transaction (``election_seal``).
    """
    election = _locked(election)
    member = _seat_required(user, election, "confirm")
    error = lifecycle.transition_error(election, Transition.SEAL)
    if error:
        raise LifecycleRefused(error)
    status = seal_status(election)
    if not status.checks_pass:
        failed = ", ".join(f"« {c.label} »" for c in status.checks if not c.ok)
        raise LifecycleRefused(f"Les vérifications ne sont pas toutes satisfaites : {failed}.")
    if seal != status.seal:
        raise LifecycleRefused(
            "Les paramètres de l'élection ont changé depuis l'affichage de la page : relisez les "
            "vérifications et le sceau, puis confirmez à nouveau."
        )
    now = timezone.now()
    SealConfirmation.objects.update_or_create(
        election=election,
        member=member,
        defaults={"seal": seal, "confirmed": now, "user": user, "role": member.role},
    )
    audit_record(
        actor=user,
        action="election.seal.confirm",
        instance=election,
        new={"seal": seal, "role": member.role, "index": member.index},
        address=address,
    )
    if seal_status(election).quorum:
        election_seal(election=election, actor=user, address=address)
        election.refresh_from_db()
    return election


@transaction.atomic
def election_seal(*, election: Election, actor=None, address: str | None = None) -> Election:
    """Seal the election: checks, quorum of confirmations of the current seal, then the
    scrutins' parameters are frozen, the seal recorded, and the opening, closing and freeze
    are scheduled. Raises LifecycleRefused (nothing written) otherwise."""
    election = _locked(election)
    error = lifecycle.transition_error(election, Transition.SEAL)
    if error:
        raise LifecycleRefused(error)
    status = seal_status(election)
    if not status.checks_pass:
        failed = ", ".join(f"« {c.label} »" for c in status.checks if not c.ok)
        raise LifecycleRefused(f"Le scellement est refusé : vérifications non satisfaites ({failed}).")
    if not status.quorum:
        raise LifecycleRefused(
            "Le scellement exige la confirmation du président et d'au moins deux délégués, chacun "
            f"avec son propre compte, sur le sceau actuel. Il manque : {status.missing()}."
        )
    key = election_key_check(election)
    frozen = _parameters_freeze(election, key)
    document = seal_document(election, fresh=True)
    seal = seal_of(document)
    if seal != status.seal:  # the frozen parameters are the ones the seal was computed with
        raise LifecycleRefused("Le sceau a changé pendant le scellement : recommencez.")
    now = timezone.now()
    ElectionSeal.objects.create(election=election, seal=seal, document=document, sealed=now)
    _transition(
        election,
        Transition.SEAL,
        actor=actor,
        address=address,
        new={
            "seal": seal,
            "public_key": key.public_key,
            "fingerprints": {p.scrutin.code: p.fingerprint for p in frozen},
            "confirmed_by": [
                {"role": c.role, "index": c.member.index, "user": c.user.username}
                for c in status.confirmations
            ],
            "code_version": document["code_version"],
        },
    )
    lifecycle_schedule(election)
    return election


def _parameters_freeze(election: Election, key: ElectionKey) -> list[ScrutinParameters]:
    frozen = []
    for scrutin in election.scrutins.order_by("order", "pk").prefetch_related("lists"):
        try:
            params = scrutin_parameters_of(scrutin, key.public_key)
        except crypto.CryptoError as exc:
            raise LifecycleRefused(f"Paramètres du scrutin « {scrutin.name} » invalides : {exc}") from None
        frozen.append(
            ScrutinParameters.objects.create(
                scrutin=scrutin, params=params.as_json(), fingerprint=params.fingerprint
            )
        )
    return frozen


def lifecycle_schedule(election: Election) -> None:
    """Queue the calendar's transitions (``lifecycle_tick`` catches up whatever is missed)."""
    from .tasks import lifecycle_due

    for _transition_name, at in lifecycle.scheduled_times(election).items():
        lifecycle_due.using(run_after=at).enqueue(str(election.pk))


# --- the calendar's transitions ---------------------------------------------------------


@transaction.atomic
def election_open(*, election: Election, actor=None, now: dt.datetime | None = None) -> Election:
    """Open the vote of a sealed election, at its opening time (the scheduler's)."""
    election = _locked(election)
    now = now or timezone.now()
    error = lifecycle.transition_error(election, Transition.OPEN)
    if error:
        raise LifecycleRefused(error)
    if now < election.opens:
        raise LifecycleRefused(
            f"Le vote ouvre le {timezone.localtime(election.opens):%d/%m/%Y à %H:%M}, pas avant."
        )
    if now >= election.closes:
        raise LifecycleRefused(
            "La date de fermeture est passée : le vote n'est pas ouvert. Corrigez le calendrier de l'élection."
        )
    try:
        election_key_check(election)
    except OpeningRefused as exc:
        raise LifecycleRefused(exc.message) from None
    return _transition(election, Transition.OPEN, actor=actor)


@transaction.atomic
def election_suspend(*, election: Election, actor, reason: str, address: str | None = None) -> Election:
    """The bureau suspends the vote (R. 211-542); voters cannot cast until it resumes."""
    return _bureau_transition(election, Transition.SUSPEND, actor=actor, reason=reason, address=address)


@transaction.atomic
def election_resume(*, election: Election, actor, reason: str, address: str | None = None) -> Election:
    return _bureau_transition(election, Transition.RESUME, actor=actor, reason=reason, address=address)


def _bureau_transition(election, transition, *, actor, reason: str, address) -> Election:
    election = _locked(election)
    _seat_required(actor, election, transition)
    reason = (reason or "").strip()
    if not reason:
        raise LifecycleRefused("Indiquez le motif : il est consigné au journal et au procès-verbal.")
    if len(reason) > 1000:
        raise LifecycleRefused("Le motif tient en 1 000 caractères au plus.")
    return _transition(election, transition, actor=actor, address=address, new={"reason": reason})


@transaction.atomic
def election_close(*, election: Election, actor=None, now: dt.datetime | None = None) -> Election:
    """At the closing time: no new login to vote, no new entry to the voting space; the
    voters already in may finish within the grace (R. 211-563)."""
    election = _locked(election)
    now = now or timezone.now()
    error = lifecycle.transition_error(election, Transition.CLOSE)
    if error:
        raise LifecycleRefused(error)
    if now < election.closes:
        raise LifecycleRefused(
            f"Le vote ferme le {timezone.localtime(election.closes):%d/%m/%Y à %H:%M}, pas avant."
        )
    counts = {
        code: n
        for code, n in Emargement.objects.filter(scrutin__election=election)
        .values_list("scrutin__code")
        .annotate(n=Count("pk"))
        .order_by()
    }
    return _transition(
        election,
        Transition.CLOSE,
        actor=actor,
        new={
            "closed": now.isoformat(),
            "emargements": {s.code: counts.get(s.code, 0) for s in election.scrutins.all()},
        },
    )


@transaction.atomic
def election_freeze(*, election: Election, actor=None, now: dt.datetime | None = None) -> Election:
    """Once the grace is over: every scrutin's box and émargements frozen and hashed
    (``box_hash``), the seal re-checked, the outcome recorded (R. 211-572)."""
    election = _locked(election)
    now = now or timezone.now()
    error = lifecycle.transition_error(election, Transition.FREEZE)
    if error:
        raise LifecycleRefused(error)
    if now < election.closes + lifecycle.closing_grace():
        raise LifecycleRefused("Le délai de grâce après la fermeture n'est pas écoulé.")
    boxes = {}
    for scrutin in election.scrutins.select_related("parameters").order_by("order", "pk"):
        references = list(Ballot.objects.filter(scrutin=scrutin).values_list("reference", flat=True))
        fingerprint = scrutin.parameters.fingerprint  # type: ignore[attr-defined]
        box = crypto.box_hash(fingerprint, references)
        emargements, emargements_hash = emargements_digest(scrutin)
        ScrutinFreeze.objects.create(
            scrutin=scrutin,
            box_hash=box,
            emargements_hash=emargements_hash,
            ballots=len(references),
            emargements=emargements,
            frozen=now,
        )
        boxes[scrutin.code] = {
            "box_hash": box,
            "ballots": len(references),
            "emargements": emargements,
            "emargements_hash": emargements_hash,
        }
    seal = seal_verify(election)
    return _transition(
        election,
        Transition.FREEZE,
        actor=actor,
        new={
            "frozen": now.isoformat(),
            "boxes": boxes,
            "seal": seal.recorded,
            "seal_intact": seal.intact,
            "seal_differences": seal.differences,
            "code_version": seal.code_version_now,
            "ballots_match_emargements": all(b["ballots"] == b["emargements"] for b in boxes.values()),
        },
    )


def emargements_digest(scrutin: Scrutin) -> tuple[int, str]:
    """(count, SHA-256 of the sorted lines « matricule;time of the vote (UTC) ») of a scrutin's
    émargement list: what the freeze records and the integrity check compares."""
    lines = sorted(
        f"{matricule};{voted_at.astimezone(dt.UTC).isoformat()}"
        for matricule, voted_at in Emargement.objects.filter(scrutin=scrutin).values_list(
            "voter__matricule", "voted_at"
        )
    )
    return len(lines), hashlib.sha256("\n".join(lines).encode()).hexdigest()


@dataclass(frozen=True)
class SealVerification:
    recorded: str | None
    intact: bool
    differences: list[str]
    code_version_sealed: str
    code_version_now: str


def seal_verify(election: Election) -> SealVerification:
    """The seal recomputed now (every document read again) against the recorded one.

    The definition is compared with the code version recorded at the sealing, so that a
    deployment during the vote is reported as what it is (a new code version), not as a
    changed definition; the frozen parameters are compared with the sealed ones too.
    """
    from .integrity import seal_differences

    now_version = code_version()
    recorded = ElectionSeal.objects.filter(election=election).first()
    if recorded is None:
        return SealVerification(None, False, ["aucun sceau enregistré"], "", now_version)
    try:
        sealed_version = recorded.document.get("code_version", "")
        sealed_scrutins = {s["code"]: s for s in recorded.document.get("scrutins", [])}
    except (AttributeError, TypeError, KeyError):  # a document rewritten by hand
        return SealVerification(
            recorded.seal, False, ["le document scellé enregistré est illisible"], "", now_version
        )
    document = seal_document(election, fresh=True)
    document["code_version"] = sealed_version
    differences = [] if seal_of(document) == recorded.seal else seal_differences(recorded.document, document)
    for stored in ScrutinParameters.objects.filter(scrutin__election=election).select_related("scrutin"):
        sealed = sealed_scrutins.get(stored.scrutin.code, {})
        if stored.fingerprint != sealed.get("fingerprint") or stored.params != sealed.get("parameters"):
            differences.append(
                f"scrutin {stored.scrutin.code} : les paramètres publics en service ne sont pas ceux scellés"
            )
    if now_version != sealed_version:
        differences.append(
            f"la version du code a changé depuis le scellement ({sealed_version} → {now_version})"
        )
    return SealVerification(recorded.seal, not differences, differences, sealed_version, now_version)


CALENDAR: dict[str, Callable[..., Election]] = {
    Transition.OPEN: election_open,
    Transition.CLOSE: election_close,
    Transition.FREEZE: election_freeze,
}


def lifecycle_step(election: Election, *, now: dt.datetime | None = None) -> list[str]:
    """Take every transition the calendar calls for now, in order; safe to run anywhere, any
    number of times at once (each step re-reads the state under the row lock)."""
    now = now or timezone.now()
    taken = []
    for _ in range(len(CALENDAR)):
        with transaction.atomic():
            locked = _locked(election)
            due = lifecycle.due_transition(locked, now)
            if due is None:
                break
            CALENDAR[due](election=locked, actor=None, now=now)
        taken.append(due)
    return taken


def lifecycle_tick(*, now: dt.datetime | None = None) -> list[tuple[Election, str]]:
    """Catch up every election's due transitions (``manage.py lifecycle_tick``, the jobs)."""
    now = now or timezone.now()
    taken: list[tuple[Election, str]] = []
    for election in Election.objects.filter(lifecycle.due_q(now)).order_by("opens"):
        try:
            taken.extend((election, t) for t in lifecycle_step(election, now=now))
        except Exception as exc:
            # One election's failure never stalls the others' calendar; the bureau sees it in
            # the trail, the operators in the log, and the next tick tries again.
            logger.exception("lifecycle_tick: election %s", election.pk)
            _lifecycle_error_record(election, f"{type(exc).__name__}: {exc}"[:500], now)
    return taken


# A step failing at every tick (cron runs lifecycle_tick every minute) is written again only
# when its error changes or this long after: the log has every failure, the trail the news.
LIFECYCLE_ERROR_REPEAT = dt.timedelta(hours=1)


def _lifecycle_error_record(election: Election, error: str, now: dt.datetime) -> None:
    with transaction.atomic():
        last = (
            AuditEntry.objects.filter(
                object_type=Election._meta.label_lower,
                object_id=str(election.pk),
                action="election.lifecycle.error",
            )
            .order_by("-id")
            .first()
        )
        if last is not None and (last.new_values or {}).get("error") == error:
            at = dt.datetime.fromisoformat((last.new_values or {}).get("at") or last.time.isoformat())
            if now - at < LIFECYCLE_ERROR_REPEAT:
                return
        audit_record(
            actor=None,
            action="election.lifecycle.error",
            instance=election,
            new={"error": error, "at": now.isoformat()},
        )
