"""On PostgreSQL, the guard of a sealed definition (``elections.models.definition_write_check``)
reads the election's state under FOR KEY SHARE: a definition write waits for a transition
holding the election row (``select_for_update``, as the sealing does) and then sees the state
it committed; while a write holds its lock, no transition can take the row, and other
writers of the definition do not wait for it."""

import threading
import time

import pytest
from django.db import DatabaseError, connection, transaction

from elections.lifecycle import DEFINITION_FROZEN_MESSAGE
from elections.models import Candidate, CandidateList, DefinitionFrozen, Election
from tests.factories import sealable_election

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _roles():
    """The bureau's group (made by a migration; an earlier transactional test may have flushed it)."""
    from django.apps import apps

    from accounts.roles import roles_sync

    roles_sync(apps)


def _waiting_on_a_lock() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def _in_thread(target):
    """Run ``target`` on its own connection; returns (thread, errors, results)."""
    errors, results = [], []

    def run():
        try:
            results.append(target())
        except Exception as exc:  # noqa: BLE001 — reported to the main thread
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, errors, results


def test_a_definition_write_waits_for_the_sealing_and_is_then_refused():
    assert connection.vendor == "postgresql"
    election, _bureau = sealable_election()
    candidate_list = CandidateList.objects.filter(scrutin__election=election).order_by("pk").first()
    locked = threading.Event()

    def sealing():
        """What a transition does: the row lock, the state re-checked, the new state, commit —
        here once the definition write below is seen waiting for the row."""
        with transaction.atomic():
            Election.objects.select_for_update().get(pk=election.pk)
            locked.set()
            deadline = time.monotonic() + 10
            while _waiting_on_a_lock() == 0:
                assert time.monotonic() < deadline, "the definition write never waited for the row lock"
                time.sleep(0.05)
            Election.objects.filter(pk=election.pk).update(state=Election.State.SEALED)
        return "sealed"

    thread, errors, results = _in_thread(sealing)
    assert locked.wait(10)
    candidate_list.name = "Liste renommée pendant le scellement"
    with pytest.raises(DefinitionFrozen) as refused:
        candidate_list.save()
    thread.join(20)
    assert errors == [] and results == ["sealed"]
    assert refused.value.messages == [DEFINITION_FROZEN_MESSAGE]
    assert CandidateList.objects.get(pk=candidate_list.pk).name != candidate_list.name


def test_a_definition_write_holds_off_the_transitions_but_not_other_writers():
    assert connection.vendor == "postgresql"
    election, _bureau = sealable_election()
    first, second = CandidateList.objects.filter(scrutin__election=election).order_by("pk")

    def transition_takes_the_row():
        with transaction.atomic():
            return Election.objects.select_for_update(nowait=True).get(pk=election.pk).pk

    def another_writer():
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '5s'")
            return Candidate.objects.create(candidate_list=second, name="Autre rédacteur", order=5).pk

    with transaction.atomic():
        first.name = "Liste renommée en préparation"
        first.save()  # the guard's FOR KEY SHARE lasts until this transaction ends
        thread, errors, results = _in_thread(transition_takes_the_row)
        thread.join(20)
        assert results == [] and len(errors) == 1 and isinstance(errors[0], DatabaseError)
        assert "could not obtain lock" in str(errors[0])
        thread, errors, written = _in_thread(another_writer)
        thread.join(20)
        assert errors == [] and len(written) == 1
    # Once the write has committed, a transition takes the row at once.
    thread, errors, results = _in_thread(transition_takes_the_row)
    thread.join(20)
    assert errors == [] and results == [election.pk]
    assert CandidateList.objects.get(pk=first.pk).name == "Liste renommée en préparation"
    assert Candidate.objects.filter(pk=written[0], candidate_list=second).exists()
