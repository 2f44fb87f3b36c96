"""A roll entry ties a voter to a scrutin of their own election (issue 12, item 5).

Checked by the admin (the voter field is scoped), by ``RollEntry.clean`` and by the
database itself (triggers of migration elections 0011, on SQLite and PostgreSQL alike).
"""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import User, Voter
from elections.models import Election, RollEntry, Scrutin
from tests.factories import ElectionFactory, EstablishmentFactory, ScrutinFactory, StaffFactory, make_voter

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    mine, theirs = EstablishmentFactory(code="MIEN"), EstablishmentFactory(code="AUTRE")
    here = ElectionFactory(state=Election.State.PREPARATION)
    there = ElectionFactory(state=Election.State.PREPARATION)
    return {
        "mine": mine,
        "here": here,
        "there": there,
        "scrutin": ScrutinFactory(election=here, code="csa"),
        "elsewhere": ScrutinFactory(election=there, code="csa"),
        "voter": make_voter(election=here, matricule="V1", establishment=mine),
        "stranger": make_voter(election=there, matricule="V2", establishment=mine),
        "neighbour": make_voter(election=here, matricule="V3", establishment=theirs),
    }


def test_clean_refuses_a_voter_of_another_election(world):
    entry = RollEntry(voter=world["stranger"], scrutin=world["scrutin"])
    with pytest.raises(ValidationError, match="autre élection"):
        entry.full_clean()
    RollEntry(voter=world["voter"], scrutin=world["scrutin"]).full_clean()


@pytest.mark.parametrize(
    "write",
    [
        pytest.param(
            lambda w: RollEntry.objects.create(voter=w["stranger"], scrutin=w["scrutin"]), id="insert"
        ),
        pytest.param(
            lambda w: RollEntry.objects.bulk_create([RollEntry(voter=w["stranger"], scrutin=w["scrutin"])]),
            id="bulk-insert",
        ),
        pytest.param(
            lambda w: RollEntry.objects.filter(voter=w["voter"]).update(scrutin=w["elsewhere"]),
            id="update-scrutin",
        ),
        pytest.param(
            lambda w: RollEntry.objects.filter(voter=w["voter"]).update(voter=w["stranger"]),
            id="update-voter",
        ),
        pytest.param(
            lambda w: Voter.objects.filter(pk=w["voter"].pk).update(election=w["there"]), id="move-voter"
        ),
        pytest.param(
            lambda w: Scrutin.objects.filter(pk=w["scrutin"].pk).update(election=w["there"]),
            id="move-scrutin",
        ),
    ],
)
def test_the_database_refuses_a_roll_entry_across_elections(world, write):
    RollEntry.objects.create(voter=world["voter"], scrutin=world["scrutin"])
    with pytest.raises(IntegrityError), transaction.atomic():
        write(world)
    assert list(RollEntry.objects.values_list("voter__matricule", "scrutin__election")) == [
        ("V1", world["here"].pk)
    ]


def test_the_database_accepts_moves_that_keep_rolls_in_one_election(world):
    Voter.objects.filter(pk=world["stranger"].pk).update(election=world["here"])  # no roll entry yet
    RollEntry.objects.create(voter=world["voter"], scrutin=world["scrutin"])
    Scrutin.objects.filter(pk=world["elsewhere"].pk).update(election=world["here"], code="csa-2")
    assert RollEntry.objects.count() == 1


def _referent(world):
    user = StaffFactory(groups=[Group.objects.get(name="Référent RH")])
    user.establishments.set([world["mine"]])
    return user


@pytest.mark.parametrize("who", ["stranger", "neighbour"])
def test_a_referent_cannot_enter_a_voter_of_another_election_or_establishment(client, world, who):
    client.force_login(_referent(world))
    data = {"voter": str(world[who].pk), "scrutin": str(world["scrutin"].pk)}
    response = client.post("/gestion/elections/rollentry/add/", data)
    assert response.status_code == 200 and "errornote" in response.content.decode()
    assert not RollEntry.objects.exists()


def test_a_superuser_cannot_enter_a_voter_on_another_elections_scrutin(client, world):
    client.force_login(User.objects.create_superuser("chef", password="chef-password-123"))  # noqa: S106
    data = {"voter": str(world["stranger"].pk), "scrutin": str(world["scrutin"].pk)}
    response = client.post("/gestion/elections/rollentry/add/", data)
    assert response.status_code == 200
    assert "Cet électeur appartient à une autre élection que ce scrutin." in response.content.decode()
    assert not RollEntry.objects.exists()


def test_a_referent_enters_their_own_voter(client, world):
    client.force_login(_referent(world))
    data = {"voter": str(world["voter"].pk), "scrutin": str(world["scrutin"].pk)}
    assert client.post("/gestion/elections/rollentry/add/", data).status_code == 302
    assert RollEntry.objects.filter(voter=world["voter"], scrutin=world["scrutin"]).exists()


def test_the_voter_field_offers_a_referent_only_the_voters_of_their_establishments(client, world):
    client.force_login(_referent(world))
    response = client.get("/gestion/elections/rollentry/add/")
    offered = set(response.context["adminform"].form.fields["voter"].queryset)
    assert offered == {world["voter"], world["stranger"]}  # the election is checked with the scrutin
