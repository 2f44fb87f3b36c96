"""The voter login page: labels, generic refusals, equal work, throttling, sessions."""

import datetime as dt
from unittest import mock

import pytest
from django.test import Client
from django.utils import timezone

from accounts.hashers import IsoloirArgon2PasswordHasher
from tests.factories import ElectionFactory, make_voter

pytestmark = pytest.mark.django_db

GENERIC = "Les informations saisies ne permettent pas de vous identifier"


def login_url(election):
    return f"/connexion/{election.slug}/"


def test_login_page_has_the_four_labelled_fields_and_support(client, election):
    response = client.get(login_url(election))
    html = response.content.decode()
    assert response.status_code == 200
    for label in ("Matricule", "Date de naissance", "Clé de sécurité", "Mot de passe"):
        assert f">{label}" in html
    assert "Se connecter" in html
    assert "0 800 808 900" in html and "Tous les jours de 9h00 à 18h00" in html
    assert "J'ai perdu ma clé de sécurité" in html
    assert "J'ai perdu mon mot de passe" in html
    assert "/pages/donnees-personnelles/" in html
    assert "<script>" not in html and "style=" not in html


def test_index_redirects_to_the_only_open_election(client, voter):
    ElectionFactory(name="Élection sans électeurs")  # being prepared: nobody to log in yet
    response = client.get("/")
    assert response.status_code == 302
    assert response.url == login_url(voter.election)


def test_right_credentials_log_in_with_a_new_session(client, voter, login_data):
    client.get(login_url(voter.election))
    before = client.cookies.get("sessionid")
    response = client.post(login_url(voter.election), login_data)
    assert response.status_code == 302 and response.url == "/portail/"
    assert client.cookies["sessionid"].value != (before.value if before else None)
    assert client.get("/portail/").status_code == 200


def test_security_key_is_accepted_without_dashes_and_in_lower_case(client, voter, login_data):
    login_data["security_key"] = "acde fghj kmnp"
    assert client.post(login_url(voter.election), login_data).status_code == 302


@pytest.mark.parametrize(
    "field,value",
    [
        ("matricule", "A1002"),
        ("birth_date", "18/05/1980"),
        ("security_key", "ACDE-FGHJ-KMNQ"),
        ("password", "mauvais-mot-de-passe"),
    ],
)
def test_each_wrong_field_gives_the_same_generic_message(client, voter, login_data, field, value):
    login_data[field] = value
    response = client.post(login_url(voter.election), login_data)
    assert response.status_code == 400
    html = response.content.decode()
    assert GENERIC in html
    assert "_auth_user_id" not in client.session


def test_unknown_and_known_matricule_get_identical_responses(client, voter, login_data):
    wrong_password = {**login_data, "password": "pas-le-bon-mot-de-passe"}
    unknown = {**wrong_password, "matricule": "Z9999"}
    known_body = Client().post(login_url(voter.election), wrong_password).content
    unknown_body = Client().post(login_url(voter.election), unknown).content

    def strip_csrf(body: bytes) -> str:
        import re

        body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body.decode())
        return body.replace('value="Z9999"', 'value="A1001"')  # the typed matricule is shown back

    assert strip_csrf(known_body) == strip_csrf(unknown_body)


@pytest.mark.parametrize("matricule", ["A1001", "Z9999"])
def test_password_hasher_runs_exactly_once_per_attempt(client, voter, login_data, matricule):
    calls = []
    original_encode = IsoloirArgon2PasswordHasher.encode
    original_verify = IsoloirArgon2PasswordHasher.verify

    def encode(self, *args, **kwargs):
        calls.append("encode")
        return original_encode(self, *args, **kwargs)

    def verify(self, *args, **kwargs):
        calls.append("verify")
        return original_verify(self, *args, **kwargs)

    data = {**login_data, "matricule": matricule, "password": "pas-le-bon-mot-de-passe"}
    with (
        mock.patch.object(IsoloirArgon2PasswordHasher, "encode", encode),
        mock.patch.object(IsoloirArgon2PasswordHasher, "verify", verify),
    ):
        client.post(login_url(voter.election), data)
    assert len(calls) == 1


def test_argon2_parameters_meet_the_minimum(voter):
    encoded = voter.user.password
    assert encoded.startswith("argon2$argon2id$")
    assert "m=19456,t=2,p=1" in encoded


