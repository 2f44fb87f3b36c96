"""The voting journey through HTTP: four steps, refusals, exactly once.

Steps 2 and 3 happen in the browser (static/js/ballot.js, tested in Chromium in
tests/browser/): here the client does what the page's script does — it reads the
scrutin's parameters from the ballot page, encrypts, and posts the ballot and its
reference.
"""

import contextlib
import datetime as dt
import importlib
import json
import re
from html import unescape

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction
from django.test import Client

from accounts.models import AuditEntry, Voter
from ballots import crypto
from ballots.models import Ballot, BallotAlpha, Emargement
from ballots.services import (
    NotOnRoll,
    VotingClosed,
    ballot_build,
    ballot_cast,
    crypto_parameters,
    voting_window_check,
)
from elections.models import Election, RollEntry
from tests.conftest import paris
from tests.factories import (
    VOTER_PASSWORD,
    ElectionFactory,
    ScrutinFactory,
    in_preparation,
    make_voter,
    open_for_voting,
)

pytestmark = pytest.mark.django_db


def html(response) -> str:
    """The page's text with entities decoded (« n'a » whether written n'a or n'a)."""
    return unescape(response.content.decode())


def page_parameters(response) -> crypto.ScrutinParameters:
    """The scrutin parameters the ballot page gives its script."""
    found = re.search(
        r'<script id="isoloir-scrutin" type="application/json">(.*?)</script>', response.content.decode()
    )
    return crypto.ScrutinParameters.from_json(json.loads(found.group(1)))


def cast_data(ballot) -> dict[str, str]:
    """What JE VOTE posts: the ballot's canonical JSON and the reference, nothing else."""
    body = ballot if isinstance(ballot, str) else crypto.canonical_json(ballot).decode()
    reference = crypto.ballot_reference(ballot) if isinstance(ballot, dict) else "0" * 64
    return {"ballot": body, "reference": reference}


def vote(client, scrutin, choice="liste-02"):
    """Step 2 (the page) → JE VOTE, as the page's script does; returns the JE VOTE response."""
    page = client.get(f"/portail/je-vote/{scrutin.pk}/")
    assert page.status_code == 200
    ballot = crypto.create_ballot(page_parameters(page), choice)
    return client.post(f"/portail/je-vote/{scrutin.pk}/voter/", cast_data(ballot))


def blank_vote(scrutin) -> dict[str, str]:
    return cast_data(ballot_build(scrutin=scrutin, choice="blank"))


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

    page = voter_client.get(f"/portail/je-vote/{first.pk}/")
    step2 = html(page)
    # Without JavaScript only the explanation shows; the ballot is in the page, hidden.
    assert "Pour voter, JavaScript doit être activé dans votre navigateur" in step2
    assert "Aucun choix n'a été envoyé." in step2
    assert '<div id="isoloir-vote" hidden' in step2
    assert page_parameters(page) == crypto_parameters(first)
    assert "Ce scrutin comporte 3 listes et le vote blanc." in step2
    assert step2.count('name="choix"') == 4 and step2.count(" disabled>") == 4
    assert "JE VEUX VOTER, J'ACTIVE LA SÉLECTION DE MON CHOIX DE VOTE" in step2
    assert "<legend" in step2 and step2.count("<fieldset") == 1
    # Step 3's texts come with the page, for the script to show.
    assert "VOUS AVEZ CHOISI LA LISTE" in step2 and "VOUS AVEZ CHOISI DE VOTER BLANC" in step2
    assert "En cliquant sur JE VOTE, votre vote sera définitif et non modifiable." in step2
    # The only form that posts is JE VOTE's, and it carries the ballot and the reference.
    assert re.findall(r'<form[^>]*method="post"[^>]*>', step2.split('id="contenu"')[-1]) == [
        f'<form id="cast-form" method="post" action="/portail/je-vote/{first.pk}/voter/" hidden>'
    ]
    assert Emargement.objects.count() == 0

    ballot = crypto.create_ballot(page_parameters(page), "liste-02")
    response = voter_client.post(f"/portail/je-vote/{first.pk}/voter/", cast_data(ballot))
    assert response.status_code == 200
    receipt = html(response)
    assert f"Vous venez de voter au scrutin {first.name}." in receipt
    assert "Votre vote a été enregistré le" in receipt and "(heure de Paris)" in receipt
    reference = Ballot.objects.get(scrutin=first).reference
    assert reference == crypto.ballot_reference(ballot)
    assert reference in receipt and "est celle calculée par votre navigateur" in receipt
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

    last = html(vote(voter_client, second, "blank"))
    assert "vous avez voté à tous vos scrutins" in last and "Me déconnecter" in last
    assert Ballot.objects.count() == 2 and Emargement.objects.count() == 2


