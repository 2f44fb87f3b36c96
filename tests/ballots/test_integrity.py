"""« Contrôler l'intégrité » (issue 15, item 6): the seal recomputed and the box checked, as a
background job whose outcome goes to the job and to the audit trail."""

import json

import pytest
from django.db import connection

from accounts.models import AuditEntry
from ballots import lifecycle
from ballots.integrity import integrity_check_perform, integrity_check_request
from ballots.models import Ballot, Emargement, IntegrityCheck
from ballots.services import ballot_build, ballot_cast
from elections.models import CandidateList
from tests.conftest import run_jobs
from tests.factories import make_voter, seal_by_bureau, sealable_election

pytestmark = pytest.mark.django_db


@pytest.fixture
def voted():
    """An open election (one scrutin, four voters) where three voters have voted."""
    election, bureau = sealable_election(voters=4)
    seal_by_bureau(election, bureau)
    lifecycle.lifecycle_tick()
    election.refresh_from_db()
    scrutin = election.scrutins.get()
    for voter, choice in zip(
        election.voters.order_by("pk")[:3], ("liste-1", "liste-2", "blank"), strict=True
    ):
        ballot_cast(voter=voter, scrutin_id=scrutin.pk, ballot=ballot_build(scrutin=scrutin, choice=choice))
    return election, bureau, scrutin


