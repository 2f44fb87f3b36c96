"""``manage.py demo_close <élection>`` (demonstration only): the vote closes now; the grace begins."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from elections import lifecycle as rules
from elections.lifecycle import Transition

from ._demo import DemoCommand, not_open_yet_hint


class Command(DemoCommand):
    help = (
        "Démonstration seulement : ferme maintenant le vote d'une élection ouverte ou suspendue (l'heure "
        "de fermeture devient maintenant) ; le délai de grâce commence, le gel de l'urne suit. "
        "Refusée en production."
    )

    def refusal(self, election):
        error = rules.transition_error(election, Transition.CLOSE)
        if error and rules.not_open_yet(election):
            return f"{error} {not_open_yet_hint(election)}"
        return error

    def dates(self, election, now):
        opens = min(election.opens, now - dt.timedelta(minutes=1))
        return opens, now

    def after(self, election):
        grace_end = election.closes + rules.closing_grace()
        return (
            "Un électeur connecté avant la fermeture peut encore voter jusqu'au "
            f"{timezone.localtime(grace_end):%d/%m/%Y à %H:%M} ; l'urne sera alors figée par le "
            "calendrier (lifecycle_tick), ou tout de suite avec demo_freeze."
        )