def test_same_matricule_in_another_election_is_another_voter(client, voter, login_data):
    other = ElectionFactory()
    make_voter(election=other, matricule="A1001", password="Autre-mot-de-passe-99")
    # The first election's password does not open the second election's account.
    assert client.post(login_url(other), login_data).status_code == 400
    assert client.post(login_url(voter.election), login_data).status_code == 302


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("birth_date", "1980-13-45", "Saisissez la date de naissance au format JJ/MM/AAAA."),
        ("birth_date", "17/05/2999", "Cette date de naissance n&#x27;est pas possible."),
        ("birth_date", "hier", "Saisissez la date de naissance au format JJ/MM/AAAA."),
        ("matricule", "", "Ce champ est obligatoire."),
        ("matricule", "A" * 500, "Assurez-vous que cette valeur comporte au plus 32 caractères"),
        ("password", "x" * 5000, "Assurez-vous que cette valeur comporte au plus 128 caractères"),
    ],
)
def test_malformed_input_gets_a_french_message_and_400(client, voter, login_data, field, value, message):
    login_data[field] = value
    response = client.post(login_url(voter.election), login_data)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_iso_date_is_accepted_too(client, voter, login_data):
    login_data["birth_date"] = "1980-05-17"
    assert client.post(login_url(voter.election), login_data).status_code == 302


def test_post_without_csrf_token_is_refused_in_french(voter, login_data):
    client = Client(enforce_csrf_checks=True)
    response = client.post(login_url(voter.election), login_data)
    assert response.status_code == 403
    assert "Formulaire expiré" in response.content.decode()


def test_huge_body_is_refused_without_a_server_error(client, voter, login_data):
    login_data["password"] = "x" * 3_000_000
    response = client.post(login_url(voter.election), login_data)
    assert response.status_code == 400


def test_unknown_election_is_404(client, db):
    assert client.get("/connexion/nexiste-pas/").status_code == 404


def test_captcha_is_required_when_the_election_asks(client, voter, login_data):
    voter.election.captcha_enabled = True
    voter.election.save()
    page = client.get(login_url(voter.election)).content.decode()
    assert "Recopiez les chiffres de l" in page
    assert client.post(login_url(voter.election), login_data).status_code == 400
    # CAPTCHA_TEST_MODE accepts « PASSED » as the right answer.
    login_data.update({"captcha_0": "abc", "captcha_1": "PASSED"})
    assert client.post(login_url(voter.election), login_data).status_code == 302


def test_no_captcha_field_when_the_election_does_not_ask(client, election):
    assert "captcha" not in client.get(login_url(election)).content.decode()


# --- throttling -----------------------------------------------------------------------


def attempt(client, election, data, address):
    return client.post(login_url(election), data, REMOTE_ADDR=address)


def test_pair_is_locked_after_five_failures_but_not_the_voter_elsewhere(client, voter, login_data):
    wrong = {**login_data, "password": "mauvais-mot-de-passe"}
    for _ in range(4):
        assert attempt(client, voter.election, wrong, "203.0.113.7").status_code == 400
    # The fifth failure locks the pair: even the right password is refused from there.
    assert attempt(client, voter.election, wrong, "203.0.113.7").status_code == 429
    locked = attempt(client, voter.election, login_data, "203.0.113.7")
    assert locked.status_code == 429
    assert "Connexion temporairement bloquée" in locked.content.decode()
    # The real voter, from their own workstation, still logs in.
    assert attempt(Client(), voter.election, login_data, "198.51.100.20").status_code == 302


def test_another_account_from_the_same_address_is_not_locked(client, voter, login_data, election):
    make_voter(election=election, matricule="B2002", security_key="ACDE-FGHJ-KMNQ")
    wrong = {**login_data, "password": "mauvais-mot-de-passe"}
    for _ in range(5):
        attempt(client, election, wrong, "203.0.113.7")
    other = {**login_data, "matricule": "B2002", "security_key": "ACDE-FGHJ-KMNQ"}
    assert attempt(Client(), election, other, "203.0.113.7").status_code == 302


