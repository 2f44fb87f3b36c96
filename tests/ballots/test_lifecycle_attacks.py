"""Attacks on the bureau's life cycle (issue 15): each test is a concrete scenario, found in
review, that the code refuses or detects."""

import contextlib
import datetime as dt
import uuid

import pytest
import time_machine
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from accounts.models import AuditEntry, User, Voter
from ballots import crypto, lifecycle, services
from ballots.crypto.keys import ceremony_simulate
from ballots.integrity import integrity_check_perform
from ballots.models import (
    Ballot,
    ElectionSeal,
    Emargement,
    IntegrityCheck,
    ScrutinFreeze,
    ScrutinParameters,
)
from ballots.services import VotingClosed, ballot_build, ballot_cast
from elections import lifecycle as rules
from elections.lifecycle import ElectionState as S
from elections.models import BureauMember, Candidate, CandidateList, DefinitionFrozen, Election, RollEntry
from tests.factories import BUREAU_GROUP, StaffFactory, seal_by_bureau, sealable_election

pytestmark = pytest.mark.django_db


def _at(moment):
    return time_machine.travel(moment, tick=False)


def _opened(**kwargs):
    election, bureau = sealable_election(**kwargs)
    seal_by_bureau(election, bureau)
    with _at(election.opens):
        lifecycle.lifecycle_tick()
    election.refresh_from_db()
    return election, bureau


def _grace_end(election):
    return election.closes + rules.closing_grace()


def _integrity(election, user) -> IntegrityCheck:
    return integrity_check_perform(IntegrityCheck.objects.create(election=election, created_by=user))


def _superuser() -> User:
    return User.objects.create_superuser("chef", password="chef-password-123")  # noqa: S106


def _admin_save_election(rf, election, **changes):
    """Save the election through its admin form, as a superuser would; True if the form accepted it."""
    model_admin = admin.site._registry[Election]
    request = rf.post("/")
    request.user = _superuser()
    form_class = model_admin.get_form(request, election, change=True)
    data = {k: v for k, v in model_to_dict(election).items() if v is not None}
    for name in ("opens", "closes"):
        moment = changes.pop(name, getattr(election, name))
        data.pop(name, None)
        data[f"{name}_0"] = timezone.localtime(moment).strftime("%Y-%m-%d")
        data[f"{name}_1"] = timezone.localtime(moment).strftime("%H:%M:%S")
    data.update(changes)
    form = form_class(data, instance=election)
    if not form.is_valid():
        return False
    model_admin.save_model(request, form.save(commit=False), form, change=True)
    return True


# --- the quorum ------------------------------------------------------------------------------


def test_one_delegate_cannot_fill_two_delegate_seats_by_a_seat_reassignment():
    election, bureau = sealable_election()
    seal = lifecycle.seal_status(election).seal
    lifecycle.seal_confirm(election=election, user=bureau["president"], seal=seal)
    lifecycle.seal_confirm(election=election, user=bureau["delegate1"], seal=seal)
    # The admin's bureau inline: seat n° 1 goes to an outsider who never confirms, seat n° 2
    # to the delegate who has already confirmed on seat n° 1.
    outsider = StaffFactory(username="outsider", groups=[Group.objects.get(name=BUREAU_GROUP)])
    seat1 = BureauMember.objects.get(election=election, index=1)
    seat1.user = outsider
    seat1.save()
    seat2 = BureauMember.objects.get(election=election, index=2)
    seat2.user = bureau["delegate1"]
    seat2.save()
    lifecycle.seal_confirm(election=election, user=bureau["delegate1"], seal=seal)  # from seat n° 2
    election.refresh_from_db()
    # Two people confirmed (the president and delegate 1): the law asks for three.
    assert election.state == S.PREPARATION
    assert lifecycle.seal_status(election).missing() == "1 délégué(s)"
    assert not AuditEntry.objects.filter(action="election.seal").exists()


# --- casting against the transitions ---------------------------------------------------------


