"""Everything a person reads is French: no English interface words on any page."""

import re

import pytest
from django.contrib.auth.models import Group

from tests.factories import CandidateListFactory, StaffFactory

pytestmark = pytest.mark.django_db

ENGLISH = re.compile(
    r">\s*(Save|Delete|Search|Add|Log ?out|Log ?in|Password|Username|Submit|Back|Next|Previous|"
    r"Home|Change|History|Filter|Yes|No|Cancel|Close|Required|Page not found|Forbidden)\s*<"
    r"|This field is required|Enter a valid|is not a valid|Select a valid",
)


def english_on(html: str) -> list[str]:
    return [m.group(0) for m in ENGLISH.finditer(html)]


def test_voter_pages_are_french(voter_client, scrutins):
    CandidateListFactory(scrutin=scrutins[0])
    urls = [
        "/portail/",
        "/portail/scrutins/",
        f"/portail/scrutins/{scrutins[0].pk}/liste-electorale/",
        "/portail/compte/",
        "/portail/je-vote/",
        "/portail/assistance/",
        "/portail/reclamation/",
        "/pages/mentions-legales/",
        "/nexiste-pas/",
    ]
    for url in urls:
        html = voter_client.get(url).content.decode()
        assert english_on(html) == [], url
    invalid = voter_client.post("/portail/reclamation/", {"subject": "", "message": ""}).content.decode()
    assert english_on(invalid) == [] and "Ce champ est obligatoire." in invalid


def test_login_errors_are_french(client, election):
    html = client.post(f"/connexion/{election.slug}/", {"birth_date": "x"}).content.decode()
    assert english_on(html) == [] and "Ce champ est obligatoire." in html


@pytest.mark.parametrize("group", ["Référent RH", "Support électeurs", "Membre du bureau de vote"])
def test_admin_pages_are_french(client, voter, group):
    client.force_login(StaffFactory(groups=[Group.objects.get(name=group)]))
    for url in ["/gestion/", "/gestion/accounts/voter/", f"/gestion/accounts/voter/{voter.pk}/change/"]:
        html = client.get(url).content.decode()
        assert english_on(html) == [], (url, english_on(html))
