"""The bureau's life cycle (issue 15): the table, the sealing, the calendar, suspension, freeze."""

import datetime as dt
import itertools

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import AuditEntry
from ballots import lifecycle
from ballots.models import (
    Ballot,
    ElectionSeal,
    Emargement,
    ScrutinFreeze,
    ScrutinParameters,
    SealConfirmation,
)
from ballots.services import OpeningRefused, VotingClosed, ballot_build, ballot_cast, election_key_install
from elections import lifecycle as rules
from elections.lifecycle import ElectionState as S
from elections.lifecycle import Transition as T
from elections.models import BureauMember, CandidateList, Election, RollEntry
from tests.factories import make_voter, seal_by_bureau, sealable_election

pytestmark = pytest.mark.django_db

# The table as the issue and the law give it, written out independently of TRANSITIONS.
ALLOWED = {
    (T.SEAL, S.PREPARATION): S.SEALED,
    (T.OPEN, S.SEALED): S.OPEN,
    (T.SUSPEND, S.OPEN): S.SUSPENDED,
    (T.RESUME, S.SUSPENDED): S.OPEN,
    (T.CLOSE, S.OPEN): S.CLOSING,
    (T.CLOSE, S.SUSPENDED): S.CLOSING,
    (T.FREEZE, S.CLOSING): S.CLOSED,
    (T.COUNT, S.CLOSED): S.COUNTED,
}


@pytest.mark.parametrize(("transition", "state"), list(itertools.product(T.values, S.values)))
def test_the_transition_table_allows_exactly_the_legal_moves(transition, state):
    election = Election(state=state)
    error = rules.transition_error(election, transition)
    if (transition, state) in ALLOWED:
        assert error is None
        assert rules.transition_target(transition) == ALLOWED[(transition, state)]
    else:
        assert error is not None and error.startswith(("Impossible de ", "Impossible d'"))
        assert f"« {S(state).label} »" in error


# Each transition's service, called as the bureau or the calendar calls it, with everything
# else in order (the times, the seat, the reason): only the state may refuse it.
def _service(transition, election, bureau):
    grace = rules.closing_grace()
    call = {
        T.SEAL: lambda: lifecycle.election_seal(election=election, actor=bureau["delegate2"]),
        T.OPEN: lambda: lifecycle.election_open(election=election, now=election.opens),
        T.SUSPEND: lambda: lifecycle.election_suspend(
            election=election, actor=bureau["president"], reason="Panne"
        ),
        T.RESUME: lambda: lifecycle.election_resume(
            election=election, actor=bureau["president"], reason="Réparé"
        ),
        T.CLOSE: lambda: lifecycle.election_close(election=election, now=election.closes),
        T.FREEZE: lambda: lifecycle.election_freeze(election=election, now=election.closes + grace),
    }
    return call[transition]()


@pytest.mark.parametrize(
    ("transition", "state"), list(itertools.product([t for t in T.values if t != T.COUNT], S.values))
)
def test_each_transition_service_takes_exactly_the_moves_of_the_table(transition, state):
    """The services themselves, not only the table: an allowed move reaches its state with its
    audit entry; any other is refused in French and changes nothing (the count has no service
    yet: it comes with the count issue)."""
    election, bureau = sealable_election()
    if state == S.PREPARATION:  # two confirmations: the service's own call is the third
        seal_by_bureau(election, bureau, members=("president", "delegate1"))
        SealConfirmation.objects.create(
            election=election,
            member=BureauMember.objects.get(election=election, user=bureau["delegate2"]),
            user=bureau["delegate2"],
            role="delegate",
            seal=lifecycle.seal_status(election).seal,
            confirmed=timezone.now(),
        )
    else:
        seal_by_bureau(election, bureau)
        Election.objects.filter(pk=election.pk).update(state=state)
    election.refresh_from_db()
    before = AuditEntry.objects.filter(action=f"election.{transition}").count()
    if (transition, state) in ALLOWED:
        _service(transition, election, bureau)
        assert Election.objects.get(pk=election.pk).state == ALLOWED[(transition, state)]
        assert AuditEntry.objects.filter(action=f"election.{transition}").count() == before + 1
    else:
        with pytest.raises(lifecycle.LifecycleRefused) as refused:
            _service(transition, election, bureau)
        assert refused.value.message.startswith(("Impossible de ", "Impossible d'"))
        assert f"« {S(state).label} »" in refused.value.message
        assert Election.objects.get(pk=election.pk).state == state
        assert AuditEntry.objects.filter(action=f"election.{transition}").count() == before


