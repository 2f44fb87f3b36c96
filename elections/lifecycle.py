"""The election's states, the transitions between them, and the predicates that read them.

THE state machine (DESIGN.md §3, issue 15). This is the only module that compares an
election's state: every other place asks one of the predicates below by name. The
transitions themselves (seal, open, suspend, resume, close, freeze) are services of
``ballots.lifecycle``, the only code that changes ``Election.state``; each checks
``transition_error`` under the election's row lock.

    preparation ──seal──▶ sealed ──open──▶ open ◀──resume── suspended
                                            │  └──suspend──▶    │
                                            └──close──▶ closing ◀┘(close)
                                                           │
                                                        freeze
                                                           ▼
                                                        closed ──count──▶ counted

- *sealed*: the definition (scrutins, lists, candidates, documents, rolls, key) is
  fixed and its seal recorded (R. 211-541, R. 211-552); nothing can be cast yet.
- *open* at the opening time, by the scheduler; *suspended* by the bureau (R. 211-542).
- *closing* from the closing time: no new login to vote, no new entry to the voting
  space; a voter logged in before the closing time may finish within the grace
  (R. 211-563, ``VOTE_CLOSING_GRACE_MINUTES``).
- *closed* once the grace is over: the box and the émargements are frozen and their
  hashes recorded (R. 211-572). *counted* comes with the count.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

if TYPE_CHECKING:
    from .models import Election


class ElectionState(models.TextChoices):
    PREPARATION = "preparation", "En préparation"
    SEALED = "sealed", "Scellée"
    OPEN = "open", "Ouverte"
    SUSPENDED = "suspended", "Suspendue"
    CLOSING = "closing", "Clôture en cours"
    CLOSED = "closed", "Close"
    COUNTED = "counted", "Dépouillée"


S = ElectionState


class Transition(models.TextChoices):
    """What the bureau (or the scheduler) does to the election; the audit action is ``election.<value>``."""

    SEAL = "seal", "Sceller"
    OPEN = "open", "Ouvrir le vote"
    SUSPEND = "suspend", "Suspendre le vote"
    RESUME = "resume", "Reprendre le vote"
    CLOSE = "close", "Clore le vote"
    FREEZE = "freeze", "Figer l'urne"
    COUNT = "count", "Dépouiller"


# transition -> (the states it leaves from, the state it reaches)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    Transition.SEAL: (frozenset({S.PREPARATION}), S.SEALED),
    Transition.OPEN: (frozenset({S.SEALED}), S.OPEN),
    Transition.SUSPEND: (frozenset({S.OPEN}), S.SUSPENDED),
    Transition.RESUME: (frozenset({S.SUSPENDED}), S.OPEN),
    Transition.CLOSE: (frozenset({S.OPEN, S.SUSPENDED}), S.CLOSING),
    Transition.FREEZE: (frozenset({S.CLOSING}), S.CLOSED),
    Transition.COUNT: (frozenset({S.CLOSED}), S.COUNTED),
}


def transition_target(transition: str) -> str:
    return TRANSITIONS[transition][1]


def transition_error(election: Election, transition: str) -> str | None:
    """Why ``transition`` cannot be taken from the election's state (French), or None."""
    sources, _target = TRANSITIONS[transition]
    if election.state in sources:
        return None
    label = Transition(transition).label.lower()
    of = "d'" if label[0] in "aeéiou" else "de "
    return (
        f"Impossible {of}{label} : l'élection est dans l'état « {S(election.state).label} » "
        f"(possible seulement depuis : {', '.join(f'« {S(s).label} »' for s in sorted(sources))})."
    )


def transitions_possible(election: Election) -> list[str]:
    """The transitions the table allows from the election's state, in the table's order."""
    return [t for t, (sources, _target) in TRANSITIONS.items() if election.state in sources]


# --- the definition ---------------------------------------------------------------------

DEFINITION_EDITABLE_STATES = (S.PREPARATION,)

DEFINITION_FROZEN_MESSAGE = (
    "La définition de l'élection ne peut plus changer : l'élection est scellée (ou ouverte, suspendue, "
    "close). Scrutins, listes de candidats, candidats, documents, listes électorales et clé sont en "
    "lecture seule."
)


def definition_editable(election: Election) -> bool:
    """THE rule: the election's definition (rolls, scrutins, lists, candidates, documents, key)
    can still change, i.e. the election is in preparation (not sealed yet).

    The admin, the imports, every model ``clean`` and the key installation ask it.
    """
    return definition_editable_state(election.state)


def definition_editable_state(state: str) -> bool:
    """``definition_editable`` for a state read from the database, not from an object in memory
    (``elections.models.definition_write_check``, the guard of every definition write)."""
    return state in DEFINITION_EDITABLE_STATES


def definition_editable_q(prefix: str = "") -> Q:
    """``definition_editable`` as a filter on elections (``prefix`` e.g. ``"election__"``)."""
    return Q(**{f"{prefix}state__in": DEFINITION_EDITABLE_STATES})


def sealed(election: Election) -> bool:
    """The seal is recorded: the election left its preparation."""
    return election.state != S.PREPARATION


def sealed_q(prefix: str = "") -> Q:
    return ~Q(**{f"{prefix}state": S.PREPARATION})


# --- the vote ---------------------------------------------------------------------------


