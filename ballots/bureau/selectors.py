"""What the bureau's pages read: the member's seats, the dashboard of one election.

Reads only; every rule is asked of ``elections.lifecycle`` (the state machine) and of
``ballots.lifecycle`` (who may do what, the checks, the seal).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import AuditEntry
from elections import lifecycle
from elections.lifecycle import Transition
from elections.models import BureauMember, Election, RollEntry

from ..lifecycle import bureau_seat, seal_status, seat_may
from ..models import Ballot, ElectionSeal, Emargement, IntegrityCheck, ScrutinFreeze, SealConfirmation

# The calendar's steps as the bureau reads them.
STEP_LABELS: dict[str, str] = {
    Transition.OPEN: "Ouverture du vote",
    Transition.CLOSE: "Fermeture du vote",
    Transition.FREEZE: "Gel de l'urne",
}

# The trail of the election's life cycle, in French.
ACTION_LABELS = {
    "election.seal.confirm": "Confirmation du scellement",
    "election.seal": "Scellement",
    "election.open": "Ouverture du vote",
    "election.suspend": "Suspension du vote",
    "election.resume": "Reprise du vote",
    "election.close": "Fermeture du vote",
    "election.freeze": "Gel de l'urne",
    "election.count": "Dépouillement",
    "election.integrity.request": "Contrôle d'intégrité demandé",
    "election.integrity.result": "Résultat du contrôle d'intégrité",
    "election.lifecycle.error": "Étape automatique en échec",
}

ROLE_LABELS = dict(BureauMember.Role.choices)


def seal_groups(seal: str) -> str:
    """A hash in groups of four, to be read aloud and compared."""
    return " ".join(seal[i : i + 4] for i in range(0, len(seal), 4))


def seal_lines(seal: str, per_line: int = 8) -> list[str]:
    """The groups of a hash, ``per_line`` groups a line, as the pages print them."""
    groups = seal_groups(seal).split()
    return [" ".join(groups[i : i + per_line]) for i in range(0, len(groups), per_line)]


def seat_label(seat: BureauMember) -> str:
    label = ROLE_LABELS.get(seat.role, seat.role)
    return f"{label} n° {seat.index}" if seat.index else label


def confirmation_label(confirmation: SealConfirmation) -> str:
    """The seat as it was when the member confirmed (the role recorded then)."""
    label = ROLE_LABELS.get(confirmation.role, confirmation.role)
    index = confirmation.member.index
    return f"{label} n° {index}" if index and confirmation.role == BureauMember.Role.DELEGATE else label


# --- who sees what ----------------------------------------------------------------------


def seats_of(user) -> list[BureauMember]:
    """The user's active seats, their elections first to open first (empty unless active staff)."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return []
    return list(
        BureauMember.objects.filter(user=user, active=True)
        .select_related("election")
        .order_by("election__opens")
    )


def election_for_member(user, slug: str) -> tuple[Election, BureauMember]:
    """The election and the user's active seat in its bureau; 404 otherwise (never 403: no hint)."""
    election = get_object_or_404(Election, slug=slug)
    seat = bureau_seat(user, election)
    if seat is None:
        raise Http404
    return election, seat


# --- the calendar ---------------------------------------------------------------------


def next_step(election: Election) -> tuple[str, dt.datetime | None]:
    """The next step of the election's life and when the calendar takes it (None: the bureau's)."""
    if not lifecycle.sealed(election):
        return "Scellement par le bureau de vote", None
    times = lifecycle.scheduled_times(election)
    for transition in lifecycle.transitions_possible(election):
        if transition in times:
            return STEP_LABELS[transition], times[transition]
    if Transition.COUNT in lifecycle.transitions_possible(election):
        return "Dépouillement", None
    return "", None


@dataclass
class Step:
    label: str
    at: dt.datetime
    past: bool


def timetable(election: Election, now: dt.datetime) -> list[Step]:
    return [
        Step(STEP_LABELS[transition], at, at <= now)
        for transition, at in lifecycle.scheduled_times(election).items()
    ]


# --- the dashboard --------------------------------------------------------------------


@dataclass
class ScrutinCount:
    code: str
    name: str
    registered: int
    emargements: int
    ballots: int
    freeze: ScrutinFreeze | None

    @property
    def box_hash_lines(self) -> list[str]:
        return seal_lines(self.freeze.box_hash, per_line=4) if self.freeze else []

    @property
    def emargements_hash_lines(self) -> list[str]:
        return seal_lines(self.freeze.emargements_hash, per_line=4) if self.freeze else []


def scrutin_counts(election: Election) -> list[ScrutinCount]:
    """Per scrutin: the registered voters, the émargements and the ballots (counts only: a ballot is
    never read next to a voter), and the frozen box once closed."""

    def per_scrutin(model) -> dict[int, int]:
        rows = model.objects.filter(scrutin__election=election).values("scrutin").annotate(n=Count("pk"))
        return {row["scrutin"]: row["n"] for row in rows}

    registered = per_scrutin(RollEntry)
    emargements = per_scrutin(Emargement)
    ballots = per_scrutin(Ballot)
    freezes = {f.scrutin_id: f for f in ScrutinFreeze.objects.filter(scrutin__election=election)}
    return [
        ScrutinCount(
            code=s.code,
            name=s.name,
            registered=registered.get(s.pk, 0),
            emargements=emargements.get(s.pk, 0),
            ballots=ballots.get(s.pk, 0),
            freeze=freezes.get(s.pk),
        )
        for s in election.scrutins.order_by("order", "pk")
    ]


