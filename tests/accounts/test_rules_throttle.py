"""The throttle's rules, one by one (issue 13: each was a mutant no test noticed).

The counters live in Django's cache, whose expiry follows ``time.time()``: time_machine
moves both the throttle's clock and the cache's, so a window's end is observed as a
person would meet it, an hour or a day later.
"""

import datetime as dt

import pytest
import time_machine

from accounts import throttle
from accounts.models import AuditEntry

T0 = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


# --- whose failures django-axes counts ------------------------------------------------------


def test_axes_counts_a_voter_by_election_and_matricule(election):
    assert (
        throttle.axes_username(None, {"election": election, "matricule": " A1001 "}) == f"{election.pk}:A1001"
    )


def test_axes_counts_a_seed_004_voter_by_election_and_folded_identifier(election):
    credentials = {"election": election, "identifier": " Agent.Dupont@Exemple.FR "}
    assert throttle.axes_username(None, credentials) == f"{election.pk}:courriel:agent.dupont@exemple.fr"


def test_axes_counts_staff_by_username_even_when_an_identifier_is_sent_without_election():
    credentials = {"identifier": "agent@exemple.fr", "election": None, "username": "referent"}
    assert throttle.axes_username(None, credentials) == "referent"
    assert throttle.axes_username(None, {"username": "president"}) == "president"
    assert throttle.axes_username(None, None) is None


# --- the client's address behind the trusted proxies ------------------------------------------


