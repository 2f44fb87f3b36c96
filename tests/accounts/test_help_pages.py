"""Issue 14, items 1 and 5: each help page gives the support channel of its kind (seed 000),
« Retour » goes back where the voter was, and the matricule is said the same way everywhere."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.utils.html import strip_tags

from elections.models import MATRICULE_LOCATION_DEFAULT, SupportChannel
from tests.factories import ElectionFactory, make_voter

pytestmark = pytest.mark.django_db


def text(response) -> str:
    """The page as a person reads it: tags gone, entities decoded, spaces collapsed."""
    import html

    return re.sub(r"\s+", " ", html.unescape(strip_tags(response.content.decode())))


@pytest.fixture
def seed000(election):
    """The election's channels as seed 000 gives them."""
    SupportChannel.objects.filter(election=election, kind=SupportChannel.Kind.SECURITY_KEY).update(
        service_starts=dt.date(2026, 12, 1),
        service_ends=dt.date(2026, 12, 8),
        other_periods="également joignable du 17/11/2026 au 30/11/2026 de 9h00 à 18h00, sauf week-end",
    )
    SupportChannel.objects.create(
        election=election,
        kind=SupportChannel.Kind.KEY_ONLINE,
        name="eVote-CS",
        address="electionspro-cs.intranet.example",
        instructions="J'accède selon ma procédure habituelle à l'écran « E-Clé ».",
    )
    return election


def test_lost_key_page_gives_the_csu_number_hours_and_dates_not_the_connection_support(seed000):
    page = text(Client().get(f"/aide/{seed000.slug}/cle-de-securite-perdue/"))
    assert "J'appelle la CSU électeurs de mon poste de travail : 01 80 15 43 21" in page
    assert (
        "J'appelle la CSU électeurs au 01 80 15 43 21, du 01/12/2026 au 08/12/2026, tous les jours de 9h00 "
        "à 18h00 (également joignable du 17/11/2026 au 30/11/2026 de 9h00 à 18h00, sauf week-end)"
    ) in page
    assert "0 800 808 900" not in page
    assert "page de connexion" not in page  # no more « the numbers are on the login page »


def test_lost_key_page_covers_every_case_of_the_guide(seed000):
    page = text(Client().get(f"/aide/{seed000.slug}/cle-de-securite-perdue/"))
    for quoted in (
        "mais je les ai égarées (je dois déclarer la perte de ma carte agent)",
        "je possède une carte agent dont la « clé de sécurité » ne fonctionne pas et je n'ai pas reçu de fiche "
        "« clé de sécurité »",
        "je ne possède pas de carte agent et je n'ai pas reçu de fiche « clé de sécurité »",
        "1re solution : pour les agents possédant une carte agent, via eVote-CS",
        "Je me connecte sur eVote-CS : electionspro-cs.intranet.example",
        "l'écran « E-Clé »",
        "Je me présente à mon président de bureau de vote électronique",
        "Je prouve mon identité (carte d'identité, carte agent)",
        "Le président du bureau de vote électronique appelle la CSU électeurs : 01 80 15 43 21",
        "le référent de la CSU me communique ma « clé de sécurité » par téléphone",
        "J'effectue ma procédure de vote en utilisant ma « clé de sécurité » récupérée.",
    ):
        assert quoted in page, quoted


def test_without_an_online_screen_the_csu_is_the_only_solution(election):
    page = text(Client().get(f"/aide/{election.slug}/cle-de-securite-perdue/"))
    assert "1re solution" not in page and "E-Clé" not in page
    assert "J'appelle la CSU électeurs de mon poste de travail : 01 80 15 43 21" in page


def test_lost_key_page_without_election_uses_the_only_open_one_or_lets_the_voter_choose(seed000, voter):
    page = text(Client().get("/aide/cle-de-securite-perdue/"))
    assert "01 80 15 43 21" in page  # a single election open for login
    other = ElectionFactory(name="Élections du second ministère")
    make_voter(election=other, matricule="B2002", scrutins=[])
    response = Client().get("/aide/cle-de-securite-perdue/?next=/connexion/x/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="/aide/{other.slug}/cle-de-securite-perdue/?next=/connexion/x/"' in html
    assert f'href="/aide/{seed000.slug}/cle-de-securite-perdue/?next=/connexion/x/"' in html


def test_a_logged_in_voter_sees_their_own_elections_csu(seed000, voter):
    ElectionFactory()  # another election, whose numbers are not this voter's
    client = Client()
    client.force_login(voter.user, backend="accounts.backends.VoterBackend")
    page = text(client.get("/aide/cle-de-securite-perdue/"))
    assert "01 80 15 43 21" in page and seed000.name in page


def test_login_page_gives_the_connection_support_not_the_csu(seed000):
    page = text(Client().get(f"/connexion/{seed000.slug}/"))
    assert "Un problème de connexion ?" in page
    assert "N° vert 0 800 808 900" in page and "05 56 42 72 47" in page
    assert "01 80 15 43 21" not in page


def test_lost_password_page_ends_with_the_csu(seed000):
    page = text(Client().get(f"/aide/{seed000.slug}/mot-de-passe-perdu/"))
    assert "Vous ne parvenez toujours pas à voter ?" in page
    assert "J'appelle la CSU électeurs au 01 80 15 43 21" in page


def _back_link(response) -> str:
    match = re.search(r'<a [^>]*href="([^"]*)"[^>]*>\s*Retour\s*</a>', response.content.decode())
    assert match, "no « Retour » link"
    return match.group(1)


@pytest.mark.parametrize("path", ["cle-de-securite-perdue", "mot-de-passe-perdu"])
def test_retour_leads_back_to_the_page_the_voter_came_from(election, path):
    origin = f"/connexion/{election.slug}/premiere-connexion/"
    response = Client().get(f"/aide/{election.slug}/{path}/", {"next": origin})
    assert _back_link(response) == origin


@pytest.mark.parametrize(
    "hostile",
    ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)", "connexion", ""],
)
def test_retour_never_leaves_the_site(election, hostile):
    response = Client().get(f"/aide/{election.slug}/cle-de-securite-perdue/", {"next": hostile})
    assert response.status_code == 200
    assert _back_link(response) == f"/connexion/{election.slug}/"