def accepts_ballots(election: Election) -> bool:
    """The box takes ballots, the voting window and the grace permitting (``voting_window_check``)."""
    return election.state in (S.OPEN, S.CLOSING)


def suspended(election: Election) -> bool:
    return election.state == S.SUSPENDED


def not_open_yet(election: Election) -> bool:
    """Before the opening: the portal shows the scrutins, lists and rolls; nothing can be cast."""
    return election.state in (S.PREPARATION, S.SEALED)


def vote_over(election: Election) -> bool:
    """The vote is over for the portal: closed (or closing) by the bureau's calendar."""
    return election.state in (S.CLOSING, S.CLOSED, S.COUNTED)


def receipts_only(election: Election) -> bool:
    """After the freeze: voters log in for their émargement (and the results); nothing else."""
    return election.state in (S.CLOSED, S.COUNTED)


def receipts_only_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}state__in": (S.CLOSED, S.COUNTED)})


def emargement_exportable(election: Election) -> bool:
    """The émargement list leaves the portal (CSV, PDF) once frozen."""
    return receipts_only(election)


def letters_printable(election: Election) -> bool:
    """Credential letters are printed until the vote is over."""
    return not vote_over(election)


def letters_printable_q(prefix: str = "") -> Q:
    return ~Q(**{f"{prefix}state__in": (S.CLOSING, S.CLOSED, S.COUNTED)})


def board_public(election: Election) -> bool:
    """The public ballot box (parameters, ballots) is published from the sealing on."""
    return sealed(election)


def box_frozen(election: Election) -> bool:
    """The box, the émargements and the counters are frozen and their hashes recorded."""
    return receipts_only(election)


def integrity_checkable(election: Election) -> bool:
    """« Contrôler l'intégrité » has a seal to recompute and a box to check."""
    return sealed(election)


def closed_message(election: Election) -> str:
    """Why a voter cannot cast now, in French (the voting space, ``VotingClosed``)."""
    if not_open_yet(election):
        return (
            f"Le vote n'est pas encore ouvert : il ouvrira le "
            f"{timezone.localtime(election.opens):%d/%m/%Y à %H:%M}."
        )
    if suspended(election):
        return "Le vote est suspendu par le bureau de vote. Réessayez plus tard."
    return "Le vote est clos."


class VoterPeriod(models.TextChoices):
    """The vote as the portal tells a voter about it (``voter_period``)."""

    NOT_OPEN = "not_open", "Le vote n'est pas encore ouvert"
    OPEN = "open", "Le vote est ouvert"
    SUSPENDED = "suspended", "Le vote est suspendu"
    CLOSED = "closed", "Le vote est clos"
    RECEIPTS = "receipts", "Le vote est clos"


def voter_period(election: Election, now: dt.datetime | None = None) -> str:
    """What the portal says to a voter about the vote now, by the state and by the clock.

    - *receipts*: frozen (``receipts_only``): the émargements (and the results), nothing else;
    - *closed*: closing, or the closing time has passed and the scheduler has not acted yet:
      no new entry to the voting space, only the grace of those logged in before it;
    - *suspended* by the bureau; *not_open* before the opening (by state or by the clock);
    - *open* otherwise.

    Whether this voter may still cast is ``ballots.services.voting_window_check``'s.
    """
    now = now or timezone.now()
    if receipts_only(election):
        return VoterPeriod.RECEIPTS
    if vote_over(election) or now >= election.closes:
        return VoterPeriod.CLOSED
    if suspended(election):
        return VoterPeriod.SUSPENDED
    if not_open_yet(election) or now < election.opens:
        return VoterPeriod.NOT_OPEN
    return VoterPeriod.OPEN


# --- the calendar -----------------------------------------------------------------------


def closing_grace() -> dt.timedelta:
    return dt.timedelta(minutes=settings.VOTE_CLOSING_GRACE_MINUTES)


def due_transition(election: Election, now: dt.datetime | None = None) -> str | None:
    """The transition the calendar calls for now (the scheduler's), or None.

    Opening at ``opens`` (sealed only, and never once ``closes`` has passed: a timetable
    moved into the past leaves the election sealed for the bureau to see), closing at
    ``closes`` (open or suspended), the freeze at ``closes`` + the grace (closing).
    """
    now = now or timezone.now()
    if election.state == S.SEALED and election.opens <= now < election.closes:
        return Transition.OPEN
    if election.state in (S.OPEN, S.SUSPENDED) and now >= election.closes:
        return Transition.CLOSE
    if election.state == S.CLOSING and now >= election.closes + closing_grace():
        return Transition.FREEZE
    return None


def due_q(now: dt.datetime) -> Q:
    """Elections ``due_transition`` may act on now (a superset; it decides)."""
    return (
        Q(state=S.SEALED, opens__lte=now, closes__gt=now)
        | Q(state__in=(S.OPEN, S.SUSPENDED), closes__lte=now)
        | Q(state=S.CLOSING, closes__lte=now - closing_grace())
    )


def scheduled_times(election: Election) -> dict[str, dt.datetime]:
    """When the scheduler takes each automatic transition."""
    return {
        Transition.OPEN: election.opens,
        Transition.CLOSE: election.closes,
        Transition.FREEZE: election.closes + closing_grace(),
    }
