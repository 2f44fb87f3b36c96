"""Réclamations and assistance requests in the admin: new → being handled → answered → closed,
with the answer on the voter's portal (issue 6, item 4)."""

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client

from accounts.models import AuditEntry
from elections import services
from elections.models import VoterRequest
from tests.factories import EstablishmentFactory, StaffFactory, make_voter

pytestmark = pytest.mark.django_db

S = VoterRequest.Status


@pytest.fixture
def reclamation(voter, scrutins):
    voter.email, voter.email_confirmed = "camille@example.org", True
    voter.save()
    return services.voter_request_create(
        voter=voter, kind="reclamation", scrutin=scrutins[0], subject="Mon nom est mal orthographié",
        message="Il manque un accent.",
    )  # fmt: skip


@pytest.fixture
def referent_client(client, voter):
    referent = StaffFactory(groups=[Group.objects.get(name="Référent RH")])
    referent.establishments.set([voter.establishment])
    client.force_login(referent)
    client.user = referent
    return client


def change(client, request_obj, **data):
    return client.post(f"/gestion/elections/voterrequest/{request_obj.pk}/change/", data)


@pytest.mark.parametrize(
    "old,new,answer,error",
    [
        (S.NEW, S.IN_PROGRESS, "", None),
        (S.NEW, S.ANSWERED, "", "Rédigez la réponse"),
        (S.IN_PROGRESS, S.ANSWERED, "C'est corrigé.", None),
        (S.IN_PROGRESS, S.NEW, "", "ne peut pas passer à « Nouvelle »"),
        (S.ANSWERED, S.IN_PROGRESS, "C'est corrigé.", None),
        (S.ANSWERED, S.CLOSED, "C'est corrigé.", None),
        (S.CLOSED, S.IN_PROGRESS, "C'est corrigé.", "Cette demande est close"),
        (S.NEW, S.CLOSED, "", "Rédigez la réponse"),
    ],
)
def test_the_allowed_transitions(old, new, answer, error):
    found = services.voter_request_transition_error(
        old_status=old, new_status=new, old_answer=answer, answer=answer
    )
    assert (found is None) if error is None else (error in found)


def test_a_referent_takes_charge_answers_and_closes(referent_client, reclamation, voter):
    voter_client = Client()
    voter_client.force_login(voter.user, backend="accounts.backends.VoterBackend")
    page = change(referent_client, reclamation, status=S.ANSWERED, answer="")
    assert page.status_code == 200 and "Rédigez la réponse que l&#x27;électeur lira" in page.content.decode()
    assert change(referent_client, reclamation, status=S.IN_PROGRESS, answer="Brouillon").status_code == 302
    reclamation.refresh_from_db()
    assert reclamation.handled_by == referent_client.user
    # A draft answer is not shown to the voter before the request is answered.
    assert "Brouillon" not in voter_client.get("/portail/").content.decode()
    assert not mail.outbox
    assert change(referent_client, reclamation, status=S.ANSWERED, answer="C'est corrigé.").status_code == 302
    reclamation.refresh_from_db()
    assert reclamation.answered is not None
    assert "C&#x27;est corrigé." in voter_client.get("/portail/").content.decode()
    assert mail.outbox[-1].to == ["camille@example.org"]
    assert "Mon nom est mal orthographié" in mail.outbox[-1].body and "corrigé" not in mail.outbox[-1].body
    assert change(referent_client, reclamation, status=S.CLOSED, answer="C'est corrigé.").status_code == 302
    refused = change(referent_client, reclamation, status=S.CLOSED, answer="Autre réponse")
    assert refused.status_code == 200 and "Cette demande est close" in refused.content.decode()
    statuses = [
        e.new_values.get("status")
        for e in AuditEntry.objects.filter(action="voterrequest.update").order_by("id")
    ]
    assert statuses == [S.IN_PROGRESS, S.ANSWERED, S.CLOSED]


def test_take_charge_action(referent_client, reclamation):
    response = referent_client.post(
        "/gestion/elections/voterrequest/", {"action": "take_charge", "_selected_action": [reclamation.pk]}
    )
    assert response.status_code == 302
    reclamation.refresh_from_db()
    assert reclamation.status == S.IN_PROGRESS and reclamation.handled_by == referent_client.user
    assert AuditEntry.objects.filter(action="voterrequest.update", object_id=str(reclamation.pk)).exists()


def test_a_referent_sees_only_requests_of_their_establishments(client, reclamation, election):
    other = make_voter(election=election, matricule="B2", establishment=EstablishmentFactory())
    theirs = services.voter_request_create(
        voter=other, kind="assistance", scrutin=None, subject="Autre", message="x"
    )
    referent = StaffFactory(groups=[Group.objects.get(name="Référent RH")])
    referent.establishments.set([reclamation.voter.establishment])
    client.force_login(referent)
    assert (
        client.get(f"/gestion/elections/voterrequest/{theirs.pk}/change/").status_code == 302
    )  # not found → index
    listing = client.get("/gestion/elections/voterrequest/").content.decode()
    assert "Mon nom est mal orthographié" in listing and "Autre" not in listing


def test_nobody_deletes_a_request(admin_client, reclamation):
    response = admin_client.post(f"/gestion/elections/voterrequest/{reclamation.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert VoterRequest.objects.filter(pk=reclamation.pk).exists()