def test_retour_on_the_ballot_goes_back_to_the_scrutins(open_election, scrutins, voter_client):
    step2 = html(voter_client.get(f"/portail/je-vote/{scrutins[0].pk}/"))
    assert re.search(r'href="/portail/je-vote/"[^>]*>RETOUR', step2)


def test_no_url_takes_a_choice_in_clear(open_election, scrutins, voter_client):
    scrutin = scrutins[0]
    # The step 3 page of the server-side flow is gone; JE VOTE refuses a choice.
    assert (
        voter_client.post(f"/portail/je-vote/{scrutin.pk}/confirmer/", {"choix": "blank"}).status_code == 404
    )
    response = voter_client.post(f"/portail/je-vote/{scrutin.pk}/voter/", {"choix": "blank"})
    assert response.status_code == 400
    assert "Aucun bulletin chiffré n'a été reçu" in html(response)
    assert Emargement.objects.count() == 0 and Ballot.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Aucun bulletin chiffré n'a été reçu"),
        ({"choix": "liste-99"}, "Aucun bulletin chiffré n'a été reçu"),
        ({"ballot": "x" * 200_001, "reference": "0" * 64}, "Le bulletin reçu est trop long."),
        ({"ballot": "{", "reference": "0" * 64}, "n'est pas valide"),
        ({"ballot": "{}"}, "La référence calculée par votre navigateur n'a pas été reçue"),
        ({"ballot": "{}", "reference": "ABC"}, "64 caractères hexadécimaux"),
        ({"ballot": "[1, 2.5]", "reference": "0" * 64}, "n'est pas valide"),
    ],
)
def test_je_vote_with_bad_input_is_refused_and_nothing_is_written(
    open_election, scrutins, voter_client, data, message
):
    response = voter_client.post(f"/portail/je-vote/{scrutins[0].pk}/voter/", data)
    assert response.status_code == 400
    assert "Votre bulletin n'a pas été déposé" in html(response)
    assert message in html(response)
    assert Emargement.objects.count() == 0 and Ballot.objects.count() == 0


def test_a_second_vote_in_the_same_scrutin_is_refused(open_election, scrutins, voter_client):
    scrutin = scrutins[0]
    assert vote(voter_client, scrutin).status_code == 200
    for response in (
        voter_client.get(f"/portail/je-vote/{scrutin.pk}/"),
        voter_client.post(f"/portail/je-vote/{scrutin.pk}/voter/", blank_vote(scrutin)),
    ):
        assert response.status_code == 409
        page = html(response)
        assert "Vous avez déjà voté à ce scrutin" in page
        assert f"/portail/je-vote/{scrutin.pk}/emargement.pdf" in page
    assert Ballot.objects.count() == 1 and Emargement.objects.count() == 1


def test_a_scrutin_not_on_my_roll_is_404_everywhere(open_election, scrutins, voter_client):
    other = scrutins[2]
    assert voter_client.get(f"/portail/je-vote/{other.pk}/").status_code == 404
    assert voter_client.post(f"/portail/je-vote/{other.pk}/voter/", blank_vote(other)).status_code == 404
    assert voter_client.get(f"/portail/je-vote/{other.pk}/emargement.pdf").status_code == 404
    assert Ballot.objects.count() == 0


