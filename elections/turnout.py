"""Participation for the bureau and the RH referents (issue 6, item 5).

Only émargements are counted — who voted, never how — so nothing here says anything
about results. Groups of fewer than TURNOUT_MIN_GROUP registered voters are merged so
that nobody's participation stands out: small establishments into « autres
établissements », small scrutins into one line; a merged group still too small is folded
into the smallest large group, so no figure can be recovered by subtracting the others
from a total. The timeline is hourly and only for groups large enough.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count
from django.db.models.functions import TruncHour
from django.utils import timezone

from ballots.models import Emargement

from .models import Election, RollEntry


def can_see_turnout(user) -> bool:
    """The bureau (who may see the émargement) and the RH referents (who import voters)."""
    return (
        user.is_active
        and user.is_staff
        and (user.has_perm("ballots.view_emargement") or user.has_perm("elections.add_voterimport"))
    )


@dataclass
class Group:
    label: str
    registered: int
    voted: int
    members: list[str] = field(default_factory=list)  # what was merged into this line

    @property
    def rate(self) -> float:
        return 100 * self.voted / self.registered if self.registered else 0.0


@dataclass
class Turnout:
    min_group: int
    total: Group
    scrutins: list[Group]
    establishments: list[tuple[str, list[Group]]]  # per scrutin
    timeline: list[tuple[dt.datetime, int]]  # hour, cumulative voters' émargements (all scrutins)


def merge_small(groups: list[Group], min_group: int, other_label: str) -> list[Group]:
    """Groups of at least ``min_group`` as they are; the others merged (see module doc)."""
    large = [g for g in groups if g.registered >= min_group]
    small = [g for g in groups if g.registered < min_group]
    if not small:
        return large
    merged = Group(
        other_label,
        sum(g.registered for g in small),
        sum(g.voted for g in small),
        sorted(label for g in small for label in (g.members or [g.label])),
    )
    if merged.registered >= min_group or not large:
        return [*large, merged]
    smallest = min(large, key=lambda g: g.registered)
    folded = Group(
        f"{smallest.label} et {other_label.lower()}",
        smallest.registered + merged.registered,
        smallest.voted + merged.voted,
        sorted([smallest.label, *merged.members]),
    )
    return [folded if g is smallest else g for g in large]


def turnout(election: Election, *, establishments=None, min_group: int | None = None) -> Turnout:
    """``establishments`` limits the per-establishment tables (an RH referent's scope)."""
    min_group = min_group or settings.TURNOUT_MIN_GROUP
    scrutins = list(election.scrutins.order_by("order", "pk"))
    registered = dict(
        RollEntry.objects.filter(scrutin__election=election)
        .values_list("scrutin")
        .annotate(n=Count("pk"))
        .values_list("scrutin", "n")
    )
    voted = dict(
        Emargement.objects.filter(scrutin__election=election)
        .values_list("scrutin")
        .annotate(n=Count("pk"))
        .values_list("scrutin", "n")
    )
    per_scrutin = [Group(s.name, registered.get(s.pk, 0), voted.get(s.pk, 0)) for s in scrutins]
    total = Group(
        "Ensemble des scrutins", sum(g.registered for g in per_scrutin), sum(g.voted for g in per_scrutin)
    )

    rolls = RollEntry.objects.filter(scrutin__election=election)
    marks = Emargement.objects.filter(scrutin__election=election)
    if establishments is not None:
        rolls = rolls.filter(voter__establishment__in=establishments)
        marks = marks.filter(voter__establishment__in=establishments)
    reg_by = rolls.values_list("scrutin", "voter__establishment__name").annotate(n=Count("pk"))
    voted_by = dict(
        ((s, e), n)
        for s, e, n in marks.values_list("scrutin", "voter__establishment__name").annotate(n=Count("pk"))
    )
    tables: dict[int, list[Group]] = {}
    for scrutin_id, name, n in reg_by:
        tables.setdefault(scrutin_id, []).append(Group(name, n, voted_by.get((scrutin_id, name), 0)))
    per_establishment = [
        (s.name, merge_small(tables.get(s.pk, []), min_group, "Autres établissements"))
        for s in scrutins
        if tables.get(s.pk)
    ]

    hours = (
        Emargement.objects.filter(scrutin__election=election)
        .annotate(hour=TruncHour("voted_at", tzinfo=timezone.get_current_timezone()))
        .values_list("hour")
        .annotate(n=Count("pk"))
        .order_by("hour")
        .values_list("hour", "n")
    )
    timeline, running = [], 0
    for hour, n in hours:
        running += n
        timeline.append((hour, running))
    if total.registered < min_group:
        timeline = []
    return Turnout(
        min_group=min_group,
        total=total,
        scrutins=merge_small(per_scrutin, min_group, f"Scrutins de moins de {min_group} inscrits"),
        establishments=per_establishment,
        timeline=timeline,
    )