def _cast_while(monkeypatch, other_worker):
    """Run ``other_worker`` while the cast verifies the ballot (the slow part of a cast), as
    another app server or worker does between the window check and the write."""
    original = crypto.verify_ballot
    done = []

    def verify_then_other_worker(*args, **kwargs):
        verified = original(*args, **kwargs)
        if not done:
            done.append(True)
            other_worker()
        return verified

    monkeypatch.setattr(services.crypto, "verify_ballot", verify_then_other_worker)


def test_no_ballot_lands_in_the_box_after_the_freeze(monkeypatch):
    election, _ = _opened()
    scrutin = election.scrutins.get()
    voter = election.voters.first()
    voter.user.last_login = election.closes - dt.timedelta(minutes=5)
    voter.user.save()
    with _at(election.closes):
        lifecycle.lifecycle_tick()
    grace_end = _grace_end(election)
    # The voter's request starts one second before the end of the grace.
    voter = Voter.objects.select_related("election", "user").get(pk=voter.pk)
    assert voter.election.state == S.CLOSING
    ballot = ballot_build(scrutin=scrutin, choice="liste-1")
    _cast_while(monkeypatch, lambda: lifecycle.lifecycle_step(election, now=grace_end))
    with pytest.raises(VotingClosed):
        ballot_cast(
            voter=voter, scrutin_id=scrutin.pk, ballot=ballot, now=grace_end - dt.timedelta(seconds=1)
        )
    frozen = ScrutinFreeze.objects.get(scrutin=scrutin)
    references = list(Ballot.objects.filter(scrutin=scrutin).values_list("reference", flat=True))
    assert frozen.box_hash == crypto.box_hash(scrutin.parameters.fingerprint, references)


def test_no_ballot_is_cast_once_the_suspension_is_committed(monkeypatch):
    election, bureau = _opened()
    scrutin = election.scrutins.get()
    voter = Voter.objects.select_related("election", "user").get(pk=election.voters.first().pk)
    ballot = ballot_build(scrutin=scrutin, choice="liste-1")
    _cast_while(
        monkeypatch,
        lambda: lifecycle.election_suspend(election=election, actor=bureau["president"], reason="Attaque"),
    )
    with pytest.raises(VotingClosed):
        ballot_cast(voter=voter, scrutin_id=scrutin.pk, ballot=ballot)
    assert not Emargement.objects.exists()


def test_moving_the_closing_time_after_the_closing_does_not_reopen_the_vote(rf):
    election, _ = _opened()
    scrutin = election.scrutins.get()
    closed_at = election.closes
    with _at(closed_at):
        lifecycle.lifecycle_tick()
    election.refresh_from_db()
    assert election.state == S.CLOSING
    late = election.voters.first()
    late.user.last_login = closed_at + dt.timedelta(minutes=5)  # logged in after the closing
    late.user.save()
    with _at(closed_at + dt.timedelta(minutes=10)):
        _admin_save_election(rf, election, closes=closed_at + dt.timedelta(hours=2))
        voter = Voter.objects.select_related("election", "user").get(pk=late.pk)
        with pytest.raises(VotingClosed):
            ballot_cast(
                voter=voter, scrutin_id=scrutin.pk, ballot=ballot_build(scrutin=scrutin, choice="blank")
            )
    assert not Emargement.objects.exists()


# --- the calendar --------------------------------------------------------------------------------


def test_a_sealed_election_is_not_opened_after_its_closing_time():
    election, bureau = sealable_election()
    seal_by_bureau(election, bureau)
    # After the sealing, the timetable is moved (a typo on the year, a prorogation gone wrong).
    past = timezone.now() - dt.timedelta(days=400)
    Election.objects.filter(pk=election.pk).update(opens=past, closes=past + dt.timedelta(days=8))
    election.refresh_from_db()
    with pytest.raises(lifecycle.LifecycleRefused):
        lifecycle.election_open(election=election)
    with contextlib.suppress(lifecycle.LifecycleRefused):
        lifecycle.lifecycle_tick()
    election.refresh_from_db()
    assert election.state == S.SEALED
    assert not ScrutinFreeze.objects.exists()