def test_steps_need_a_logged_in_voter_and_the_right_methods(open_election, scrutins, voter_client):
    scrutin = scrutins[0]
    client = Client()
    assert client.get("/portail/je-vote/").status_code == 302
    assert client.post(f"/portail/je-vote/{scrutin.pk}/voter/", blank_vote(scrutin)).status_code == 302
    assert voter_client.get(f"/portail/je-vote/{scrutin.pk}/voter/").status_code == 405
    assert voter_client.post(f"/portail/je-vote/{scrutin.pk}/", blank_vote(scrutin)).status_code == 405
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
        response = client.post(f"/portail/je-vote/{scrutins[0].pk}/voter/", blank_vote(scrutins[0]))
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
        response = client.post(f"/portail/je-vote/{scrutins[1].pk}/voter/", blank_vote(scrutins[1]))
        assert response.status_code == 403 and "Le vote est clos." in html(response)
    with time_machine.travel(paris(2026, 12, 8, 17, 5)):
        late = login(Client(), voter)  # logged in after the closing time: no grace
        response = late.post(f"/portail/je-vote/{scrutins[1].pk}/voter/", blank_vote(scrutins[1]))
        assert response.status_code == 403
    assert Emargement.objects.count() == 1


def test_a_suspended_vote_refuses_with_a_clear_message(open_election, scrutins, voter_client):
    Election.objects.filter(pk=open_election.pk).update(state=Election.State.SUSPENDED)
    response = voter_client.post(f"/portail/je-vote/{scrutins[0].pk}/voter/", blank_vote(scrutins[0]))
    assert response.status_code == 403
    assert "Le vote est suspendu par le bureau de vote" in html(response)
    assert Ballot.objects.count() == 0


# --- what the browser may send -------------------------------------------------------------


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
    response = voter_client.post(f"/portail/je-vote/{scrutin.pk}/voter/", cast_data(body))
    assert response.status_code == 400
    assert "n'est pas valide" in html(response)
    assert Emargement.objects.count() == 0 and Ballot.objects.count() == 0


def test_a_replayed_ballot_is_weeded_and_the_second_voter_can_still_vote(
    open_election, scrutins, voter_client
):
    scrutin = scrutins[0]
    ballot = json.dumps(ballot_build(scrutin=scrutin, choice="liste-01"))
    assert (
        voter_client.post(f"/portail/je-vote/{scrutin.pk}/voter/", cast_data(json.loads(ballot))).status_code
        == 200
    )
    other = make_voter(election=open_election, matricule="B2002", scrutins=scrutins[:1])
    client = login(Client(), other)
    # Same ciphertexts, so the same alphas: refused by the weeding index.
    replay = client.post(f"/portail/je-vote/{scrutin.pk}/voter/", cast_data(json.loads(ballot)))
    assert replay.status_code == 400
    assert not Emargement.objects.filter(voter=other).exists()
    # Only one alpha reused, under a new reference: the weeding index still refuses it.
    fresh = ballot_build(scrutin=scrutin, choice="blank")
    fresh["answers"][0] = json.loads(ballot)["answers"][0]
    assert client.post(f"/portail/je-vote/{scrutin.pk}/voter/", cast_data(fresh)).status_code == 400
    assert vote(client, scrutin, "blank").status_code == 200
    assert Ballot.objects.filter(scrutin=scrutin).count() == 2


def _top_bit(hex_point: str) -> str:
    """The second encoding of a point that libsodium 1.0.18 accepts: bit 255 set."""
    raw = bytes.fromhex(hex_point)
    return (raw[:31] + bytes([raw[31] | 0x80])).hex()


