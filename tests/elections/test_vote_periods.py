"""What a voter sees and may do in each period of the vote, through the web pages (issue 15,
items 2, 6, 7 and 9): before the opening, suspended, at and after the closing time (the
30-minute grace), and once the box is frozen (the receipts only)."""

import datetime as dt
import re
from html import unescape

import pytest
import time_machine
from django.core import mail
from django.test import Client

from accounts import services as account_services
from accounts import votecode
from accounts.models import AuditEntry, VoteCode
from ballots.lifecycle import lifecycle_tick
from ballots.models import Ballot, Emargement
from elections.lifecycle import VoterPeriod, voter_period
from elections.models import Election, Page, VoterRequest
from tests.ballots.test_voting import blank_vote, vote
from tests.conftest import paris
from tests.factories import (
    VOTER_PASSWORD,
    CandidateListFactory,
    ElectionFactory,
    ScrutinFactory,
    make_voter,
    open_for_voting,
)

pytestmark = pytest.mark.django_db

OPENS = paris(2026, 12, 1, 8, 0)
CLOSES = paris(2026, 12, 8, 17, 0)
GRACE = dt.timedelta(minutes=30)
SECOND = dt.timedelta(seconds=1)


def text(response) -> str:
    return unescape(response.content.decode()).replace("\xa0", " ")


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
    assert response.status_code == 302, text(response)[:2000]
    return client


def period_message(response) -> tuple[str, str]:
    """The role and the text of the page's period message (``id="vote-period"``)."""
    found = re.search(
        r'<div class="fr-alert[^"]*" role="(status|alert)" id="vote-period">(.*?)</div>',
        text(response),
        re.DOTALL,
    )
    assert found, "no period message on the page"
    return found.group(1), re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(2))).strip()


def casting_links(response, scrutins) -> list[str]:
    """Links on the page that lead to a ballot (steps 2-3)."""
    page = text(response)
    return [f"/portail/je-vote/{s.pk}/" for s in scrutins if f'href="/portail/je-vote/{s.pk}/"' in page]


def nothing_cast() -> bool:
    return not Ballot.objects.exists() and not Emargement.objects.exists()


# --- the period, as the state machine says it ----------------------------------------------


@pytest.mark.parametrize(
    ("state", "now", "period"),
    [
        ("preparation", OPENS - SECOND, VoterPeriod.NOT_OPEN),
        ("sealed", OPENS + SECOND, VoterPeriod.NOT_OPEN),  # the scheduler has not opened it yet
        ("open", OPENS - SECOND, VoterPeriod.NOT_OPEN),
        ("open", OPENS, VoterPeriod.OPEN),
        ("open", CLOSES - SECOND, VoterPeriod.OPEN),
        ("open", CLOSES, VoterPeriod.CLOSED),  # the scheduler has not closed it yet
        ("suspended", CLOSES - SECOND, VoterPeriod.SUSPENDED),
        ("suspended", CLOSES, VoterPeriod.CLOSED),
        ("closing", CLOSES + GRACE - SECOND, VoterPeriod.CLOSED),
        ("closing", CLOSES + GRACE, VoterPeriod.CLOSED),  # not frozen yet
        ("closed", CLOSES + GRACE, VoterPeriod.RECEIPTS),
        ("counted", CLOSES + dt.timedelta(days=2), VoterPeriod.RECEIPTS),
    ],
)
def test_the_voters_period_by_state_and_clock(state, now, period):
    election = Election(state=state, opens=OPENS, closes=CLOSES)
    assert voter_period(election, now) == period


# --- before the opening ----------------------------------------------------------------------


@pytest.fixture
def before(db):
    """An election before its opening (08:00 in Paris is 07:00 UTC), a voter on two scrutins."""
    election = ElectionFactory(state=Election.State.PREPARATION, opens=OPENS, closes=CLOSES)
    scrutins = [ScrutinFactory(election=election, order=i) for i in range(2)]
    for scrutin in scrutins:
        CandidateListFactory(scrutin=scrutin, code="liste-01", name="Liste n° 1", order=0)
    voter = make_voter(election=election, matricule="A1001", scrutins=scrutins)
    return election, scrutins, voter


