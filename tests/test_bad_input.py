"""Bad input of any kind: a clear answer and a 4xx, never a 500."""

import pytest

pytestmark = pytest.mark.django_db

HUGE = "9" * 30


@pytest.mark.parametrize(
    "url",
    [
        f"/portail/scrutins/{HUGE}/liste-electorale/",
        f"/portail/listes/{HUGE}/logo/",
        f"/portail/listes/{HUGE}/profession-de-foi/",
        "/portail/compte/confirmer/%00%01/",
        "/pages/%C3%A9t%C3%A9/",
        "/connexion/" + "a" * 500 + "/",
    ],
)
def test_odd_urls_are_4xx(voter_client, url):
    assert 400 <= voter_client.get(url).status_code < 500


@pytest.mark.parametrize(
    "data",
    [
        {"matricule": "A1001\x00", "birth_date": "17/05/1980", "security_key": "x", "password": "x"},
        {"matricule": "A1001", "birth_date": "31/02/1980", "security_key": "x", "password": "x"},
        {"matricule": "A1001", "birth_date": "00/00/0000", "security_key": "x", "password": "x"},
        {"matricule": "A1001", "birth_date": "17/05/1980", "security_key": "\x00", "password": "x"},
        {"matricule": ["a", "b"], "birth_date": "17/05/1980", "security_key": "x", "password": "x"},
        {},
    ],
)
def test_odd_login_posts_are_400(client, voter, data):
    response = client.post(f"/connexion/{voter.election.slug}/", data)
    assert response.status_code == 400


def test_odd_methods_are_refused(client, voter):
    assert client.put(f"/connexion/{voter.election.slug}/").status_code == 405
    assert client.delete("/deconnexion/").status_code == 405
    assert client.post("/aide/cle-de-securite-perdue/").status_code == 405


@pytest.mark.parametrize(
    "data",
    [
        {"email": "a@b.c\x00"},
        {"email": "x" * 300 + "@example.org"},
    ],
)
def test_odd_account_posts_are_400(voter_client, data):
    assert voter_client.post("/portail/compte/", data).status_code == 400


def test_odd_request_posts_are_400(voter_client):
    response = voter_client.post(
        "/portail/reclamation/", {"scrutin": HUGE, "subject": "s" * 500, "message": "m\x00"}
    )
    assert response.status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/connexion/{slug}/", "/connexion/{slug}/mot-de-passe-perdu/"])
def test_an_empty_post_says_which_fields_are_missing(client, election, path):
    response = client.post(path.format(slug=election.slug), {})
    assert response.status_code == 400
    assert "Ce champ est obligatoire." in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/portail/assistance/", "/portail/reclamation/", "/portail/compte/"])
def test_an_empty_post_on_voter_forms_says_which_fields_are_missing(voter_client, path):
    response = voter_client.post(path, {})
    assert response.status_code == 400
    assert "Ce champ est obligatoire." in response.content.decode()
