"""Émargement and preuve de dépôt PDFs, read back with pypdf; the signature checked."""

import io
import re
from html import unescape

import pytest
import time_machine
from django.utils import timezone
from pypdf import PdfReader

from ballots.crypto import EncodingError, InvalidProof
from ballots.crypto.receipt import main as verify_command
from ballots.crypto.receipt import verify_deposit
from ballots.models import Ballot
from ballots.services import receipt_public_key
from tests.factories import make_voter

from .test_voting import login, vote

pytestmark = pytest.mark.django_db


def pdf_text(response) -> tuple[str, PdfReader]:
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    reader = PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages), reader


def proof_token(receipt_html: str) -> str:
    return re.search(r'name="preuve" value="([^"]+)"', receipt_html).group(1)


def test_emargement_pdf_states_who_voted_where_and_when(open_election, scrutins, voter_client, voter):
    scrutin = scrutins[0]
    assert voter_client.get(f"/portail/je-vote/{scrutin.pk}/emargement.pdf").status_code == 404
    vote(voter_client, scrutin)
    text, reader = pdf_text(voter_client.get(f"/portail/je-vote/{scrutin.pk}/emargement.pdf"))
    assert "Émargement" in text and "A voté" in text
    assert voter.matricule in text and "Camille DURAND" in text
    assert scrutin.name in text and "(heure de Paris)" in text
    voted_at = timezone.localtime(voter.emargements.get().voted_at)
    assert f"{voted_at:%H}h{voted_at:%M}" in text
    reference = Ballot.objects.get().reference
    assert reference not in text  # the émargement says nothing of the ballot
    # Any time later, from the portal: still there.
    assert voter_client.get(f"/portail/je-vote/{scrutin.pk}/emargement.pdf").status_code == 200


def test_deposit_proof_is_signed_and_verifies_with_the_published_key(open_election, scrutins, voter_client):
    scrutin = scrutins[0]
    receipt = unescape(vote(voter_client, scrutin).content.decode())
    token = proof_token(receipt)
    response = voter_client.post("/portail/je-vote/preuve-de-depot/", {"preuve": token})
    text, reader = pdf_text(response)
    reference = Ballot.objects.get().reference
    flat = text.replace("\n", "")
    assert reference in flat
    assert scrutin.parameters.fingerprint in flat
    statement = reader.metadata["/Subject"]
    signature = re.search(r"signature=([0-9a-f]{128})", reader.metadata["/Keywords"]).group(1)
    assert statement in flat and signature in flat
    content = verify_deposit(receipt_public_key(), statement, signature)
    assert content["reference"] == reference
    assert content["scrutin"] == scrutin.parameters.fingerprint
    assert content["version"] == "isoloir/v1"
    assert (
        verify_command(
            ["--public-key", receipt_public_key(), "--signature", signature, "--statement", statement]
        )
        == 0
    )
    forged = statement.replace(reference, "0" * 64)
    with pytest.raises(InvalidProof):
        verify_deposit(receipt_public_key(), forged, signature)
    assert (
        verify_command(
            ["--public-key", receipt_public_key(), "--signature", signature, "--statement", forged]
        )
        == 1
    )
    with pytest.raises(EncodingError):
        verify_deposit("zz", statement, signature)
    # A failed download can be retried from the same page.
    again = voter_client.post("/portail/je-vote/preuve-de-depot/", {"preuve": token})
    assert again.status_code == 200


def test_deposit_proof_is_refused_after_15_minutes(open_election, scrutins, voter_client):
    with time_machine.travel(timezone.now()) as traveller:
        token = proof_token(vote(voter_client, scrutins[0]).content.decode())
        traveller.shift(14 * 60)
        assert voter_client.post("/portail/je-vote/preuve-de-depot/", {"preuve": token}).status_code == 200
        traveller.shift(2 * 60)
        response = voter_client.post("/portail/je-vote/preuve-de-depot/", {"preuve": token})
    assert response.status_code == 410
    page = unescape(response.content.decode())
    assert "La preuve de dépôt n'est plus téléchargeable" in page and "15 minutes" in page


def test_deposit_proof_without_the_accuse_token_is_refused(open_election, scrutins, voter_client, client):
    token = proof_token(vote(voter_client, scrutins[0]).content.decode())
    for bad in ("", "abc", token[:-2] + "xx"):
        response = voter_client.post("/portail/je-vote/preuve-de-depot/", {"preuve": bad})
        assert response.status_code == 400
        assert "accusé de réception" in unescape(response.content.decode())
    other = make_voter(election=open_election, matricule="C3003", scrutins=scrutins[:1])
    from django.test import Client

    other_client = login(Client(), other)
    assert other_client.post("/portail/je-vote/preuve-de-depot/", {"preuve": token}).status_code == 400
