"""Whose attempts the réassort throttle counts, for each self-service request (tests/MUTATION.md).

Three requests share the throttle of accounts/throttle.py, each under its own kind: a new
vote code by e-mail (votecode), a password link by e-mail (identifier), a new password
from the secret values (recovery). For each: an address gets its daily ceiling of
requests, then waits a day while another address does not; an account (the voter, the
identifier, the matricule of one election) is locked from one address after its failures
there, not from another address, and not another account; an accepted request clears
its account's failures. Called on the services, as the views do. Written against
mutants that keyed a counter by ``None`` instead of the kind, the account or the address
and survived ``make mutation``.
"""

import pytest
from django.core import mail
from django.utils import timezone

from accounts import identifier, recovery, services, throttle, votecode
from accounts.models import AuditEntry
from elections.models import Election
from tests.factories import ElectionFactory, make_voter

pytestmark = pytest.mark.django_db

HERE, ELSEWHERE = "192.0.2.10", "198.51.100.20"
NUMEN = "26E0001001234"
IBAN = "FR76 1234 5123 4501 2345 6A01 201"


@pytest.fixture
def limits(settings):
    """No limit at work unless a test lowers it."""
    settings.REASSORT_ADDRESS_ATTEMPTS_PER_DAY = 1000
    settings.REASSORT_PAIR_FAILURES_PER_HOUR = 1000
    settings.REASSORT_ACCOUNT_DELAY_AFTER = 1000
    return settings


def voter_with_secrets(election, matricule="A1001", email="camille@example.org"):
    voter = make_voter(election=election, matricule=matricule)
    services.voter_set_recovery_secrets(voter=voter, numen=NUMEN, card_serial="AC7Q9Z-0042", iban=IBAN)
    voter.email, voter.email_confirmed, voter.credentials_set_up = email, True, timezone.now()
    voter.save()
    return voter


class VoteCodeRequest:
    kind = votecode.REQUEST_KIND

    def __init__(self, capture):
        self.capture = capture
        self.voter = voter_with_secrets(ElectionFactory(vote_code_enabled=True))

    def ask(self, address, *, right=True, voter=None):
        with self.capture(execute=True):
            outcome = votecode.vote_code_request(
                voter=voter or self.voter,
                kind="numen",
                value=NUMEN if right else "26E0000000000",
                address=address,
            )
        return outcome.wait_seconds

    def other_account(self):
        return voter_with_secrets(self.voter.election, matricule="B2002", email="dominique@example.org")


class PasswordReassort:
    kind = recovery.SELF_SERVICE

    def __init__(self, capture):
        self.voter = voter_with_secrets(ElectionFactory())

    def ask(self, address, *, right=True, voter=None):
        voter = voter or self.voter
        return recovery.password_reassort(
            election=voter.election,
            matricule=voter.matricule,
            secret="ac7q9z",
            iban_tail="A01201" if right else "FFFFFF",
            address=address,
        ).wait_seconds

    def other_account(self):
        return voter_with_secrets(self.voter.election, matricule="B2002", email="dominique@example.org")


class PasswordLink:
    """Every link request counts as a failure of its identifier (identifier.py), sent or not."""

    kind = identifier.LINK_KIND

    def __init__(self, capture):
        self.capture = capture
        self.voter = voter_with_secrets(
            ElectionFactory(login_mode=Election.LoginMode.IDENTIFIER, vote_code_enabled=True)
        )

    def ask(self, address, *, right=True, voter=None):
        voter = voter or self.voter
        with self.capture(execute=True):
            outcome = identifier.password_link_request(
                election=voter.election,
                identifier=voter.email,
                address=address,
                link_for=lambda uidb64, token: f"/lien/{uidb64}/{token}/",
            )
        return outcome.wait_seconds

    def other_account(self):
        return voter_with_secrets(self.voter.election, matricule="B2002", email="dominique@example.org")


FLOWS = [VoteCodeRequest, PasswordReassort, PasswordLink]


@pytest.fixture(params=FLOWS, ids=lambda flow: flow.__name__)
def flow(request, limits, django_capture_on_commit_callbacks):
    return request.param(django_capture_on_commit_callbacks)


def test_an_address_reaching_its_daily_ceiling_waits_a_day_and_another_address_does_not(flow, limits):
    limits.REASSORT_ADDRESS_ATTEMPTS_PER_DAY = 3
    for _ in range(3):
        assert flow.ask(HERE, right=False) == 0
    assert flow.ask(HERE) == throttle.DAY_SECONDS
    assert flow.ask(ELSEWHERE) == 0


