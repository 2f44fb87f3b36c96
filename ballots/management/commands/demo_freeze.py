"""``manage.py demo_freeze <élection>`` (demonstration only): the grace is over now; the box freezes."""

from __future__ import annotations

import datetime as dt

from elections import lifecycle as rules
from elections.lifecycle import Transition

from ._demo import DemoCommand, not_open_yet_hint


class Command(DemoCommand):
    help = (
        "Démonstration seulement : fige maintenant l'urne d'une élection ouverte, suspendue ou en "
        "clôture (la fermeture est avancée du délai de grâce) ; le calendrier clôt l'élection et fige "
        "l'urne, les émargements et les compteurs. Refusée en production."
    )

    def refusal(self, election):
        if rules.transition_error(election, Transition.CLOSE) is None:
            return None
        error = rules.transition_error(election, Transition.FREEZE)
        if error and rules.not_open_yet(election):
            return f"{error} {not_open_yet_hint(election)}"
        return error

    def dates(self, election, now):
        closes = now - rules.closing_grace()
        opens = min(election.opens, closes - dt.timedelta(minutes=1))
        return opens, closes

    def after(self, election):
        return (
            "L'urne est figée : empreinte de chaque urne et sceau revérifié au journal d'audit "
            "(« election.freeze »)."
        )
