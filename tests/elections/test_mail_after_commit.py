"""A state change and its audit entry are one transaction, and mails leave after the commit.

If the audit entry (or anything else in the transaction) fails, the change is rolled back
and no mail tells a voter about something that did not happen.
"""

import pytest
from django.contrib.auth.models import Group
from django.core import mail

from accounts import services as account_services
from accounts import votecode
from accounts.models import AuditEntry
from elections import services
from elections.models import VoterRequest
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

S = VoterRequest.Status


class AuditDown(Exception):
    pass


@pytest.fixture
def audit_down(monkeypatch):
    def refuse(self, *args, **kwargs):
        raise AuditDown

    monkeypatch.setattr(AuditEntry, "save", refuse)


@pytest.fixture
def reclamation(voter, scrutins):
    voter.email, voter.email_confirmed = "camille@example.org", True
    voter.save()
    return services.voter_request_create(
        voter=voter,
        kind="reclamation",
        scrutin=scrutins[0],
        subject="Nom mal orthographié",
        message="Accent.",
    )


@pytest.fixture
def referent_client(client, voter):
    referent = StaffFactory(groups=[Group.objects.get(name="Référent RH")])
    referent.establishments.set([voter.establishment])
    client.force_login(referent)
    return client


def test_take_charge_is_rolled_back_with_its_failed_audit_entry(referent_client, reclamation, audit_down):
    with pytest.raises(AuditDown):
        referent_client.post(
            "/gestion/elections/voterrequest/",
            {"action": "take_charge", "_selected_action": [reclamation.pk]},
        )
    reclamation.refresh_from_db()
    assert (reclamation.status, reclamation.handled_by) == (S.NEW, None)


def test_an_answer_whose_audit_entry_fails_sends_no_mail(referent_client, reclamation, audit_down):
    with pytest.raises(AuditDown):
        referent_client.post(
            f"/gestion/elections/voterrequest/{reclamation.pk}/change/",
            {"status": S.ANSWERED, "answer": "C'est corrigé."},
        )
    reclamation.refresh_from_db()
    assert reclamation.status == S.NEW and reclamation.answered is None
    assert mail.outbox == []


def test_an_answer_mails_the_voter_once_committed(referent_client, reclamation):
    response = referent_client.post(
        f"/gestion/elections/voterrequest/{reclamation.pk}/change/",
        {"status": S.ANSWERED, "answer": "C'est corrigé."},
    )
    assert response.status_code == 302
    assert [message.to for message in mail.outbox] == [["camille@example.org"]]


def test_an_email_change_whose_audit_entry_fails_sends_no_mail(voter_client, audit_down):
    with pytest.raises(AuditDown):
        voter_client.post("/portail/compte/", {"email": "nouvelle@example.org"})
    assert mail.outbox == []


def test_the_email_change_service_mails_only_after_the_commit(voter, rf, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        account_services.voter_request_email_change(voter=voter, email="n@example.org", request=rf.get("/"))
        assert mail.outbox == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert mail.outbox[0].to == ["n@example.org"]


def test_a_vote_code_whose_audit_entry_fails_is_not_mailed(open_election, voter, audit_down):
    account_services.voter_set_recovery_secrets(voter=voter, numen="26E0001001234")
    voter.email, voter.email_confirmed = "camille@example.org", True
    voter.save()
    with pytest.raises(AuditDown):
        votecode.vote_code_request(voter=voter, kind="numen", value="26E0001001234", address="10.0.0.1")
    assert mail.outbox == []