def test_one_broken_election_does_not_stop_the_calendar_of_the_others(monkeypatch):
    broken, _ = _opened()
    healthy, _ = _opened()
    Election.objects.filter(pk=broken.pk).update(
        opens=healthy.opens - dt.timedelta(hours=1)
    )  # its turn first
    digest = lifecycle.emargements_digest

    def failing_for_the_broken_one(scrutin):
        if scrutin.election_id == broken.pk:
            raise OSError("lecture impossible")
        return digest(scrutin)

    monkeypatch.setattr(lifecycle, "emargements_digest", failing_for_the_broken_one)
    with _at(_grace_end(healthy) + dt.timedelta(hours=1)):
        lifecycle.lifecycle_tick()
    healthy.refresh_from_db()
    broken.refresh_from_db()
    assert (healthy.state, broken.state) == (S.CLOSED, S.CLOSING)
    error = AuditEntry.objects.get(action="election.lifecycle.error")
    assert error.object_id == str(broken.pk)
    # Mended, the next tick takes the missed step.
    monkeypatch.setattr(lifecycle, "emargements_digest", digest)
    with _at(_grace_end(healthy) + dt.timedelta(hours=2)):
        lifecycle.lifecycle_tick()
    broken.refresh_from_db()
    assert broken.state == S.CLOSED


# --- the integrity check --------------------------------------------------------------------------


def test_the_integrity_check_detects_scrutin_parameters_rewritten_with_another_key():
    election, bureau = _opened()
    scrutin = election.scrutins.get()
    stored = ScrutinParameters.objects.get(scrutin=scrutin)
    foreign_key = ceremony_simulate(
        election=str(uuid.uuid4()),
        president="p",
        secretary="s",
        delegates=[("d1", 1), ("d2", 2)],
        threshold=2,
    ).record["public_key"]
    forged = crypto.ScrutinParameters.from_json({**stored.params, "public_key": foreign_key})
    ScrutinParameters.objects.filter(pk=stored.pk).update(
        params=forged.as_json(), fingerprint=forged.fingerprint
    )
    scrutin.refresh_from_db()
    voter = election.voters.first()
    ballot_cast(voter=voter, scrutin_id=scrutin.pk, ballot=ballot_build(scrutin=scrutin, choice="liste-1"))
    check = _integrity(election, bureau["president"])
    assert check.ok is False, check.report


def test_the_integrity_check_detects_an_emargement_moved_to_another_voter_after_the_freeze():
    election, bureau = _opened(voters=2)
    scrutin = election.scrutins.get()
    voted, other = election.voters.order_by("pk")
    ballot_cast(voter=voted, scrutin_id=scrutin.pk, ballot=ballot_build(scrutin=scrutin, choice="liste-1"))
    with _at(_grace_end(election)):
        lifecycle.lifecycle_tick()
        lifecycle.lifecycle_tick()
    election.refresh_from_db()
    assert election.state == S.CLOSED
    Emargement.objects.filter(voter=voted, scrutin=scrutin).update(voter=other)
    check = _integrity(election, bureau["president"])
    assert check.ok is False, check.report


def test_a_sealed_fact_cannot_be_changed_in_the_election_admin(rf):
    election, bureau = sealable_election()
    seal_by_bureau(election, bureau)
    recorded = ElectionSeal.objects.get(election=election).seal
    name = election.name
    # The form is accepted (the other fields may change) but the sealed name is read-only.
    assert _admin_save_election(rf, election, name="Élections professionnelles (coquille corrigée)")
    election.refresh_from_db()
    assert election.name == name
    assert lifecycle.seal_compute(election, fresh=True) == recorded


# --- the definition after the sealing: other doors ------------------------------------------------