def test_the_login_page_links_to_the_help_pages_with_itself_as_origin(election):
    html = Client().get(f"/connexion/{election.slug}/").content.decode()
    assert f'href="/aide/{election.slug}/cle-de-securite-perdue/?next=/connexion/{election.slug}/"' in html


def test_unknown_election_on_a_help_page_is_a_404(db):
    assert Client().get("/aide/inconnue/cle-de-securite-perdue/").status_code == 404


# --- item 5: where the matricule is ------------------------------------------------------


def test_the_default_matricule_location_is_the_guides():
    assert "au dos de votre carte agent" in MATRICULE_LOCATION_DEFAULT
    assert "sur un arrêté nominatif ou sur le portail self-service" in MATRICULE_LOCATION_DEFAULT


def test_the_matricule_location_is_the_elections_own_text_on_every_login_and_recovery_page(election):
    election.matricule_location = "Votre matricule est le numéro RH inscrit sur votre bulletin de paie."
    election.save()
    for url in (
        f"/connexion/{election.slug}/",
        f"/connexion/{election.slug}/mot-de-passe-perdu/",
        f"/aide/{election.slug}/mot-de-passe-perdu/",
    ):
        page = text(Client().get(url))
        assert election.matricule_location in page, url
        assert "arrêté nominatif" not in page and "libre-service" not in page, url


def test_the_matricule_help_is_tied_to_its_field(election):
    html = Client().get(f"/connexion/{election.slug}/").content.decode()
    field = re.search(r"<input[^>]*name=\"matricule\"[^>]*>", html).group(0)
    assert 'aria-describedby="id_matricule_helptext"' in field
    assert re.search(
        r'id="id_matricule_helptext">\s*Votre matricule figure au dos de votre carte agent', html
    )


# --- the migration: the former fields become the connection support ---------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_the_former_numbers_and_hours_as_the_connection_support():
    executor = MigrationExecutor(connection)
    before = [("elections", "0012_accessibility_statement_contact")]
    after = [("elections", "0013_support_channels_matricule_location")]
    try:
        executor.migrate(before)
        old_apps = executor.loader.project_state(before).apps
        OldElection = old_apps.get_model("elections", "Election")
        now = dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC)
        OldElection.objects.create(
            name="Ancienne",
            slug="ancienne",
            opens=now,
            closes=now + dt.timedelta(days=8),
            support_phones="N° vert 0 800 808 900\n05 56 42 72 47",
            support_hours="Tous les jours de 9h00 à 18h00",
        )
        OldElection.objects.create(
            name="Sans support", slug="sans-support", opens=now, closes=now + dt.timedelta(1)
        )
        executor = MigrationExecutor(connection)
        executor.migrate(after)
        new_apps = executor.loader.project_state(after).apps
        Channel = new_apps.get_model("elections", "SupportChannel")
        channel = Channel.objects.get(election__slug="ancienne")
        assert channel.kind == "connection"
        assert channel.phones == "N° vert 0 800 808 900\n05 56 42 72 47"
        assert channel.hours == "Tous les jours de 9h00 à 18h00"
        assert not Channel.objects.filter(election__slug="sans-support").exists()
        assert new_apps.get_model("elections", "Election").objects.get(
            slug="ancienne"
        ).matricule_location == (MATRICULE_LOCATION_DEFAULT)
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())


def test_the_admin_edits_the_csu_and_the_lost_key_page_shows_it(admin_client, election):
    from django.utils import timezone

    paris = timezone.localtime
    data = {
        "name": election.name,
        "slug": election.slug,
        "opens_0": paris(election.opens).strftime("%d/%m/%Y"),
        "opens_1": paris(election.opens).strftime("%H:%M:%S"),
        "closes_0": paris(election.closes).strftime("%d/%m/%Y"),
        "closes_1": paris(election.closes).strftime("%H:%M:%S"),
        "login_mode": "notice",
        "reassort_flag_staff_per_hour": 20,
        "reassort_flag_address_per_day": 50,
        "matricule_location": "Sur votre bulletin de paie.",
        "support_channels-TOTAL_FORMS": "1",
        "support_channels-INITIAL_FORMS": "0",
        "support_channels-0-kind": "security_key",
        "support_channels-0-name": "la cellule clés",
        "support_channels-0-phones": "09 99 99 99 99",
        "support_channels-0-service_starts": "01/12/2026",
        "support_channels-0-service_ends": "30/11/2026",
        "support_channels-0-order": "0",
        "scrutins-TOTAL_FORMS": "0",
        "scrutins-INITIAL_FORMS": "0",
        "bureau-TOTAL_FORMS": "0",
        "bureau-INITIAL_FORMS": "0",
    }
    url = f"/gestion/elections/election/{election.pk}/change/"
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "La fin de la période de service doit suivre son début." in text(response)
    response = admin_client.post(url, {**data, "support_channels-0-service_ends": "08/12/2026"})
    assert response.status_code == 302
    page = text(Client().get(f"/aide/{election.slug}/cle-de-securite-perdue/"))
    assert "J'appelle la cellule clés de mon poste de travail : 09 99 99 99 99" in page
    assert "Sur votre bulletin de paie." in text(Client().get(f"/connexion/{election.slug}/"))
