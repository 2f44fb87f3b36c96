"""The ballot page shows exactly the options frozen at opening, or nothing (issue 12, item 4)."""

import logging

import pytest

from ballots.models import Ballot
from elections.models import CandidateList
from tests.ballots.test_voting import html
from tests.factories import in_preparation

pytestmark = pytest.mark.django_db


def test_the_ballot_page_refuses_to_render_when_a_frozen_list_is_gone(
    open_election, scrutins, voter_client, caplog
):
    scrutin = scrutins[0]
    # What the admin no longer allows, done behind its back (a bug, a database edit).
    with in_preparation(open_election):  # behind the models' guard of the definition too
        CandidateList.objects.filter(scrutin=scrutin, code="liste-02").delete()
    with caplog.at_level(logging.ERROR, logger="ballots.views"):
        response = voter_client.get(f"/portail/je-vote/{scrutin.pk}/")
    assert response.status_code == 503
    page = html(response)
    assert "Ce bulletin ne peut pas être affiché" in page
    assert "Liste n° 1" not in page and 'id="isoloir-scrutin"' not in page
    assert Ballot.objects.count() == 0
    errors = [r for r in caplog.records if r.levelno == logging.ERROR and r.name == "ballots.views"]
    assert len(errors) == 1
    assert scrutin.code in errors[0].getMessage() and "liste-02" in errors[0].getMessage()


def test_the_ballot_page_renders_when_the_lists_match_the_frozen_options(
    open_election, scrutins, voter_client
):
    response = voter_client.get(f"/portail/je-vote/{scrutins[0].pk}/")
    assert response.status_code == 200
    assert "Liste n° 2" in html(response)