@pytest.mark.parametrize("state", [Election.State.PREPARATION, Election.State.SEALED])
def test_before_the_opening_the_portal_works_and_says_when_the_vote_opens(before, state):
    election, scrutins, voter = before
    Election.objects.filter(pk=election.pk).update(state=state)
    with time_machine.travel(paris(2026, 11, 30, 10, 0), tick=False):
        client = login(voter)
        home = client.get("/portail/")
        assert home.status_code == 200
        role, message = period_message(home)
        assert role == "status"
        assert "Le vote n'est pas encore ouvert" in message
        assert "Il ouvrira le mardi 1 décembre 2026 à 08h00 (heure de Paris)" in message
        assert "Consulter les scrutins, les candidatures et voter" not in text(home)
        assert casting_links(home, scrutins) == []

        step1 = client.get("/portail/je-vote/")
        assert step1.status_code == 200
        role, message = period_message(step1)
        assert role == "status"
        assert "Le vote n'est pas encore ouvert" in message
        assert "Il ouvrira le mardi 1 décembre 2026 à 08h00 (heure de Paris)" in message
        assert "PARTICIPER" not in text(step1)
        assert casting_links(step1, scrutins) == []

        # Nothing can be cast: the ballot and JE VOTE are refused with the opening date.
        ballot = client.get(f"/portail/je-vote/{scrutins[0].pk}/")
        assert ballot.status_code == 403
        assert "Le vote n'est pas encore ouvert" in text(ballot)
        assert "mardi 1 décembre 2026 à 08h00" in text(ballot)
        cast = client.post(
            f"/portail/je-vote/{scrutins[0].pk}/voter/", {"ballot": "{}", "reference": "0" * 64}
        )
        assert cast.status_code == 403
        assert nothing_cast()

        # Everything else of the portal works: scrutins, lists, rolls, réclamations, assistance.
        assert "Liste n° 1" in text(client.get("/portail/scrutins/"))
        assert "DURAND" in text(client.get(f"/portail/scrutins/{scrutins[0].pk}/liste-electorale/"))
        assert client.get("/portail/compte/").status_code == 200
        reclamation = client.post(
            "/portail/reclamation/",
            {"scrutin": scrutins[0].pk, "subject": "Mon affectation", "message": "Elle a changé."},
        )
        assert reclamation.status_code == 302
        assistance = client.post(
            "/portail/assistance/", {"subject": "Question", "message": "Comment voter ?"}
        )
        assert assistance.status_code == 302
    assert VoterRequest.objects.filter(voter=voter).count() == 2


# --- suspended -------------------------------------------------------------------------------


def test_while_suspended_voters_are_told_to_come_back_later_and_cannot_cast(open_election, scrutins, voter):
    client = login(voter)
    ballot = blank_vote(scrutins[0])
    Election.objects.filter(pk=open_election.pk).update(state=Election.State.SUSPENDED)
    for url in ("/portail/", "/portail/je-vote/"):
        page = client.get(url)
        assert page.status_code == 200
        role, message = period_message(page)
        assert role == "alert"
        assert "Le bureau de vote a suspendu le vote" in message
        assert "Revenez plus tard" in message
        assert "PARTICIPER" not in text(page) and casting_links(page, scrutins) == []
    refused = client.get(f"/portail/je-vote/{scrutins[0].pk}/")
    assert refused.status_code == 403
    assert "Le vote est suspendu par le bureau de vote" in text(refused)
    assert "Revenez plus tard" in text(refused)
    assert client.post(f"/portail/je-vote/{scrutins[0].pk}/voter/", ballot).status_code == 403
    assert nothing_cast()


# --- the closing time and the grace ---------------------------------------------------------