@dataclass
class TrailLine:
    entry: AuditEntry
    label: str
    actor: str
    detail: str


def _trail_detail(action: str, new: dict[str, Any]) -> str:
    if action in ("election.suspend", "election.resume"):
        return f"Motif : {new.get('reason', '')}"
    if action == "election.seal.confirm":
        return f"Sceau confirmé : {seal_groups(new.get('seal', ''))}"
    if action == "election.seal":
        return f"Sceau : {seal_groups(new.get('seal', ''))}"
    if action == "election.freeze":
        intact = "intact" if new.get("seal_intact") else "modifié depuis le scellement"
        match = "égaux" if new.get("ballots_match_emargements") else "différents"
        detail = f"Sceau {intact} ; bulletins et émargements {match} dans chaque scrutin."
        if new.get("seal_differences"):
            detail += " Écarts : " + " ; ".join(new["seal_differences"])
        return detail
    if action == "election.lifecycle.error":
        return f"Erreur : {new.get('error', '')} — l'étape sera retentée."
    if action == "election.integrity.result":
        if new.get("error"):
            return f"Contrôle interrompu par une erreur : {new['error']}"
        findings = new.get("findings") or []
        if new.get("ok"):
            return f"Aucune anomalie ({new.get('ballots', 0)} bulletin(s) vérifié(s))."
        return "Anomalie(s) : " + " ; ".join(findings)
    return ""


def election_trail(election: Election) -> list[TrailLine]:
    """The audit entries of the election's life cycle (actions ``election.*``), oldest first."""
    entries = AuditEntry.objects.filter(
        object_type=Election._meta.label_lower, object_id=str(election.pk), action__startswith="election."
    ).order_by("id")
    return [
        TrailLine(
            entry=entry,
            label=ACTION_LABELS.get(entry.action, entry.action),
            actor=entry.actor_label if entry.actor_id else "automatique (calendrier du vote)",
            detail=_trail_detail(entry.action, entry.new_values or {}),
        )
        for entry in entries
    ]


@dataclass
class Action:
    url_name: str
    label: str
    consequence: str


def actions_allowed(election: Election, seat: BureauMember) -> list[Action]:
    """The actions the user's seat allows now, each with what it does."""
    possible = lifecycle.transitions_possible(election)
    actions = []
    if Transition.SEAL in possible and seat_may(seat, "confirm"):
        actions.append(
            Action(
                "bureau:seal",
                "Confirmer le scellement",
                "Vous confirmez les vérifications et le sceau ; la troisième confirmation valide scelle.",
            )
        )
    if Transition.SUSPEND in possible and seat_may(seat, Transition.SUSPEND):
        actions.append(
            Action("bureau:suspend", "Suspendre le vote", "Plus personne ne peut voter jusqu'à la reprise.")
        )
    if Transition.RESUME in possible and seat_may(seat, Transition.RESUME):
        actions.append(Action("bureau:resume", "Reprendre le vote", "Les électeurs peuvent voter à nouveau."))
    if lifecycle.integrity_checkable(election) and seat_may(seat, "integrity"):
        actions.append(
            Action(
                "bureau:integrity",
                "Contrôler l'intégrité",
                "Recalcule le sceau et vérifie chaque bulletin de l'urne, en arrière-plan.",
            )
        )
    return actions


def dashboard(election: Election, seat: BureauMember, *, now: dt.datetime | None = None) -> dict[str, Any]:
    """Everything the dashboard shows, as template context."""
    now = now or timezone.now()
    sealed = lifecycle.sealed(election)
    status = None if sealed else seal_status(election, now=now)
    recorded = ElectionSeal.objects.filter(election=election).first()
    if recorded is not None:
        confirmed = list(
            SealConfirmation.objects.filter(election=election, seal=recorded.seal).select_related(
                "member__user"
            )
        )
        expired: list[SealConfirmation] = []
    else:
        confirmed, expired = (status.confirmations, status.expired) if status else ([], [])
    checks = list(IntegrityCheck.objects.filter(election=election).select_related("created_by")[:5])
    return {
        "election": election,
        "seat": seat,
        "seat_label": seat_label(seat),
        "state_label": election.get_state_display(),
        "suspended": lifecycle.suspended(election),
        "timetable": timetable(election, now),
        "grace_minutes": int(lifecycle.closing_grace().total_seconds() // 60),
        "next_step": next_step(election),
        "status": status,
        "seal": recorded.seal if recorded else (status.seal if status else ""),
        "seal_lines": seal_lines(recorded.seal if recorded else (status.seal if status else "")),
        "recorded": recorded,
        "confirmed": [(c, confirmation_label(c)) for c in confirmed],
        "expired": [(c, confirmation_label(c)) for c in expired],
        "counts": scrutin_counts(election) if sealed else [],
        "frozen": lifecycle.box_frozen(election),
        "integrity_checks": checks,
        "integrity_running": any(c.running for c in checks),
        "trail": election_trail(election),
        "actions": actions_allowed(election, seat),
    }
