"""« Mon compte »: my information, and an e-mail set only once confirmed by a link."""

import re

import pytest
from django.core import mail
from django.test import Client

from tests.factories import make_voter

pytestmark = pytest.mark.django_db


def test_account_page_shows_my_information(voter_client, voter):
    html = voter_client.get("/portail/compte/").content.decode()
    assert voter.matricule in html and "17/05/1980" in html and "DURAND" in html


def test_new_email_is_stored_only_after_the_link_is_opened(voter_client, voter):
    response = voter_client.post("/portail/compte/", {"email": "camille.durand@example.org"})
    assert response.status_code == 302
    voter.refresh_from_db()
    assert voter.email == "" and not voter.email_confirmed
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["camille.durand@example.org"]
    link = re.search(r"http://testserver(/portail/compte/confirmer/[^\s]+/)", mail.outbox[0].body).group(1)
    assert voter_client.get(link).status_code == 302
    voter.refresh_from_db()
    assert voter.email == "camille.durand@example.org" and voter.email_confirmed


def test_a_link_for_another_voter_or_altered_is_refused(voter_client, voter, election):
    other = make_voter(election=election, matricule="C2")
    other_client = Client()
    other_client.force_login(other.user)
    other_client.post("/portail/compte/", {"email": "intrus@example.org"})
    link = re.search(r"http://testserver(/portail/compte/confirmer/[^\s]+/)", mail.outbox[0].body).group(1)
    assert voter_client.get(link).status_code == 400
    assert voter_client.get("/portail/compte/confirmer/pas-un-jeton/").status_code == 400
    voter.refresh_from_db()
    assert voter.email == ""


def test_invalid_email_is_refused_in_french(voter_client):
    response = voter_client.post("/portail/compte/", {"email": "pas-une-adresse"})
    assert response.status_code == 400
    assert "Saisissez une adresse de courriel valide" in response.content.decode()
    assert len(mail.outbox) == 0
