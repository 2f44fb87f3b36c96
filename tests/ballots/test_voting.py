"""The voting journey through HTTP: four steps, RETOUR, refusals, exactly once."""

import json
import re
from html import unescape

import pytest
import time_machine
from django.test import Client

from accounts.models import AuditEntry
from ballots import crypto
from ballots.models import Ballot, BallotAlpha, Emargement
from ballots.services import ballot_build, crypto_parameters
from elections.models import Election
from tests.conftest import paris
from tests.factories import VOTER_PASSWORD, make_voter

pytestmark = pytest.mark.django_db


def html(response) -> str:
    """The page's text with entities decoded (« n'a » whether written n'a or n'a)."""
    return unescape(response.content.decode())


def vote(client, scrutin, choice="liste-02"):
    """Steps 2 → 3 → JE VOTE, as the pages post them; returns the JE VOTE response."""
    assert client.get(f"/portail/je-vote/{scrutin.pk}/?activer=1").status_code == 200
    assert client.post(f"/portail/je-vote/{scrutin.pk}/confirmer/", {"choix": choice}).status_code == 200
    return client.post(f"/portail/je-vote/{scrutin.pk}/voter/", {"choix": choice})


def login(client, voter):
    response = client.post(
        f"/connexion/{voter.election.slug}/",
        {
            "matricule": voter.matricule,
            "birth_date": voter.birth_date.strftime("%d/%m/%Y"),
            "security_key": "ACDE-FGHJ-KMNP",
            "password": VOTER_PASSWORD,
        },
    )
    assert response.status_code == 302
    return client


def test_the_whole_journey_in_every_scrutin(open_election, scrutins, voter_client):
    first, second = scrutins[:2]
    step1 = html(voter_client.get("/portail/je-vote/"))
    assert (
        '<li aria-current="step" class="isoloir-steps__current"><span class="isoloir-steps__number">1</span> Choix scrutin'
        in step1
    )
    for label in ("Choix scrutin", "Constitution bulletin", "Vote", "Accusé de réception"):
        assert label in step1
    assert "accédez aux scrutins dans l'ordre proposé pour ne pas en oublier" in step1
    assert step1.count("PARTICIPER") == 2
    assert step1.index(first.name) < step1.index(second.name)

    step2 = html(voter_client.get(f"/portail/je-vote/{first.pk}/"))
    assert "Ce scrutin comporte 3 listes et le vote blanc." in step2
    assert step2.count('name="choix"') == 4 and step2.count(" disabled") == 4
    assert "JE VEUX VOTER, J'ACTIVE LA SÉLECTION DE MON CHOIX DE VOTE" in step2
    assert "<legend" in step2 and step2.count("<fieldset") == 1
    assert "LES LOGOS SONT ACTIVÉS" not in step2
    active = html(voter_client.get(f"/portail/je-vote/{first.pk}/?activer=1"))
    assert "LES LOGOS SONT ACTIVÉS, VOUS POUVEZ FORMULER VOTRE CHOIX DE VOTE" in active
    assert " disabled" not in active
    assert (
        'aria-current="step" class="isoloir-steps__current"><span class="isoloir-steps__number">2' in active
    )

    step3 = html(voter_client.post(f"/portail/je-vote/{first.pk}/confirmer/", {"choix": "liste-02"}))
    assert "VOUS AVEZ CHOISI LA LISTE Liste n° 2" in step3
    assert "En cliquant sur JE VOTE, votre vote sera définitif et non modifiable." in step3
    assert "RETOUR" in step3 and "JE VOTE" in step3
    assert Emargement.objects.count() == 0

    response = voter_client.post(f"/portail/je-vote/{first.pk}/voter/", {"choix": "liste-02"})
    assert response.status_code == 200
    receipt = html(response)
    assert f"Vous venez de voter au scrutin {first.name}." in receipt
    assert "Votre vote a été enregistré le" in receipt and "(heure de Paris)" in receipt
    reference = Ballot.objects.get(scrutin=first).reference
    assert reference in receipt
    assert "Télécharger mon émargement" in receipt
    assert "Télécharger ma preuve de dépôt du bulletin de vote dans l'urne" in receipt
    assert "Continuer : 1 scrutin restant à voter" in receipt
    assert "http-equiv" not in receipt.lower()  # no automatic redirect
    assert "✓</span> Choix enregistré le" in receipt

    # The ballot in the box verifies and encrypts the choice; one émargement.
    stored = Ballot.objects.get(scrutin=first)
    crypto.verify_ballot(crypto_parameters(first), stored.ballot)
    assert Emargement.objects.filter(scrutin=first).count() == 1
    assert BallotAlpha.objects.filter(ballot=stored).count() == 4

    step1 = html(voter_client.get("/portail/je-vote/"))
    assert step1.count("PARTICIPER") == 1 and "Choix enregistré le" in step1

    step3 = html(voter_client.post(f"/portail/je-vote/{second.pk}/confirmer/", {"choix": "blank"}))
    assert "VOUS AVEZ CHOISI DE VOTER BLANC" in step3
    last = html(voter_client.post(f"/portail/je-vote/{second.pk}/voter/", {"choix": "blank"}))
    assert "vous avez voté à tous vos scrutins" in last and "Me déconnecter" in last
    assert Ballot.objects.count() == 2 and Emargement.objects.count() == 2


