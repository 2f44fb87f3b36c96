"""Login throttling that slows guessing without letting anyone lock a voter out.

- django-axes locks one (account, address) pair after AXES_FAILURE_LIMIT failures;
  the same voter from another address is not affected.
- Failures on one account from many addresses add a growing delay (doubling after
  LOGIN_ACCOUNT_DELAY_AFTER failures, capped at LOGIN_ACCOUNT_DELAY_MAX_SECONDS),
  during which that account's attempts are refused without checking anything.
- One address is refused after LOGIN_ADDRESS_FAILURES_PER_HOUR failures in an hour:
  high, because a whole ministry may sit behind one proxy address.

Counters live in Django's cache (Redis in production, shared by all app servers).
"""

import ipaddress
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

WINDOW_SECONDS = 3600


def axes_username(request, credentials) -> str | None:
    """The account name django-axes counts failures against."""
    if credentials is None:
        return None
    if "matricule" in credentials and credentials.get("election") is not None:
        return account_key(credentials["election"].pk, credentials["matricule"])
    if "identifier" in credentials and credentials.get("election") is not None:
        return identifier_account_key(credentials["election"].pk, credentials["identifier"])
    return credentials.get("username")


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_address(request) -> str | None:
    """The client's address, seen through TRUSTED_PROXY_COUNT reverse proxies.

    Each trusted proxy appends the address it received the request from to
    X-Forwarded-For, so with N proxies the client is the N-th entry from the right
    (REMOTE_ADDR being the last proxy). Entries further left are whatever the client
    wrote and are never believed; an entry that is not an IP address is ignored.
    None when the request carries no usable address at all.
    """
    remote = _valid_ip(request.META.get("REMOTE_ADDR", "") or "")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    chain = [*forwarded, remote or ""]
    chosen = chain[-(count + 1)] if len(chain) > count else chain[0]
    return _valid_ip(chosen) or remote


def account_key(election_id, matricule: str) -> str:
    return f"{election_id}:{(matricule or '').strip()}"


def identifier_account_key(election_id, identifier: str) -> str:
    """Seed 004: the account named by its address (a matricule never holds « @ »)."""
    return f"{election_id}:courriel:{(identifier or '').strip().lower()}"


@dataclass(frozen=True)
class Refusal:
    wait_seconds: int


def _incr(key: str) -> int:
    try:
        return cache.incr(key)
    except ValueError:
        cache.add(key, 0, WINDOW_SECONDS)
        return cache.incr(key)


def check(*, account: str, address: str) -> Refusal | None:
    """A refusal if this attempt must wait; None if it may be checked."""
    if cache.get(f"login:addr:{address}", 0) >= settings.LOGIN_ADDRESS_FAILURES_PER_HOUR:
        return Refusal(wait_seconds=WINDOW_SECONDS)
    until = cache.get(f"login:acct-until:{account}")
    now = time.time()
    if until and until > now:
        return Refusal(wait_seconds=int(until - now) + 1)
    return None


def record_failure(*, account: str, address: str) -> None:
    _incr(f"login:addr:{address}")
    failures = _incr(f"login:acct:{account}")
    over = failures - settings.LOGIN_ACCOUNT_DELAY_AFTER
    if over >= 0:
        delay = min(2**over, settings.LOGIN_ACCOUNT_DELAY_MAX_SECONDS)
        cache.set(f"login:acct-until:{account}", time.time() + delay, WINDOW_SECONDS)


def record_success(*, account: str) -> None:
    cache.delete_many([f"login:acct:{account}", f"login:acct-until:{account}"])


# --- self-service réassort ---------------------------------------------------------------
#
# Tighter than the login, as a réassort hands out a new password: a pair (account,
# address) is refused for an hour after REASSORT_PAIR_FAILURES_PER_HOUR failures; the
# account's failures from every address add a doubling delay after
# REASSORT_ACCOUNT_DELAY_AFTER (so the real voter, elsewhere, waits at most
# REASSORT_ACCOUNT_DELAY_MAX_SECONDS, and is never locked out); an address may make
# REASSORT_ADDRESS_ATTEMPTS_PER_DAY attempts a day, successful or not.

DAY_SECONDS = 24 * 3600