@pytest.fixture
def voting(db):
    """An election open from OPENS to CLOSES (opened through the real service), two voters."""
    with time_machine.travel(paris(2026, 12, 8, 9, 0), tick=False):
        election = ElectionFactory(opens=OPENS, closes=CLOSES)
        scrutins = [ScrutinFactory(election=election, order=i) for i in range(2)]
        early = make_voter(election=election, matricule="A1001", scrutins=scrutins)
        late = make_voter(election=election, matricule="B2002", scrutins=scrutins, first_name="Dominique")
        open_for_voting(election)
    return election, scrutins, early, late


@pytest.mark.parametrize("scheduler_ran", [False, True], ids=["scheduler-late", "scheduler-ran"])
def test_exactly_at_the_closing_time_only_a_session_opened_before_may_finish_within_the_grace(
    voting, scheduler_ran
):
    election, scrutins, early, late = voting
    with time_machine.travel(CLOSES - SECOND, tick=False) as traveller:
        early_client = login(early)  # one second before the closing time
        traveller.move_to(CLOSES)
        if scheduler_ran:
            assert [t for _, t in lifecycle_tick()] == ["close"]
        late_client = login(late)  # exactly at the closing time: no new entry to the voting space

        step1 = early_client.get("/portail/je-vote/")
        role, message = period_message(step1)
        assert role == "alert"
        assert "Le vote a fermé le mardi 8 décembre 2026 à 17h00" in message
        assert "vous pouvez encore terminer votre vote jusqu'à 17h30" in message
        assert casting_links(step1, scrutins) == [f"/portail/je-vote/{s.pk}/" for s in scrutins]
        assert vote(early_client, scrutins[0]).status_code == 200

        for page in (late_client.get("/portail/je-vote/"), late_client.get("/portail/")):
            role, message = period_message(page)
            assert role == "status"
            assert "Le vote est clos" in message and "il n'est plus possible de commencer un vote" in message
            assert "PARTICIPER" not in text(page) and casting_links(page, scrutins) == []
        refused = late_client.get(f"/portail/je-vote/{scrutins[0].pk}/")
        assert refused.status_code == 403
        assert "Le vote est clos." in text(refused)
        assert "Aucun vote n'a été enregistré" in text(refused)
        cast = late_client.post(f"/portail/je-vote/{scrutins[0].pk}/voter/", blank_vote(scrutins[0]))
        assert cast.status_code == 403

        # The grace ends 30 minutes after the closing time (the session, idle at most 20 minutes,
        # is kept alive in between).
        traveller.move_to(CLOSES + dt.timedelta(minutes=15))
        assert early_client.get("/portail/je-vote/").status_code == 200
        traveller.move_to(CLOSES + GRACE - SECOND)
        assert early_client.get(f"/portail/je-vote/{scrutins[1].pk}/").status_code == 200
        traveller.move_to(CLOSES + GRACE)
        cast = early_client.post(f"/portail/je-vote/{scrutins[1].pk}/voter/", blank_vote(scrutins[1]))
        assert cast.status_code == 403 and "Le vote est clos." in text(cast)
    assert list(Emargement.objects.values_list("voter__matricule", "scrutin")) == [("A1001", scrutins[0].pk)]
    assert Ballot.objects.count() == 1


def test_within_the_grace_a_voter_logged_in_before_casts_until_its_last_instant(voting):
    election, scrutins, early, _late = voting
    with time_machine.travel(CLOSES - dt.timedelta(minutes=10), tick=False) as traveller:
        client = login(early)
        traveller.move_to(CLOSES)
        lifecycle_tick()
        traveller.move_to(CLOSES + GRACE - SECOND)
        assert lifecycle_tick() == []  # not frozen before the grace is over
        assert vote(client, scrutins[0]).status_code == 200
    assert Emargement.objects.filter(voter=early).count() == 1


# --- after the freeze: the receipts only -----------------------------------------------------