def test_retour_at_each_step_goes_back_one_step(open_election, scrutins, voter_client):
    scrutin = scrutins[0]
    step2 = html(voter_client.get(f"/portail/je-vote/{scrutin.pk}/"))
    assert re.search(r'href="/portail/je-vote/"[^>]*>RETOUR', step2)
    step3 = html(voter_client.post(f"/portail/je-vote/{scrutin.pk}/confirmer/", {"choix": "liste-01"}))
    back = re.search(r'href="([^"]+)"[^>]*>RETOUR', step3).group(1)
    assert back == f"/portail/je-vote/{scrutin.pk}/?activer=1#choix"
    again = html(voter_client.get(back.split("#")[0]))
    assert "LES LOGOS SONT ACTIVÉS" in again
    # Going back and choosing again changes nothing stored until JE VOTE.
    assert Emargement.objects.count() == 0 and Ballot.objects.count() == 0
    assert vote(voter_client, scrutin, "liste-03").status_code == 200


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Sélectionnez une liste ou le vote blanc"),
        ({"choix": "liste-99"}, "ne fait pas partie du bulletin"),
    ],
)
def test_step_3_without_a_valid_choice_says_so(open_election, scrutins, voter_client, data, message):
    response = voter_client.post(f"/portail/je-vote/{scrutins[0].pk}/confirmer/", data)
    assert response.status_code == 400
    assert message in html(response)
    assert "LES LOGOS SONT ACTIVÉS" in html(response)


@pytest.mark.parametrize(
    "data", [{}, {"choix": "liste-99"}, {"choix": "x" * 500}, {"ballot": "{", "choix": ""}]
)
def test_je_vote_with_bad_input_is_refused_and_nothing_is_written(
    open_election, scrutins, voter_client, data
):
    response = voter_client.post(f"/portail/je-vote/{scrutins[0].pk}/voter/", data)
    assert response.status_code == 400
    assert "Votre bulletin n'a pas été déposé" in html(response)
    assert Emargement.objects.count() == 0 and Ballot.objects.count() == 0


def test_a_second_vote_in_the_same_scrutin_is_refused(open_election, scrutins, voter_client):
    scrutin = scrutins[0]
    assert vote(voter_client, scrutin).status_code == 200
    for response in (
        voter_client.get(f"/portail/je-vote/{scrutin.pk}/"),
        voter_client.post(f"/portail/je-vote/{scrutin.pk}/confirmer/", {"choix": "blank"}),
        voter_client.post(f"/portail/je-vote/{scrutin.pk}/voter/", {"choix": "blank"}),
    ):
        assert response.status_code == 409
        page = html(response)
        assert "Vous avez déjà voté à ce scrutin" in page
        assert f"/portail/je-vote/{scrutin.pk}/emargement.pdf" in page
    assert Ballot.objects.count() == 1 and Emargement.objects.count() == 1


def test_a_scrutin_not_on_my_roll_is_404_everywhere(open_election, scrutins, voter_client):
    other = scrutins[2]
    assert voter_client.get(f"/portail/je-vote/{other.pk}/").status_code == 404
    assert voter_client.post(f"/portail/je-vote/{other.pk}/confirmer/", {"choix": "blank"}).status_code == 404
    assert voter_client.post(f"/portail/je-vote/{other.pk}/voter/", {"choix": "blank"}).status_code == 404
    assert voter_client.get(f"/portail/je-vote/{other.pk}/emargement.pdf").status_code == 404
    assert Ballot.objects.count() == 0


