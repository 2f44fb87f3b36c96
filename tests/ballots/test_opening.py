"""Opening the vote: the key rule, frozen parameters; the ballot box's schema; the demo key."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from accounts.models import AuditEntry
from ballots.crypto import group as g
from ballots.crypto.keys import ceremony_hash, ceremony_simulate
from ballots.lifecycle import LifecycleRefused, election_open, seal_checks
from ballots.models import Ballot, BallotAlpha, ElectionKey, ScrutinParameters
from ballots.services import KeyRecordRefused, OpeningRefused, election_key_install
from elections.models import CandidateList, Election
from tests.factories import (
    CandidateListFactory,
    ElectionFactory,
    ScrutinFactory,
    seal_by_bureau,
    sealable_election,
)

from ..test_security import ROOT, production_env

pytestmark = pytest.mark.django_db


def keyed_election(origin=ElectionKey.Origin.SIMULATED, with_lists=True):
    election = ElectionFactory(state=Election.State.PREPARATION)
    scrutin = ScrutinFactory(election=election)
    if with_lists:
        CandidateListFactory(scrutin=scrutin, code="liste-a", order=1)
        CandidateListFactory(scrutin=scrutin, code="liste-b", order=0)
    ceremony = ceremony_simulate(
        election=str(election.pk), president="p", secretary="s", delegates=[("d1", 1), ("d2", 2)], threshold=2
    )
    election_key_install(election=election, record=ceremony.record, origin=origin)
    return election, scrutin


def test_sealing_freezes_each_scrutins_parameters_and_the_opening_records_them():
    election, bureau = sealable_election()
    scrutin = election.scrutins.get()
    CandidateList.objects.filter(scrutin=scrutin, code="liste-1").update(order=1)
    CandidateList.objects.filter(scrutin=scrutin, code="liste-2").update(order=0)
    seal_by_bureau(election, bureau)
    params = ScrutinParameters.objects.get(scrutin=scrutin)
    assert params.params["options"] == ["liste-2", "liste-1", "blank"]
    assert params.params["public_key"] == election.key.public_key
    entry = AuditEntry.objects.filter(action="election.seal").get()
    assert entry.new_values["fingerprints"] == {scrutin.code: params.fingerprint}
    election_open(election=election)
    assert Election.objects.get(pk=election.pk).state == Election.State.OPEN
    with pytest.raises(LifecycleRefused):
        election_open(election=election)  # already open


def test_a_simulated_key_cannot_open_where_settings_forbid_it(settings):
    election, bureau = sealable_election()
    seal_by_bureau(election, bureau)
    settings.ISOLOIR_SIMULATED_KEYS_ALLOWED = False
    with pytest.raises(LifecycleRefused, match="détenteurs de clé"):
        election_open(election=election)
    assert Election.objects.get(pk=election.pk).state == Election.State.SEALED
    ceremony_election, ceremony_bureau = sealable_election()
    ElectionKey.objects.filter(election=ceremony_election).update(origin=ElectionKey.Origin.CEREMONY)
    seal_by_bureau(ceremony_election, ceremony_bureau)
    election_open(election=ceremony_election)


def _ceremony_for(election):
    return ceremony_simulate(
        election=str(election.pk), president="p", secretary="s", delegates=[("d1", 1), ("d2", 2)], threshold=2
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        # A substituted key, hash recomputed: the proof of knowledge refuses it.
        (lambda r: r["president"].__setitem__("Y_P", g.base_mult(5).hex()), "ne se vérifie pas"),
        (
            lambda r: r["delegates"][0]["commitments"].__setitem__(0, g.base_mult(5).hex()),
            "ne se vérifie pas",
        ),
        (
            lambda r: r["transport"][2]["proof"].__setitem__("response", g.scalar_to_hex(5)),
            "ne se vérifie pas",
        ),
        (lambda r: r.__setitem__("public_key", g.base_mult(5).hex()), "ne se vérifie pas"),
        (lambda r: r.__setitem__("qual", [1]), "mal formé"),
        (lambda r: r.__setitem__("public_key", "00" * 31 + "80"), "mal formé"),
    ],
)
@pytest.mark.parametrize("rehash", [True, False])
def test_a_key_record_that_does_not_verify_is_refused_and_nothing_is_stored(change, message, rehash):
    election = ElectionFactory(state=Election.State.PREPARATION)
    record = _ceremony_for(election).record
    change(record)
    if rehash:
        record["ceremony_hash"] = ceremony_hash(record)
    for origin in ElectionKey.Origin.values:
        with pytest.raises(KeyRecordRefused, match=message) as refused:
            election_key_install(election=election, record=record, origin=origin)
        assert refused.value.message.startswith("La clé de l'élection est refusée : ")
    assert not ElectionKey.objects.exists()
    assert not AuditEntry.objects.filter(action="election.key.install").exists()


def test_a_key_record_for_another_election_or_with_a_changed_hash_is_refused():
    election, other = ElectionFactory(state=Election.State.PREPARATION), ElectionFactory()
    with pytest.raises(KeyRecordRefused, match="ne se vérifie pas"):
        election_key_install(election=election, record=_ceremony_for(other).record, origin="ceremony")
    record = _ceremony_for(election).record
    record["ceremony_hash"] = "0" * 64
    with pytest.raises(KeyRecordRefused, match="ne se vérifie pas"):
        election_key_install(election=election, record=record, origin="ceremony")
    assert not ElectionKey.objects.exists()
    record["ceremony_hash"] = ceremony_hash(record)
    key = election_key_install(election=election, record=record, origin="ceremony")
    assert key.public_key == record["public_key"]
    assert AuditEntry.objects.filter(action="election.key.install").count() == 1


def test_sealing_checks_refuse_an_election_without_a_key_or_with_a_scrutin_without_lists():
    election = ElectionFactory(state=Election.State.PREPARATION)
    CandidateListFactory(scrutin=ScrutinFactory(election=election))
    checks = {c.code: c for c in seal_checks(election)}
    assert not checks["key"].ok and "cérémonie" in checks["key"].detail
    empty, _ = keyed_election(with_lists=False)
    checks = {c.code: c for c in seal_checks(empty)}
    assert not checks["lists"].ok and "aucune liste" in checks["lists"].detail
    assert not ScrutinParameters.objects.exists()


def test_production_settings_never_allow_simulated_keys():
    env = production_env(ISOLOIR_SIMULATED_KEYS_ALLOWED="true")
    code = "from django.conf import settings; print(settings.ISOLOIR_SIMULATED_KEYS_ALLOWED)"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False"


def test_the_ballot_box_tables_lead_to_no_voter_and_hold_no_time_or_sequence():
    with connection.cursor() as cursor:
        for model, expected in (
            (Ballot, {"id", "scrutin_id", "reference", "ballot"}),
            (BallotAlpha, {"scrutin_id", "alpha", "ballot_id"}),
        ):
            table = model._meta.db_table
            columns = {c.name for c in connection.introspection.get_table_description(cursor, table)}
            assert columns == expected, table
            relations = connection.introspection.get_relations(cursor, table)
            targets = {target_table for _, target_table in relations.values()}
            assert targets <= {"elections_scrutin", Ballot._meta.db_table}, targets
    assert Ballot._meta.pk.get_internal_type() == "UUIDField"
    for model in (Ballot, BallotAlpha):
        for field in model._meta.get_fields():
            assert field.get_internal_type() not in (
                "DateTimeField",
                "DateField",
                "AutoField",
                "BigAutoField",
            )
            related = getattr(field, "related_model", None)
            allowed = ("elections.Scrutin", "ballots.Ballot", "ballots.BallotAlpha")
            assert related is None or related._meta.label in allowed, field


def test_demo_keeps_key_secrets_in_a_file_and_out_of_the_database(settings, tmp_path):
    settings.DEMO_KEYS_DIR = tmp_path / "keys"
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    election = Election.objects.get(slug="demo-2026")
    assert election.state == Election.State.OPEN
    assert election.key.origin == ElectionKey.Origin.SIMULATED
    path = Path(settings.DEMO_KEYS_DIR) / f"{election.pk}.json"
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    secrets = json.loads(path.read_text())
    x_p = int.from_bytes(bytes.fromhex(secrets["x_P"]), "little")
    assert g.base_mult(x_p).hex() == election.key.record["president"]["Y_P"]
    stored = json.dumps(list(ElectionKey.objects.values("record", "public_key")))
    stored += json.dumps(list(AuditEntry.objects.values_list("new_values", flat=True)))
    assert secrets["x_P"] not in stored
    assert all(share not in stored for share in secrets["delegate_shares"].values())
    assert ScrutinParameters.objects.filter(scrutin__election=election).count() == 5


def test_an_election_with_a_key_refuses_a_second_one_and_keeps_the_first():
    election, _ = keyed_election()
    first = ElectionKey.objects.get(election=election)
    second = _ceremony_for(election).record  # a valid record of another ceremony for this election
    assert second["public_key"] != first.public_key
    with pytest.raises(OpeningRefused, match="déjà une clé publique"):
        election_key_install(election=election, record=second, origin=ElectionKey.Origin.CEREMONY)
    assert list(ElectionKey.objects.filter(election=election).values_list("pk", "public_key")) == [
        (first.pk, first.public_key)
    ]
    assert AuditEntry.objects.filter(action="election.key.install").count() == 1
