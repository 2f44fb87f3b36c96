"""Refused self-service réassorts are counted in the throttle store, not written one by one.

Every refusal took the audit chain's lock: anyone could grow the trail and slow every
staff action. Now a key (kind of refusal, election or voter, address) writes at most
one entry per window, carrying the count; the trail still shows every refusal.
"""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from accounts import identifier, recovery, services, votecode
from accounts.models import AuditEntry
from accounts.trail import reassort_trail
from tests.factories import ElectionFactory, make_voter

pytestmark = pytest.mark.django_db

N = 40


def self_service(election, matricule, address="192.0.2.50"):
    return recovery.password_reassort(
        election=election, matricule=matricule, secret="XXXXXX", iban_tail="000000", address=address
    )


def per_kind(election) -> dict[str, int]:
    return {action: count for action, _, count in reassort_trail(election).per_kind}


def test_n_refusals_for_many_matricules_write_one_entry_and_the_trail_shows_n(election):
    for n in range(N):
        assert self_service(election, f"INCONNU{n}").password is None
    assert AuditEntry.objects.count() == 1
    assert per_kind(election) == {"reassort.password.refused": N}
    report = reassort_trail(election)
    assert report.total == N and sum(count for _, count in report.per_day) == N


def test_guessing_one_account_writes_one_refused_and_one_throttled_entry(election):
    for _ in range(N):
        self_service(election, "INCONNU1")
    assert AuditEntry.objects.count() == 2
    assert per_kind(election) == {
        "reassort.password.refused": settings.REASSORT_PAIR_FAILURES_PER_HOUR,
        "reassort.password.throttled": N - settings.REASSORT_PAIR_FAILURES_PER_HOUR,
    }


def test_the_next_window_writes_one_entry_carrying_what_the_last_one_counted(election):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for n in range(N):
            self_service(election, f"INCONNU{n}")
        traveller.shift(dt.timedelta(seconds=settings.REASSORT_AUDIT_WINDOW_SECONDS + 1))
        for n in range(N):
            self_service(election, f"AUTRE{n}")
    entries = list(AuditEntry.objects.order_by("id").values_list("new_values", flat=True))
    assert [entry["count"] for entry in entries] == [1, N]  # the second carries N - 1 + 1
    assert per_kind(election) == {"reassort.password.refused": 2 * N}


def test_an_accepted_request_writes_the_pending_count_and_its_own_entry(voter):
    services.voter_set_recovery_secrets(
        voter=voter, card_serial="AC7Q9Z-0042", iban="FR76 1234 5123 4501 2345 6A01 201"
    )
    voter.save()
    for n in range(N):
        self_service(voter.election, f"INCONNU{n}")
    outcome = recovery.password_reassort(
        election=voter.election,
        matricule=voter.matricule,
        secret="ac7q9z",
        iban_tail="A01201",
        address="192.0.2.50",
    )
    assert outcome.password
    entries = AuditEntry.objects.filter(action__startswith="reassort.").order_by("id")
    actions = list(entries.values_list("action", "new_values"))
    assert [(action, (values or {}).get("count")) for action, values in actions] == [
        ("reassort.password.refused", 1),
        ("reassort.password.refused", N - 1),
        ("reassort.password.success", None),
    ]
    assert per_kind(voter.election) == {"reassort.password.refused": N, "reassort.password.success": 1}


def test_many_addresses_each_write_at_most_one_entry_per_window(election):
    for n in range(5):
        for _ in range(N):
            self_service(election, f"INCONNU{n}", address=f"192.0.2.{n + 1}")
    assert AuditEntry.objects.count() <= 10
    assert sum(per_kind(election).values()) == 5 * N


def test_vote_code_requests_refused_n_times_write_a_bounded_number_of_entries(open_election, voter):
    services.voter_set_recovery_secrets(voter=voter, numen="26E0001001234")
    voter.save()
    before = AuditEntry.objects.count()
    for _ in range(N):
        assert votecode.vote_code_request(voter=voter, kind="numen", value="FAUX", address="192.0.2.9")
    assert AuditEntry.objects.count() - before <= 2
    counts = per_kind(open_election)
    assert counts["reassort.vote_code.refused"] + counts["reassort.vote_code.throttled"] == N


def test_password_link_requests_refused_n_times_write_a_bounded_number_of_entries():
    election = ElectionFactory(login_mode="identifier", vote_code_enabled=True)
    make_voter(election=election, matricule="L1")
    before = AuditEntry.objects.count()
    for n in range(N):
        identifier.password_link_request(
            election=election, identifier=f"inconnu{n % 3}@example.org", address="192.0.2.7", link_for=str
        )
    assert AuditEntry.objects.count() - before <= 2
    counts = per_kind(election)
    assert (
        counts.get("reassort.password_link.refused", 0) + counts.get("reassort.password_link.throttled", 0)
        == N
    )


def test_dead_links_opened_n_times_write_one_entry_and_are_all_counted(election):
    for _ in range(N):
        identifier.password_link_invalid(election=election, address="192.0.2.8")
    assert AuditEntry.objects.count() == 1
    assert per_kind(election) == {"reassort.password_link.invalid": N}