def _at(moment):
    return time_machine.travel(moment, tick=False)


def _opened(**kwargs):
    """A sealed election, opened by the calendar at its opening time."""
    election, bureau = sealable_election(**kwargs)
    seal_by_bureau(election, bureau)
    with _at(election.opens):
        lifecycle.lifecycle_tick()
    election.refresh_from_db()
    return election, bureau


# --- sealing ---------------------------------------------------------------------------


def test_the_president_and_two_delegates_seal_the_election_and_the_seal_is_recorded():
    election, bureau = sealable_election()
    status = lifecycle.seal_status(election)
    assert status.checks_pass, [c for c in status.checks if not c.ok]
    seal_by_bureau(election, bureau, members=("president", "delegate1"))
    assert election.state == S.PREPARATION
    seal_by_bureau(election, bureau, members=("delegate2",))
    assert election.state == S.SEALED
    recorded = ElectionSeal.objects.get(election=election)
    assert recorded.seal == status.seal == lifecycle.seal_of(recorded.document)
    scrutin = election.scrutins.get()
    params = ScrutinParameters.objects.get(scrutin=scrutin)
    assert recorded.document["scrutins"][0]["fingerprint"] == params.fingerprint
    assert recorded.document["scrutins"][0]["roll"]["count"] == 2
    assert recorded.document["public_key"] == election.key.public_key
    assert recorded.document["code_version"]
    entry = AuditEntry.objects.get(action="election.seal")
    assert entry.new_values["seal"] == recorded.seal
    assert entry.actor_id == bureau["delegate2"].pk
    assert [c["role"] for c in entry.new_values["confirmed_by"]] == ["president", "delegate", "delegate"]
    assert AuditEntry.objects.filter(action="election.seal.confirm").count() == 3


def test_sealing_is_refused_with_fewer_than_three_confirmations_or_without_the_president():
    election, bureau = sealable_election()
    seal_by_bureau(election, bureau, members=("delegate1", "delegate2", "delegate3", "secretary"))
    assert Election.objects.get(pk=election.pk).state == S.PREPARATION
    with pytest.raises(lifecycle.LifecycleRefused, match="Il manque : le président"):
        lifecycle.election_seal(election=election)
    other, other_bureau = sealable_election()
    seal_by_bureau(other, other_bureau, members=("president", "delegate1"))
    with pytest.raises(lifecycle.LifecycleRefused, match="Il manque : 1 délégué"):
        lifecycle.election_seal(election=other)
    assert not ElectionSeal.objects.exists()
    assert not ScrutinParameters.objects.exists()


def test_a_confirmation_expires_when_anything_the_seal_covers_changes():
    election, bureau = sealable_election()
    seal_by_bureau(election, bureau, members=("president", "delegate1"))
    CandidateList.objects.filter(scrutin__election=election, code="liste-1").update(name="Liste renommée")
    status = lifecycle.seal_status(election)
    assert status.confirmations == [] and len(status.expired) == 2
    seal_by_bureau(election, bureau, members=("delegate2",))
    assert election.state == S.PREPARATION  # the two earlier confirmations no longer count
    with pytest.raises(lifecycle.LifecycleRefused, match="le président et 1 délégué"):
        lifecycle.election_seal(election=election)


