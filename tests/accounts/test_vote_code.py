"""Seed 004: the code de vote before the voting space, and « Je n'ai pas de code de vote »."""

import datetime as dt
import re
from html import unescape

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from accounts import services, votecode
from accounts.models import AuditEntry, VoteCode
from accounts.trail import reassort_trail
from ballots.models import Ballot
from tests.factories import VOTER_PASSWORD

pytestmark = pytest.mark.django_db

LETTER_CODE = "ACDE3479"
NUMEN = "26E0001001234"
NIR = "1800575123456"


@pytest.fixture
def coded(open_election, scrutins, voter):
    """The election asks for the code; the voter has a letter code, a NUMEN, a NIR and a confirmed address."""
    open_election.vote_code_enabled = True
    open_election.save(update_fields=["vote_code_enabled"])
    services.voter_set_recovery_secrets(voter=voter, numen=NUMEN, nir=NIR)
    voter.email, voter.email_confirmed = "camille.durand@example.org", True
    voter.save()
    votecode.vote_code_issue_letter(voter=voter, code=LETTER_CODE)
    return voter


def login(voter, address="10.0.0.1") -> Client:
    client = Client(REMOTE_ADDR=address)
    response = client.post(
        f"/connexion/{voter.election.slug}/",
        {
            "matricule": voter.matricule,
            "birth_date": "17/05/1980",
            "security_key": "ACDE-FGHJ-KMNP",
            "password": VOTER_PASSWORD,
        },
    )
    assert response.status_code == 302
    return client


def text(response) -> str:
    return unescape(response.content.decode())


def enter(client, code, next_url="/portail/je-vote/"):
    return client.post("/portail/code-de-vote/", {"code": code, "next": next_url})


def emailed_code() -> str:
    return re.search(r"Votre nouveau code de vote : ([A-Z0-9-]+)", mail.outbox[-1].body).group(1)


