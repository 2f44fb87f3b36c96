"""The portal home: last login, vote window and countdown, my scrutins only."""

import pytest
import time_machine
from django.test import Client

from elections.models import Election
from elections.selectors import election_countdown
from tests.conftest import paris
from tests.factories import VOTER_PASSWORD, ElectionFactory, ScrutinFactory, make_voter

pytestmark = pytest.mark.django_db


def login(client, voter):
    return client.post(
        f"/connexion/{voter.election.slug}/",
        {
            "matricule": voter.matricule,
            "birth_date": voter.birth_date.strftime("%d/%m/%Y"),
            "security_key": "ACDE-FGHJ-KMNP",
            "password": VOTER_PASSWORD,
        },
    )


def test_countdown_is_days_hours_minutes_to_closing():
    election = Election(opens=paris(2026, 12, 1, 9, 0), closes=paris(2026, 12, 8, 17, 0))
    countdown = election_countdown(election, now=paris(2026, 12, 3, 9, 22, 30))
    assert (countdown.label, countdown.days, countdown.hours, countdown.minutes) == (
        "Fermeture du vote dans",
        5,
        7,
        37,
    )


def test_countdown_before_opening_and_none_after_closing():
    election = Election(opens=paris(2026, 12, 1, 9, 0), closes=paris(2026, 12, 8, 17, 0))
    before = election_countdown(election, now=paris(2026, 11, 30, 8, 0))
    assert before.label == "Ouverture du vote dans" and (before.days, before.hours) == (1, 1)
    assert election_countdown(election, now=paris(2026, 12, 8, 17, 0)) is None


def test_home_shows_window_and_countdown_in_paris_time(db):
    election = ElectionFactory(opens=paris(2026, 12, 1, 9, 0), closes=paris(2026, 12, 8, 17, 0))
    voter = make_voter(election=election, matricule="H1")
    with time_machine.travel(paris(2026, 12, 3, 9, 22, 30), tick=False):
        client = Client()
        login(client, voter)
        html = client.get("/portail/").content.decode()
    assert (
        "Ouvert du mardi 01 décembre 2026 à 09h00 au mardi 08 décembre 2026 à 17h00 (Heure de Paris)" in html
    )
    assert "Fermeture du vote dans" in html
    assert ">05</span> Jour(s)" in html and ">07</span> Heure(s)" in html and ">37</span> Minute(s)" in html


def test_last_login_is_the_one_before_this_one(db):
    voter = make_voter(election=ElectionFactory(), matricule="H2")
    with time_machine.travel(paris(2026, 12, 1, 16, 12), tick=False):
        first = Client()
        login(first, voter)
        assert "Première connexion" in first.get("/portail/").content.decode()
    with time_machine.travel(paris(2026, 12, 2, 8, 30), tick=False):
        second = Client()
        login(second, voter)
        html = second.get("/portail/").content.decode()
    assert "Dernière connexion le 01/12/2026 à 16h12 (heure de Paris)" in html


def test_home_lists_my_scrutins_only(voter_client, voter, scrutins):
    html = voter_client.get("/portail/").content.decode()
    assert scrutins[0].name in html and scrutins[1].name in html
    assert scrutins[2].name not in html


def test_home_has_the_four_sections_and_their_links(voter_client):
    html = voter_client.get("/portail/").content.decode()
    for text in (
        "Mes informations pratiques",
        "Formulaire de demande d",
        "Mes scrutins",
        "Formuler une réclamation",
        "Mon compte",
        "Mes informations personnelles",
        "Je vote",
    ):
        assert text in html


def test_countdown_says_closed_after_the_window(db):
    election = ElectionFactory(opens=paris(2026, 12, 1, 9, 0), closes=paris(2026, 12, 8, 17, 0))
    voter = make_voter(election=election, matricule="H3")
    with time_machine.travel(paris(2026, 12, 9, 9, 0), tick=False):
        client = Client()
        login(client, voter)
        assert "Le vote est clos." in client.get("/portail/").content.decode()


def test_scrutin_order_follows_display_order(db):
    election = ElectionFactory()
    late = ScrutinFactory(election=election, order=5, name="Zeta CAP")
    early = ScrutinFactory(election=election, order=1, name="Alpha CSA")
    voter = make_voter(election=election, matricule="H4", scrutins=[late, early])
    client = Client()
    login(client, voter)
    html = client.get("/portail/je-vote/").content.decode()
    assert html.index("Alpha CSA") < html.index("Zeta CAP")


def test_a_page_changed_in_the_admin_shows_in_the_footer_at_once(db, client):
    from accounts.models import User
    from elections.models import Page

    # Any footer page but the accessibility statement, whose footer words state its status.
    page = Page.objects.get(kind=Page.Kind.LEGAL)
    assert page.title in client.get(f"/pages/{page.slug}/").content.decode()
    admin = User.objects.create_superuser("chef", password="mot-de-passe-admin-42")
    staff = Client()
    staff.force_login(admin, backend="accounts.backends.StaffBackend")
    response = staff.post(
        f"/gestion/elections/page/{page.pk}/change/",
        {
            "kind": page.kind,
            "slug": page.slug,
            "title": "Mentions légales (mise à jour)",
            "body": page.body,
            "order": 0,
        },
    )
    assert response.status_code == 302
    footer = client.get(f"/pages/{page.slug}/").content.decode().split('id="pied-de-page"')[1]
    assert "Mentions légales (mise à jour)" in footer