def test_a_confirmation_of_a_seal_that_is_no_longer_the_elections_is_refused():
    election, bureau = sealable_election()
    shown = lifecycle.seal_status(election).seal
    make_voter(election=election, scrutins=list(election.scrutins.all()), first_name="Nouvelle")
    with pytest.raises(lifecycle.LifecycleRefused, match="ont changé depuis l'affichage"):
        lifecycle.seal_confirm(election=election, user=bureau["president"], seal=shown)
    assert not SealConfirmation.objects.exists()


def test_sealing_is_refused_with_a_roll_problem():
    election, bureau = sealable_election()
    make_voter(election=election, first_name="Sans-scrutin")  # on no roll: a roll problem
    with pytest.raises(lifecycle.LifecycleRefused, match="listes électorales"):
        seal_by_bureau(election, bureau)
    assert Election.objects.get(pk=election.pk).state == S.PREPARATION


def test_sealing_is_refused_with_an_incomplete_key(settings):
    election, bureau = sealable_election()
    settings.ISOLOIR_SIMULATED_KEYS_ALLOWED = False  # the demo's simulated key is not a complete key here
    checks = {c.code: c for c in lifecycle.seal_checks(election)}
    assert not checks["key"].ok and "détenteurs de clé" in checks["key"].detail
    with pytest.raises(lifecycle.LifecycleRefused, match="clé de l'élection"):
        seal_by_bureau(election, bureau)


def test_sealing_is_refused_with_a_ballot_or_an_emargement_already_there():
    election, bureau = sealable_election()
    voter = election.voters.first()
    Emargement.objects.create(voter=voter, scrutin=election.scrutins.get(), voted_at=timezone.now())
    checks = {c.code: c for c in lifecycle.seal_checks(election)}
    assert not checks["emargements_zero"].ok and checks["box_empty"].ok
    with pytest.raises(lifecycle.LifecycleRefused, match="compteurs sont à zéro"):
        seal_by_bureau(election, bureau)


def test_only_a_bureau_member_of_this_election_confirms():
    election, bureau = sealable_election()
    other, other_bureau = sealable_election()
    seal = lifecycle.seal_status(election).seal
    with pytest.raises(lifecycle.LifecycleRefused, match="ne siégez pas"):
        lifecycle.seal_confirm(election=election, user=other_bureau["president"], seal=seal)
    seat = election.bureau.get(user=bureau["president"])
    seat.active = False
    seat.save()
    with pytest.raises(lifecycle.LifecycleRefused, match="ne siégez pas"):
        lifecycle.seal_confirm(election=election, user=bureau["president"], seal=seal)


def test_after_sealing_the_definition_rolls_and_key_cannot_change():
    election, bureau = sealable_election()
    seal_by_bureau(election, bureau)
    assert not rules.definition_editable(election)
    scrutin = election.scrutins.get()
    entry = RollEntry(voter=make_voter(election=election), scrutin=scrutin)
    with pytest.raises(ValidationError):
        entry.full_clean()
    with pytest.raises(ValidationError):
        CandidateList(scrutin=scrutin, code="liste-3", name="Liste 3").full_clean()
    with pytest.raises(OpeningRefused, match="scellée"):
        election_key_install(election=election, record=election.key.record, origin="simulated")


# --- the calendar ------------------------------------------------------------------------


def test_the_vote_opens_by_itself_exactly_at_the_opening_time_and_only_when_sealed():
    opens = timezone.now() + dt.timedelta(days=2)
    election, bureau = sealable_election(opens=opens, closes=opens + dt.timedelta(days=8))
    with _at(opens):
        assert lifecycle.lifecycle_tick() == []  # not sealed: nothing opens
    seal_by_bureau(election, bureau)
    with _at(opens - dt.timedelta(microseconds=1)):
        assert lifecycle.lifecycle_tick() == []
        with pytest.raises(lifecycle.LifecycleRefused, match="pas avant"):
            lifecycle.election_open(election=election)
    with _at(opens):
        assert [(e.pk, t) for e, t in lifecycle.lifecycle_tick()] == [(election.pk, T.OPEN)]
        assert lifecycle.lifecycle_tick() == []  # idempotent
    election.refresh_from_db()
    assert election.state == S.OPEN
    entry = AuditEntry.objects.get(action="election.open")
    assert entry.actor_id is None and entry.old_values == {"state": "sealed"}


