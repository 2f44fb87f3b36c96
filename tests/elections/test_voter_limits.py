"""Per-voter limits on assistance requests, réclamations and e-mail changes.

Each one stored a row or sent a mail, and nothing stopped a voter (or whoever holds their
session) from sending them in a loop. At the limit the form comes back with a French
message and a 429, and nothing is written or sent.
"""

import datetime as dt
from html import unescape

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from accounts.models import AuditEntry
from elections.models import VoterRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def limits(settings):
    settings.VOTER_REQUESTS_PER_HOUR = 3
    settings.VOTER_REQUESTS_PER_DAY = 4
    settings.VOTER_EMAIL_CHANGES_PER_HOUR = 2
    settings.VOTER_EMAIL_CHANGES_PER_DAY = 3
    return settings


def send(client, kind, scrutin, n):
    data = {"subject": f"Objet {n}", "message": "Bonjour."}
    if kind == "reclamation":
        data["scrutin"] = scrutin.pk
    return client.post(f"/portail/{kind}/", data)


@pytest.mark.parametrize("kind", ["assistance", "reclamation"])
def test_requests_are_refused_past_the_hourly_then_the_daily_limit(voter_client, scrutins, limits, kind):
    limits.SESSION_IDLE_TIMEOUT = limits.SESSION_COOKIE_AGE = 24 * 3600  # the same session an hour later
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for n in range(3):
            assert send(voter_client, kind, scrutins[0], n).status_code == 302
        written = AuditEntry.objects.count()
        refused = send(voter_client, kind, scrutins[0], 3)
        assert refused.status_code == 429
        page = unescape(refused.content.decode())
        assert "Vous avez déjà envoyé 3 demandes en une heure" in page
        assert VoterRequest.objects.filter(kind=kind).count() == 3
        assert AuditEntry.objects.count() == written
        traveller.shift(dt.timedelta(hours=1, seconds=1))
        assert send(voter_client, kind, scrutins[0], 4).status_code == 302  # the 4th of the day
        refused = send(voter_client, kind, scrutins[0], 5)
        assert refused.status_code == 429
        assert "4 demandes en un jour" in unescape(refused.content.decode())
    assert VoterRequest.objects.filter(kind=kind).count() == 4


def test_each_kind_has_its_own_limit(voter_client, scrutins, limits):
    for n in range(3):
        assert send(voter_client, "assistance", scrutins[0], n).status_code == 302
    assert send(voter_client, "reclamation", scrutins[0], 0).status_code == 302


def test_another_voter_is_not_limited_by_this_one(voter_client, client, scrutins, limits, election):
    from tests.factories import VOTER_PASSWORD, make_voter

    for n in range(3):
        send(voter_client, "assistance", scrutins[0], n)
    other = make_voter(election=election, matricule="B2002", scrutins=scrutins[:1])
    from django.test import Client

    other_client = Client()
    other_client.post(
        f"/connexion/{election.slug}/",
        {
            "matricule": other.matricule,
            "birth_date": other.birth_date.strftime("%d/%m/%Y"),
            "security_key": "ACDE-FGHJ-KMNP",
            "password": VOTER_PASSWORD,
        },
    )
    assert send(other_client, "assistance", scrutins[0], 0).status_code == 302


def test_email_changes_are_refused_past_the_limit_and_no_mail_leaves(voter_client, limits):
    for n in range(2):
        response = voter_client.post("/portail/compte/", {"email": f"nouvelle{n}@example.org"})
        assert response.status_code == 302
    assert len(mail.outbox) == 2
    written = AuditEntry.objects.count()
    refused = voter_client.post("/portail/compte/", {"email": "encore@example.org"})
    assert refused.status_code == 429
    assert "Vous avez déjà demandé 2 changements d'adresse en une heure" in unescape(refused.content.decode())
    assert len(mail.outbox) == 2
    assert AuditEntry.objects.count() == written
