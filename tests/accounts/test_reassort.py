"""Lost password, self-service (seed 000, case 3): new password once, generic refusals, throttling."""

import re
from html import unescape

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from accounts import recovery, services
from accounts.models import AuditEntry
from accounts.trail import reassort_trail
from tests.factories import VOTER_PASSWORD

pytestmark = pytest.mark.django_db

REFUSAL = "ne permettent pas de vous attribuer un nouveau mot de passe"
IBAN = "FR76 1234 5123 4501 2345 6A01 201"


@pytest.fixture
def recoverable(voter):
    services.voter_set_recovery_secrets(voter=voter, card_serial="AC7Q9Z-0042", iban=IBAN)
    voter.save()
    return voter


def url(voter):
    return f"/connexion/{voter.election.slug}/mot-de-passe-perdu/"


def post(client, voter, *, matricule=None, secret="ac7q9z", iban_tail="A012 01", address="10.0.0.1"):  # noqa: S107
    return client.post(
        url(voter),
        {"matricule": matricule or voter.matricule, "secret": secret, "iban_tail": iban_tail},
        REMOTE_ADDR=address,
    )


def text(response) -> str:
    return unescape(response.content.decode())


def new_password(response) -> str:
    return re.search(r'class="isoloir-secret"><code>([^<]+)</code>', response.content.decode()).group(1)


def can_log_in(voter, password) -> bool:
    response = Client().post(
        f"/connexion/{voter.election.slug}/",
        {
            "matricule": voter.matricule,
            "birth_date": "17/05/1980",
            "security_key": "ACDE-FGHJ-KMNP",
            "password": password,
        },
    )
    return response.status_code == 302


def test_the_login_page_links_to_the_form_and_the_form_has_the_seed_labels(client, recoverable):
    assert url(recoverable) in text(client.get(f"/connexion/{recoverable.election.slug}/"))
    page = text(client.get(url(recoverable)))
    for label in ("Matricule", "Donnée secrète de réassort", "Les 6 derniers caractères de votre IBAN"):
        assert f">{label}" in page


@pytest.mark.parametrize("secret", ["ac7q9z", "AC7 Q9Z", "ACDE-FG", "acdefg"])
def test_card_serial_or_security_key_prefix_with_the_iban_tail_give_a_new_password_once(
    client, recoverable, secret
):
    response = post(client, recoverable, secret=secret)
    assert response.status_code == 200
    page = text(response)
    assert "Je note le nouveau mot de passe apparaissant à l'écran" in page
    password = new_password(response)
    assert len(password) == 14
    assert "no-store" in response["Cache-Control"]  # a new password never stays on a shared computer
    assert can_log_in(recoverable, password)
    assert not can_log_in(recoverable, VOTER_PASSWORD)
    entry = AuditEntry.objects.get(action="reassort.password.success")
    assert entry.object_id == str(recoverable.pk) and entry.address == "10.0.0.1"
    assert password not in str(entry.new_values)
    assert password not in text(client.get(url(recoverable)))


def test_an_open_session_ends_when_the_password_is_reassorted(voter_client, recoverable):
    assert voter_client.get("/portail/").status_code == 200
    assert post(Client(), recoverable).status_code == 200
    assert voter_client.get("/portail/").status_code == 302


@pytest.mark.parametrize(
    "change",
    [
        {"iban_tail": "A01202"},
        {"secret": "ZZZZZZ"},
        {"secret": "ac7q9"},
        {"iban_tail": "01"},
        {"matricule": "INCONNU"},
    ],
)
def test_any_wrong_value_gets_the_same_generic_refusal(client, recoverable, change):
    response = post(client, recoverable, **change)
    assert response.status_code == 400
    assert REFUSAL in text(response)
    assert can_log_in(recoverable, VOTER_PASSWORD)
    assert AuditEntry.objects.filter(action="reassort.password.refused").count() == 1


def _without_tokens(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_existing_and_unknown_matricules_get_identical_answers_for_the_same_work(recoverable, monkeypatch):
    calls = []
    real = recovery.secrets.decrypt_security_key
    monkeypatch.setattr(recovery.secrets, "decrypt_security_key", lambda t: calls.append(1) or real(t))
    known = post(Client(), recoverable, iban_tail="FFFFFF", address="10.0.0.2")
    known_calls = len(calls)
    unknown = post(Client(), recoverable, matricule="Z9999", iban_tail="FFFFFF", address="10.0.0.3")
    assert known.status_code == unknown.status_code == 400
    assert _without_tokens(known.content.decode()).replace(recoverable.matricule, "Z9999") == _without_tokens(
        unknown.content.decode()
    )
    assert known_calls == len(calls) - known_calls == 1


def test_guessing_is_stopped_but_the_real_voter_elsewhere_is_not_locked_out(recoverable):
    attacker = Client()
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for _ in range(5):
            assert post(attacker, recoverable, iban_tail="FFFFFF", address="192.0.2.66").status_code == 400
        blocked = post(attacker, recoverable, address="192.0.2.66")  # even with the right values
        assert blocked.status_code == 429
        assert "patientez" in text(blocked) and REFUSAL not in text(blocked)
        traveller.shift(5)  # the account-wide delay is a few seconds, not a lockout
        assert post(Client(), recoverable, address="198.51.100.7").status_code == 200
        assert post(attacker, recoverable, address="192.0.2.66").status_code == 429
    kinds = {action: count for action, _, count in reassort_trail(recoverable.election).per_kind}
    assert kinds == {
        "reassort.password.refused": 5,
        "reassort.password.throttled": 2,
        "reassort.password.success": 1,
    }


def test_one_address_has_a_daily_ceiling(recoverable, settings):
    settings.REASSORT_ADDRESS_ATTEMPTS_PER_DAY = 3
    client = Client()
    for n in range(3):
        assert post(client, recoverable, matricule=f"X{n}", address="203.0.113.9").status_code == 400
    response = post(client, recoverable, address="203.0.113.9")
    assert response.status_code == 429 and "24 heures" in text(response)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Ce champ est obligatoire."),
        ({"matricule": "x" * 33, "secret": "a", "iban_tail": "b"}, "au plus 32 caractères"),
    ],
)
def test_bad_input_gets_a_french_message_and_a_400(client, recoverable, data, message):
    response = client.post(url(recoverable), data)
    assert response.status_code == 400
    assert message in text(response)


def test_unknown_election_is_404(client):
    assert client.get("/connexion/inconnue/mot-de-passe-perdu/").status_code == 404
