import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch
from django.utils import timezone

from .access import scrutins_for_voter
from .models import Candidate, CandidateList, Election, RollEntry


@dataclass(frozen=True)
class Countdown:
    label: str
    target: dt.datetime
    days: int
    hours: int
    minutes: int


def election_countdown(election: Election, now: dt.datetime | None = None) -> Countdown | None:
    """Time left before the vote opens or closes, rounded down to the minute."""
    now = now or timezone.now()
    if now < election.opens:
        label, target = "Ouverture du vote dans", election.opens
    elif now < election.closes:
        label, target = "Fermeture du vote dans", election.closes
    else:
        return None
    minutes_left = int((target - now).total_seconds() // 60)
    days, rest = divmod(minutes_left, 24 * 60)
    hours, minutes = divmod(rest, 60)
    return Countdown(label=label, target=target, days=days, hours=hours, minutes=minutes)


def voter_scrutins_with_lists(voter):
    lists = CandidateList.objects.order_by("order", "pk").prefetch_related(
        Prefetch("candidates", queryset=Candidate.objects.order_by("order", "pk"))
    )
    return scrutins_for_voter(voter).prefetch_related(Prefetch("lists", queryset=lists))


def scrutin_roll(scrutin, *, search: str = ""):
    """The electoral roll of a scrutin as voters may see it: names and affectation only."""
    entries = RollEntry.objects.filter(scrutin=scrutin).select_related("voter", "voter__establishment")
    if search:
        entries = entries.filter(voter__last_name__icontains=search.strip())
    return entries.order_by("voter__last_name", "voter__first_name", "voter__pk").only(
        "voter__last_name",
        "voter__first_name",
        "voter__affectation",
        "voter__establishment__name",
    )


def elections_for_login(now: dt.datetime | None = None):
    """Elections a voter may log into: with voters, and not finished more than a month ago."""
    from accounts.models import Voter

    now = now or timezone.now()
    with_voters = Exists(Voter.objects.filter(election=OuterRef("pk")))
    return Election.objects.filter(with_voters, closes__gte=now - dt.timedelta(days=31)).order_by("opens")
