"""roll_problems(election): what to fix in the rolls before the sealing, with where to fix it."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from elections.models import Candidate, Election
from elections.selectors import roll_problems
from tests.factories import (
    CandidateListFactory,
    ElectionFactory,
    EstablishmentFactory,
    ScrutinFactory,
    StaffFactory,
    make_voter,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def election(db):
    election = ElectionFactory(state=Election.State.PREPARATION)
    scrutin = ScrutinFactory(election=election, seats=2, name="CSA central")
    candidate_list = CandidateListFactory(scrutin=scrutin)
    for i in range(2):
        Candidate.objects.create(candidate_list=candidate_list, name=f"Candidat {i}", order=i)
    return election


def clean_voter(election, matricule, **kwargs):
    voter = make_voter(election=election, matricule=matricule, scrutins=election.scrutins.all()[:1], **kwargs)
    voter.postal_address = "1 rue de la Paix, 75002 Paris"
    voter.save()
    return voter


def test_a_clean_election_has_no_problem(election):
    clean_voter(election, "A1")
    clean_voter(election, "A2", last_name="Autre")
    report = roll_problems(election)
    assert not report and report.total == 0 and report.problems == []


def test_each_kind_is_found_with_a_link_to_fix_it(election):
    first = clean_voter(election, "D1", last_name="Double")
    clean_voter(election, "D2", last_name="Double")
    lonely = make_voter(election=election, matricule="N1", last_name="Seul")
    young = clean_voter(
        election, "Y1", last_name="Jeune", birth_date=timezone.localdate() - dt.timedelta(days=365 * 15)
    )
    old = clean_voter(election, "O1", last_name="Ancien", birth_date=dt.date(1930, 1, 1))
    no_card = clean_voter(election, "C1", last_name="Sanscarte")
    no_card.has_agent_card, no_card.postal_address = False, ""
    no_card.save()
    empty = ScrutinFactory(election=election, name="CAP vide")
    short = ScrutinFactory(election=election, name="CCP courte", seats=4)
    CandidateListFactory(scrutin=short)

    report = roll_problems(election)
    assert report.counts == {
        "duplicate": 1,
        "no_scrutin": 1,
        "birth_date": 2,
        "postal_address": 1,
        "no_list": 1,
        "few_candidates": 1,
    }
    by_kind = {p.kind: p for p in report.problems}
    assert "matricules D1, D2" in by_kind["duplicate"].message
    assert by_kind["duplicate"].fix_url == f"/gestion/accounts/voter/{first.pk}/change/"
    assert by_kind["no_scrutin"].fix_url == f"/gestion/accounts/voter/{lonely.pk}/change/"
    assert {p.fix_url for p in report.problems if p.kind == "birth_date"} == {
        f"/gestion/accounts/voter/{young.pk}/change/",
        f"/gestion/accounts/voter/{old.pk}/change/",
    }
    assert by_kind["postal_address"].fix_url == f"/gestion/accounts/voter/{no_card.pk}/change/"
    assert by_kind["no_list"].fix_url == f"/gestion/elections/scrutin/{empty.pk}/change/"
    assert "0 candidats en tout pour 4 sièges" in by_kind["few_candidates"].message


def test_with_the_vote_code_every_voter_needs_a_postal_address(election):
    voter = clean_voter(election, "A1")
    voter.postal_address = ""
    voter.save()
    assert not roll_problems(election)
    election.vote_code_enabled = True
    assert roll_problems(election).counts["postal_address"] == 1


def test_the_page_shows_a_referent_their_establishments_only(client, election):
    mine, other = EstablishmentFactory(), EstablishmentFactory()
    make_voter(election=election, matricule="M1", establishment=mine, last_name="Mienne")
    make_voter(election=election, matricule="O1", establishment=other, last_name="Autrui")
    referent = StaffFactory(groups=[Group.objects.get(name="Référent RH")])
    referent.establishments.set([mine])
    client.force_login(referent)
    page = client.get(f"/gestion/elections/election/{election.pk}/controles/").content.decode()
    assert "MIENNE" in page and "AUTRUI" not in page
    assert "l'élection ne pourra pas être scellée" in page
    assert "/controles/" in client.get(f"/gestion/elections/election/{election.pk}/change/").content.decode()


def test_the_bureau_sees_the_whole_election(client, election):
    make_voter(election=election, matricule="O1", last_name="Autrui")
    client.force_login(StaffFactory(groups=[Group.objects.get(name="Membre du bureau de vote")]))
    page = client.get(f"/gestion/elections/election/{election.pk}/controles/").content.decode()
    assert "AUTRUI" in page


@pytest.mark.parametrize("groups", [["Support électeurs"], []], ids=["support", "staff-without-role"])
def test_support_and_strangers_cannot_open_it(client, election, groups):
    """The checks prepare the sealing: the support desk, who never edits rolls, has no use for them."""
    make_voter(election=election, matricule="O1", last_name="Autrui")
    client.force_login(StaffFactory(groups=[Group.objects.get(name=name) for name in groups]))
    response = client.get(f"/gestion/elections/election/{election.pk}/controles/")
    assert response.status_code == 403
    assert "AUTRUI" not in response.content.decode()
    assert (
        "/controles/" not in client.get(f"/gestion/elections/election/{election.pk}/change/").content.decode()
    )
