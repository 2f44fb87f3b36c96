"""``manage.py demo_open <élection>`` (demonstration only): a sealed election opens now."""

from __future__ import annotations

import datetime as dt

from elections import lifecycle as rules
from elections.lifecycle import Transition

from ._demo import DemoCommand, not_open_yet_hint


class Command(DemoCommand):
    help = (
        "Démonstration seulement : ouvre maintenant le vote d'une élection scellée (l'heure "
        "d'ouverture devient maintenant, le calendrier fait le reste). Refusée en production."
    )

    def refusal(self, election):
        error = rules.transition_error(election, Transition.OPEN)
        if error and not rules.sealed(election):
            return f"{error} {not_open_yet_hint(election)}"
        return error

    def dates(self, election, now):
        closes = election.closes if election.closes > now else now + dt.timedelta(days=8)
        return now, closes

    def after(self, election):
        return "Le vote est ouvert : les électeurs de cette élection peuvent voter."