def test_closing_at_the_closing_time_then_freezing_after_the_grace(settings):
    election, _ = _opened()
    voter = election.voters.first()
    scrutin = election.scrutins.get()
    with _at(election.closes - dt.timedelta(microseconds=1)):
        assert lifecycle.lifecycle_tick() == []
        ballot_cast(
            voter=voter, scrutin_id=scrutin.pk, ballot=ballot_build(scrutin=scrutin, choice="liste-1")
        )
    with _at(election.closes):
        assert [t for _, t in lifecycle.lifecycle_tick()] == [T.CLOSE]
    election.refresh_from_db()
    assert election.state == S.CLOSING
    grace_end = election.closes + dt.timedelta(minutes=settings.VOTE_CLOSING_GRACE_MINUTES)
    with _at(grace_end - dt.timedelta(microseconds=1)):
        assert lifecycle.lifecycle_tick() == []
    with _at(grace_end):
        assert [t for _, t in lifecycle.lifecycle_tick()] == [T.FREEZE]
    election.refresh_from_db()
    assert election.state == S.CLOSED
    frozen = ScrutinFreeze.objects.get(scrutin=scrutin)
    reference = Ballot.objects.get(scrutin=scrutin).reference
    from ballots import crypto

    assert frozen.box_hash == crypto.box_hash(scrutin.parameters.fingerprint, [reference])
    assert (frozen.ballots, frozen.emargements) == (1, 1)
    entry = AuditEntry.objects.get(action="election.freeze")
    assert entry.new_values["seal_intact"] is True
    assert entry.new_values["boxes"][scrutin.code]["box_hash"] == frozen.box_hash


def test_the_grace_lets_a_voter_logged_in_before_the_closing_finish_and_no_one_else(settings):
    election, _ = _opened(voters=2)
    scrutin = election.scrutins.get()
    early, late = election.voters.order_by("pk")
    early.user.last_login = election.closes - dt.timedelta(minutes=1)
    early.user.save()
    late.user.last_login = election.closes + dt.timedelta(minutes=1)
    late.user.save()
    grace = dt.timedelta(minutes=settings.VOTE_CLOSING_GRACE_MINUTES)
    with _at(election.closes + dt.timedelta(minutes=2)):
        lifecycle.lifecycle_tick()
        with pytest.raises(VotingClosed, match="clos"):
            ballot_cast(
                voter=late, scrutin_id=scrutin.pk, ballot=ballot_build(scrutin=scrutin, choice="blank")
            )
    with _at(election.closes + grace - dt.timedelta(seconds=1)):
        ballot_cast(voter=early, scrutin_id=scrutin.pk, ballot=ballot_build(scrutin=scrutin, choice="blank"))
    assert Emargement.objects.filter(scrutin=scrutin).count() == 1


def test_the_freeze_happens_through_the_queued_job_with_no_request(settings):
    from django_tasks_db.models import DBTaskResult

    election, _ = _opened()
    queued = DBTaskResult.objects.filter(task_path="ballots.tasks.lifecycle_due")
    assert sorted(queued.values_list("run_after", flat=True)) == sorted(
        rules.scheduled_times(election).values()
    )
    from ballots.tasks import lifecycle_due

    with _at(election.closes + dt.timedelta(minutes=settings.VOTE_CLOSING_GRACE_MINUTES)):
        assert lifecycle_due.call(str(election.pk)) == [T.CLOSE, T.FREEZE]
    election.refresh_from_db()
    assert election.state == S.CLOSED


# --- suspension --------------------------------------------------------------------------


