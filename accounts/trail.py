"""The réassort trail for the bureau (issue 5, item 6): what recovery actions happened for
an election, counted per day, per staff member and per kind, with unusual volumes flagged
against the election's thresholds. Read-only, from the audit trail (and, for refusals
counted but not written yet, the throttle store)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict, deque
from dataclasses import dataclass, field

from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.utils import timezone

from . import throttle
from .models import AuditEntry, Voter

KINDS = {
    "reassort.password.success": "Mot de passe perdu, libre-service : nouveau mot de passe obtenu",
    "reassort.password.refused": "Mot de passe perdu, libre-service : demande refusée",
    "reassort.password.throttled": "Mot de passe perdu, libre-service : demande bloquée (trop d'échecs)",
    "bureau.password_reset": "Nouveau mot de passe remis par le président du bureau",
    "support.key_reveal": "Clé de sécurité lue par le support",
    "support.key_reissue": "Nouvelle clé de sécurité émise par le support",
    "reassort.vote_code.sent": "Nouveau code de vote envoyé par courriel",
    "reassort.vote_code.refused": "Nouveau code de vote : demande refusée",
    "reassort.vote_code.throttled": "Nouveau code de vote : demande bloquée (trop d'échecs)",
    "vote_code.locked": "Codes de vote invalidés après 5 saisies erronées",
    "reassort.password_link.sent": "Mot de passe Élections oublié : lien envoyé",
    "reassort.password_link.refused": "Mot de passe Élections oublié : identifiant inconnu ou non confirmé",
    "reassort.password_link.throttled": "Mot de passe Élections oublié : demande bloquée (trop de demandes)",
    "reassort.password_link.invalid": "Mot de passe Élections oublié : lien expiré, déjà utilisé ou altéré",
    "reassort.password_link.used": "Mot de passe Élections oublié : nouveau mot de passe choisi",
}
# What one staff member does to voters' secrets; a burst of these is flagged.
STAFF_ACTIONS = {"bureau.password_reset", "support.key_reveal", "support.key_reissue"}
# What an address asks for itself; many in a day is flagged.
ADDRESS_ACTIONS = {action for action in KINDS if action.startswith("reassort.")}


@dataclass
class Flag:
    kind: str  # "staff" or "address"
    who: str
    count: int
    threshold: int
    start: dt.datetime
    end: dt.datetime


@dataclass
class TrailReport:
    total: int
    per_day: list[tuple[dt.date, int]]
    per_staff: list[tuple[str, int]]
    per_kind: list[tuple[str, str, int]]
    flags: list[Flag] = field(default_factory=list)


def reassort_entries(election):
    """The trail rows about this election's voters (and attempts on its unknown matricules)."""
    voter_ids = Voter.objects.filter(election=election).annotate(key=Cast("pk", CharField())).values("key")
    about_voters = Q(object_type="accounts.voter", object_id__in=voter_ids)
    unknown = Q(object_type="accounts.voter", object_id="", object_label__endswith=f"({election.slug})")
    return AuditEntry.objects.filter(action__in=KINDS).filter(about_voters | unknown).order_by("time", "id")


def _max_in_window(times: list[dt.datetime], window: dt.timedelta) -> tuple[int, dt.datetime, dt.datetime]:
    """The largest number of times within any span of ``window``, and that span."""
    best = (0, times[0], times[0]) if times else (0, timezone.now(), timezone.now())
    recent: deque[dt.datetime] = deque()
    for time in times:
        recent.append(time)
        while recent[0] <= time - window:
            recent.popleft()
        if len(recent) > best[0]:
            best = (len(recent), recent[0], time)
    return best


def _counted_rows(election) -> list[tuple[dt.datetime, str, int | None, str, str | None, int]]:
    """Each entry with the number of requests it stands for.

    Refusals are aggregated (``throttle.reassort_refusal_record``): an entry carries
    ``count``, and the refusals of its key counted since, not written yet, are added to
    the key's latest entry.
    """
    rows: list[list] = []
    last_of: dict[str, int] = {}
    entries = reassort_entries(election).values_list(
        "time", "action", "actor_id", "actor_label", "address", "new_values"
    )
    for time, action, actor, label, address, values in entries:
        values = values if isinstance(values, dict) else {}
        if values.get("aggregate"):
            last_of[values["aggregate"]] = len(rows)
        rows.append([time, action, actor, label, address, int(values.get("count", 1))])
    for aggregate, pending in throttle.reassort_refusals_pending(list(last_of)).items():
        rows[last_of[aggregate]][5] += pending
    return [(row[0], row[1], row[2], row[3], row[4], row[5]) for row in rows]


def reassort_trail(election) -> TrailReport:
    rows = _counted_rows(election)
    per_day: Counter = Counter()
    per_staff: Counter = Counter()
    per_kind: Counter = Counter()
    for time, action, _actor, label, _address, count in rows:
        per_day[timezone.localtime(time).date()] += count
        per_kind[action] += count
        if action in STAFF_ACTIONS:
            per_staff[label] += count
    report = TrailReport(
        total=sum(row[5] for row in rows),
        per_day=sorted(per_day.items()),
        per_staff=per_staff.most_common(),
        per_kind=[(action, KINDS[action], per_kind[action]) for action in KINDS if per_kind[action]],
    )

    staff_times: dict[str, list[dt.datetime]] = defaultdict(list)
    for time, action, _actor, label, _, count in rows:
        if action in STAFF_ACTIONS:
            staff_times[label].extend([time] * count)
    limit = election.reassort_flag_staff_per_hour
    for label, times in sorted(staff_times.items()):
        count, start, end = _max_in_window(times, dt.timedelta(hours=1))
        if count > limit:
            report.flags.append(Flag("staff", label, count, limit, start, end))

    address_days: dict[tuple[str, dt.date], list[dt.datetime]] = defaultdict(list)
    for time, action, _actor, _label, address, count in rows:
        if action in ADDRESS_ACTIONS and address:
            address_days[(address, timezone.localtime(time).date())].extend([time] * count)
    limit = election.reassort_flag_address_per_day
    for (address, _day), times in sorted(address_days.items()):
        if len(times) > limit:
            report.flags.append(Flag("address", address, len(times), limit, times[0], times[-1]))
    return report