@pytest.fixture
def frozen(voting):
    """The early voter voted in the first scrutin (in the grace, keeping the accusé's preuve de
    dépôt); the scheduler closed the vote then froze the box; the election has a FAQ page."""
    election, scrutins, early, late = voting
    with time_machine.travel(CLOSES - dt.timedelta(minutes=5), tick=False) as traveller:
        client = login(early)
        traveller.move_to(CLOSES + GRACE - dt.timedelta(minutes=1))
        lifecycle_tick()
        receipt = vote(client, scrutins[0])
        assert receipt.status_code == 200
        token = re.search(r'name="preuve" value="([^"]+)"', receipt.content.decode()).group(1)
        traveller.move_to(CLOSES + GRACE)
        assert [t for _, t in lifecycle_tick()] == ["freeze"]
    election.refresh_from_db()
    page = Page.objects.create(slug="faq-test", kind=Page.Kind.FAQ, title="FAQ", body="Questions.")
    return election, scrutins, early, late, client, token, page


def test_after_the_freeze_a_voter_logs_in_for_the_receipts(frozen):
    election, scrutins, early, _late, grace_client, token, page = frozen
    with time_machine.travel(CLOSES + GRACE + dt.timedelta(minutes=10), tick=False):
        # The preuve de dépôt of a vote cast in the grace is still downloaded after the freeze.
        proof = grace_client.post("/portail/je-vote/preuve-de-depot/", {"preuve": token})
        assert proof.status_code == 200 and proof["Content-Type"] == "application/pdf"
    with time_machine.travel(CLOSES + dt.timedelta(days=1), tick=False):
        client = login(early)
        home = client.get("/portail/")
        assert home.status_code == 200
        role, message = period_message(home)
        assert role == "status"
        assert "Le vote a fermé le mardi 8 décembre 2026 à 17h00" in message
        assert "télécharger l'émargement" in message
        assert 'href="/portail/je-vote/"' in text(home) and "Mes émargements" in text(home)
        assert f'href="/urne/{election.slug}/"' in text(home) and 'href="/verification/"' in text(home)
        for closed_url in ("/portail/reclamation/", "/portail/assistance/", "/portail/compte/"):
            assert f'href="{closed_url}"' not in text(home)

        step1 = client.get("/portail/je-vote/")
        assert step1.status_code == 200
        assert period_message(step1)[0] == "status"
        assert "Choix enregistré le mardi 8 décembre 2026 à 17h29" in text(step1)
        assert "PARTICIPER" not in text(step1) and casting_links(step1, scrutins) == []
        pdf = client.get(f"/portail/je-vote/{scrutins[0].pk}/emargement.pdf")
        assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"

        # Public and help pages stay: the public ballot box, the verification, the FAQ.
        assert client.get(f"/urne/{election.slug}/").status_code == 200
        assert client.get(f"/urne/{election.slug}/{scrutins[0].code}/").status_code == 200
        assert client.get("/verification/").status_code == 200
        assert client.get(f"/pages/{page.slug}/").status_code == 200
        assert client.get(f"/aide/{election.slug}/mot-de-passe-perdu/").status_code == 200
        assert client.post("/deconnexion/").status_code == 302


def test_after_the_freeze_every_other_voter_page_is_refused_and_writes_nothing(frozen):
    election, scrutins, early, _late, _grace_client, _token, _page = frozen
    list_id = scrutins[0].lists.first().pk
    with time_machine.travel(CLOSES + dt.timedelta(days=1), tick=False):
        client = login(early)
        requests_before = VoterRequest.objects.count()
        audit_before = AuditEntry.objects.count()
        refused = {
            ("GET", f"/portail/je-vote/{scrutins[1].pk}/"): {},
            ("POST", f"/portail/je-vote/{scrutins[1].pk}/voter/"): blank_vote(scrutins[1]),
            ("GET", "/portail/scrutins/"): {},
            ("GET", f"/portail/scrutins/{scrutins[0].pk}/liste-electorale/"): {},
            ("GET", f"/portail/listes/{list_id}/logo/"): {},
            ("GET", "/portail/reclamation/"): {},
            ("POST", "/portail/reclamation/"): {"scrutin": scrutins[0].pk, "subject": "S", "message": "M"},
            ("GET", "/portail/assistance/"): {},
            ("POST", "/portail/assistance/"): {"subject": "S", "message": "M"},
            ("GET", "/portail/compte/"): {},
            ("POST", "/portail/compte/"): {"email": "nouvelle@example.org"},
            ("GET", "/portail/compte/confirmer/abc/"): {},
        }
        for (method, url), data in refused.items():
            response = client.get(url) if method == "GET" else client.post(url, data)
            assert response.status_code == 403, (method, url, response.status_code)
            assert "Le vote est clos" in text(response), (method, url)
    assert VoterRequest.objects.count() == requests_before
    assert AuditEntry.objects.count() == audit_before
    assert Ballot.objects.count() == Emargement.objects.count() == 1
    assert mail.outbox == []
    early.refresh_from_db()
    assert early.email != "nouvelle@example.org"


