"""The bureau de vote's pages (issue 15, items 3 and 6): its elections, the dashboard, the
confirmation pages of its actions and the live émargement list, through HTTP."""

import datetime as dt
import html
import re

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import AuditEntry
from ballots import lifecycle
from ballots.models import Ballot, ElectionSeal, IntegrityCheck, ScrutinFreeze, SealConfirmation
from ballots.services import ballot_build, ballot_cast
from elections.models import BureauMember, CandidateList, Election
from tests.ballots.test_integrity import rename_in_database
from tests.conftest import run_jobs
from tests.factories import BUREAU_GROUP, StaffFactory, seal_by_bureau, sealable_election

pytestmark = pytest.mark.django_db

ACTIONS = ("sceller", "suspendre", "reprendre", "integrite")


def urls(election) -> list[str]:
    base = f"/gestion/bureau/{election.slug}/"
    return [base, *(f"{base}{action}/" for action in ACTIONS), f"{base}emargements/"]


def text(response) -> str:
    """The page's text: tags removed, entities decoded, blanks collapsed."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]*>", "", response.content.decode())))


def shown_seal(response) -> str:
    match = re.search(r'name="seal" value="([0-9a-f]{64})"', response.content.decode())
    assert match, "the confirmation page carries the seal it shows"
    return match[1]


def grouped(seal: str) -> str:
    return " ".join(seal[i : i + 4] for i in range(0, 64, 4))


@pytest.fixture
def prepared():
    """An election in preparation that passes the checks, opening in two days."""
    opens = timezone.now() + dt.timedelta(days=2)
    return sealable_election(opens=opens, closes=opens + dt.timedelta(days=8))


@pytest.fixture
def opened():
    """A sealed election whose vote is open (opened by the calendar), three voters."""
    election, bureau = sealable_election(voters=3)
    seal_by_bureau(election, bureau)
    lifecycle.lifecycle_tick()
    election.refresh_from_db()
    assert election.get_state_display() == "Ouverte"
    return election, bureau


def cast(election, voter):
    scrutin = election.scrutins.get()
    return ballot_cast(
        voter=voter, scrutin_id=scrutin.pk, ballot=ballot_build(scrutin=scrutin, choice="liste-1")
    )


# --- who gets in ----------------------------------------------------------------------


def test_staff_without_an_active_seat_in_this_election_gets_404_on_every_bureau_url(client, prepared):
    election, bureau = prepared
    other, other_bureau = sealable_election()
    outsider = StaffFactory(groups=[Group.objects.get(name=BUREAU_GROUP)])
    retired = bureau["delegate3"]
    BureauMember.objects.filter(election=election, user=retired).update(active=False)
    for user in (outsider, other_bureau["president"], retired):
        client.force_login(user)
        for url in urls(election):
            assert client.get(url).status_code == 404, (user, url)
            assert client.post(url, {"seal": "0" * 64, "reason": "Panne"}).status_code == 404, (user, url)
    client.force_login(outsider)
    assert client.get("/gestion/bureau/").status_code == 404  # no seat anywhere
    assert client.get("/gestion/bureau/absente/").status_code == 404
    assert not SealConfirmation.objects.exists()
    assert not IntegrityCheck.objects.exists()
    client.force_login(bureau["president"])
    assert client.get(urls(election)[0]).status_code == 200


def test_a_voter_and_an_anonymous_visitor_are_sent_to_the_admin_login(client, prepared):
    election, _ = prepared
    for url in ["/gestion/bureau/", *urls(election)]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/gestion/login/"), url
    voter = election.voters.first()
    client.force_login(voter.user)
    for url in ["/gestion/bureau/", *urls(election)]:
        for response in (client.get(url), client.post(url, {"reason": "Panne"})):
            assert response.status_code == 302 and response["Location"].startswith("/gestion/login/"), url


def test_a_member_sees_their_elections_with_state_and_next_step(client, prepared):
    election, bureau = prepared
    other, _ = sealable_election()
    client.force_login(bureau["secretary"])
    page = text(client.get("/gestion/bureau/"))
    assert election.name in page and "En préparation" in page
    assert "Scellement par le bureau de vote" in page
    assert other.name not in page


def test_the_admin_home_leads_a_bureau_member_to_the_dashboard(client, prepared):
    election, bureau = prepared
    client.force_login(bureau["delegate1"])
    response = client.get("/gestion/")
    assert response.status_code == 200
    assert f'href="/gestion/bureau/{election.slug}/"' in response.content.decode()
    assert "Bureau de vote" in text(response)
    client.force_login(StaffFactory(is_superuser=True))
    response = client.get("/gestion/")
    assert response.status_code == 200
    assert "/gestion/bureau/" not in response.content.decode()


# --- the sealing ----------------------------------------------------------------------


def test_the_president_then_two_delegates_seal_through_the_pages(client, prepared):
    election, bureau = prepared
    seal = lifecycle.seal_status(election).seal
    client.force_login(bureau["president"])
    dashboard = text(client.get(f"/gestion/bureau/{election.slug}/"))
    assert "En préparation" in dashboard
    assert (
        "L'urne est vide" in dashboard and "Les listes électorales ne signalent aucun problème" in dashboard
    )
    assert grouped(seal) in dashboard
    assert "Confirmer le scellement" in dashboard
    for n, key in enumerate(("president", "delegate1", "delegate2"), start=1):
        client.force_login(bureau[key])
        page = client.get(f"/gestion/bureau/{election.slug}/sceller/")
        assert page.status_code == 200
        assert "la troisième confirmation valide scelle l'élection" in text(page)
        assert "plus rien de la définition de l'élection ne peut changer" in text(page)
        assert shown_seal(page) == seal
        response = client.post(f"/gestion/bureau/{election.slug}/sceller/", {"seal": shown_seal(page)})
        assert response.status_code == 302 and response["Location"] == f"/gestion/bureau/{election.slug}/"
        assert SealConfirmation.objects.filter(election=election).count() == n
        if n == 1:
            assert "Le scellement attend : 2 délégué(s)." in text(client.get(response["Location"]))
            again = text(client.get(f"/gestion/bureau/{election.slug}/sceller/"))
            assert "Vous avez déjà confirmé ce sceau" in again and "Il manque : 2 délégué(s)." in again
    election.refresh_from_db()
    assert election.get_state_display() == "Scellée"
    recorded = ElectionSeal.objects.get(election=election)
    dashboard = text(client.get(f"/gestion/bureau/{election.slug}/"))
    assert "Scellée" in dashboard and "Sceau enregistré" in dashboard
    assert grouped(recorded.seal) in dashboard
    assert "Scellement" in dashboard and "Confirmation du scellement" in dashboard  # the trail
    assert "Confirmer le scellement" not in dashboard
    # Who confirmed is on the dashboard, by seat.
    assert "Président" in dashboard and "Délégué n° 1" in dashboard and "Délégué n° 2" in dashboard


def test_a_confirmation_of_an_outdated_seal_is_refused_and_writes_nothing(client, prepared):
    election, bureau = prepared
    client.force_login(bureau["president"])
    page = client.get(f"/gestion/bureau/{election.slug}/sceller/")
    shown = shown_seal(page)
    CandidateList.objects.filter(scrutin__election=election, code="liste-1").update(name="Liste renommée")
    entries = AuditEntry.objects.count()
    response = client.post(f"/gestion/bureau/{election.slug}/sceller/", {"seal": shown})
    assert response.status_code == 400
    assert "Les paramètres de l'élection ont changé depuis l'affichage de la page" in text(response)
    assert not SealConfirmation.objects.exists()
    assert AuditEntry.objects.count() == entries
    # The page shows the new seal to confirm instead.
    assert shown_seal(response) == lifecycle.seal_status(election).seal != shown


def test_a_confirmation_after_the_sealing_is_a_state_conflict(client, prepared):
    election, bureau = prepared
    seal_by_bureau(election, bureau)
    client.force_login(bureau["delegate3"])
    page = client.get(f"/gestion/bureau/{election.slug}/sceller/")
    assert page.status_code == 409 and "Impossible de sceller" in text(page)
    assert 'name="seal"' not in page.content.decode()
    response = client.post(f"/gestion/bureau/{election.slug}/sceller/", {"seal": "0" * 64})
    assert response.status_code == 409 and "Impossible de sceller" in text(response)


def test_a_confirmation_while_a_check_fails_is_refused(client, prepared):
    election, bureau = prepared
    BureauMember.objects.filter(election=election, role=BureauMember.Role.DELEGATE).exclude(
        user=bureau["delegate1"]
    ).update(active=False)
    client.force_login(bureau["president"])
    page = client.get(f"/gestion/bureau/{election.slug}/sceller/")
    assert "Le bureau de vote a un président et au moins deux délégués" in text(page)
    assert "Président : oui ; délégués : 1." in text(page)
    assert 'name="seal"' not in page.content.decode()  # nothing to confirm while a check fails
    seal = lifecycle.seal_status(election).seal
    response = client.post(f"/gestion/bureau/{election.slug}/sceller/", {"seal": seal})
    assert response.status_code == 400
    assert "Les vérifications ne sont pas toutes satisfaites" in text(response)
    assert not SealConfirmation.objects.exists()


# --- suspension -----------------------------------------------------------------------


def test_a_delegate_cannot_suspend_and_the_president_can_with_a_reason(client, opened):
    election, bureau = opened
    url = f"/gestion/bureau/{election.slug}/suspendre/"
    client.force_login(bureau["delegate1"])
    page = client.get(url)
    assert page.status_code == 403
    assert "Cette action revient au bureau de vote : président." in text(page)
    assert "<textarea" not in page.content.decode()
    response = client.post(url, {"reason": "Panne"})
    assert response.status_code == 403 and "revient au bureau de vote : président" in text(response)
    dashboard = text(client.get(f"/gestion/bureau/{election.slug}/"))
    assert "Suspendre le vote" not in dashboard
    client.force_login(bureau["president"])
    assert "Suspendre le vote" in text(client.get(f"/gestion/bureau/{election.slug}/"))
    page = client.get(url)
    assert page.status_code == 200 and "<textarea" in page.content.decode()
    assert "ne peuvent plus voter" in text(page)
    response = client.post(url, {"reason": "Panne du réseau"})
    assert response.status_code == 302
    election.refresh_from_db()
    assert election.get_state_display() == "Suspendue"
    entry = AuditEntry.objects.get(action="election.suspend")
    assert entry.new_values["reason"] == "Panne du réseau" and entry.actor_id == bureau["president"].pk
    dashboard = text(client.get(f"/gestion/bureau/{election.slug}/"))
    assert "Suspension du vote" in dashboard and "Panne du réseau" in dashboard
    response = client.post(f"/gestion/bureau/{election.slug}/reprendre/", {"reason": "Réseau rétabli"})
    assert response.status_code == 302
    election.refresh_from_db()
    assert election.get_state_display() == "Ouverte"
    assert AuditEntry.objects.get(action="election.resume").new_values["reason"] == "Réseau rétabli"


@pytest.mark.parametrize("reason", ["", "   ", "x" * 1001])
def test_an_empty_or_too_long_reason_is_refused(client, opened, reason):
    election, bureau = opened
    client.force_login(bureau["president"])
    response = client.post(f"/gestion/bureau/{election.slug}/suspendre/", {"reason": reason})
    assert response.status_code == 400
    message = "Indiquez le motif" if len(reason) < 1000 else "1 000 caractères au plus"
    assert message in text(response)
    election.refresh_from_db()
    assert election.get_state_display() == "Ouverte"
    assert not AuditEntry.objects.filter(action="election.suspend").exists()


def test_suspending_before_the_opening_is_a_state_conflict(client, prepared):
    election, bureau = prepared
    seal_by_bureau(election, bureau)
    client.force_login(bureau["president"])
    url = f"/gestion/bureau/{election.slug}/suspendre/"
    page = client.get(url)
    assert page.status_code == 409 and "Impossible de suspendre le vote" in text(page)
    response = client.post(url, {"reason": "Essai"})
    assert response.status_code == 409 and "Impossible de suspendre le vote" in text(response)
    election.refresh_from_db()
    assert election.get_state_display() == "Scellée"


# --- during the vote -------------------------------------------------------------------


def test_the_dashboard_shows_the_timetable_and_the_live_counts(client, opened, settings):
    election, bureau = opened
    voters = list(election.voters.order_by("pk"))
    cast(election, voters[0])
    cast(election, voters[1])
    client.force_login(bureau["secretary"])
    page = client.get(f"/gestion/bureau/{election.slug}/")
    body = text(page)
    local = timezone.localtime
    freeze = election.closes + dt.timedelta(minutes=settings.VOTE_CLOSING_GRACE_MINUTES)
    for moment in (election.opens, election.closes, freeze):
        assert f"{local(moment):%d/%m/%Y %H:%M}" in body
    scrutin = election.scrutins.get()
    row = re.search(
        r'<tr id="count-' + re.escape(scrutin.code) + r'">(.*?)</tr>', page.content.decode(), re.S
    )
    assert row and re.findall(r"<td>(\d+)</td>", row[1]) == [
        "3",
        "2",
        "2",
    ]  # registered, émargements, ballots
    assert "Ouverture du vote" in body  # the trail: opened by the calendar
    assert "automatique" in body


def test_the_integrity_check_is_queued_and_the_dashboard_shows_its_outcome(client, opened, settings):
    from django_tasks_db.models import DBTaskResult

    settings.INTEGRITY_CHECK_INTERVAL_MINUTES = 0  # two checks in a row (the pause: test_integrity.py)
    election, bureau = opened
    cast(election, election.voters.first())
    client.force_login(bureau["delegate2"])
    url = f"/gestion/bureau/{election.slug}/integrite/"
    page = client.get(url)
    assert page.status_code == 200 and "recalcule le sceau" in text(page)
    response = client.post(url)
    assert response.status_code == 302
    check = IntegrityCheck.objects.get(election=election)
    assert check.created_by == bureau["delegate2"]
    assert DBTaskResult.objects.filter(task_path="ballots.tasks.integrity_check_run").count() == 1
    dashboard = client.get(f"/gestion/bureau/{election.slug}/")
    assert "En attente" in text(dashboard)
    assert '<meta http-equiv="refresh"' in dashboard.content.decode()  # follows the job
    run_jobs()
    dashboard = client.get(f"/gestion/bureau/{election.slug}/")
    body = text(dashboard)
    assert "Aucune anomalie" in body and "1 bulletin(s) vérifié(s)" in body
    assert '<meta http-equiv="refresh"' not in dashboard.content.decode()
    assert "Résultat du contrôle d'intégrité" in body
    # Something found is shown as such.
    rename_in_database(
        CandidateList.objects.get(scrutin__election=election, code="liste-2"), "Liste modifiée"
    )
    client.post(url)
    run_jobs()
    body = text(client.get(f"/gestion/bureau/{election.slug}/"))
    scrutin = election.scrutins.get()
    assert "Anomalie(s) constatée(s)" in body
    assert f"scrutin {scrutin.code} : les listes, candidats ou documents ont changé" in body


def test_the_integrity_check_before_the_sealing_is_a_state_conflict(client, prepared):
    election, bureau = prepared
    client.force_login(bureau["president"])
    response = client.post(f"/gestion/bureau/{election.slug}/integrite/")
    assert response.status_code == 409 and "pas encore scellée" in text(response)
    assert not IntegrityCheck.objects.exists()


def test_the_emargement_list_shows_who_voted_and_never_a_ballot(client, opened):
    election, bureau = opened
    first, second, third = election.voters.order_by("pk")
    receipt_first = cast(election, first)
    receipt_second = cast(election, second)
    client.force_login(bureau["delegate1"])
    url = f"/gestion/bureau/{election.slug}/emargements/"
    response = client.get(url)
    assert response.status_code == 200
    body = text(response)
    assert first.matricule in body and second.matricule in body and third.matricule not in body
    assert "2 émargement(s)" in body
    for ballot in Ballot.objects.all():
        assert ballot.reference not in response.content.decode()
        assert ballot.reference[:16] not in response.content.decode()
    assert receipt_first.reference not in response.content.decode()
    assert receipt_second.reference not in response.content.decode()
    entry = AuditEntry.objects.get(action="emargement.view")
    assert entry.actor_id == bureau["delegate1"].pk and entry.new_values["rows"] == 2
    searched = text(client.get(url, {"q": second.matricule}))
    assert second.matricule in searched and first.matricule not in searched
    assert AuditEntry.objects.filter(action="emargement.view").count() == 2
    assert (
        AuditEntry.objects.filter(action="emargement.view").order_by("id").last().new_values["query"]
        == second.matricule
    )


def test_the_emargement_list_is_paginated(client, opened, monkeypatch):
    from ballots.bureau import views

    monkeypatch.setattr(views, "EMARGEMENTS_PER_PAGE", 2)
    election, bureau = opened
    for voter in election.voters.all():
        cast(election, voter)
    client.force_login(bureau["president"])
    url = f"/gestion/bureau/{election.slug}/emargements/"
    first_page = text(client.get(url))
    last_page = text(client.get(url, {"page": "2"}))
    matricules = set(election.voters.values_list("matricule", flat=True))
    on_first = {m for m in matricules if m in first_page}
    on_last = {m for m in matricules if m in last_page}
    assert len(on_first) == 2 and len(on_last) == 1 and on_first | on_last == matricules
    assert "Page 1 sur 2" in first_page
    assert client.get(url, {"page": "abc", "q": "x" * 1000}).status_code == 200
    assert client.get(url, {"page": "\x00", "q": "\x00"}).status_code < 500


def test_after_closing_the_dashboard_shows_the_frozen_boxes(client, opened, settings):
    election, bureau = opened
    cast(election, election.voters.first())
    import time_machine

    with time_machine.travel(
        election.closes + dt.timedelta(minutes=settings.VOTE_CLOSING_GRACE_MINUTES), tick=False
    ):
        lifecycle.lifecycle_tick()
    election.refresh_from_db()
    assert election.get_state_display() == "Close"
    client.force_login(bureau["president"])
    body = text(client.get(f"/gestion/bureau/{election.slug}/"))
    scrutin = election.scrutins.get()
    assert grouped(scrutin.freeze.box_hash) in body
    assert grouped(scrutin.freeze.emargements_hash) in body
    assert "Gel de l'urne" in body and "Fermeture du vote" in body
    assert "Suspendre le vote" not in body


def test_a_freeze_after_the_definition_changed_records_and_shows_the_broken_seal(client, opened, settings):
    """R. 211-572: the seal is re-checked at the freeze and the outcome recorded, good or bad."""
    import time_machine

    election, bureau = opened
    scrutin = election.scrutins.get()
    cast(election, election.voters.first())
    rename_in_database(CandidateList.objects.get(scrutin=scrutin, code="liste-2"), "Liste renommée en douce")
    with time_machine.travel(
        election.closes + dt.timedelta(minutes=settings.VOTE_CLOSING_GRACE_MINUTES), tick=False
    ):
        lifecycle.lifecycle_tick()
    election.refresh_from_db()
    assert election.get_state_display() == "Close"  # the freeze is not held up: it records what it found
    freeze = AuditEntry.objects.get(action="election.freeze")
    assert freeze.new_values["seal_intact"] is False
    difference = f"scrutin {scrutin.code} : les listes, candidats ou documents ont changé"
    assert freeze.new_values["seal_differences"] == [difference]
    assert freeze.new_values["ballots_match_emargements"] is True
    client.force_login(bureau["delegate1"])
    body = text(client.get(f"/gestion/bureau/{election.slug}/"))
    assert "Sceau modifié depuis le scellement" in body
    assert f"Écarts : {difference}" in body


def test_a_calendar_step_that_fails_is_in_the_trail_and_on_the_dashboard(
    client, opened, settings, monkeypatch
):
    import time_machine

    election, bureau = opened

    def unreadable(scrutin):
        raise OSError("base de données injoignable")

    monkeypatch.setattr(lifecycle, "emargements_digest", unreadable)  # the freeze fails mid-way
    with time_machine.travel(
        election.closes + dt.timedelta(minutes=settings.VOTE_CLOSING_GRACE_MINUTES), tick=False
    ):
        lifecycle.lifecycle_tick()
    election.refresh_from_db()
    assert election.get_state_display() == "Clôture en cours"  # closed, the freeze failed and waits
    error = AuditEntry.objects.get(action="election.lifecycle.error")
    assert error.actor_id is None
    assert error.new_values["error"] == "OSError: base de données injoignable"
    assert not ScrutinFreeze.objects.filter(scrutin__election=election).exists()  # nothing half-written
    client.force_login(bureau["president"])
    body = text(client.get(f"/gestion/bureau/{election.slug}/"))
    assert "Erreur : OSError: base de données injoignable — l'étape sera retentée." in body


def test_the_dashboard_names_the_checks_that_fail_and_the_expired_confirmations(client, prepared):
    election, bureau = prepared
    seal_by_bureau(election, bureau, members=("president",))
    Election.objects.filter(pk=election.pk).update(name="Élection renommée")
    client.force_login(bureau["delegate1"])
    body = text(client.get(f"/gestion/bureau/{election.slug}/"))
    assert "Aucune confirmation valide." in body
    expired = body.split("Confirmations expirées", 1)[1]
    assert f"Président ({bureau['president'].username})" in expired
    BureauMember.objects.filter(election=election, user=bureau["delegate2"]).update(active=False)
    BureauMember.objects.filter(election=election, user=bureau["delegate3"]).update(active=False)
    body = text(client.get(f"/gestion/bureau/{election.slug}/"))
    assert "Président : oui ; délégués : 1." in body


def test_the_secretary_may_confirm_but_is_told_the_quorum_counts_the_president_and_delegates(
    client, prepared
):
    election, bureau = prepared
    client.force_login(bureau["secretary"])
    page = client.get(f"/gestion/bureau/{election.slug}/sceller/")
    assert "le quorum du scellement compte celles du président et des délégués" in text(page)
    client.force_login(bureau["delegate1"])
    page = client.get(f"/gestion/bureau/{election.slug}/sceller/")
    assert "le quorum du scellement compte" not in text(page)


def test_the_emargement_list_goes_scrutin_by_scrutin(client):
    from elections.models import Candidate
    from tests.factories import CandidateListFactory, ScrutinFactory, make_voter

    election, bureau = sealable_election(voters=1)
    first = election.scrutins.get()
    second = ScrutinFactory(election=election, seats=1, name="CAP des attachés")
    for i in range(2):
        candidate_list = CandidateListFactory(scrutin=second, code=f"cap-{i}", name=f"Liste CAP {i}", order=i)
        Candidate.objects.create(candidate_list=candidate_list, name=f"Candidate {i}", order=0)
    voter = make_voter(election=election, scrutins=(second,), last_name="Martin", first_name="Inès")
    seal_by_bureau(election, bureau)
    lifecycle.lifecycle_tick()
    election.refresh_from_db()
    ballot_cast(voter=voter, scrutin_id=second.pk, ballot=ballot_build(scrutin=second, choice="cap-1"))
    client.force_login(bureau["secretary"])
    url = f"/gestion/bureau/{election.slug}/emargements/"
    default = text(client.get(url))
    assert f"Émargements du scrutin {first.name}" not in default  # nobody voted there yet
    assert "0 émargement(s)" in default and voter.matricule not in default
    assert f'href="?scrutin={second.code}"' in client.get(url).content.decode()
    chosen = text(client.get(url, {"scrutin": second.code}))
    assert "CAP des attachés" in chosen and "MARTIN Inès" in chosen and voter.matricule in chosen
    unknown = client.get(url, {"scrutin": "inconnu"})
    assert unknown.status_code == 200 and voter.matricule not in text(unknown)
    views = AuditEntry.objects.filter(action="emargement.view").order_by("id")
    assert [v.object_id for v in views] == [str(first.pk), str(first.pk), str(second.pk), str(first.pk)]


def test_an_action_posted_without_the_csrf_token_is_refused(opened):
    from django.test import Client

    election, bureau = opened
    client = Client(enforce_csrf_checks=True)
    client.force_login(bureau["president"])
    response = client.post(f"/gestion/bureau/{election.slug}/suspendre/", {"reason": "Panne"})
    assert response.status_code == 403
    election.refresh_from_db()
    assert election.get_state_display() == "Ouverte"
    page = client.get(f"/gestion/bureau/{election.slug}/suspendre/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())[1]
    response = client.post(
        f"/gestion/bureau/{election.slug}/suspendre/", {"reason": "Panne", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    election.refresh_from_db()
    assert election.get_state_display() == "Suspendue"


def test_a_running_integrity_check_shows_its_progress_and_the_page_follows_it(client, opened):
    election, bureau = opened
    IntegrityCheck.objects.create(
        election=election,
        created_by=bureau["president"],
        status=IntegrityCheck.Status.RUNNING,
        done=50,
        total=200,
    )
    client.force_login(bureau["delegate1"])
    response = client.get(f"/gestion/bureau/{election.slug}/")
    assert '<progress max="100" value="25">' in response.content.decode()
    assert "En cours — 25 %" in text(response)
    assert '<meta http-equiv="refresh" content="5">' in response.content.decode()


def test_a_check_asked_too_soon_after_the_last_one_is_refused_in_french(client, opened):
    election, bureau = opened
    client.force_login(bureau["delegate2"])
    url = f"/gestion/bureau/{election.slug}/integrite/"
    client.post(url)
    run_jobs()
    response = client.post(url)
    assert response.status_code == 400  # the bureau pages' refusal other than seat or state
    assert "Un contrôle vient de se terminer : le suivant peut être demandé à partir de" in text(response)
    assert IntegrityCheck.objects.filter(election=election).count() == 1