def test_an_account_is_locked_from_the_address_of_its_failures_only(flow, limits):
    limits.REASSORT_PAIR_FAILURES_PER_HOUR = 2
    for _ in range(2):
        assert flow.ask(HERE, right=False) == 0
    assert flow.ask(HERE) > 0
    assert flow.ask(ELSEWHERE) == 0
    # Another account from the same address is not locked.
    assert flow.ask(HERE, voter=flow.other_account()) == 0


@pytest.mark.parametrize("flow_class", [PasswordReassort, PasswordLink], ids=lambda f: f.__name__)
def test_the_same_account_name_in_another_election_is_another_account(
    flow_class, limits, django_capture_on_commit_callbacks
):
    limits.REASSORT_PAIR_FAILURES_PER_HOUR = 2
    flow = flow_class(django_capture_on_commit_callbacks)
    for _ in range(2):
        flow.ask(HERE, right=False)
    assert flow.ask(HERE) > 0
    twin = voter_with_secrets(
        ElectionFactory(
            login_mode=flow.voter.election.login_mode, vote_code_enabled=flow.voter.election.vote_code_enabled
        ),
        matricule=flow.voter.matricule,
        email=flow.voter.email,
    )
    assert flow.ask(HERE, voter=twin) == 0


@pytest.mark.parametrize("flow_class", [VoteCodeRequest, PasswordReassort], ids=lambda f: f.__name__)
def test_an_accepted_request_clears_its_accounts_failures(
    flow_class, limits, django_capture_on_commit_callbacks
):
    limits.REASSORT_PAIR_FAILURES_PER_HOUR = 3
    limits.REASSORT_ACCOUNT_DELAY_AFTER = 3
    flow = flow_class(django_capture_on_commit_callbacks)
    for _ in range(2):
        assert flow.ask(HERE, right=False) == 0
    assert flow.ask(HERE) == 0
    for _ in range(2):
        assert flow.ask(HERE, right=False) == 0
    assert flow.ask(HERE) == 0


def test_a_throttled_vote_code_request_is_in_the_trail_with_the_voter_and_the_address(
    limits, django_capture_on_commit_callbacks
):
    limits.REASSORT_PAIR_FAILURES_PER_HOUR = 1
    flow = VoteCodeRequest(django_capture_on_commit_callbacks)
    flow.ask(HERE, right=False)
    assert flow.ask(HERE) > 0
    entry = AuditEntry.objects.get(action="reassort.vote_code.throttled")
    assert entry.actor_id == flow.voter.user.pk
    assert (entry.object_type, entry.object_id) == ("accounts.voter", str(flow.voter.pk))
    assert entry.address == HERE
    assert entry.new_values["aggregate"] == f"reassort.vote_code.throttled|voter:{flow.voter.pk}|{HERE}"


def test_refusals_still_pending_are_written_at_the_voters_next_sent_code(
    limits, django_capture_on_commit_callbacks
):
    flow = VoteCodeRequest(django_capture_on_commit_callbacks)
    for _ in range(3):
        flow.ask(HERE, right=False)  # the first is written at once, the others pending
    assert AuditEntry.objects.filter(action="reassort.vote_code.refused").count() == 1
    flow.ask(HERE)
    assert len(mail.outbox) == 1
    assert AuditEntry.objects.filter(action="reassort.vote_code.refused").count() == 2
    flushed = AuditEntry.objects.filter(action="reassort.vote_code.refused").latest("id")
    assert flushed.new_values["count"] == 2
    assert flushed.new_values["aggregate"] == f"reassort.vote_code.refused|voter:{flow.voter.pk}|{HERE}"
    assert flushed.actor_id == flow.voter.user.pk
    assert (flushed.object_type, flushed.object_id) == ("accounts.voter", str(flow.voter.pk))
    assert flushed.address == HERE


def test_refusals_still_pending_are_written_at_the_next_link_sent_from_that_address(
    limits, django_capture_on_commit_callbacks
):
    flow = PasswordLink(django_capture_on_commit_callbacks)
    election = flow.voter.election
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            identifier.password_link_request(
                election=election, identifier="personne@example.org", address=HERE, link_for=lambda u, t: "/"
            )
    assert AuditEntry.objects.filter(action="reassort.password_link.refused").count() == 1
    flow.ask(HERE)
    assert len(mail.outbox) == 1
    entries = AuditEntry.objects.filter(action="reassort.password_link.refused").order_by("id")
    assert [e.new_values["count"] for e in entries] == [1, 2]
    assert entries[1].address == HERE
    assert entries[1].object_label == f"demandes depuis {HERE} ({election.slug})"