def test_the_voter_admin_cannot_take_a_voter_off_a_sealed_roll(client):
    """Deleting a voter would delete their roll entries by cascade: the sealed entries protect
    the voter, and the admin's page says so instead of deleting."""
    election, bureau = sealable_election(voters=3)
    seal_by_bureau(election, bureau)
    recorded = ElectionSeal.objects.get(election=election).seal
    voter = election.voters.first()
    client.force_login(_superuser())
    response = client.post(f"/gestion/accounts/voter/{voter.pk}/delete/", {"post": "yes"})
    assert response.status_code == 200  # the confirmation page again, naming what stops it
    page = response.content.decode()
    assert "Impossible de supprimer électeur" in page and "inscription sur liste électorale" in page
    assert Voter.objects.filter(pk=voter.pk).exists()
    assert RollEntry.objects.filter(scrutin__election=election).count() == 3
    assert lifecycle.seal_compute(election, fresh=True) == recorded


def test_the_voter_admin_cannot_change_a_matricule_on_a_sealed_roll(rf):
    election, bureau = sealable_election()
    seal_by_bureau(election, bureau)
    recorded = ElectionSeal.objects.get(election=election).seal
    voter = election.voters.first()
    model_admin = admin.site._registry[Voter]
    request = rf.post("/")
    request.user = _superuser()
    form_class = model_admin.get_form(request, voter, change=True)
    data = {k: v for k, v in model_to_dict(voter).items() if v is not None and k in form_class.base_fields}
    data["matricule"] = "ZZ999999"
    assert "matricule" not in form_class.base_fields  # read-only once the roll is sealed
    form = form_class(data, instance=voter)
    assert form.is_valid(), form.errors
    model_admin.save_model(request, form.save(commit=False), form, change=True)
    voter.refresh_from_db()
    assert voter.matricule != "ZZ999999"
    assert lifecycle.seal_compute(election, fresh=True) == recorded


def _add_candidate(election):
    candidate_list = CandidateList.objects.filter(scrutin__election=election).first()
    Candidate.objects.create(candidate_list=candidate_list, name="Intrus", order=9)


def _rename_list(election):
    candidate_list = CandidateList.objects.filter(scrutin__election=election).first()
    candidate_list.name = "Liste renommée après le scellement"
    candidate_list.save()


def _delete_roll_entry(election):
    RollEntry.objects.filter(scrutin__election=election).first().delete()


def _delete_candidate(election):
    Candidate.objects.filter(candidate_list__scrutin__election=election).first().delete()


@pytest.mark.parametrize("change", [_add_candidate, _rename_list, _delete_roll_entry, _delete_candidate])
def test_the_models_refuse_a_change_to_a_sealed_definition(change):
    election, bureau = sealable_election(voters=3)
    seal_by_bureau(election, bureau)
    recorded = ElectionSeal.objects.get(election=election).seal
    with pytest.raises(DefinitionFrozen), transaction.atomic():
        change(election)
    assert lifecycle.seal_compute(election, fresh=True) == recorded


def test_a_step_failing_at_every_tick_is_in_the_trail_once_an_hour_or_when_its_error_changes(monkeypatch):
    """lifecycle_tick runs every minute: a stuck step must not flood the bureau's trail."""
    election, _ = _opened()
    message = ["lecture impossible"]

    def failing(scrutin):
        raise OSError(message[0])

    monkeypatch.setattr(lifecycle, "emargements_digest", failing)
    start = _grace_end(election)
    for minute in range(30):
        with _at(start + dt.timedelta(minutes=minute)):
            lifecycle.lifecycle_tick()
    errors = AuditEntry.objects.filter(action="election.lifecycle.error", object_id=str(election.pk))
    assert errors.count() == 1
    message[0] = "disque plein"
    with _at(start + dt.timedelta(minutes=31)):
        lifecycle.lifecycle_tick()
    with _at(start + dt.timedelta(minutes=31 + 61)):
        lifecycle.lifecycle_tick()
    assert [e.new_values["error"] for e in errors.order_by("id")] == [
        "OSError: lecture impossible",
        "OSError: disque plein",
        "OSError: disque plein",
    ]
