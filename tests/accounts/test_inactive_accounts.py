"""A deactivated account opens nothing (issue 13): neither voter backend, nor the self-service
réassort, nor a bureau president whose own account was deactivated. Each test calls the
backend or the service directly, as a view, the admin or a command would, and first shows
that the same call succeeds for the active account (so only ``is_active`` decides)."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts import recovery, services
from accounts.backends import IdentifierBackend, VoterBackend
from accounts.models import AuditEntry, Voter
from elections.models import BureauMember, Election
from tests.factories import VOTER_PASSWORD, ElectionFactory, StaffFactory, make_voter

pytestmark = pytest.mark.django_db

ADDRESS = "camille.durand@example.org"
IBAN = "FR76 1234 5123 4501 2345 6A01 201"


def deactivate(user):
    user.is_active = False
    user.save(update_fields=["is_active"])


def notice_login(voter):
    return VoterBackend().authenticate(
        None,
        election=voter.election,
        matricule=voter.matricule,
        birth_date=dt.date(1980, 5, 17),
        security_key="ACDE-FGHJ-KMNP",
        password=VOTER_PASSWORD,
    )


def test_the_voter_backend_refuses_a_deactivated_voter(voter):
    assert notice_login(voter) == voter.user
    deactivate(voter.user)
    assert notice_login(voter) is None


@pytest.fixture
def identified(db):
    """A voter of an identifier-mode election whose identifier ADDRESS is active."""
    election = ElectionFactory(login_mode=Election.LoginMode.IDENTIFIER, vote_code_enabled=True)
    voter = make_voter(election=election, matricule="A1001")
    Voter.objects.filter(pk=voter.pk).update(
        email=ADDRESS, email_confirmed=True, credentials_set_up=timezone.now()
    )
    voter.refresh_from_db()
    assert voter.identifier_active
    return voter


def identifier_login(voter):
    return IdentifierBackend().authenticate(
        None, election=voter.election, identifier=ADDRESS, password=VOTER_PASSWORD
    )


def test_the_identifier_backend_refuses_a_deactivated_voter(identified):
    assert identifier_login(identified) == identified.user
    deactivate(identified.user)
    assert identifier_login(identified) is None


def reassort(voter, address):
    return recovery.password_reassort(
        election=voter.election,
        matricule=voter.matricule,
        secret="ac7q9z",
        iban_tail="A01201",
        address=address,
    )


def test_the_self_service_reassort_gives_no_password_to_a_deactivated_voter(voter, scrutins):
    services.voter_set_recovery_secrets(voter=voter, card_serial="AC7Q9Z-0042", iban=IBAN)
    voter.save()
    other = make_voter(election=voter.election, matricule="B2002", scrutins=scrutins[:1])
    services.voter_set_recovery_secrets(voter=other, card_serial="AC7Q9Z-0042", iban=IBAN)
    other.save()
    assert reassort(other, "10.0.0.2").password  # the same secrets give an active voter a password
    deactivate(voter.user)
    outcome = reassort(voter, "10.0.0.1")
    assert outcome.password is None and outcome.wait_seconds == 0
    voter.user.refresh_from_db()
    assert voter.user.check_password(VOTER_PASSWORD)
    assert not AuditEntry.objects.filter(action="reassort.password.success", object_id=str(voter.pk)).exists()


def president_of(election):
    user = StaffFactory(groups=[Group.objects.get(name="Membre du bureau de vote")])
    BureauMember.objects.create(election=election, user=user, role=BureauMember.Role.PRESIDENT)
    return user


@pytest.mark.parametrize("who", ["president", "superuser"])
def test_a_deactivated_president_or_superuser_cannot_reset_a_password(voter, who):
    staff = president_of(voter.election) if who == "president" else StaffFactory(is_superuser=True)
    assert recovery.can_reset_password(staff, voter)
    deactivate(staff)
    assert not recovery.can_reset_password(staff, voter)
    with pytest.raises(recovery.RecoveryRefused):
        recovery.password_reset_by_bureau(staff=staff, voter=voter, document="cni", address="192.0.2.7")
    voter.user.refresh_from_db()
    assert voter.user.check_password(VOTER_PASSWORD)
    assert not AuditEntry.objects.filter(action="bureau.password_reset").exists()


def test_a_deactivated_voters_session_no_longer_finds_them(voter):
    assert VoterBackend().get_user(voter.user.pk) == voter.user
    deactivate(voter.user)
    assert VoterBackend().get_user(voter.user.pk) is None
