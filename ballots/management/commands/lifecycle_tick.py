"""``manage.py lifecycle_tick``: take every election's transitions the calendar calls for now.

The opening, the closing and the freeze are queued as django-tasks jobs at the sealing
(``ballots.tasks.lifecycle_due``); this command catches up whatever a stopped worker or a
restart missed. It is idempotent and safe on several servers at once (each step takes the
election's row lock and re-reads its state), so a cron entry or a systemd timer may run it
every minute::

    * * * * *  cd /srv/isoloir && .venv/bin/python manage.py lifecycle_tick

It prints one line per transition taken (nothing when nothing is due, unless ``-v 2``).
``--loop SECONDS`` runs it again every SECONDS until stopped (``make demo``'s worker side).
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections
from django.utils import timezone

from ballots import lifecycle
from elections.lifecycle import Transition


def transition_line(election, transition: str, now) -> str:
    """One line of output: when, which election, which transition (French)."""
    return f"{timezone.localtime(now):%d/%m/%Y %H:%M:%S}  {election.slug} : {Transition(transition).label}"


class Command(BaseCommand):
    help = (
        "Prend les transitions dues du calendrier des élections (ouverture, clôture, gel de l'urne) ; "
        "sans effet si rien n'est dû. Pour une tâche cron ou un minuteur systemd."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--loop",
            type=float,
            metavar="SECONDES",
            help="Recommencer toutes les SECONDES secondes jusqu'à l'arrêt du processus (make demo).",
        )

    def handle(self, *args, loop: float | None = None, verbosity: int = 1, **options):
        if loop is None:
            try:
                self.tick(verbosity)
            except lifecycle.LifecycleRefused as exc:
                raise CommandError(exc.message) from None
            return
        if loop <= 0:
            raise CommandError("--loop attend un nombre de secondes strictement positif.")
        try:
            while True:
                close_old_connections()
                try:
                    self.tick(verbosity)
                except Exception as exc:  # noqa: BLE001 — the loop goes on; the next tick retries
                    message = exc.message if isinstance(exc, lifecycle.LifecycleRefused) else repr(exc)
                    self.stderr.write(f"{timezone.localtime():%d/%m/%Y %H:%M:%S}  échec : {message}")
                self.stdout.flush()
                self.stderr.flush()
                time.sleep(loop)
        except KeyboardInterrupt:
            return

    def tick(self, verbosity: int) -> None:
        now = timezone.now()
        taken = lifecycle.lifecycle_tick(now=now)
        for election, transition in taken:
            self.stdout.write(transition_line(election, transition, now))
        if not taken and verbosity >= 2:
            self.stdout.write(f"{timezone.localtime(now):%d/%m/%Y %H:%M:%S}  aucune transition due.")
