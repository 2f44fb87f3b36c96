"""Turnout for the bureau and the RH referents: small groups merged, nothing about results."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group as AuthGroup
from django.utils import timezone

from ballots.models import Emargement
from elections.turnout import Group, merge_small, turnout
from tests.factories import EstablishmentFactory, ScrutinFactory, StaffFactory, make_voter

pytestmark = pytest.mark.django_db


def test_large_groups_stay_small_ones_merge():
    groups = [Group("A", 30, 10), Group("B", 12, 6), Group("C", 6, 1), Group("D", 5, 5)]
    merged = merge_small(groups, 10, "Autres établissements")
    assert [(g.label, g.registered, g.voted, g.members) for g in merged] == [
        ("A", 30, 10, []),
        ("B", 12, 6, []),
        ("Autres établissements", 11, 6, ["C", "D"]),
    ]


def test_a_merged_group_still_too_small_is_folded_into_the_smallest_large_one():
    merged = merge_small(
        [Group("A", 30, 10), Group("B", 12, 6), Group("C", 4, 4)], 10, "Autres établissements"
    )
    assert [(g.label, g.registered, g.voted) for g in merged] == [
        ("A", 30, 10),
        ("B et autres établissements", 16, 10),
    ]
    assert merged[1].members == ["B", "C"]


def test_only_small_groups_give_one_line():
    merged = merge_small([Group("C", 4, 4), Group("D", 3, 0)], 10, "Autres")
    assert [(g.label, g.registered, g.voted) for g in merged] == [("Autres", 7, 4)]


@pytest.fixture
def voted(election):
    big, medium, tiny = (
        EstablishmentFactory(name=n) for n in ("Grand service", "Service moyen", "Petite antenne")
    )
    csa = ScrutinFactory(election=election, name="CSA", order=0)
    ccp = ScrutinFactory(election=election, name="CCP", order=1)
    start = timezone.now().replace(minute=5, second=0, microsecond=0) - dt.timedelta(hours=3)
    voters = []
    for place, count in ((big, 14), (medium, 11), (tiny, 3)):
        for i in range(count):
            voters.append(
                make_voter(
                    election=election, matricule=f"{place.pk}-{i}", establishment=place, scrutins=[csa]
                )
            )
    for i in range(4):
        voter = make_voter(election=election, matricule=f"C{i}", scrutins=[ccp])
        Emargement.objects.create(voter=voter, scrutin=ccp, voted_at=start)
    for i, voter in enumerate(voters[::2]):
        Emargement.objects.create(voter=voter, scrutin=csa, voted_at=start + dt.timedelta(hours=i % 3))
    return {"big": big, "medium": medium, "tiny": tiny}


def test_turnout_per_scrutin_establishment_and_hour(election, voted):
    report = turnout(election)
    assert (report.total.registered, report.total.voted) == (32, 18)
    # The CCP (4 voters, all voted) does not stand out: merged into the CSA's line.
    assert [(g.label, g.registered, g.voted) for g in report.scrutins] == [
        ("CSA et scrutins de moins de 10 inscrits", 32, 18)
    ]
    ((name, groups),) = report.establishments[:1]
    assert name == "CSA"
    assert [(g.label, g.registered) for g in groups] == [
        ("Grand service", 14),
        ("Service moyen et autres établissements", 14),
    ]
    assert sum(g.voted for g in groups) == 14
    assert [n for _, n in report.timeline][-1] == 18 and len(report.timeline) == 3


def test_the_page_for_the_bureau_has_charts_and_tables(client, election, voted):
    client.force_login(StaffFactory(groups=[AuthGroup.objects.get(name="Membre du bureau de vote")]))
    page = client.get(f"/gestion/elections/election/{election.pk}/participation/").content.decode()
    assert page.count('role="img"') == 2 and "<script" not in page.split("<svg", 1)[1].split("</svg>")[0]
    assert "18</strong> votes sur <strong>32</strong>" in page
    assert "Petite antenne" in page  # named among the merged, never with its own figures
    assert (
        "/participation/" in client.get(f"/gestion/elections/election/{election.pk}/change/").content.decode()
    )


def test_a_referent_sees_their_establishments_and_support_nothing(client, election, voted):
    referent = StaffFactory(groups=[AuthGroup.objects.get(name="Référent RH")])
    referent.establishments.set([voted["big"]])
    client.force_login(referent)
    page = client.get(f"/gestion/elections/election/{election.pk}/participation/").content.decode()
    assert "Grand service" in page and "Service moyen" not in page
    client.force_login(StaffFactory(groups=[AuthGroup.objects.get(name="Support électeurs")]))
    assert client.get(f"/gestion/elections/election/{election.pk}/participation/").status_code == 403
    change_page = client.get(f"/gestion/elections/election/{election.pk}/change/").content.decode()
    assert "/participation/" not in change_page