def _incr_window(key: str, window: int) -> int:
    try:
        return cache.incr(key)
    except ValueError:
        cache.add(key, 0, window)
        return cache.incr(key)


def reassort_check(*, kind: str, account: str, address: str) -> Refusal | None:
    """A refusal if this réassort attempt must wait (nothing is checked then)."""
    now = time.time()
    if cache.get(f"reassort:{kind}:addr:{address}", 0) >= settings.REASSORT_ADDRESS_ATTEMPTS_PER_DAY:
        return Refusal(wait_seconds=DAY_SECONDS)
    for key in (f"reassort:{kind}:pair-until:{account}|{address}", f"reassort:{kind}:acct-until:{account}"):
        until = cache.get(key)
        if until and until > now:
            return Refusal(wait_seconds=int(until - now) + 1)
    return None


def reassort_record_attempt(*, kind: str, address: str) -> None:
    _incr_window(f"reassort:{kind}:addr:{address}", DAY_SECONDS)


def reassort_record_failure(*, kind: str, account: str, address: str) -> None:
    pair = _incr_window(f"reassort:{kind}:pair:{account}|{address}", WINDOW_SECONDS)
    if pair >= settings.REASSORT_PAIR_FAILURES_PER_HOUR:
        cache.set(
            f"reassort:{kind}:pair-until:{account}|{address}", time.time() + WINDOW_SECONDS, WINDOW_SECONDS
        )
    failures = _incr_window(f"reassort:{kind}:acct:{account}", WINDOW_SECONDS)
    over = failures - settings.REASSORT_ACCOUNT_DELAY_AFTER
    if over >= 0:
        delay = min(2**over, settings.REASSORT_ACCOUNT_DELAY_MAX_SECONDS)
        cache.set(f"reassort:{kind}:acct-until:{account}", time.time() + delay, WINDOW_SECONDS)


def reassort_record_success(*, kind: str, account: str, address: str) -> None:
    cache.delete_many(
        [
            f"reassort:{kind}:acct:{account}",
            f"reassort:{kind}:acct-until:{account}",
            f"reassort:{kind}:pair:{account}|{address}",
        ]
    )


# --- refusals in the audit trail ---------------------------------------------------------
#
# Every refused réassort used to write its own audit entry under the chain's lock, so
# anyone could grow the trail and slow every staff action. A refusal is now counted under
# a key (action, scope, address): the first refusal of a window writes one entry that
# carries the count not yet written (``new_values["count"]``, plus the key as
# ``new_values["aggregate"]``); the others of that window only add one to the key's
# pending counter. The pending count is written by the next window's first refusal or at
# the next accepted request of that scope and address (``reassort_refusals_flush``), and
# until then the trail reads it (``reassort_refusals_pending``): nothing is lost, and a
# key costs at most one entry per window, however many requests arrive.


def _refusal_key(action: str, scope: str, address: str | None) -> str:
    return f"{action}|{scope}|{address or 'inconnue'}"


def _pending_cache_key(aggregate: str) -> str:
    return f"reassort-refusals:pending:{aggregate}"


def _take_pending(aggregate: str) -> int:
    """Read the pending count; the caller writes it, then ``_release_pending`` subtracts it
    (refusals counted in between stay pending)."""
    return int(cache.get(_pending_cache_key(aggregate), 0) or 0)


def _release_pending(aggregate: str, count: int) -> None:
    if count:
        try:
            cache.decr(_pending_cache_key(aggregate), count)
        except ValueError:  # evicted meanwhile: nothing left to subtract from
            pass


def reassort_refusal_record(
    *,
    action: str,
    scope: str,
    address: str | None,
    actor=None,
    instance=None,
    object_type: str = "",
    object_label: str = "",
    detail: dict | None = None,
) -> None:
    """Count one refused réassort; write an audit entry only for a window's first refusal.

    ``scope`` names what was asked about (``election:<pk>`` or ``voter:<pk>``): with the
    address it makes the key, so varying the matricule or identifier typed does not
    multiply the entries. Runs its own short transaction when it writes.
    """
    from .audit import audit_record

    aggregate = _refusal_key(action, scope, address)
    window = settings.REASSORT_AUDIT_WINDOW_SECONDS
    if not cache.add(f"reassort-refusals:window:{aggregate}", 1, window):
        pending = _pending_cache_key(aggregate)
        try:
            cache.incr(pending)
        except ValueError:
            cache.add(pending, 0, None)
            cache.incr(pending)
        return
    carried = _take_pending(aggregate)
    audit_record(
        actor=actor,
        action=action,
        instance=instance,
        object_type=object_type,
        object_label=object_label,
        new={**(detail or {}), "count": 1 + carried, "aggregate": aggregate, "window_seconds": window},
        address=address,
    )
    _release_pending(aggregate, carried)