def test_a_second_encoding_of_an_alpha_in_the_box_does_not_pass_the_weeding(open_election, scrutins, voter):
    from ballots.crypto.ballot import _encrypt
    from ballots.crypto.vectors import FixedRandomness
    from ballots.services import BallotRefused, ballot_cast

    scrutin = scrutins[0]
    params = crypto_parameters(scrutin)
    votes = [0, 1, 0, 0]
    first = _encrypt(params, votes, FixedRandomness("weeding"))
    voter.election.refresh_from_db()  # open now
    ballot_cast(voter=voter, scrutin_id=scrutin.pk, ballot=first)
    # Someone who knows the first voter's randomness makes every proof hold over the
    # same alphas, each written with bit 255 set: the same points, other strings.
    other = make_voter(election=open_election, matricule="B2002", scrutins=scrutins[:1])
    twin = _encrypt(
        params,
        votes,
        FixedRandomness("weeding"),
        alpha_encoding=lambda j, alpha: bytes.fromhex(_top_bit(alpha.hex())),
    )
    assert [a["alpha"] for a in twin["answers"]] == [_top_bit(a["alpha"]) for a in first["answers"]]
    with pytest.raises(BallotRefused):
        ballot_cast(voter=other, scrutin_id=scrutin.pk, ballot=twin)
    assert Ballot.objects.filter(scrutin=scrutin).count() == 1
    assert BallotAlpha.objects.filter(scrutin=scrutin).count() == 4
    assert not Emargement.objects.filter(voter=other).exists()


@pytest.mark.parametrize("field", ["alpha", "beta"])
def test_je_vote_with_a_top_bit_identity_is_refused_not_a_500(open_election, scrutins, voter_client, field):
    # 00…0080 passes the identity check byte for byte, and libsodium then decodes it to
    # the identity: its multiplication fails inside the binding.
    scrutin = scrutins[0]
    ballot = ballot_build(scrutin=scrutin, choice="liste-01")
    ballot["answers"][0][field] = "00" * 31 + "80"
    response = voter_client.post(f"/portail/je-vote/{scrutin.pk}/voter/", cast_data(ballot))
    assert response.status_code == 400
    assert "Votre bulletin n'a pas été déposé" in html(response)
    assert "Le bulletin reçu n'est pas valide : il n'a pas été déposé dans l'urne." in html(response)
    assert (
        Emargement.objects.count() == 0 and Ballot.objects.count() == 0 and BallotAlpha.objects.count() == 0
    )


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
    response = voter_client.get(f"/portail/je-vote/{scrutin.pk}/")
    page = html(response)
    assert "Liste ajoutée après l'ouverture" not in page
    assert 'for="choix-1">Liste n° 1' in page and 'for="choix-4">Vote blanc' in page
    assert "liste-tardive" not in page_parameters(response).options
    assert Ballot.objects.count() == 0


def test_a_scrutin_added_after_the_opening_has_no_ballot_yet(open_election, scrutins, voter):
    from tests.factories import ScrutinFactory

    late = ScrutinFactory(election=open_election, code="ajoute-apres")
    with in_preparation(open_election):  # behind the models' guard of the definition
        voter.roll_entries.create(scrutin=late)
    client = login(Client(), voter)
    response = client.get(f"/portail/je-vote/{late.pk}/")
    assert response.status_code == 403
    assert "Ce scrutin n'est pas encore ouvert au vote." in html(response)
    assert client.post(f"/portail/je-vote/{late.pk}/voter/", blank_vote(scrutins[0])).status_code == 403
    assert Ballot.objects.count() == 0


# --- issue 13: the services hold the rules by themselves --------------------------------------------

CLOSED_MESSAGES = {
    Election.State.PREPARATION: "Le vote n'est pas encore ouvert : il ouvrira le ",
    Election.State.SEALED: "Le vote n'est pas encore ouvert : il ouvrira le ",
    Election.State.SUSPENDED: "Le vote est suspendu par le bureau de vote.",
    Election.State.CLOSED: "Le vote est clos.",
    Election.State.COUNTED: "Le vote est clos.",
}


