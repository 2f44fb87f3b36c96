"""Seed 004's identifier rules, checked on the services and the backend themselves (issue 13):
the views guard some of them too, but a command, the admin or a future API calls the
services directly."""

import pytest
from django.contrib.sessions.middleware import SessionMiddleware
from django.core import mail
from django.utils import timezone

from accounts import identifier, services
from accounts.backends import IdentifierBackend
from accounts.models import AuditEntry, Voter
from elections.models import Election
from tests.factories import VOTER_PASSWORD, ElectionFactory, make_voter

pytestmark = pytest.mark.django_db

ADDRESS = "camille.durand@example.org"
NEW_PASSWORD = "Trois petits chats gris"  # noqa: S105


@pytest.fixture
def election(db):
    return ElectionFactory(login_mode=Election.LoginMode.IDENTIFIER, vote_code_enabled=True)


def voter_request(rf, voter):
    request = rf.post("/portail/premiere-connexion/", REMOTE_ADDR="10.0.0.1")
    SessionMiddleware(lambda r: None).process_request(request)
    request.user = voter.user
    return request


def with_identifier(voter, email=ADDRESS, *, confirmed=True, set_up=True):
    Voter.objects.filter(pk=voter.pk).update(
        email=email, email_confirmed=confirmed, credentials_set_up=timezone.now() if set_up else None
    )
    voter.refresh_from_db()
    return voter


# --- credentials set up once --------------------------------------------------------------


def test_credentials_set_up_twice_is_refused_and_changes_nothing(voter, rf):
    identifier.credentials_set_up(
        voter=voter, email=ADDRESS, password=NEW_PASSWORD, request=voter_request(rf, voter)
    )
    voter.refresh_from_db()
    before = (voter.email, voter.email_confirmed, voter.credentials_set_up, voter.user.password)
    with pytest.raises(identifier.AlreadySetUp):
        identifier.credentials_set_up(
            voter=voter,
            email="autre@example.org",
            password="Un tout autre mot de passe",  # noqa: S106
            request=voter_request(rf, voter),
        )
    voter.refresh_from_db()
    assert (voter.email, voter.email_confirmed, voter.credentials_set_up, voter.user.password) == before
    assert voter.user.check_password(NEW_PASSWORD)
    assert AuditEntry.objects.filter(action="voter.credentials_set_up").count() == 1


# --- « mot de passe oublié »: only for an active identifier --------------------------------


def link_request(election, identifier_typed=ADDRESS):
    return identifier.password_link_request(
        election=election,
        identifier=identifier_typed,
        address="10.0.0.1",
        link_for=lambda uid, token: f"http://testserver/connexion/{uid}/{token}/",
    )


def test_a_password_link_is_sent_for_an_active_identifier(voter, django_capture_on_commit_callbacks):
    with_identifier(voter)
    with django_capture_on_commit_callbacks(execute=True):
        link_request(voter.election)
    assert [m.to for m in mail.outbox] == [[ADDRESS]]


@pytest.mark.parametrize(
    "state",
    [
        {"confirmed": False, "set_up": True},  # the address chosen, its link not opened yet
        {"confirmed": True, "set_up": False},  # a confirmed address, but no mot de passe Élections
    ],
    ids=["unconfirmed", "not_set_up"],
)
def test_no_password_link_for_a_voter_whose_identifier_is_not_active(
    voter, state, django_capture_on_commit_callbacks
):
    with_identifier(voter, **state)
    assert not voter.identifier_active
    with django_capture_on_commit_callbacks(execute=True):
        outcome = link_request(voter.election)
    assert outcome.wait_seconds == 0
    assert mail.outbox == []
    assert not AuditEntry.objects.filter(action="reassort.password_link.sent").exists()


def test_a_link_already_sent_dies_when_the_identifier_stops_being_active(voter):
    with_identifier(voter)
    uidb64 = identifier.urlsafe_base64_encode(identifier.force_bytes(voter.user.pk))
    token = identifier.tokens.make_token(voter.user)
    assert identifier.password_link_voter(election=voter.election, uidb64=uidb64, token=token) == voter
    Voter.objects.filter(pk=voter.pk).update(email_confirmed=False)
    assert identifier.password_link_voter(election=voter.election, uidb64=uidb64, token=token) is None


# --- one identifier, one voter ------------------------------------------------------------


def test_confirming_an_address_that_is_another_voters_identifier_is_refused(voter, scrutins):
    with_identifier(voter)
    other = with_identifier(
        make_voter(election=voter.election, matricule="B2002", scrutins=scrutins[:1]),
        "autre@example.org",
    )
    token = services.email_confirmation_token(voter=other, email=ADDRESS.upper())
    with pytest.raises(services.IdentifierTaken):
        services.voter_confirm_email(voter=other, token=token)
    other.refresh_from_db()
    assert (other.email, other.email_confirmed) == ("autre@example.org", True)
    assert not AuditEntry.objects.filter(action="voter.email_confirmed").exists()


def test_confirming_ones_own_identifier_again_is_accepted(voter):
    with_identifier(voter)
    token = services.email_confirmation_token(voter=voter, email=ADDRESS)
    assert services.voter_confirm_email(voter=voter, token=token) == ADDRESS


def test_before_set_up_two_voters_may_confirm_the_same_address(voter, scrutins):
    """Only a voter who chose their identifier holds the address; the RH file may give two
    voters one address, and confirming it makes nobody's identifier."""
    with_identifier(voter)
    other = make_voter(election=voter.election, matricule="B2002", scrutins=scrutins[:1])
    token = services.email_confirmation_token(voter=other, email=ADDRESS)
    assert services.voter_confirm_email(voter=other, token=token) == ADDRESS


# --- the identifier login belongs to identifier-mode elections ------------------------------


def test_the_identifier_backend_does_not_work_on_a_notice_mode_election(voter):
    with_identifier(voter)
    backend = IdentifierBackend()
    credentials = {"identifier": ADDRESS, "password": VOTER_PASSWORD}
    identifier_election = voter.election
    assert backend.authenticate(None, election=identifier_election, **credentials) == voter.user
    notice_election = Election.objects.get(pk=identifier_election.pk)
    notice_election.login_mode = Election.LoginMode.NOTICE
    assert not notice_election.uses_identifier_login
    assert backend.authenticate(None, election=notice_election, **credentials) is None


def test_no_password_link_on_a_notice_mode_election(voter, django_capture_on_commit_callbacks):
    with_identifier(voter)
    notice_election = Election.objects.get(pk=voter.election.pk)
    notice_election.login_mode = Election.LoginMode.NOTICE
    with django_capture_on_commit_callbacks(execute=True):
        link_request(notice_election)
    assert mail.outbox == []
    uidb64 = identifier.urlsafe_base64_encode(identifier.force_bytes(voter.user.pk))
    token = identifier.tokens.make_token(voter.user)
    assert identifier.password_link_voter(election=notice_election, uidb64=uidb64, token=token) is None
