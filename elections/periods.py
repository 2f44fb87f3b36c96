"""What a voter's pages do in each period of the vote (issue 15, items 2, 6, 7 and 9).

The period itself is ``elections.lifecycle.voter_period``; the pages show it with
``elections/includes/vote_period.html``. Once the box is frozen
(``lifecycle.receipts_only``) a voter logs in for the receipts only — the portal's home,
« Je vote » with the time of each vote, the émargements, the preuve de dépôt — and every
other voter page is refused by ``refused_once_frozen``.
"""

from __future__ import annotations

import datetime as dt
from functools import wraps

from django.shortcuts import render

from .lifecycle import closing_grace, receipts_only, voter_period


def period_context(election, now: dt.datetime | None = None) -> dict:
    """What ``elections/includes/vote_period.html`` needs: the period and the grace's end."""
    return {
        "period": voter_period(election, now),
        "grace_end": election.closes + closing_grace(),
    }


def refused_once_frozen(view):
    """After ``voter_required``: once the vote is frozen, the page is refused (403, whatever
    the method) with a page that says so and points to the receipts; the view does not run,
    so nothing is written."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        voter = request.voter
        if receipts_only(voter.election):
            context = {"election": voter.election, "setup_pending": voter.needs_credentials_setup}
            return render(request, "elections/receipts_only.html", context, status=403)
        return view(request, *args, **kwargs)

    return wrapper