def test_suspension_blocks_casting_until_the_president_resumes_with_a_reason():
    election, bureau = _opened()
    scrutin = election.scrutins.get()
    voter = election.voters.first()
    with pytest.raises(lifecycle.LifecycleRefused, match="motif"):
        lifecycle.election_suspend(election=election, actor=bureau["president"], reason="  ")
    with pytest.raises(lifecycle.LifecycleRefused, match="président"):
        lifecycle.election_suspend(election=election, actor=bureau["delegate1"], reason="Panne")
    lifecycle.election_suspend(election=election, actor=bureau["president"], reason="Panne du réseau")
    election.refresh_from_db()
    with pytest.raises(VotingClosed, match="suspendu"):
        ballot_cast(voter=voter, scrutin_id=scrutin.pk, ballot=ballot_build(scrutin=scrutin, choice="blank"))
    assert not Emargement.objects.exists()
    with pytest.raises(lifecycle.LifecycleRefused, match="Impossible de suspendre"):
        lifecycle.election_suspend(election=election, actor=bureau["president"], reason="Encore")
    lifecycle.election_resume(election=election, actor=bureau["president"], reason="Réseau rétabli")
    voter.election.refresh_from_db()
    ballot_cast(voter=voter, scrutin_id=scrutin.pk, ballot=ballot_build(scrutin=scrutin, choice="blank"))
    entries = AuditEntry.objects.filter(action__in=["election.suspend", "election.resume"]).order_by("id")
    assert [(e.action, e.new_values["reason"], e.actor_id) for e in entries] == [
        ("election.suspend", "Panne du réseau", bureau["president"].pk),
        ("election.resume", "Réseau rétabli", bureau["president"].pk),
    ]


def test_the_seal_covers_the_bytes_of_each_list_document(settings, tmp_path):
    from django.core.files.base import ContentFile

    settings.MEDIA_ROOT = tmp_path
    election, bureau = sealable_election()
    candidate_list = CandidateList.objects.get(scrutin__election=election, code="liste-1")
    candidate_list.profession_de_foi.save("pdf.pdf", ContentFile(b"%PDF-1.4 version du 1er octobre"))
    seal_by_bureau(election, bureau)
    recorded = ElectionSeal.objects.get(election=election)
    assert lifecycle.seal_compute(election, fresh=True) == recorded.seal
    path = tmp_path / candidate_list.profession_de_foi.name
    path.write_bytes(b"%PDF-1.4 version du 2 octobre!")  # same name, other bytes
    assert lifecycle.seal_compute(election, fresh=True) != recorded.seal


def test_a_new_timetable_after_sealing_queues_the_calendar_again(rf):
    from django.contrib import admin
    from django.forms.models import model_to_dict
    from django_tasks_db.models import DBTaskResult

    from accounts.models import User

    election, bureau = sealable_election()
    seal_by_bureau(election, bureau)
    queued = DBTaskResult.objects.filter(task_path="ballots.tasks.lifecycle_due")
    assert queued.count() == 3
    model_admin = admin.site._registry[Election]
    request = rf.post("/")
    request.user = User.objects.create_superuser("chef", password="chef-password-123")  # noqa: S106
    form_class = model_admin.get_form(request, election, change=True)
    data = {k: v for k, v in model_to_dict(election).items() if v is not None}
    new_closes = election.closes + dt.timedelta(hours=2)
    for name, moment in (("opens", election.opens), ("closes", new_closes)):
        data.pop(name)
        data[f"{name}_0"] = timezone.localtime(moment).strftime("%Y-%m-%d")
        data[f"{name}_1"] = timezone.localtime(moment).strftime("%H:%M:%S")
    form = form_class(data, instance=election)
    assert form.is_valid(), form.errors
    model_admin.save_model(request, form.save(commit=False), form, change=True)
    times = set(queued.values_list("run_after", flat=True))
    assert new_closes.replace(microsecond=0) in {t.replace(microsecond=0) for t in times}
    assert queued.count() == 6