def test_steps_need_a_logged_in_voter_and_the_right_methods(open_election, scrutins, voter_client):
    scrutin = scrutins[0]
    client = Client()
    assert client.get("/portail/je-vote/").status_code == 302
    assert client.post(f"/portail/je-vote/{scrutin.pk}/voter/", {"choix": "blank"}).status_code == 302
    assert voter_client.get(f"/portail/je-vote/{scrutin.pk}/voter/").status_code == 405
    assert voter_client.get(f"/portail/je-vote/{scrutin.pk}/confirmer/").status_code == 405
    assert voter_client.get("/portail/je-vote/preuve-de-depot/").status_code == 405
    assert Ballot.objects.count() == 0


def test_outside_the_voting_window_the_period_is_shown_and_nothing_is_written(open_election, scrutins, voter):
    Election.objects.filter(pk=open_election.pk).update(
        opens=paris(2026, 12, 1, 8, 0), closes=paris(2026, 12, 8, 17, 0)
    )
    with time_machine.travel(paris(2026, 11, 30, 9, 0), tick=False):
        client = login(Client(), voter)
        step1 = html(client.get("/portail/je-vote/"))
        assert "PARTICIPER" not in step1
        assert "Le vote est ouvert du mardi 1 décembre 2026 à 08h00 au mardi 8 décembre 2026 à 17h00" in step1
        response = client.get(f"/portail/je-vote/{scrutins[0].pk}/")
        assert response.status_code == 403
        assert "Le vote n'est pas encore ouvert." in html(response)
        assert "mardi 1 décembre 2026 à 08h00" in html(response)
        response = client.post(f"/portail/je-vote/{scrutins[0].pk}/voter/", {"choix": "blank"})
        assert response.status_code == 403
    assert Emargement.objects.count() == 0 and Ballot.objects.count() == 0


def test_after_closing_a_voter_logged_in_before_may_finish_within_30_minutes(open_election, scrutins, voter):
    Election.objects.filter(pk=open_election.pk).update(
        opens=paris(2026, 12, 1, 8, 0), closes=paris(2026, 12, 8, 17, 0)
    )
    with time_machine.travel(paris(2026, 12, 8, 16, 50)) as traveller:
        client = login(Client(), voter)
        traveller.move_to(paris(2026, 12, 8, 17, 20))
        assert vote(client, scrutins[0]).status_code == 200
        traveller.move_to(paris(2026, 12, 8, 17, 31))
        response = client.post(f"/portail/je-vote/{scrutins[1].pk}/voter/", {"choix": "blank"})
        assert response.status_code == 403 and "Le vote est clos." in html(response)
    with time_machine.travel(paris(2026, 12, 8, 17, 5)):
        late = login(Client(), voter)  # logged in after the closing time: no grace
        response = late.post(f"/portail/je-vote/{scrutins[1].pk}/voter/", {"choix": "blank"})
        assert response.status_code == 403
    assert Emargement.objects.count() == 1


def test_a_suspended_vote_refuses_with_a_clear_message(open_election, scrutins, voter_client):
    Election.objects.filter(pk=open_election.pk).update(state=Election.State.SUSPENDED)
    response = voter_client.post(f"/portail/je-vote/{scrutins[0].pk}/voter/", {"choix": "blank"})
    assert response.status_code == 403
    assert "Le vote est suspendu par le bureau de vote" in html(response)
    assert Ballot.objects.count() == 0


# --- ballots built elsewhere (the browser, next) -------------------------------------------


def test_a_prebuilt_ballot_is_verified_and_its_reference_checked(open_election, scrutins, voter_client):
    scrutin = scrutins[0]
    ballot = ballot_build(scrutin=scrutin, choice="liste-01")
    reference = crypto.ballot_reference(ballot)
    url = f"/portail/je-vote/{scrutin.pk}/voter/"
    wrong = voter_client.post(url, {"ballot": json.dumps(ballot), "reference": "0" * 64})
    assert wrong.status_code == 400 and "ne correspond pas" in html(wrong)
    assert Emargement.objects.count() == 0
    response = voter_client.post(url, {"ballot": json.dumps(ballot), "reference": reference})
    assert response.status_code == 200 and reference in html(response)


