"""Credential letters (issue 6, item 3): separate channels, new secrets, PDFs read back, one download."""

import io
import re

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from pypdf import PdfReader

from accounts import votecode
from accounts.models import AuditEntry
from elections import letters
from elections.models import Establishment, LetterBatch
from tests.conftest import run_jobs
from tests.factories import VOTER_PASSWORD, StaffFactory, make_voter

pytestmark = pytest.mark.django_db


@pytest.fixture
def place(db):
    return Establishment.objects.create(code="EST1", name="Direction de l'essai")


@pytest.fixture
def voters(election, scrutins, place):
    made = []
    for i, (last, card, address) in enumerate(
        [("Martin", True, "3 rue B\n87000 Limoges"), ("Bernard", False, "1 rue A\n87000 Limoges"),
         ("Dubois", False, "2 rue C\n33000 Bordeaux")]
    ):  # fmt: skip
        voter = make_voter(
            election=election, matricule=f"L{i}", last_name=last, establishment=place, scrutins=scrutins[:1],
            security_key=["ACDE-FGHJ-KMNP", "CDEF-GHJK-MNPQ", "DEFG-HJKM-NPQR"][i],
        )  # fmt: skip
        voter.has_agent_card, voter.postal_address = card, address
        voter.save()
        made.append(voter)
    return made


@pytest.fixture
def referent(place):
    user = StaffFactory(groups=[Group.objects.get(name="Référent RH")])
    user.establishments.set([place])
    return user


def make(election, place, kind, user) -> LetterBatch:
    batch = letters.letters_request(election=election, establishment=place, kind=kind, user=user)
    run_jobs()
    batch.refresh_from_db()
    return batch


def pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def log_in(voter, key, password) -> bool:
    data = {
        "matricule": voter.matricule,
        "birth_date": "17/05/1980",
        "security_key": key,
        "password": password,
    }
    return Client().post(f"/connexion/{voter.election.slug}/", data).status_code == 302


def test_notices_give_every_voter_a_new_password_printed_once_with_a_handover_list(
    election, place, voters, referent
):
    batch = make(election, place, LetterBatch.Kind.NOTICE, referent)
    assert batch.status == LetterBatch.Status.DONE, batch.error
    pdf = letters.letters_download(batch=batch, user=referent)
    text = pages(pdf)
    assert batch.pages == len(text) == 4  # three notices, then the list to sign
    assert [re.search(r"matricule (L\d)", page).group(1) for page in text[:3]] == [
        "L1",
        "L2",
        "L0",
    ]  # by name
    first = text[0]
    assert "Notice de vote — confidentiel" in first and "Camille BERNARD" in first
    password = re.search(r"Votre mot de passe :\s*(\S+)", first).group(1)
    assert log_in(voters[1], "CDEF-GHJK-MNPQ", password)
    assert not log_in(voters[1], "CDEF-GHJK-MNPQ", VOTER_PASSWORD)
    assert "Liste de remise des notices de vote" in text[3] and "Signature" in text[3]
    assert password not in text[3]
    # Downloaded once: the file is gone; a reprint is a new batch with new passwords.
    with pytest.raises(letters.LettersRefused, match="déjà été téléchargés"):
        letters.letters_download(batch=batch, user=referent)
    again = letters.letters_download(
        batch=make(election, place, LetterBatch.Kind.NOTICE, referent), user=referent
    )
    new_password = re.search(r"Votre mot de passe :\s*(\S+)", pages(again)[0]).group(1)
    assert new_password != password and not log_in(voters[1], "CDEF-GHJK-MNPQ", password)
    actions = list(AuditEntry.objects.filter(action__startswith="letters.").values_list("action", flat=True))
    assert actions.count("letters.generate") == 2 and actions.count("letters.download") == 2


def test_security_key_letters_go_by_post_to_voters_without_a_card_sorted_by_address(
    election, place, voters, referent
):
    pdf = letters.letters_download(
        batch=make(election, place, LetterBatch.Kind.SECURITY_KEY, referent), user=referent
    )
    text = pages(pdf)
    assert len(text) == 2  # Martin has a usable card
    assert "1 rue A" in text[0] and "CDEF-GHJK-MNPQ" in text[0]
    assert "2 rue C" in text[1] and "DEFG-HJKM-NPQR" in text[1]
    assert "ne contient pas de mot de passe" in text[0].replace("\n", " ")
    assert "Votre mot de passe" not in text[0]


def test_vote_code_letters_carry_new_codes(election, place, voters, referent):
    election.vote_code_enabled = True
    election.save()
    old = votecode.vote_code_issue_letter(voter=voters[0])
    text = pages(
        letters.letters_download(
            batch=make(election, place, LetterBatch.Kind.VOTE_CODE, referent), user=referent
        )
    )
    assert len(text) == 3
    page = next(p for p in text if "matricule L0".lower() in p.lower())
    code = re.search(r"Votre code de vote :\s*(\S+)", page).group(1)
    assert votecode.vote_code_enter(voter=voters[0], typed=code).accepted
    assert not votecode.vote_code_enter(voter=voters[0], typed=old).accepted