def test_a_new_code_version_is_reported_as_such_not_as_a_changed_definition(monkeypatch):
    election, bureau = sealable_election()
    seal_by_bureau(election, bureau)
    sealed_version = ElectionSeal.objects.get(election=election).document["code_version"]
    assert lifecycle.seal_verify(election).intact
    monkeypatch.setattr(lifecycle, "code_version", lambda: "9.9.9+deadbeef")
    verification = lifecycle.seal_verify(election)
    assert not verification.intact
    assert verification.differences == [
        f"la version du code a changé depuis le scellement ({sealed_version} → 9.9.9+deadbeef)"
    ]


def test_a_list_document_that_cannot_be_read_fails_the_checks(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    election, _ = sealable_election()
    CandidateList.objects.filter(scrutin__election=election, code="liste-2").update(
        profession_de_foi="listes/disparu.pdf"
    )
    checks = {c.code: c for c in lifecycle.seal_checks(election)}
    assert not checks["documents"].ok
    assert checks["documents"].detail == "Illisibles : Liste 2 (profession_de_foi)"


def test_an_integrity_check_whose_worker_died_gives_way_to_a_new_one():
    from ballots.integrity import integrity_check_request
    from ballots.models import IntegrityCheck

    election, bureau = _opened()
    first = integrity_check_request(election=election, user=bureau["president"])
    assert integrity_check_request(election=election, user=bureau["delegate1"]).pk == first.pk
    IntegrityCheck.objects.filter(pk=first.pk).update(
        status=IntegrityCheck.Status.RUNNING, progressed=timezone.now() - dt.timedelta(minutes=16)
    )
    second = integrity_check_request(election=election, user=bureau["delegate1"])
    assert second.pk != first.pk
    first.refresh_from_db()
    assert first.status == IntegrityCheck.Status.FAILED and "interrompu" in first.error


def test_the_closing_entry_counts_each_scrutins_emargements():
    election, _ = _opened(voters=2)
    scrutin = election.scrutins.get()
    voter = election.voters.first()
    ballot_cast(voter=voter, scrutin_id=scrutin.pk, ballot=ballot_build(scrutin=scrutin, choice="blank"))
    with _at(election.closes):
        lifecycle.lifecycle_tick()
    entry = AuditEntry.objects.get(action="election.close")
    assert entry.new_values["emargements"] == {scrutin.code: 1}
    seal = ElectionSeal.objects.get(election=election)
    assert seal.document["ceremony_hash"] == election.key.record["ceremony_hash"]


def test_the_bureau_reads_the_day_of_a_vote_never_its_time_or_order_and_the_admin_has_no_list(client):
    election, bureau = _opened(voters=2)
    scrutin = election.scrutins.get()
    first, second = election.voters.order_by("first_name")
    for voter, minute in ((second, 1), (first, 2)):  # « Camille1 » votes before « Camille0 »
        with _at(election.opens + dt.timedelta(hours=2, minutes=minute, seconds=7)):
            ballot_cast(
                voter=voter, scrutin_id=scrutin.pk, ballot=ballot_build(scrutin=scrutin, choice="blank")
            )
    client.force_login(bureau["delegate3"])
    page = client.get(f"/gestion/bureau/{election.slug}/emargements/").content.decode()
    voted = timezone.localtime(election.opens + dt.timedelta(hours=2, minutes=1, seconds=7))
    assert f"{voted:%d/%m/%Y}" in page
    assert f"{voted:%H:%M}" not in page and f"{voted:%H:%M:%S}" not in page
    assert page.index("Camille0") < page.index("Camille1")  # by name, not in the order of the votes
    # No second door: the admin has no émargement list, not even for a member of another bureau.
    other = sealable_election()[1]["delegate1"]
    emargement = Emargement.objects.get(voter=second)
    for reader in (bureau["delegate3"], other):
        client.force_login(reader)
        assert client.get("/gestion/ballots/emargement/").status_code == 404
        assert client.get(f"/gestion/ballots/emargement/{emargement.pk}/change/").status_code == 404