def rename_in_database(candidate_list, name: str) -> None:
    """Rename a list behind the application's back (its guards refuse it once sealed)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE elections_candidatelist SET name = %s WHERE id = %s", [name, candidate_list.pk]
        )


def check(election, user) -> IntegrityCheck:
    """Request a check as the bureau does, then run it as the job does."""
    requested = integrity_check_request(election=election, user=user)
    return integrity_check_perform(requested)


def test_a_clean_box_is_reported_intact_and_the_trail_holds_the_request_and_the_result(voted):
    election, bureau, _ = voted
    result = check(election, bureau["secretary"])
    assert result.ok is True and result.report == []
    assert (result.done, result.total, result.percent) == (3, 3, 100)
    assert result.get_status_display() == "Terminé" and result.finished is not None
    request = AuditEntry.objects.get(action="election.integrity.request")
    assert request.actor_id == bureau["secretary"].pk and request.new_values == {"job": str(result.pk)}
    outcome = AuditEntry.objects.get(action="election.integrity.result")
    assert outcome.object_id == str(election.pk)
    assert outcome.new_values == {"job": str(result.pk), "ok": True, "findings": [], "ballots": 3}


def test_a_ballot_replaced_by_another_valid_ballot_is_reported(voted):
    election, bureau, scrutin = voted
    first, second = Ballot.objects.filter(scrutin=scrutin).order_by("reference")[:2]
    Ballot.objects.filter(pk=first.pk).update(ballot=second.ballot)
    result = check(election, bureau["president"])
    assert result.ok is False
    assert f"scrutin {scrutin.code} : 1 bulletin(s) ne se vérifient pas" in result.report
    assert (
        f"scrutin {scrutin.code} : 1 bulletin(s) reprennent un alpha déjà dans l'urne (rejeu)"
        in result.report
    )
    outcome = AuditEntry.objects.get(action="election.integrity.result")
    assert outcome.new_values["ok"] is False and outcome.new_values["findings"] == result.report


@pytest.mark.parametrize("position", ["hex", "json"])
def test_a_ballot_with_one_byte_flipped_is_reported(voted, position):
    election, bureau, scrutin = voted
    ballot = Ballot.objects.filter(scrutin=scrutin).order_by("reference").first()
    text = ballot.ballot
    if position == "hex":  # a proof's last hex digit changed: the JSON still reads
        response = json.loads(text)["exactly_one"]["response"]
        at = text.index(response) + len(response) - 1
    else:  # the first byte: the JSON no longer reads
        at = 0
    flipped = text[:at] + chr(ord(text[at]) ^ 0x01) + text[at + 1 :]
    Ballot.objects.filter(pk=ballot.pk).update(ballot=flipped)
    result = check(election, bureau["president"])
    assert result.ok is False
    assert result.report == [f"scrutin {scrutin.code} : 1 bulletin(s) ne se vérifient pas"]


def test_a_deleted_emargement_is_reported(voted):
    election, bureau, scrutin = voted
    Emargement.objects.filter(scrutin=scrutin).order_by("pk").first().delete()
    result = check(election, bureau["delegate1"])
    assert result.ok is False
    assert result.report == [f"scrutin {scrutin.code} : 3 bulletin(s) pour 2 émargement(s)"]


def test_a_list_renamed_in_the_database_after_sealing_is_reported_as_a_change_of_the_seal(voted):
    election, bureau, scrutin = voted
    rename_in_database(CandidateList.objects.get(scrutin=scrutin, code="liste-2"), "Liste renommée en douce")
    assert lifecycle.seal_compute(election) != election.seal.seal
    result = check(election, bureau["delegate2"])
    assert result.ok is False
    assert result.report == [f"scrutin {scrutin.code} : les listes, candidats ou documents ont changé"]


def test_the_check_runs_as_a_queued_job(voted, django_capture_on_commit_callbacks):
    election, bureau, _ = voted
    with django_capture_on_commit_callbacks(execute=True):
        requested = integrity_check_request(election=election, user=bureau["president"])
    assert requested.get_status_display() == "En attente"
    # A second request while one is waiting is the same check.
    with django_capture_on_commit_callbacks(execute=True):
        assert integrity_check_request(election=election, user=bureau["delegate1"]).pk == requested.pk
    assert run_jobs() >= 1
    requested.refresh_from_db()
    assert requested.ok is True and requested.get_status_display() == "Terminé"
    assert AuditEntry.objects.filter(action="election.integrity.request").count() == 1
    assert AuditEntry.objects.filter(action="election.integrity.result").count() == 1


def test_only_a_member_asks_for_a_check_and_only_once_sealed():
    election, bureau = sealable_election()
    other, other_bureau = sealable_election()
    with pytest.raises(lifecycle.LifecycleRefused, match="pas encore scellée"):
        integrity_check_request(election=election, user=bureau["president"])
    seal_by_bureau(election, bureau)
    with pytest.raises(lifecycle.LifecycleRefused, match="ne siégez pas"):
        integrity_check_request(election=election, user=other_bureau["president"])
    assert not IntegrityCheck.objects.exists()
    assert not AuditEntry.objects.filter(action="election.integrity.request").exists()


# --- what the trail holds: the check compares the rows with the chained record ----------------


def _frozen(voted):

    import time_machine

    from elections import lifecycle as rules

    election, bureau, scrutin = voted
    with time_machine.travel(election.closes + rules.closing_grace(), tick=False):
        lifecycle.lifecycle_tick()
    election.refresh_from_db()
    assert rules.box_frozen(election)
    return election, bureau, scrutin


def _shrink_the_box(scrutin):
    """One ballot (with its weeding rows) and one émargement gone, as someone with the database's
    rights would remove them."""
    from ballots.models import BallotAlpha

    ballot = Ballot.objects.filter(scrutin=scrutin).order_by("reference").first()
    BallotAlpha.objects.filter(ballot=ballot).delete()
    ballot.delete()
    Emargement.objects.filter(scrutin=scrutin).order_by("pk").first().delete()


def test_a_frozen_box_whose_freeze_record_was_deleted_with_a_ballot_is_reported(voted):
    from ballots.models import ScrutinFreeze

    election, bureau, scrutin = _frozen(voted)
    _shrink_the_box(scrutin)
    ScrutinFreeze.objects.filter(scrutin=scrutin).delete()
    result = check(election, bureau["delegate1"])
    assert result.ok is False
    assert f"scrutin {scrutin.code} : l'urne est figée mais son empreinte de gel a disparu" in result.report
    assert (
        f"scrutin {scrutin.code} : l'urne ne correspond plus à l'empreinte figée inscrite au journal"
        in result.report
    )


def test_a_freeze_record_rewritten_to_match_a_shrunk_box_is_reported_against_the_trail(voted):
    from ballots import crypto
    from ballots.lifecycle import emargements_digest
    from ballots.models import ScrutinFreeze

    election, bureau, scrutin = _frozen(voted)
    _shrink_the_box(scrutin)
    references = list(Ballot.objects.filter(scrutin=scrutin).values_list("reference", flat=True))
    ScrutinFreeze.objects.filter(scrutin=scrutin).update(
        box_hash=crypto.box_hash(scrutin.parameters.fingerprint, references),
        ballots=len(references),
        emargements=len(references),
        emargements_hash=emargements_digest(scrutin)[1],
    )
    result = check(election, bureau["delegate1"])
    assert result.ok is False
    assert result.report == [
        f"scrutin {scrutin.code} : l'urne ne correspond plus à l'empreinte figée inscrite au journal",
        f"scrutin {scrutin.code} : les compteurs ne sont plus ceux figés à la clôture (journal : 3 "
        "bulletin(s), 3 émargement(s) ; maintenant : 2 et 2)",
        f"scrutin {scrutin.code} : la liste d'émargement ne correspond plus à son empreinte figée",
        f"scrutin {scrutin.code} : l'empreinte de gel enregistrée diffère de celle inscrite au journal",
    ]


def test_a_seal_record_rewritten_with_its_document_is_reported_against_the_trail(voted):
    from ballots.models import ElectionSeal

    election, bureau, _scrutin = voted
    recorded = ElectionSeal.objects.get(election=election)
    document = {**recorded.document, "name": "Une autre élection"}
    ElectionSeal.objects.filter(pk=recorded.pk).update(document=document, seal=lifecycle.seal_of(document))
    result = check(election, bureau["delegate1"])
    assert result.ok is False
    assert "le sceau enregistré diffère de celui inscrit au journal" in result.report


def test_an_unreadable_sealed_document_is_a_finding_not_a_crash(voted):
    from ballots.models import ElectionSeal

    election, bureau, _scrutin = voted
    ElectionSeal.objects.filter(election=election).update(document=[])
    result = check(election, bureau["delegate1"])
    assert result.status == IntegrityCheck.Status.DONE
    assert result.ok is False
    assert "le document scellé enregistré est illisible" in result.report


def test_an_emargement_of_a_voter_not_on_the_roll_of_its_scrutin_is_reported(voted):
    election, bureau, scrutin = voted
    stranger = make_voter(election=sealable_election()[0])
    moved = Emargement.objects.filter(scrutin=scrutin).order_by("pk").first()
    Emargement.objects.filter(pk=moved.pk).update(voter=stranger)
    result = check(election, bureau["delegate1"])
    assert result.ok is False
    assert result.report == [
        f"scrutin {scrutin.code} : 1 émargement(s) d'électeurs absents de sa liste électorale"
    ]


def test_a_broken_audit_chain_is_reported(voted, tamper):
    election, bureau, _scrutin = voted
    entry = AuditEntry.objects.filter(action="election.seal").get()
    tamper.execute("UPDATE accounts_auditentry SET address = '10.0.0.9' WHERE id = %s", [entry.id])
    result = check(election, bureau["delegate1"])
    assert result.ok is False
    assert f"le journal d'audit est altéré (entrée n° {entry.id} : contenu modifié)" in result.report


def test_an_unexpected_error_fails_the_check_with_its_reason_on_the_dashboard(voted, monkeypatch, client):
    from ballots import integrity

    election, bureau, _scrutin = voted

    def broken(params, ballot):
        raise RuntimeError("disque illisible")

    monkeypatch.setattr(integrity.crypto, "verify_ballot", broken)
    result = check(election, bureau["delegate1"])
    assert result.status == IntegrityCheck.Status.FAILED and result.ok is None
    assert result.error == "RuntimeError: disque illisible"
    entry = AuditEntry.objects.get(action="election.integrity.result")
    assert entry.new_values == {"job": str(result.pk), "ok": None, "error": "RuntimeError: disque illisible"}
    client.force_login(bureau["president"])
    page = client.get(f"/gestion/bureau/{election.slug}/").content.decode()
    assert "Contrôle interrompu par une erreur : RuntimeError: disque illisible" in page
    assert page.count("RuntimeError: disque illisible") == 2  # the checks' table and the trail


def test_a_new_check_waits_a_few_minutes_after_the_last_one_finished(voted, settings):
    """Each check verifies every ballot again: the bureau cannot chain them without a pause."""
    import datetime as dt

    import time_machine
    from django.utils import timezone

    election, bureau, _ = voted
    settings.INTEGRITY_CHECK_INTERVAL_MINUTES = 5
    first = check(election, bureau["delegate1"])
    finished = first.finished
    with time_machine.travel(finished + dt.timedelta(minutes=4, seconds=59), tick=False):
        with pytest.raises(lifecycle.LifecycleRefused) as refused:
            integrity_check_request(election=election, user=bureau["delegate2"])
    ready = timezone.localtime(finished + dt.timedelta(minutes=5))
    assert refused.value.message == (
        f"Un contrôle vient de se terminer : le suivant peut être demandé à partir de {ready:%H:%M:%S}."
    )
    assert IntegrityCheck.objects.count() == 1
    with time_machine.travel(finished + dt.timedelta(minutes=5), tick=False):
        assert integrity_check_request(election=election, user=bureau["delegate2"]).pk != first.pk
