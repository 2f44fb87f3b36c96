"""The public ballot box: no login, sorted references, search by POST, the verification page."""

from html import unescape

import pytest
from django.test import Client

from ballots.models import Ballot
from elections.models import Election
from tests.factories import ElectionFactory, ScrutinFactory

from .test_voting import vote

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return unescape(response.content.decode())


def test_public_box_lists_sorted_references_and_finds_mine(open_election, scrutins, voter_client):
    scrutin = scrutins[0]
    vote(voter_client, scrutin)
    for choice in ("blank", "liste-01"):
        from ballots import crypto
        from ballots.services import ballot_build

        params = crypto.ScrutinParameters.from_json(scrutin.parameters.params)
        verified = crypto.verify_ballot(params, ballot_build(scrutin=scrutin, choice=choice))
        Ballot.objects.create(
            scrutin=scrutin, reference=verified.reference, ballot=verified.canonical.decode()
        )
    mine = Ballot.objects.filter(scrutin=scrutin).first().reference
    anonymous = Client()
    index = text(anonymous.get(f"/urne/{open_election.slug}/"))
    assert scrutin.name in index and scrutin.parameters.fingerprint in index
    page = text(anonymous.get(f"/urne/{open_election.slug}/{scrutin.code}/"))
    assert "Bulletins dans l'urne</dt><dd>3" in page
    references = sorted(Ballot.objects.filter(scrutin=scrutin).values_list("reference", flat=True))
    positions = [page.index(r) for r in references]
    assert positions == sorted(positions)
    listing = anonymous.get(f"/urne/{open_election.slug}/{scrutin.code}/references.txt")
    assert listing.content.decode().split() == references

    found = anonymous.post(f"/urne/{open_election.slug}/{scrutin.code}/", {"reference": mine[:12].upper()})
    assert found.status_code == 200 and "Votre bulletin est dans l'urne" in text(found)
    missing = anonymous.post(f"/urne/{open_election.slug}/{scrutin.code}/", {"reference": "f" * 64})
    assert "Aucun bulletin de cette urne ne porte cette référence" in text(missing)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "Saisissez la référence"),
        ("abc", "au moins les 8 premiers"),
        ("zz" * 10, "les lettres a à f"),
        ("a" * 65, "64 caractères"),
    ],
)
def test_public_box_search_refuses_bad_input_in_french(open_election, scrutins, value, message):
    response = Client().post(f"/urne/{open_election.slug}/{scrutins[0].code}/", {"reference": value})
    assert response.status_code == 400
    assert message in text(response)


def test_no_public_box_before_the_vote_opens_or_for_unknown_scrutins(db):
    election = ElectionFactory(state=Election.State.PREPARATION)
    scrutin = ScrutinFactory(election=election)
    client = Client()
    assert client.get(f"/urne/{election.slug}/").status_code == 404
    assert client.get(f"/urne/{election.slug}/{scrutin.code}/").status_code == 404
    assert client.get("/urne/inconnue/x/").status_code == 404


def test_verification_page_publishes_the_key_and_the_command(db):
    from ballots.services import receipt_public_key

    page = text(Client().get("/verification/"))
    assert receipt_public_key() in page and "python -m ballots.crypto.receipt" in page
    pem = Client().get("/verification/?format=pem")
    assert pem.content.decode().startswith("-----BEGIN PUBLIC KEY-----")
