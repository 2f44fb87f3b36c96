"""What the demo-only commands share (``demo_open``, ``demo_close``, ``demo_freeze``).

Each moves an election along its calendar to try it now: it changes only the dates (the
seal covers the definition, not the timetable), records the change in the audit trail,
queues the calendar's jobs for the new dates, and lets ``ballots.lifecycle`` take the
transitions the new dates make due, in the same transaction — a refusal leaves nothing
changed. Under the production settings (where
``ISOLOIR_SIMULATED_KEYS_ALLOWED`` is always False, see ``voting_portal.settings.production``)
every one of them is refused before reading the database.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.audit import audit_record
from ballots import lifecycle
from elections import lifecycle as rules
from elections.models import Election

from .lifecycle_tick import transition_line

PRODUCTION_REFUSAL = (
    "Commande de démonstration refusée : les réglages de production ne permettent pas de déplacer "
    "le calendrier d'une élection pour l'essayer (réglages de démonstration : "
    "DJANGO_SETTINGS_MODULE=voting_portal.settings.local)."
)


def demo_commands_allowed() -> bool:
    """Demo and development settings only: production forces ISOLOIR_SIMULATED_KEYS_ALLOWED off."""
    return bool(getattr(settings, "ISOLOIR_SIMULATED_KEYS_ALLOWED", False))


def _when(moment: dt.datetime) -> str:
    return f"{timezone.localtime(moment):%d/%m/%Y à %H:%M}"


def not_open_yet_hint(election: Election) -> str:
    """What to do first with an election whose vote has not opened yet (French)."""
    if not rules.sealed(election):
        return (
            "Scellez-la d'abord depuis le tableau de bord du bureau de vote "
            f"(/gestion/bureau/{election.slug}/), puis ouvrez-la (demo_open)."
        )
    return "Ouvrez-la d'abord (demo_open)."


class DemoCommand(BaseCommand):
    """Subclasses give ``refusal`` (why not, French, or None) and ``dates`` (the new opens, closes)."""

    def add_arguments(self, parser):
        parser.add_argument("slug", help="l'élection (son identifiant court, par exemple demo-2026)")

    def refusal(self, election: Election) -> str | None:
        raise NotImplementedError

    def dates(self, election: Election, now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
        raise NotImplementedError

    def after(self, election: Election) -> str:
        """A last line for the reader: what happens next (French)."""
        return ""

    def handle(self, *args, slug: str, **options):
        if not demo_commands_allowed():
            raise CommandError(PRODUCTION_REFUSAL)
        now = timezone.now()
        try:
            with transaction.atomic():
                election = Election.objects.select_for_update().filter(slug=slug).first()
                if election is None:
                    raise CommandError(f"Aucune élection n'a l'identifiant « {slug} ».")
                error = self.refusal(election)
                if error:
                    raise CommandError(error)
                old = {"opens": election.opens.isoformat(), "closes": election.closes.isoformat()}
                election.opens, election.closes = self.dates(election, now)
                election.save(update_fields=["opens", "closes"])
                audit_record(
                    actor=None,
                    action="election.demo.calendar",
                    instance=election,
                    old=old,
                    new={
                        "opens": election.opens.isoformat(),
                        "closes": election.closes.isoformat(),
                        "command": self.command_name,
                    },
                )
                # Jobs for the new timetable, as after a change in the admin (the old ones
                # find nothing due); make demo's lifecycle_tick loop catches up as well.
                lifecycle.lifecycle_schedule(election)
                taken = lifecycle.lifecycle_step(election, now=now)
        except lifecycle.LifecycleRefused as exc:
            raise CommandError(exc.message) from None
        election.refresh_from_db()
        self.stdout.write(
            f"{election.slug} : calendrier déplacé (démonstration) — ouverture le {_when(election.opens)}, "
            f"fermeture le {_when(election.closes)}."
        )
        for transition in taken:
            self.stdout.write(transition_line(election, transition, now))
        after = self.after(election)
        if after:
            self.stdout.write(after)

    @property
    def command_name(self) -> str:
        return self.__module__.rsplit(".", 1)[-1]
