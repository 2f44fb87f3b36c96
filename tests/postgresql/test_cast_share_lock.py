"""On PostgreSQL, a cast past its second window check holds the election's row under FOR KEY
SHARE until it commits (``ballots.services.election_share_locked``): a transition, which
takes the row FOR UPDATE (``ballots.lifecycle._locked``), cannot take it meanwhile; another
voter's cast does not wait for it."""

import threading

import pytest
from django.db import DatabaseError, connection, transaction

from accounts.models import Voter
from ballots.models import Emargement
from ballots.services import ballot_build, ballot_cast
from elections.models import Election
from tests.factories import ElectionFactory, ScrutinFactory, make_voter, open_for_voting

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


def _in_thread(target):
    """Run ``target`` on its own connection, wait for it; returns (errors, results)."""
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
    thread.join(20)
    assert not thread.is_alive()
    return errors, results


def test_a_cast_in_progress_holds_off_the_transitions_but_not_other_casts():
    assert connection.vendor == "postgresql"
    election = ElectionFactory()
    scrutin = ScrutinFactory(election=election)
    open_for_voting(election)
    first, second = (
        Voter.objects.select_related("election", "user").get(
            pk=make_voter(election=election, matricule=matricule, scrutins=[scrutin]).pk
        )
        for matricule in ("P0001", "P0002")
    )

    def transition_takes_the_row():
        with transaction.atomic():
            return Election.objects.select_for_update(nowait=True).get(pk=election.pk).pk

    def another_cast():
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '5s'")
            return ballot_cast(
                voter=second, scrutin_id=scrutin.pk, ballot=ballot_build(scrutin=scrutin, choice="blank")
            ).reference

    with transaction.atomic():
        # ballot_cast's own block is a savepoint here: its lock lasts until this block ends.
        ballot_cast(
            voter=first, scrutin_id=scrutin.pk, ballot=ballot_build(scrutin=scrutin, choice="liste-01")
        )
        errors, results = _in_thread(transition_takes_the_row)
        assert results == [] and len(errors) == 1 and isinstance(errors[0], DatabaseError)
        assert "could not obtain lock" in str(errors[0])
        errors, cast = _in_thread(another_cast)
        assert errors == [] and len(cast) == 1
    # Once the cast has committed, a transition takes the row at once.
    errors, results = _in_thread(transition_takes_the_row)
    assert errors == [] and results == [election.pk]
    assert set(Emargement.objects.values_list("voter", flat=True)) == {first.pk, second.pk}
