"""Credential letters: the voting period they print, and one trail entry per batch (tests/MUTATION.md).

Written against mutants of elections/letters.py that survived ``make mutation``.
"""

import datetime as dt

import pytest

from accounts.models import AuditEntry
from elections import letters
from elections.models import LetterBatch

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
    assert sorted(entry.new_values["matricules"]) == ["L0", "L1", "L2"]
