"""Issue 14, items 5 and 6: the demo's FAQ and tutorials follow the reader's election (login
mode, vote code, captcha, where the matricule is), never a text written for another setting."""

import html
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils.html import strip_tags

from accounts.models import Voter
from elections.management.commands import load_demo
from elections.models import Election, Page
from elections.page_blocks import page_render

pytestmark = pytest.mark.django_db


def text(response) -> str:
    """The page as read: a line break reads as a space, tags gone, spaces collapsed."""
    content = re.sub(r"<br\s*/?>", " ", response.content.decode())
    return re.sub(r"\s+", " ", html.unescape(strip_tags(content)))


@pytest.fixture
def demo():
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return Election.objects.get(pk=load_demo.DEMO_ELECTION_ID)


def _reader(election) -> Client:
    client = Client()
    voter = Voter.objects.filter(election=election).select_related("user").first()
    client.force_login(voter.user, backend="accounts.backends.VoterBackend")
    return client


def _identifier_mode(election) -> None:
    election.login_mode = Election.LoginMode.IDENTIFIER
    election.vote_code_enabled = True
    election.save()


def test_parcours_electeur_describes_the_matricule_login_of_a_notice_election(demo):
    page = text(_reader(demo).get("/pages/tutoriel-parcours-electeur/"))
    assert "mon matricule : " + demo.matricule_location in page
    assert "ma clé de sécurité : au dos de ma carte agent" in page
    assert "mon mot de passe : dans la notice de vote" in page
    assert "identifiant" not in page and "mot de passe Élections" not in page
    assert "code de vote" not in page and "captcha" not in page


def test_parcours_electeur_describes_the_identifier_login_captcha_and_vote_code(demo):
    _identifier_mode(demo)
    page = text(_reader(demo).get("/pages/tutoriel-parcours-electeur/"))
    assert "je saisis mon identifiant (l'adresse électronique indiquée lors de ma première connexion)" in page
    assert "je recopie les chiffres du captcha, puis je saisis mon mot de passe Élections" in page
    assert "Ma première connexion se fait avec ma notice de vote" in page
    assert "je saisis mon code de vote, indiqué dans le courrier papier reçu à domicile" in page
    assert "mon mot de passe : dans la notice de vote" not in page


def test_the_captcha_is_mentioned_when_a_notice_election_asks_for_it(demo):
    demo.captcha_enabled = True
    demo.save()
    assert "Je recopie aussi les chiffres du captcha." in text(
        _reader(demo).get("/pages/tutoriel-parcours-electeur/")
    )


def test_reassorts_gives_the_self_service_path_then_the_bureau_and_the_csu(demo):
    response = _reader(demo).get("/pages/tutoriel-reassorts/")
    page = text(response)
    assert "je demande moi-même un nouveau mot de passe" in page
    assert f'href="/connexion/{demo.slug}/mot-de-passe-perdu/"' in response.content.decode()
    assert "Je n'arrive pas à réinitialiser mon mot de passe : je me présente au président" in page
    assert "j'appelle la CSU électeurs au 01 80 15 43 21" in page
    assert "via eVote-CS" in page
    assert "Je n'ai pas de code de vote" not in page  # the demo election asks for no vote code


def test_reassorts_adds_the_vote_code_and_the_password_link_in_identifier_mode(demo):
    _identifier_mode(demo)
    page = text(_reader(demo).get("/pages/tutoriel-reassorts/"))
    assert "« J'ai oublié mon mot de passe Élections » m'envoie à mon identifiant un lien" in page
    assert "J'ai perdu le mot de passe de ma notice" in page
    assert "« Je n'ai pas de code de vote » ) avec mon NUMEN ou les 10 premiers chiffres" in page.replace(
        "»)", "» )"
    )
    assert "n'est valable que 2 minutes" in page


def test_faq_says_where_the_matricule_is_with_the_elections_own_text(demo):
    demo.matricule_location = "Votre matricule est inscrit sur votre bulletin de paie."
    demo.save()
    page = text(_reader(demo).get("/pages/faq/"))
    assert "Où trouver mon matricule ? Votre matricule est inscrit sur votre bulletin de paie." in page
    assert "arrêté nominatif" not in page and "libre-service" not in page


def test_the_demo_pages_say_the_matricule_as_the_login_page_does(demo):
    login = text(Client().get(f"/connexion/{demo.slug}/"))
    assert demo.matricule_location in login
    for slug in ("faq", "tutoriel-parcours-electeur", "tutoriel-reassorts"):
        assert demo.matricule_location in text(_reader(demo).get(f"/pages/{slug}/")), slug


def test_a_markers_text_is_escaped_and_an_unknown_marker_is_refused_by_the_admin(demo, admin_client):
    rendered = page_render("<script>x</script> [[matricule]] [[autre]]", election=demo)
    assert "<script>" not in rendered and "&lt;script&gt;" in rendered and "[[autre]]" in rendered
    page = Page.objects.get(slug="faq")
    response = admin_client.post(
        f"/gestion/elections/page/{page.pk}/change/",
        {"kind": page.kind, "slug": page.slug, "title": page.title, "order": 0, "body": "[[matricul]]"},
    )
    assert response.status_code == 200
    assert "Repère inconnu : [[matricul]]" in text(response)
    assert "[[connexion]] : comment se connecter" in text(
        admin_client.get(f"/gestion/elections/page/{page.pk}/change/")
    )