@pytest.mark.parametrize("flow_class", [PasswordReassort, PasswordLink], ids=lambda f: f.__name__)
def test_a_throttled_request_is_in_the_trail_by_election_and_address_with_what_was_typed(
    flow_class, limits, django_capture_on_commit_callbacks
):
    limits.REASSORT_PAIR_FAILURES_PER_HOUR = 1
    flow = flow_class(django_capture_on_commit_callbacks)
    election = flow.voter.election
    flow.ask(HERE, right=False)
    assert flow.ask(HERE) > 0
    action = (
        "reassort.password.throttled"
        if flow_class is PasswordReassort
        else "reassort.password_link.throttled"
    )
    entry = AuditEntry.objects.get(action=action)
    assert entry.address == HERE
    assert entry.object_label == f"demandes depuis {HERE} ({election.slug})"
    if flow_class is PasswordReassort:
        assert entry.new_values["first"] == f"matricule « A1001 » ({election.slug})"
    else:
        assert entry.new_values["first"] == f"identifiant « c…@example.org » ({election.slug})"


def test_the_matricule_typed_is_kept_to_its_first_32_characters(limits):
    election = ElectionFactory()
    typed = "M" * 32 + "OVERFLOW"
    recovery.password_reassort(election=election, matricule=typed, secret="x", iban_tail="x", address=HERE)
    entry = AuditEntry.objects.get(action="reassort.password.refused")
    assert entry.new_values["first"] == f"matricule « {'M' * 32} » ({election.slug})"


def test_a_reassort_is_in_the_trail_with_the_mark_of_the_new_password(limits):
    from accounts.audit import secret_mark

    voter = voter_with_secrets(ElectionFactory())
    before = voter.user.password
    outcome = recovery.password_reassort(
        election=voter.election, matricule=voter.matricule, secret="ac7q9z", iban_tail="A01201", address=HERE
    )
    assert outcome.password
    voter.user.refresh_from_db()
    assert voter.user.password != before and voter.user.check_password(outcome.password)
    entry = AuditEntry.objects.get(action="reassort.password.success")
    assert entry.new_values == {"password": secret_mark(voter.user.password)}
    assert entry.address == HERE


def test_a_code_is_eight_characters_of_the_security_key_alphabet():
    from accounts import secrets

    codes = {votecode.generate_code() for _ in range(20)}
    assert len(codes) == 20
    for code in codes:
        assert len(code) == votecode.CODE_LENGTH == 8
        assert set(code) <= set(secrets.SECURITY_KEY_ALPHABET)


def test_a_voter_cannot_enter_another_voters_code():
    election = ElectionFactory(vote_code_enabled=True)
    camille = make_voter(election=election, matricule="A1001")
    dominique = make_voter(election=election, matricule="B2002")
    votecode.vote_code_issue_letter(voter=camille, code="ACDE3479")
    outcome = votecode.vote_code_enter(voter=dominique, typed="ACDE3479")
    assert not outcome.accepted
    assert votecode.vote_code_enter(voter=camille, typed="ACDE3479").accepted


@pytest.mark.parametrize("flow_class", [VoteCodeRequest, PasswordReassort], ids=lambda f: f.__name__)
def test_failures_are_forgotten_after_the_hour(flow_class, limits, django_capture_on_commit_callbacks):
    import datetime as dt

    import time_machine

    limits.REASSORT_PAIR_FAILURES_PER_HOUR = 2
    limits.REASSORT_ACCOUNT_DELAY_AFTER = 2
    flow = flow_class(django_capture_on_commit_callbacks)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        assert flow.ask(HERE, right=False) == 0
        traveller.shift(dt.timedelta(seconds=throttle.WINDOW_SECONDS + 1))
        assert flow.ask(HERE, right=False) == 0
        assert flow.ask(HERE) == 0


def test_refusals_within_the_audit_window_make_one_entry(limits, django_capture_on_commit_callbacks):
    import datetime as dt

    import time_machine

    flow = VoteCodeRequest(django_capture_on_commit_callbacks)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        flow.ask(HERE, right=False)
        traveller.shift(dt.timedelta(minutes=10))
        flow.ask(HERE, right=False)
    entry = AuditEntry.objects.get(action="reassort.vote_code.refused")
    assert entry.new_values["count"] == 1
    assert entry.new_values["window_seconds"] == limits.REASSORT_AUDIT_WINDOW_SECONDS
    assert entry.object_label == str(flow.voter)