def test_the_voting_space_asks_for_the_code_first(coded, scrutins):
    client = login(coded)
    # The list of my scrutins shows (receipts need no code) and offers the code first.
    listing = text(client.get("/portail/je-vote/"))
    assert 'href="/portail/code-de-vote/?next=%2Fportail%2Fje-vote%2F">Saisir mon code de vote' in listing
    response = client.get(f"/portail/je-vote/{scrutins[0].pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"/portail/code-de-vote/?next=%2Fportail%2Fje-vote%2F{scrutins[0].pk}%2F"
    page = text(client.get(response["Location"]))
    assert "Saisie du code de vote" in page and "Je n'ai pas de code de vote" in page
    # JE VOTE without the code: refused, nothing written.
    refused = client.post(
        f"/portail/je-vote/{scrutins[0].pk}/voter/", {"ballot": "{}", "reference": "0" * 64}
    )
    assert refused.status_code == 403 and "Code de vote nécessaire" in text(refused)
    assert Ballot.objects.count() == 0


def test_the_letter_code_opens_the_voting_space_in_every_session(coded):
    client = login(coded)
    response = enter(client, "acde 3479")  # typed as on paper, in lower case, with a space
    assert response.status_code == 302 and response["Location"] == "/portail/je-vote/"
    assert client.get("/portail/je-vote/").status_code == 200
    other = login(coded)
    assert enter(other, "ACDE-3479").status_code == 302
    assert other.get("/portail/je-vote/").status_code == 200


def test_without_the_option_no_code_is_asked(open_election, scrutins, voter_client):
    assert voter_client.get("/portail/je-vote/").status_code == 200
    assert voter_client.get("/portail/code-de-vote/").status_code == 302


def test_five_wrong_codes_kill_every_live_code(coded):
    client = login(coded)
    for remaining in (4, 3, 2, 1):
        response = enter(client, "WXYZWXYZ")
        assert response.status_code == 400
        assert f"Il vous reste {remaining} essai" in text(response)
    last = enter(client, "WXYZWXYZ")
    assert last.status_code == 400 and "Demandez un nouveau code" in text(last)
    assert AuditEntry.objects.filter(action="vote_code.locked").count() == 1
    # The right letter code no longer opens anything.
    assert enter(client, LETTER_CODE).status_code == 400
    assert client.get(f"/portail/je-vote/{coded.roll_entries.first().scrutin_id}/").status_code == 302


def test_an_emailed_code_lasts_two_minutes_and_serves_once(coded):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        client = login(coded)
        response = client.post(
            "/portail/code-de-vote/nouveau/", {"kind": "numen", "identifier": "26e 0001 001234"}
        )
        assert response.status_code == 200
        assert "Si les informations saisies sont exactes" in text(response)
        assert "dossier « spam »" in text(response)
        assert len(mail.outbox) == 1 and mail.outbox[0].to == ["camille.durand@example.org"]
        assert "valable 2 minutes" in mail.outbox[0].body
        code = emailed_code()
        stored = VoteCode.objects.get(origin="email")
        assert code.replace("-", "") not in stored.digest  # one-way
        traveller.move_to(start + dt.timedelta(seconds=119))
        assert enter(client, code).status_code == 302
        # Single use: another session cannot use it again.
        other = login(coded)
        assert enter(other, code).status_code == 400

        client.post("/portail/code-de-vote/nouveau/", {"kind": "nir", "identifier": "1 80 05 75 123"})
        late = emailed_code()
        traveller.move_to(start + dt.timedelta(seconds=119 + 121))
        response = enter(other, late)
        assert response.status_code == 400
    assert AuditEntry.objects.filter(action="reassort.vote_code.sent").count() == 2


def test_a_new_emailed_code_replaces_the_previous_one_but_not_the_letter(coded):
    client = login(coded)
    client.post("/portail/code-de-vote/nouveau/", {"kind": "numen", "identifier": NUMEN})
    first = emailed_code()
    client.post("/portail/code-de-vote/nouveau/", {"kind": "numen", "identifier": NUMEN})
    second = emailed_code()
    assert enter(client, first).status_code == 400
    assert enter(client, second).status_code == 302
    assert enter(login(coded), LETTER_CODE).status_code == 302


def _without_tokens(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_a_wrong_identifier_gets_the_same_answer_and_no_mail(coded):
    client = login(coded)
    right = client.post("/portail/code-de-vote/nouveau/", {"kind": "numen", "identifier": NUMEN})
    wrong = client.post("/portail/code-de-vote/nouveau/", {"kind": "numen", "identifier": "99X9999999999"})
    wrong_nir = client.post("/portail/code-de-vote/nouveau/", {"kind": "nir", "identifier": "2990199999"})
    assert right.status_code == wrong.status_code == wrong_nir.status_code == 200
    assert _without_tokens(text(right)) == _without_tokens(text(wrong)) == _without_tokens(text(wrong_nir))
    assert len(mail.outbox) == 1
    kinds = {action: count for action, _, count in reassort_trail(coded.election).per_kind}
    assert kinds["reassort.vote_code.refused"] == 2


def test_without_a_confirmed_address_the_page_says_so_and_no_mail_leaves(coded):
    coded.email_confirmed = False
    coded.save(update_fields=["email_confirmed"])
    client = login(coded)
    assert "Aucune adresse électronique confirmée" in text(client.get("/portail/code-de-vote/nouveau/"))
    response = client.post("/portail/code-de-vote/nouveau/", {"kind": "numen", "identifier": NUMEN})
    assert response.status_code == 200 and "Si les informations saisies sont exactes" in text(response)
    assert mail.outbox == []


def test_guessing_the_identifier_is_throttled_but_the_voter_elsewhere_is_not(coded):
    attacker = login(coded, address="10.6.6.6")
    for _ in range(5):
        attacker.post("/portail/code-de-vote/nouveau/", {"kind": "numen", "identifier": "00X0000000000"})
    response = attacker.post("/portail/code-de-vote/nouveau/", {"kind": "numen", "identifier": NUMEN})
    assert response.status_code == 429
    assert "patientez" in text(response)
    assert AuditEntry.objects.filter(action="reassort.vote_code.throttled").count() == 1
    assert mail.outbox == []
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=5)):
        real = login(coded, address="10.0.0.2")
        assert (
            real.post("/portail/code-de-vote/nouveau/", {"kind": "numen", "identifier": NUMEN}).status_code
            == 200
        )
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("url", "data", "message"),
    [
        ("/portail/code-de-vote/", {}, "Saisissez votre code de vote."),
        ("/portail/code-de-vote/nouveau/", {}, "Choisissez le NUMEN ou le numéro de sécurité sociale."),
        (
            "/portail/code-de-vote/nouveau/",
            {"kind": "nir", "identifier": "12AB"},
            "Saisissez les 10 premiers chiffres",
        ),
        (
            "/portail/code-de-vote/nouveau/",
            {"kind": "passport", "identifier": "X"},
            "Sélectionnez un choix valide",
        ),
        (
            "/portail/code-de-vote/nouveau/",
            {"kind": "numen", "identifier": "x" * 41},
            "au plus 40 caractères",
        ),
    ],
)
def test_bad_input_is_a_400_with_a_french_message(coded, url, data, message):
    response = login(coded).post(url, data)
    assert response.status_code == 400
    assert message in text(response)
    assert mail.outbox == []


def test_the_next_parameter_never_leads_off_site(coded):
    response = enter(login(coded), LETTER_CODE, next_url="https://evil.example/")
    assert response["Location"] == "/portail/je-vote/"


def test_anonymous_and_staff_cannot_reach_the_code_pages(coded, client):
    for url in ("/portail/code-de-vote/", "/portail/code-de-vote/nouveau/"):
        assert client.get(url).status_code == 302
        assert client.post(url, {"code": LETTER_CODE}).status_code == 302