def test_failures_from_many_addresses_add_a_growing_delay(client, voter, login_data, settings):
    settings.LOGIN_ACCOUNT_DELAY_AFTER = 3
    wrong = {**login_data, "password": "mauvais-mot-de-passe"}
    for i in range(3):
        assert attempt(Client(), voter.election, wrong, f"192.0.2.{i}").status_code == 400
    delayed = attempt(Client(), voter.election, login_data, "198.51.100.20")
    assert delayed.status_code == 429
    assert "patientez" in delayed.content.decode()
    # The delay ends by itself: the real voter gets in once it has passed.
    later = timezone.now() + dt.timedelta(seconds=settings.LOGIN_ACCOUNT_DELAY_MAX_SECONDS + 1)
    with mock.patch("accounts.throttle.time.time", return_value=later.timestamp()):
        assert attempt(Client(), voter.election, login_data, "198.51.100.20").status_code == 302


def test_one_address_is_refused_after_its_high_hourly_limit(client, voter, login_data, settings):
    settings.LOGIN_ADDRESS_FAILURES_PER_HOUR = 4
    settings.LOGIN_ACCOUNT_DELAY_AFTER = 100
    for i in range(4):
        data = {**login_data, "matricule": f"X{i}"}
        assert attempt(Client(), voter.election, data, "203.0.113.50").status_code == 400
    assert attempt(Client(), voter.election, login_data, "203.0.113.50").status_code == 429
    assert attempt(Client(), voter.election, login_data, "203.0.113.51").status_code == 302


def test_client_address_is_read_through_the_trusted_proxy_count(client, voter, login_data, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    wrong = {**login_data, "password": "mauvais-mot-de-passe"}
    statuses = [
        client.post(
            login_url(voter.election), wrong, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9"
        ).status_code
        for _ in range(5)
    ]
    assert statuses[-1] == 429  # the client behind the proxy is locked…
    # …another real client behind the same proxy is not.
    response = Client().post(
        login_url(voter.election), login_data, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.3"
    )
    assert response.status_code == 302


# --- session --------------------------------------------------------------------------


def test_logout_is_a_post_and_ends_the_session(voter_client):
    assert voter_client.get("/deconnexion/").status_code == 405
    response = voter_client.post("/deconnexion/")
    assert response.status_code == 302
    assert voter_client.get("/portail/").status_code == 302


def test_idle_session_is_logged_out(voter_client, settings):
    voter_client.get("/portail/")
    session = voter_client.session
    session["last_activity"] -= settings.SESSION_IDLE_TIMEOUT + 5
    session.save()
    response = voter_client.get("/portail/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/connexion/")
    assert "Votre session a expiré" in response.content.decode()
    assert "_auth_user_id" not in voter_client.session


def test_deconnexion_button_is_on_every_voter_page(voter_client):
    for url in ["/portail/", "/portail/scrutins/", "/portail/compte/", "/portail/je-vote/"]:
        assert "Déconnexion" in voter_client.get(url).content.decode(), url


def test_login_page_works_without_javascript(client, election):
    html = client.get(login_url(election)).content.decode()
    assert 'method="post"' in html and 'type="submit"' in html


def test_staff_cannot_log_in_as_voter_and_voter_cannot_use_admin(voter, client):
    voter.user.is_staff = True  # even a mistaken flag does not open the admin to a voter
    voter.user.save()
    response = client.post(
        "/gestion/login/", {"username": voter.user.username, "password": "Mot-de-passe-de-test-42"}
    )
    assert "_auth_user_id" not in client.session
    assert response.status_code == 200


@pytest.mark.parametrize(
    "count,forwarded,expected",
    [
        (0, "203.0.113.9", "10.0.0.1"),  # no trusted proxy: the header is ignored
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # a forged left part is not believed
        (2, "203.0.113.9, 10.0.0.2", "203.0.113.9"),
        (2, "", "10.0.0.1"),
        (1, "pas-une-adresse", "10.0.0.1"),  # garbage never reaches the database
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_client_address_trusts_only_the_configured_proxies(rf, settings, count, forwarded, expected):
    from accounts.throttle import client_address

    settings.TRUSTED_PROXY_COUNT = count
    request = rf.post("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


def test_activity_within_the_timeout_keeps_the_session(voter_client, settings):
    voter_client.get("/portail/")
    session = voter_client.session
    session["last_activity"] -= settings.SESSION_IDLE_TIMEOUT - 30
    session.save()
    assert voter_client.get("/portail/").status_code == 200
    # That request refreshed the activity time: the session lives on.
    assert voter_client.session["last_activity"] > session["last_activity"]