def test_behind_a_proxy_a_request_without_forwarded_header_is_its_remote_address(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert throttle.client_address(rf.get("/", REMOTE_ADDR="10.0.0.1")) == "10.0.0.1"


def test_a_chain_shorter_than_the_trusted_proxies_gives_its_first_entry(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 2
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert throttle.client_address(request) == "203.0.113.9"


# --- login: the account's growing delay and the address's ceiling --------------------------------


def test_the_login_delay_doubles_from_one_second_and_stops_at_its_cap(settings, clock):
    settings.LOGIN_ACCOUNT_DELAY_AFTER = 2
    settings.LOGIN_ACCOUNT_DELAY_MAX_SECONDS = 8
    waits = []
    for i in range(7):
        throttle.record_failure(account="acct", address=f"192.0.2.{i}")
        refusal = throttle.check(account="acct", address="198.51.100.1")
        waits.append(refusal.wait_seconds if refusal else 0)
    # Delays 1, 2, 4, 8, then 8: the wait announced rounds up to the next whole second.
    assert waits == [0, 2, 3, 5, 9, 9, 9]


def test_the_login_delay_ends_exactly_at_its_deadline(settings, clock):
    settings.LOGIN_ACCOUNT_DELAY_AFTER = 1
    throttle.record_failure(account="acct", address="192.0.2.1")  # 1 s from now
    clock.shift(0.5)
    assert throttle.check(account="acct", address="192.0.2.1") == throttle.Refusal(wait_seconds=1)
    clock.shift(0.5)
    assert throttle.check(account="acct", address="192.0.2.1") is None


def test_one_accounts_failures_never_delay_another_account(settings, clock):
    settings.LOGIN_ACCOUNT_DELAY_AFTER = 2
    for i in range(3):
        throttle.record_failure(account="a", address=f"192.0.2.{i}")
    assert throttle.check(account="a", address="198.51.100.1") is not None
    assert throttle.check(account="b", address="198.51.100.1") is None
    throttle.record_failure(account="b", address="198.51.100.1")  # b's first failure: no delay
    assert throttle.check(account="b", address="198.51.100.1") is None


def test_a_long_login_delay_lasts_its_whole_length(settings, clock):
    """A delay past the cache's default expiry (five minutes) is not cut short by it."""
    settings.LOGIN_ACCOUNT_DELAY_AFTER = 1
    settings.LOGIN_ACCOUNT_DELAY_MAX_SECONDS = 600
    for i in range(10):  # the tenth failure: 2**9 = 512 s
        throttle.record_failure(account="acct", address=f"192.0.2.{i}")
    clock.shift(500)
    assert throttle.check(account="acct", address="198.51.100.1") == throttle.Refusal(wait_seconds=13)


def test_failures_are_forgotten_an_hour_after_the_first_not_before(settings, clock):
    settings.LOGIN_ACCOUNT_DELAY_AFTER = 3
    settings.LOGIN_ADDRESS_FAILURES_PER_HOUR = 3
    for _ in range(2):
        throttle.record_failure(account="acct", address="203.0.113.5")
    clock.shift(dt.timedelta(minutes=30))
    # Still inside the hour: the third failure delays the account and fills the address.
    throttle.record_failure(account="acct", address="203.0.113.5")
    assert throttle.check(account="acct", address="192.0.2.1") is not None
    assert throttle.check(account="other", address="203.0.113.5") == throttle.Refusal(wait_seconds=3600)
    clock.shift(dt.timedelta(minutes=31))
    # The hour of the first failure is over: both counters start again from zero.
    assert throttle.check(account="other", address="203.0.113.5") is None
    throttle.record_failure(account="acct", address="203.0.113.5")
    assert throttle.check(account="acct", address="192.0.2.1") is None


def test_a_fresh_address_may_try_even_with_a_ceiling_of_one(settings):
    settings.LOGIN_ADDRESS_FAILURES_PER_HOUR = 1
    assert throttle.check(account="acct", address="203.0.113.5") is None
    throttle.record_failure(account="acct", address="203.0.113.5")
    assert throttle.check(account="acct", address="203.0.113.5") == throttle.Refusal(wait_seconds=3600)


# --- réassort ---------------------------------------------------------------------------------


def test_a_fresh_address_may_ask_a_reassort_even_with_a_ceiling_of_one(settings):
    settings.REASSORT_ADDRESS_ATTEMPTS_PER_DAY = 1
    assert throttle.reassort_check(kind="k", account="acct", address="203.0.113.5") is None
    throttle.reassort_record_attempt(kind="k", address="203.0.113.5")
    refusal = throttle.reassort_check(kind="k", account="acct", address="203.0.113.5")
    assert refusal == throttle.Refusal(wait_seconds=24 * 3600)


def test_an_addresss_reassort_attempts_count_for_a_day(settings, clock):
    settings.REASSORT_ADDRESS_ATTEMPTS_PER_DAY = 2
    for _ in range(2):
        throttle.reassort_record_attempt(kind="k", address="203.0.113.5")
    clock.shift(dt.timedelta(hours=23, minutes=59))
    assert throttle.reassort_check(kind="k", account="acct", address="203.0.113.5") is not None
    clock.shift(dt.timedelta(minutes=2))
    assert throttle.reassort_check(kind="k", account="acct", address="203.0.113.5") is None


def test_a_locked_reassort_pair_stays_locked_for_the_hour(settings, clock):
    settings.REASSORT_PAIR_FAILURES_PER_HOUR = 2
    settings.REASSORT_ACCOUNT_DELAY_AFTER = 100
    for _ in range(2):
        throttle.reassort_record_failure(kind="k", account="acct", address="203.0.113.5")
    clock.shift(dt.timedelta(minutes=59))
    assert throttle.reassort_check(kind="k", account="acct", address="203.0.113.5") == throttle.Refusal(61)
    # The same account from elsewhere, the same address for another account: not locked.
    assert throttle.reassort_check(kind="k", account="acct", address="198.51.100.1") is None
    assert throttle.reassort_check(kind="k", account="other", address="203.0.113.5") is None
    clock.shift(dt.timedelta(minutes=1))
    assert throttle.reassort_check(kind="k", account="acct", address="203.0.113.5") is None


def test_a_long_reassort_delay_lasts_its_whole_length(settings, clock):
    settings.REASSORT_ACCOUNT_DELAY_AFTER = 1
    settings.REASSORT_ACCOUNT_DELAY_MAX_SECONDS = 600
    settings.REASSORT_PAIR_FAILURES_PER_HOUR = 100
    for i in range(10):  # 2**9 = 512 s
        throttle.reassort_record_failure(kind="k", account="acct", address=f"192.0.2.{i}")
    clock.shift(500)
    assert throttle.reassort_check(kind="k", account="acct", address="198.51.100.1") == throttle.Refusal(13)


def test_the_reassort_delay_ends_exactly_at_its_deadline(settings, clock):
    settings.REASSORT_ACCOUNT_DELAY_AFTER = 1
    throttle.reassort_record_failure(kind="k", account="acct", address="192.0.2.1")  # 1 s
    clock.shift(0.5)
    assert throttle.reassort_check(kind="k", account="acct", address="198.51.100.1") == throttle.Refusal(1)
    clock.shift(0.5)
    assert throttle.reassort_check(kind="k", account="acct", address="198.51.100.1") is None


# --- refusals in the trail ------------------------------------------------------------------------


def test_a_refusal_without_address_is_counted_under_the_unknown_address(election):
    throttle.election_refusal_record(election=election, action="reassort_refused", address=None, typed="A1")
    entry = AuditEntry.objects.get(action="reassort_refused")
    assert entry.new_values["aggregate"] == f"reassort_refused|election:{election.pk}|inconnue"
    assert entry.object_label == f"demandes depuis une adresse inconnue ({election.slug})"


def test_a_flush_writes_each_action_still_pending_with_its_window(election, settings):
    settings.REASSORT_AUDIT_WINDOW_SECONDS = 600
    for _ in range(3):  # one entry, two refusals pending
        throttle.election_refusal_record(election=election, action="second", address="203.0.113.5")
    written = AuditEntry.objects.latest("id").pk  # the trail is append-only: read what follows
    throttle.election_refusals_flush(election=election, actions=("first", "second"), address="203.0.113.5")
    entry = AuditEntry.objects.get(pk__gt=written)
    assert entry.action == "second"
    assert entry.new_values == {
        "count": 2,
        "aggregate": f"second|election:{election.pk}|203.0.113.5",
        "window_seconds": 600,
    }
    assert entry.object_label == f"demandes depuis 203.0.113.5 ({election.slug})"


def test_a_flush_without_label_writes_none(db):
    for _ in range(2):
        throttle.reassort_refusal_record(action="refused", scope="voter:1", address="203.0.113.5")
    written = AuditEntry.objects.latest("id").pk
    throttle.reassort_refusals_flush(actions=("refused",), scope="voter:1", address="203.0.113.5")
    assert AuditEntry.objects.get(pk__gt=written).object_label == ""


# --- a voter's own limits ---------------------------------------------------------------------------

MESSAGE = "Vous avez déjà fait {count} envois en {period}."
ADVICE = " Pour éviter les envois en boucle, réessayez plus tard ; en cas d'urgence, contactez le support."


def take(voter_id=1, action="send", per_hour=2, per_day=3):
    throttle.voter_limit_take(
        action=action, voter_id=voter_id, per_hour=per_hour, per_day=per_day, message=MESSAGE
    )


def test_a_voter_may_send_up_to_the_hourly_limit_then_is_told_the_count_and_period(clock):
    take()
    take()
    with pytest.raises(throttle.VoterLimitReached) as refused:
        take()
    assert str(refused.value) == "Vous avez déjà fait 2 envois en une heure." + ADVICE
    # Another voter, or another action of the same voter, has its own count.
    take(voter_id=2)
    take(action="other")


def test_the_daily_limit_holds_across_hours_and_ends_with_the_day(clock):
    take()
    take()
    clock.shift(dt.timedelta(hours=1, seconds=1))
    take()
    with pytest.raises(throttle.VoterLimitReached) as refused:
        take()
    assert str(refused.value) == "Vous avez déjà fait 3 envois en un jour." + ADVICE
    clock.shift(dt.timedelta(days=1))
    take()


def test_a_refused_send_is_counted_in_no_window(clock):
    take(per_hour=2, per_day=1)
    for _ in range(2):  # each refused by the day's limit, and not counted in the hour's
        with pytest.raises(throttle.VoterLimitReached) as refused:
            take(per_hour=2, per_day=1)
        assert str(refused.value) == "Vous avez déjà fait 1 envois en un jour." + ADVICE