@pytest.mark.parametrize("state", list(CLOSED_MESSAGES))
def test_an_election_not_open_refuses_votes_even_inside_its_dates(open_election, scrutins, voter, state):
    ballot = ballot_build(scrutin=scrutins[0], choice="blank")
    Election.objects.filter(pk=open_election.pk).update(state=state)
    voter = Voter.objects.select_related("election", "user").get(pk=voter.pk)
    now = voter.election.opens + dt.timedelta(days=1)
    assert voter.election.opens < now < voter.election.closes
    with pytest.raises(VotingClosed, match=re.escape(CLOSED_MESSAGES[state])):
        voting_window_check(election=voter.election, voter=voter, now=now)
    with pytest.raises(VotingClosed, match=re.escape(CLOSED_MESSAGES[state])):
        ballot_cast(voter=voter, scrutin_id=scrutins[0].pk, ballot=ballot, now=now)
    assert Emargement.objects.count() == 0 and Ballot.objects.count() == 0


def test_at_the_closing_time_exactly_only_a_voter_logged_in_before_may_still_vote(open_election, voter):
    election = Election.objects.get(pk=open_election.pk)
    closes = election.closes
    grace = dt.timedelta(minutes=30)
    voter.user.last_login = None
    voting_window_check(election=election, voter=voter, now=closes - dt.timedelta(microseconds=1))
    with pytest.raises(VotingClosed, match="Le vote est clos."):
        voting_window_check(election=election, voter=voter, now=closes)
    voter.user.last_login = closes  # logged in at the closing time: not before it
    with pytest.raises(VotingClosed, match="Le vote est clos."):
        voting_window_check(election=election, voter=voter, now=closes)
    voter.user.last_login = closes - dt.timedelta(microseconds=1)
    voting_window_check(election=election, voter=voter, now=closes)
    voting_window_check(election=election, voter=voter, now=closes + grace - dt.timedelta(microseconds=1))
    with pytest.raises(VotingClosed, match="Le vote est clos."):
        voting_window_check(election=election, voter=voter, now=closes + grace)


@contextlib.contextmanager
def _roll_guard_lifted():
    """The database's same-election guard on roll entries (elections 0011) lifted inside the
    test's transaction, as someone with the database owner's rights, or a table rebuilt
    without its triggers, could do: the service must not rely on it."""
    guard = importlib.import_module("elections.migrations.0011_rollentry_same_election_guard")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # ALTER TABLE waits for no deferred check: the foreign keys of earlier rows are checked now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "ALTER TABLE elections_rollentry DISABLE TRIGGER elections_rollentry_same_election"
            )
            yield
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE elections_rollentry ENABLE TRIGGER elections_rollentry_same_election")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        else:
            cursor.execute("DROP TRIGGER elections_rollentry_same_election_insert")
            yield
            cursor.execute(guard.SQLITE_CREATE[0])


def test_ballot_cast_refuses_a_scrutin_of_another_election_even_with_a_stray_roll_entry(
    open_election, scrutins, voter
):
    other = ElectionFactory()
    theirs = ScrutinFactory(election=other, code=scrutins[0].code)  # same code, another election
    open_for_voting(other)
    with in_preparation(other):  # behind the models' guard of the definition
        with pytest.raises(IntegrityError), transaction.atomic():
            RollEntry.objects.create(voter=voter, scrutin=theirs)  # what the database normally refuses
        with _roll_guard_lifted():
            RollEntry.objects.create(voter=voter, scrutin=theirs)
    voter = Voter.objects.select_related("election", "user").get(pk=voter.pk)  # its election, open
    voting_window_check(election=voter.election, voter=voter)
    ballot = ballot_build(scrutin=theirs, choice="blank")
    with pytest.raises(NotOnRoll):
        ballot_cast(voter=voter, scrutin_id=theirs.pk, ballot=ballot)
    assert Emargement.objects.count() == 0 and Ballot.objects.count() == 0
    assert BallotAlpha.objects.count() == 0