@pytest.mark.parametrize("change", ["tamper", "other_scrutin", "not_json", "two_choices"])
def test_a_false_ballot_is_refused_and_nothing_is_written(open_election, scrutins, voter_client, change):
    scrutin = scrutins[0]
    ballot = ballot_build(scrutin=scrutin, choice="liste-01")
    if change == "tamper":
        ballot["answers"][0]["beta"], ballot["answers"][1]["beta"] = (
            ballot["answers"][1]["beta"],
            ballot["answers"][0]["beta"],
        )
        body = json.dumps(ballot)
    elif change == "other_scrutin":
        body = json.dumps(ballot_build(scrutin=scrutins[1], choice="liste-01"))
    elif change == "not_json":
        body = "{'answers': []}"
    else:
        from ballots.crypto.ballot import _encrypt

        body = json.dumps(_encrypt(crypto_parameters(scrutin), [1, 1, 0, 0], crypto.ballot.g.random_scalar))
    response = voter_client.post(f"/portail/je-vote/{scrutin.pk}/voter/", {"ballot": body})
    assert response.status_code == 400
    assert "n'est pas valide" in html(response)
    assert Emargement.objects.count() == 0 and Ballot.objects.count() == 0


def test_a_replayed_ballot_is_weeded_and_the_second_voter_can_still_vote(
    open_election, scrutins, voter_client
):
    scrutin = scrutins[0]
    ballot = json.dumps(ballot_build(scrutin=scrutin, choice="liste-01"))
    assert voter_client.post(f"/portail/je-vote/{scrutin.pk}/voter/", {"ballot": ballot}).status_code == 200
    other = make_voter(election=open_election, matricule="B2002", scrutins=scrutins[:1])
    client = login(Client(), other)
    # Same ciphertexts, so the same alphas: refused by the weeding index.
    replay = client.post(f"/portail/je-vote/{scrutin.pk}/voter/", {"ballot": ballot})
    assert replay.status_code == 400
    assert not Emargement.objects.filter(voter=other).exists()
    # Only one alpha reused, under a new reference: the weeding index still refuses it.
    fresh = ballot_build(scrutin=scrutin, choice="blank")
    fresh["answers"][0] = json.loads(ballot)["answers"][0]
    assert (
        client.post(f"/portail/je-vote/{scrutin.pk}/voter/", {"ballot": json.dumps(fresh)}).status_code == 400
    )
    assert vote(client, scrutin, "blank").status_code == 200
    assert Ballot.objects.filter(scrutin=scrutin).count() == 2


def test_casting_writes_no_audit_row_log_line_session_or_cache_entry_with_the_reference(
    open_election, scrutins, voter_client, caplog
):
    from django.contrib.sessions.models import Session
    from django.core.cache import cache

    before = AuditEntry.objects.count()
    caplog.set_level("DEBUG")
    response = vote(voter_client, scrutins[0])
    reference = Ballot.objects.get().reference
    assert reference in html(response)
    assert AuditEntry.objects.count() == before
    assert reference not in caplog.text
    for session in Session.objects.all():
        assert reference not in json.dumps(session.get_decoded())
    store = getattr(cache, "_cache", {})
    assert all(reference not in repr(key) + repr(value) for key, value in store.items())
    # The reference never travels in a URL either.
    assert not re.search(rf'href="[^"]*{reference}', html(response))


def test_the_ballot_shows_the_options_frozen_at_opening(open_election, scrutins, voter_client):
    from tests.factories import CandidateListFactory

    scrutin = scrutins[0]
    CandidateListFactory(
        scrutin=scrutin, code="liste-tardive", name="Liste ajoutée après l'ouverture", order=0
    )
    page = html(voter_client.get(f"/portail/je-vote/{scrutin.pk}/?activer=1"))
    assert "Liste ajoutée après l'ouverture" not in page
    assert 'for="choix-1">Liste n° 1' in page and 'for="choix-4">Vote blanc' in page
    assert (
        voter_client.post(f"/portail/je-vote/{scrutin.pk}/confirmer/", {"choix": "liste-tardive"}).status_code
        == 400
    )
    assert (
        voter_client.post(f"/portail/je-vote/{scrutin.pk}/voter/", {"choix": "liste-tardive"}).status_code
        == 400
    )
    assert Ballot.objects.count() == 0