@pytest.mark.parametrize(
    "setup,kind,message",
    [
        (lambda e, v: None, LetterBatch.Kind.VOTE_CODE, "n'utilise pas de code de vote"),
        (
            lambda e, v: type(v[1]).objects.filter(pk=v[1].pk).update(postal_address=""),
            LetterBatch.Kind.SECURITY_KEY,
            "n'ont pas d'adresse postale",
        ),
        (
            lambda e, v: type(v[0]).objects.update(has_agent_card=True),
            LetterBatch.Kind.SECURITY_KEY,
            "Aucun électeur",
        ),
        (
            lambda e, v: type(e).objects.filter(pk=e.pk).update(state="closed"),
            LetterBatch.Kind.NOTICE,
            "Le vote est clos",
        ),
    ],
)
def test_requests_that_cannot_be_made_say_why(election, place, voters, referent, setup, kind, message):
    setup(election, voters)
    election.refresh_from_db()
    with pytest.raises(letters.LettersRefused, match=message):
        letters.letters_request(election=election, establishment=place, kind=kind, user=referent)
    assert not LetterBatch.objects.exists()


def test_a_referent_prints_only_for_their_establishments(election, voters):
    other = Establishment.objects.create(code="EST2", name="Ailleurs")
    outsider = StaffFactory(groups=[Group.objects.get(name="Référent RH")])
    outsider.establishments.set([other])
    with pytest.raises(letters.LettersRefused, match="Vous ne gérez pas cet établissement"):
        letters.letters_request(
            election=election,
            establishment=voters[0].establishment,
            kind=LetterBatch.Kind.NOTICE,
            user=outsider,
        )


def test_the_admin_flow_and_only_the_requester_downloads(client, election, place, voters, referent):
    client.force_login(referent)
    page = client.get("/gestion/elections/letterbatch/add/").content.decode()
    assert "jamais dans le même lot" in page
    response = client.post(
        "/gestion/elections/letterbatch/add/",
        {"election": election.pk, "establishment": place.pk, "kind": LetterBatch.Kind.NOTICE},
    )
    assert response.status_code == 302
    detail = response["Location"]
    assert 'http-equiv="refresh"' in client.get(detail).content.decode()
    run_jobs()
    assert "Télécharger le PDF" in client.get(detail).content.decode()
    other = StaffFactory(groups=[Group.objects.get(name="Référent RH")])
    other.establishments.set([place])
    intruder = Client()
    intruder.force_login(other)
    assert intruder.post(detail).status_code == 404  # not even listed for them
    download = client.post(detail)
    assert download["Content-Type"] == "application/pdf" and download.content.startswith(b"%PDF")
    second = client.post(detail)
    assert second.status_code == 400 and "déjà été téléchargés" in second.content.decode()


def test_the_stored_pdf_is_encrypted(election, place, voters, referent):
    batch = make(election, place, LetterBatch.Kind.SECURITY_KEY, referent)
    stored = letters._path(batch).read_bytes()
    assert b"%PDF" not in stored and b"CDEF" not in stored


def test_support_cannot_request_letters(client, election, place):
    client.force_login(StaffFactory(groups=[Group.objects.get(name="Support électeurs")]))
    assert client.get("/gestion/elections/letterbatch/add/").status_code == 403


def test_a_failure_while_making_the_pdf_changes_no_password(election, place, voters, referent, monkeypatch):
    def broken(batch):
        raise RuntimeError("imprimante en feu")

    monkeypatch.setattr(letters, "letters_pdf", broken)
    batch = letters.letters_request(
        election=election, establishment=place, kind=LetterBatch.Kind.NOTICE, user=referent
    )
    with pytest.raises(AssertionError, match="imprimante en feu"):
        run_jobs()
    batch.refresh_from_db()
    assert batch.status == LetterBatch.Status.FAILED and "aucun mot de passe" in batch.error
    assert batch.total == 3  # the passwords were prepared (and reported) before anything was stored
    assert log_in(voters[1], "CDEF-GHJK-MNPQ", VOTER_PASSWORD)
    assert not letters._path(batch).exists()


# --- issue 13: the service refuses by itself (as the admin, a command or an API would call it) ------


def _nothing_handed_over(batch: LetterBatch) -> bool:
    batch.refresh_from_db()
    return (
        batch.downloaded is None
        and letters._path(batch).exists()
        and not AuditEntry.objects.filter(action="letters.download").exists()
    )


def test_letters_download_refuses_anyone_but_the_requester(election, place, voters, referent):
    batch = make(election, place, LetterBatch.Kind.NOTICE, referent)
    colleague = StaffFactory(groups=[Group.objects.get(name="Référent RH")])
    colleague.establishments.set([place])  # same establishment, same role: still not theirs
    with pytest.raises(letters.LettersRefused, match="Seule la personne qui a demandé ces courriers"):
        letters.letters_download(batch=batch, user=colleague)
    assert _nothing_handed_over(batch)
    assert letters.letters_download(batch=batch, user=referent).startswith(b"%PDF")


@pytest.mark.parametrize(
    "status", [LetterBatch.Status.QUEUED, LetterBatch.Status.RUNNING, LetterBatch.Status.FAILED]
)
def test_an_unfinished_letter_batch_cannot_be_downloaded(election, place, voters, referent, status):
    batch = make(election, place, LetterBatch.Kind.SECURITY_KEY, referent)
    LetterBatch.objects.filter(pk=batch.pk).update(status=status)  # the file is there, the batch is not done
    with pytest.raises(letters.LettersRefused, match="ne sont pas prêts"):
        letters.letters_download(batch=batch, user=referent)
    assert _nothing_handed_over(batch)
