"""Credential letters: the voting period they print, and one trail entry per batch (tests/MUTATION.md).

Written against mutants of elections/letters.py that survived ``make mutation``.
"""

import datetime as dt
import stat

import pytest

from accounts.models import AuditEntry
from elections import letters
from elections.models import LetterBatch
from tests.factories import ElectionFactory, make_voter

from .test_letters import make, pages, place, referent, voters  # noqa: F401

pytestmark = pytest.mark.django_db


def test_a_notice_prints_the_voting_period_in_paris_time_in_french(election, place, voters, referent):  # noqa: F811
    election.opens = dt.datetime(2026, 12, 1, 7, 0, tzinfo=dt.UTC)
    election.closes = dt.datetime(2026, 12, 8, 16, 0, tzinfo=dt.UTC)
    election.save(update_fields=["opens", "closes"])
    batch = make(election, place, LetterBatch.Kind.NOTICE, referent)
    assert batch.status == LetterBatch.Status.DONE, batch.error
    text = " ".join(" ".join(pages(letters.letters_download(batch=batch, user=referent))).split())
    assert "du mardi 1 décembre 2026 à 08h00 au mardi 8 décembre 2026 à 17h00 (heure de Paris)" in text


def test_a_batch_of_vote_codes_is_one_trail_entry_naming_every_voter(election, place, voters, referent):  # noqa: F811
    election.vote_code_enabled = True
    election.save(update_fields=["vote_code_enabled"])
    batch = make(election, place, LetterBatch.Kind.VOTE_CODE, referent)
    assert batch.status == LetterBatch.Status.DONE, batch.error
    assert not AuditEntry.objects.filter(action="vote_code.letter_issued").exists()
    entry = AuditEntry.objects.get(action="letters.generate")
    assert entry.actor_id == referent.pk
    assert (entry.object_type, entry.object_id) == ("elections.letterbatch", str(batch.pk))
    assert entry.new_values["kind"] == LetterBatch.Kind.VOTE_CODE
    assert (entry.new_values["letters"], entry.new_values["pages"]) == (3, batch.pages)
    assert sorted(entry.new_values["matricules"]) == ["L0", "L1", "L2"]


def test_letters_go_only_to_the_voters_of_the_batchs_election(election, place, voters, referent):  # noqa: F811
    make_voter(election=ElectionFactory(), matricule="AUTRE", establishment=place)
    batch = make(election, place, LetterBatch.Kind.NOTICE, referent)
    assert batch.letters == 3
    entry = AuditEntry.objects.get(action="letters.generate")
    assert sorted(entry.new_values["matricules"]) == ["L0", "L1", "L2"]


def test_the_stored_pdf_is_readable_by_the_server_account_only(election, place, voters, referent):  # noqa: F811
    batch = make(election, place, LetterBatch.Kind.NOTICE, referent)
    path = letters._path(batch)
    assert path.parent.name == "letters" and path.parent.parent == letters.Path(letters.settings.PRIVATE_ROOT)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_an_unreadable_security_key_fails_the_batch_with_its_reason(election, place, voters, referent):  # noqa: F811
    voters[1].security_key_encrypted = b"pas-un-jeton-fernet"
    voters[1].save(update_fields=["security_key_encrypted"])
    batch = make(election, place, LetterBatch.Kind.SECURITY_KEY, referent)
    assert batch.status == LetterBatch.Status.FAILED
    assert batch.error == f"La clé de sécurité de {voters[1]} est illisible (clés de chiffrement)."
    assert batch.finished is not None
    assert not letters._path(batch).exists()
    assert not AuditEntry.objects.filter(action="letters.generate").exists()
