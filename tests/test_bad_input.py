"""Bad input of any kind: a clear answer and a 4xx, never a 500."""

from pathlib import Path

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


# --- issue 12, item 7: the five 500s, each at its cause ---------------------------------


@pytest.mark.parametrize(
    ("method", "url", "data"),
    [
        ("get", "/urne/{slug}/%00/", {}),
        ("get", "/urne/{slug}/", {"page": "\x00"}),
        ("post", "/connexion/{slug}/", {"matricule": "A1001", "birth_date": "\x00"}),
        ("post", "/connexion/{slug}/", {"matricule\x00": "A1001"}),
    ],
)
def test_a_nul_in_path_query_or_form_is_a_french_400(client, voter, method, url, data):
    response = getattr(client, method)(url.format(slug=voter.election.slug), data)
    assert response.status_code == 400
    assert "caractère nul" in response.content.decode()


@pytest.mark.parametrize("target", ["x", "ballots:scrutins", "//evil.example/", "https://evil.example/"])
def test_a_vote_code_next_that_is_not_one_of_our_paths_is_ignored(voter_client, target):
    response = voter_client.get("/portail/code-de-vote/", {"next": target})
    assert response.status_code == 302
    assert response["Location"] == "/portail/je-vote/"


def test_a_vote_code_next_that_is_one_of_our_paths_is_followed(voter_client):
    response = voter_client.get("/portail/code-de-vote/", {"next": "/portail/compte/"})
    assert response.status_code == 302
    assert response["Location"] == "/portail/compte/"


@pytest.mark.parametrize("path", ["%00", "A" * 1000, "a/" * 3000, "listes/%00.pdf"])
def test_odd_media_paths_are_4xx(admin_client, settings, path):
    Path(settings.MEDIA_ROOT).mkdir(parents=True, exist_ok=True)
    assert 400 <= admin_client.get(f"/media/{path}").status_code < 500


@pytest.mark.parametrize("object_id", ["abc", "%00", "../1", "1.5"])
def test_a_non_numeric_scrutin_in_the_emargement_export_url_is_4xx_or_redirect(admin_client, object_id):
    response = admin_client.get(f"/gestion/elections/scrutin/{object_id}/emargement.csv")
    assert response.status_code in (301, 302, 400, 404)


def test_a_nul_in_the_admin_autocomplete_term_is_400(admin_client):
    response = admin_client.get(
        "/gestion/autocomplete/",
        {"term": "a\x00", "app_label": "elections", "model_name": "rollentry", "field_name": "voter"},
    )
    assert response.status_code == 400