def test_after_the_freeze_the_refusal_page_is_an_alert_pointing_to_the_receipts(frozen):
    _election, _scrutins, early, *_ = frozen
    client = login(early)
    response = client.get("/portail/reclamation/")
    assert response.status_code == 403
    page = text(response)
    assert re.search(r'class="fr-alert fr-alert--warning fr-mb-3w" role="alert">\s*<h2[^>]*>Cette page', page)
    assert 'href="/portail/je-vote/">Mes émargements</a>' in page


@pytest.mark.parametrize("state", [Election.State.CLOSED, Election.State.COUNTED])
def test_after_the_freeze_vote_codes_are_neither_entered_nor_sent(open_election, scrutins, voter, state):
    Election.objects.filter(pk=open_election.pk).update(vote_code_enabled=True)
    account_services.voter_set_recovery_secrets(voter=voter, numen="26E0001001234", nir="1800575123456")
    voter.email, voter.email_confirmed = "camille.durand@example.org", True
    voter.save()
    votecode.vote_code_issue_letter(voter=voter, code="ACDE3479")
    codes = list(VoteCode.objects.values_list("pk", "used", "failures"))
    client = login(voter)
    Election.objects.filter(pk=open_election.pk).update(state=state)
    for response in (
        client.get("/portail/code-de-vote/"),
        client.post("/portail/code-de-vote/", {"code": "ACDE3479", "next": "/portail/je-vote/"}),
        client.get("/portail/code-de-vote/nouveau/"),
        client.post("/portail/code-de-vote/nouveau/", {"kind": "numen", "identifier": "26E0001001234"}),
    ):
        assert response.status_code == 403 and "Le vote est clos" in text(response)
    assert list(VoteCode.objects.values_list("pk", "used", "failures")) == codes
    assert mail.outbox == []


def test_after_the_freeze_a_voter_who_never_chose_an_identifier_is_told_it_is_too_late(db):
    election = ElectionFactory(
        login_mode=Election.LoginMode.IDENTIFIER, vote_code_enabled=True, state=Election.State.CLOSED
    )
    voter = make_voter(election=election, scrutins=[ScrutinFactory(election=election)])
    client = Client()
    notice = {
        "matricule": voter.matricule,
        "birth_date": "17/05/1980",
        "security_key": "ACDE-FGHJ-KMNP",
        "password": VOTER_PASSWORD,
        "captcha_0": "test",
        "captcha_1": "PASSED",
    }
    assert client.post(f"/connexion/{election.slug}/premiere-connexion/", notice).status_code == 302
    response = client.get("/portail/premiere-connexion/")
    assert response.status_code == 403
    assert "il n'est plus possible de le faire" in text(response)
    email = "camille@example.org"
    data = {"email": email, "email2": email, "password1": "Trois petits chats gris", "password2": "x"}
    data["password2"] = data["password1"]
    assert client.post("/portail/premiere-connexion/", data).status_code == 403
    voter.refresh_from_db()
    assert voter.credentials_set_up is None and mail.outbox == []
    # Nothing left to set up: the portal and the receipts open without it.
    home = client.get("/portail/")
    assert home.status_code == 200
    receipts = client.get("/portail/je-vote/")
    assert receipts.status_code == 200
