"""A sealed election's definition cannot change through the ORM itself (issue 15, item 4).

Scrutins, candidate lists (their documents included), candidates and roll entries refuse
``save()``, ``delete()``, ``create()`` and their querysets' ``update()``, ``delete()``,
``bulk_create()`` and ``bulk_update()`` once their election has left preparation, with
``DefinitionFrozen`` (a ``ValidationError`` carrying ``DEFINITION_FROZEN_MESSAGE``): the
shell, a data script and every service meet the same rule as the admin. The election's
state is read from the database (``elections.models.definition_write_check``), never from
an object in memory. In preparation everything goes through.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import ProtectedError
from django.test.utils import CaptureQueriesContext

from ballots import lifecycle
from ballots.models import ElectionSeal
from elections.lifecycle import DEFINITION_FROZEN_MESSAGE
from elections.models import (
    Candidate,
    CandidateList,
    DefinitionFrozen,
    Election,
    RollEntry,
    Scrutin,
    definition_write_check,
)
from tests.factories import (
    CandidateListFactory,
    ElectionFactory,
    ScrutinFactory,
    make_voter,
    seal_by_bureau,
    sealable_election,
)

pytestmark = pytest.mark.django_db


@dataclass
class Kind:
    """How to reach, make and change one kind of definition object in an election."""

    model: Any
    existing: Callable[[Election], Any]
    new: Callable[[Election], Any]  # unsaved, valid
    field: str  # a field to change (bulk_update)
    value: Callable[[Election], Any]  # a new value for it

    def __str__(self) -> str:
        return self.model.__name__


def _list_of(election):
    return CandidateList.objects.filter(scrutin__election=election).order_by("pk").first()


KINDS = [
    Kind(
        Scrutin,
        existing=lambda e: e.scrutins.get(),
        new=lambda e: Scrutin(
            election=e, code="csa-nouveau", name="CSA nouveau", kind=Scrutin.Kind.CSA, seats=1
        ),
        field="name",
        value=lambda e: "CSA renommé",
    ),
    Kind(
        CandidateList,
        existing=_list_of,
        new=lambda e: CandidateList(scrutin=e.scrutins.get(), code="liste-9", name="Liste 9", order=9),
        field="name",
        value=lambda e: "Liste renommée",
    ),
    Kind(
        Candidate,
        existing=lambda e: (
            Candidate.objects.filter(candidate_list__scrutin__election=e).order_by("pk").first()
        ),
        new=lambda e: Candidate(candidate_list=_list_of(e), name="Intrus", order=9),
        field="name",
        value=lambda e: "Candidat renommé",
    ),
    Kind(
        RollEntry,
        existing=lambda e: RollEntry.objects.filter(scrutin__election=e).order_by("pk").first(),
        # A voter of the election on no roll yet (made after the sealing: voters are not the rolls).
        new=lambda e: RollEntry(voter=make_voter(election=e, first_name="Tardif"), scrutin=e.scrutins.get()),
        field="scrutin",
        value=lambda e: e.scrutins.get(),
    ),
]
KIND_IDS = [str(kind) for kind in KINDS]


@pytest.fixture
def sealed(db):
    election, bureau = sealable_election(voters=2)
    return seal_by_bureau(election, bureau)


@pytest.fixture
def prepared(db):
    election, _bureau = sealable_election(voters=2)
    return election


def _refused(action) -> None:
    """``action`` raises DefinitionFrozen with the French message, and writes nothing."""
    with pytest.raises(DefinitionFrozen) as refused:
        action()
    assert isinstance(refused.value, ValidationError)
    assert refused.value.messages == [DEFINITION_FROZEN_MESSAGE]


def _seal_unchanged(election) -> None:
    recorded = ElectionSeal.objects.get(election=election).seal
    assert lifecycle.seal_compute(election, fresh=True) == recorded


# --- refused after the sealing -------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS, ids=KIND_IDS)
def test_save_of_a_change_is_refused_after_the_sealing(sealed, kind):
    obj = kind.existing(sealed)
    setattr(obj, kind.field, kind.value(sealed))
    _refused(obj.save)
    _seal_unchanged(sealed)


@pytest.mark.parametrize("kind", KINDS, ids=KIND_IDS)
def test_save_and_create_of_a_new_object_are_refused_after_the_sealing(sealed, kind):
    count = kind.model.objects.count()
    _refused(kind.new(sealed).save)
    new = kind.new(sealed)
    fields = {f.name: getattr(new, f.name) for f in kind.model._meta.concrete_fields if not f.primary_key}
    _refused(lambda: kind.model.objects.create(**fields))
    assert kind.model.objects.count() == count
    _seal_unchanged(sealed)


@pytest.mark.parametrize("kind", KINDS, ids=KIND_IDS)
def test_delete_is_refused_after_the_sealing(sealed, kind):
    obj = kind.existing(sealed)
    _refused(obj.delete)
    assert kind.model.objects.filter(pk=obj.pk).exists()
    _seal_unchanged(sealed)


@pytest.mark.parametrize("kind", KINDS, ids=KIND_IDS)
def test_queryset_update_and_delete_are_refused_after_the_sealing(sealed, kind):
    obj = kind.existing(sealed)
    rows = kind.model.objects.filter(pk=obj.pk)
    _refused(lambda: rows.update(**{kind.field: kind.value(sealed)}))
    _refused(rows.delete)
    assert rows.exists()
    _seal_unchanged(sealed)


@pytest.mark.parametrize("kind", KINDS, ids=KIND_IDS)
def test_bulk_create_and_bulk_update_are_refused_after_the_sealing(sealed, kind):
    count = kind.model.objects.count()
    _refused(lambda: kind.model.objects.bulk_create([kind.new(sealed)]))
    assert kind.model.objects.count() == count
    obj = kind.existing(sealed)
    setattr(obj, kind.field, kind.value(sealed))
    _refused(lambda: kind.model.objects.bulk_update([obj], [kind.field]))
    _seal_unchanged(sealed)


@pytest.mark.parametrize("kind", KINDS, ids=KIND_IDS)
def test_related_managers_are_refused_after_the_sealing(sealed, kind):
    """``scrutin.lists.update(…)``, ``voter.roll_entries.all().delete()``: the same querysets."""
    obj = kind.existing(sealed)
    parent_name = {
        Scrutin: "election",
        CandidateList: "scrutin",
        Candidate: "candidate_list",
        RollEntry: "scrutin",
    }
    parent = getattr(obj, parent_name[kind.model])
    related = getattr(parent, obj._meta.get_field(parent_name[kind.model]).remote_field.get_accessor_name())
    _refused(lambda: related.filter(pk=obj.pk).update(**{kind.field: kind.value(sealed)}))
    _refused(related.all().delete)
    _seal_unchanged(sealed)


def test_a_change_caught_inside_a_transaction_leaves_the_transaction_usable(sealed):
    """The refusal comes before the write: a caller that catches it may go on."""
    candidate_list = _list_of(sealed)
    with transaction.atomic():
        candidate_list.name = "Liste renommée"
        with pytest.raises(ValidationError):
            candidate_list.save()
        assert CandidateList.objects.filter(pk=candidate_list.pk).exists()
    _seal_unchanged(sealed)


# --- moving an object between elections --------------------------------------------------------


def test_a_list_cannot_be_moved_into_a_sealed_election(sealed, prepared):
    candidate_list = _list_of(prepared)
    candidate_list.code = "liste-venue-d-ailleurs"  # no clash with the target's lists
    candidate_list.save()
    target = sealed.scrutins.get()
    candidate_list.scrutin = target
    _refused(candidate_list.save)
    _refused(lambda: CandidateList.objects.filter(pk=candidate_list.pk).update(scrutin=target))
    _refused(lambda: CandidateList.objects.bulk_update([candidate_list], ["scrutin"]))
    assert CandidateList.objects.get(pk=candidate_list.pk).scrutin.election_id == prepared.pk
    _seal_unchanged(sealed)


def test_a_list_or_a_scrutin_cannot_be_moved_out_of_a_sealed_election(sealed, prepared):
    for other in CandidateList.objects.filter(scrutin__election=prepared):  # no clash of codes
        other.code = f"autre-{other.pk}"
        other.save()
    candidate_list = _list_of(sealed)
    candidate_list.scrutin = prepared.scrutins.get()
    _refused(candidate_list.save)
    _refused(
        lambda: CandidateList.objects.filter(pk=candidate_list.pk).update(scrutin=prepared.scrutins.get())
    )
    _refused(lambda: CandidateList.objects.bulk_update([candidate_list], ["scrutin"]))
    scrutin = sealed.scrutins.get()
    scrutin.election = prepared
    scrutin.code = "csa-deplace"
    _refused(scrutin.save)
    assert CandidateList.objects.get(pk=candidate_list.pk).scrutin.election_id == sealed.pk
    _seal_unchanged(sealed)


def test_the_state_is_read_from_the_database_not_from_the_object_in_memory():
    """An object loaded while the election was in preparation is refused once it is sealed."""
    election, bureau = sealable_election()
    candidate_list = CandidateList.objects.select_related("scrutin__election").get(pk=_list_of(election).pk)
    seal_by_bureau(Election.objects.get(pk=election.pk), bureau)
    assert candidate_list.scrutin.election.state == Election.State.PREPARATION  # stale, in memory
    candidate_list.name = "Liste renommée"
    _refused(candidate_list.save)
    _refused(lambda: definition_write_check(election.pk))


def test_a_bulk_write_checks_every_election_it_touches_in_one_query(sealed, prepared):
    entries = [
        RollEntry(
            voter=make_voter(election=prepared, first_name=f"Nouveau{i}"), scrutin=prepared.scrutins.get()
        )
        for i in range(3)
    ] + [RollEntry(voter=make_voter(election=sealed, first_name="Tardif"), scrutin=sealed.scrutins.get())]
    with CaptureQueriesContext(connection) as queries, pytest.raises(DefinitionFrozen):
        RollEntry.objects.bulk_create(entries)
    assert len([q for q in queries if "elections_election" in q["sql"]]) == 1
    assert not RollEntry.objects.filter(voter__first_name__startswith="Nouveau").exists()


# --- accepted in preparation -------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS, ids=KIND_IDS)
def test_every_write_goes_through_in_preparation(prepared, kind):
    model = kind.model
    obj = kind.existing(prepared)
    setattr(obj, kind.field, kind.value(prepared))
    obj.save()
    new = kind.new(prepared)
    new.save()
    assert model.objects.filter(pk=new.pk).exists()
    model.objects.filter(pk=obj.pk).update(**{kind.field: kind.value(prepared)})
    model.objects.bulk_update([obj], [kind.field])
    new.delete()
    assert not model.objects.filter(pk=new.pk).exists()
    created = model.objects.bulk_create([kind.new(prepared)])
    model.objects.filter(pk=created[0].pk).delete()
    assert not model.objects.filter(pk=created[0].pk).exists()
    if model is not Scrutin:  # the election's only scrutin stays for the next assertion
        model.objects.filter(pk=obj.pk).delete()
        assert not model.objects.filter(pk=obj.pk).exists()
    definition_write_check(prepared.pk)  # no exception


def test_a_whole_election_is_still_deleted_with_its_definition():
    """Deleting an Election cascades through Django's collector, not through the guarded
    querysets (``load_demo`` deletes the previous demo elections)."""
    election = ElectionFactory()  # open
    scrutin = ScrutinFactory(election=election)
    candidate_list = CandidateListFactory(scrutin=scrutin)
    voter = make_voter(election=election, scrutins=[scrutin])
    election.delete()
    assert not Scrutin.objects.filter(pk=scrutin.pk).exists()
    assert not CandidateList.objects.filter(pk=candidate_list.pk).exists()
    assert not RollEntry.objects.filter(voter_id=voter.pk).exists()


@pytest.mark.parametrize("whom", ["voter", "user"])
def test_a_voter_on_a_sealed_roll_cannot_be_deleted_with_their_roll_entries(sealed, whom):
    """Django's collector deletes a voter's roll entries without their guarded ``delete``: the
    entries' ``on_delete`` asks the same rule and protects them, for the voter and for their
    account alike."""
    voter = sealed.voters.first()
    target = voter if whom == "voter" else voter.user
    with pytest.raises(ProtectedError) as refused:
        target.delete()
    assert list(refused.value.protected_objects) == list(RollEntry.objects.filter(voter=voter))
    assert RollEntry.objects.filter(voter=voter).count() == 1
    assert type(target).objects.filter(pk=target.pk).exists()
    _seal_unchanged(sealed)


def test_a_voter_of_an_election_in_preparation_is_deleted_with_their_roll_entries(prepared):
    voter = prepared.voters.first()
    voter.user.delete()
    assert not RollEntry.objects.filter(voter_id=voter.pk).exists()