def reassort_refusals_flush(
    *,
    actions: tuple[str, ...],
    scope: str,
    address: str | None,
    actor=None,
    instance=None,
    object_type: str = "",
    object_label: str = "",
) -> None:
    """At an accepted request: write the refusals still pending for this scope and address."""
    from .audit import audit_record

    for action in actions:
        aggregate = _refusal_key(action, scope, address)
        carried = _take_pending(aggregate)
        if not carried:
            continue
        audit_record(
            actor=actor,
            action=action,
            instance=instance,
            object_type=object_type,
            object_label=object_label,
            new={
                "count": carried,
                "aggregate": aggregate,
                "window_seconds": settings.REASSORT_AUDIT_WINDOW_SECONDS,
            },
            address=address,
        )
        _release_pending(aggregate, carried)


def reassort_refusals_pending(aggregates: list[str]) -> dict[str, int]:
    """The refusals counted but not written yet, per key (read by the trail)."""
    values = cache.get_many([_pending_cache_key(aggregate) for aggregate in aggregates])
    return {
        aggregate: int(values.get(_pending_cache_key(aggregate)) or 0)
        for aggregate in aggregates
        if values.get(_pending_cache_key(aggregate))
    }


def election_refusals_label(election, address: str | None, what: str = "demandes") -> str:
    """The label of an election's aggregated refusals. Read by the trail
    (``accounts.trail.reassort_entries``): it ends with the election's slug."""
    return f"{what} depuis {address or 'une adresse inconnue'} ({election.slug})"


def election_refusal_record(*, election, action: str, address: str | None, typed: str = "") -> None:
    """A refused self-service request about an election (matricule, identifier, link):
    counted, written at most once a window per (action, election, address); ``typed`` is
    what the first refusal of the window named (kept in its entry)."""
    reassort_refusal_record(
        action=action,
        scope=f"election:{election.pk}",
        address=address,
        object_type="accounts.voter",
        object_label=election_refusals_label(election, address),
        detail={"first": typed} if typed else None,
    )


def election_refusals_flush(*, election, actions: tuple[str, ...], address: str | None) -> None:
    """At an accepted request about this election: the refusals still pending are written."""
    reassort_refusals_flush(
        actions=actions,
        scope=f"election:{election.pk}",
        address=address,
        object_type="accounts.voter",
        object_label=election_refusals_label(election, address),
    )


# --- per-voter limits on what a voter sends (issue 12, item 11) ----------------------------


class VoterLimitReached(Exception):
    """The voter sent as many of these as the settings allow in an hour or a day; the
    message (French) says so. Nothing was counted for this attempt."""


VOTER_LIMIT_WINDOWS = (("une heure", WINDOW_SECONDS), ("un jour", DAY_SECONDS))


def voter_limit_take(*, action: str, voter_id: int, per_hour: int, per_day: int, message: str) -> None:
    """Count one more ``action`` for this voter, or raise VoterLimitReached.

    ``message`` is formatted with ``count`` and ``period`` (« une heure », « un jour »).
    Each window starts at the voter's first action in it; a refused attempt is not counted.
    """
    taken: list[str] = []
    for (period, seconds), maximum in zip(VOTER_LIMIT_WINDOWS, (per_hour, per_day), strict=True):
        key = f"voter-limit:{action}:{seconds}:{voter_id}"
        taken.append(key)
        if _incr_window(key, seconds) > maximum:
            for counted in taken:
                try:
                    cache.decr(counted)
                except ValueError:  # the window ended meanwhile
                    pass
            raise VoterLimitReached(
                message.format(count=maximum, period=period)
                + " Pour éviter les envois en boucle, réessayez plus tard ; en cas d'urgence, "
                "contactez le support."
            )
