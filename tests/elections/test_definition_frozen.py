"""The election's definition is read-only once it leaves preparation (issue 12, item 4).

Scrutins, candidate lists, candidates and their documents, and the rolls, change only
while the election is in preparation (``elections.lifecycle.definition_editable``), for every role
and through every door (change, add, delete, bulk delete, inlines, model ``clean``); an
RH referent changes only the scrutins of their own establishments.
"""

import pytest
from django.contrib import admin as django_admin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import User
from elections import imports
from elections.lifecycle import definition_editable
from elections.models import (
    Candidate,
    CandidateList,
    Election,
    RollEntry,
    Scrutin,
)
from tests.factories import (
    CandidateListFactory,
    ElectionFactory,
    EstablishmentFactory,
    ScrutinFactory,
    StaffFactory,
    make_voter,
)

pytestmark = pytest.mark.django_db

FROZEN_STATES = [
    Election.State.SEALED,
    Election.State.OPEN,
    Election.State.SUSPENDED,
    Election.State.CLOSING,
    Election.State.CLOSED,
]
ROLES = ["referent", "bureau", "superuser"]


@pytest.fixture
def world(db):
    mine, theirs = EstablishmentFactory(code="MIEN"), EstablishmentFactory(code="AUTRE")
    election = ElectionFactory(state=Election.State.PREPARATION)
    own = ScrutinFactory(election=election, code="cap-mien", name="CAP locale")
    own.establishments.set([mine])
    other = ScrutinFactory(election=election, code="cap-autre", name="CAP d'ailleurs")
    other.establishments.set([theirs])
    wide = ScrutinFactory(election=election, code="csa-ministeriel", name="CSA ministériel")
    lists = {}
    for scrutin in (own, other, wide):
        lists[scrutin.code] = CandidateListFactory(scrutin=scrutin, code="liste-a", name="Liste A", order=0)
        Candidate.objects.create(candidate_list=lists[scrutin.code], name="Camille Durand", order=1)
    voter = make_voter(election=election, matricule="V1", establishment=mine, scrutins=[own])
    return {
        "election": election,
        "mine": mine,
        "theirs": theirs,
        "own": own,
        "other": other,
        "wide": wide,
        "lists": lists,
        "voter": voter,
    }


def staff(role, world) -> User:
    if role == "superuser":
        return User.objects.create_superuser("chef", password="chef-password-123")  # noqa: S106
    name = {"referent": "Référent RH", "bureau": "Membre du bureau de vote"}[role]
    user = StaffFactory(groups=[Group.objects.get(name=name)])
    if role == "referent":
        user.establishments.set([world["mine"]])
    return user


def freeze(world, state) -> None:
    Election.objects.filter(pk=world["election"].pk).update(state=state)


def management(prefix: str, total: int = 0, initial: int = 0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def scrutin_data(scrutin, **changes) -> dict:
    data = {
        "election": str(scrutin.election_id),
        "code": scrutin.code,
        "name": scrutin.name,
        "kind": scrutin.kind,
        "seats": str(scrutin.seats),
        "order": str(scrutin.order),
        "establishments": [str(pk) for pk in scrutin.establishments.values_list("pk", flat=True)]
        if scrutin.pk
        else [],
        **management("lists"),
    }
    data.update(changes)
    return data


def list_data(candidate_list, **changes) -> dict:
    data = {
        "scrutin": str(candidate_list.scrutin_id),
        "code": candidate_list.code,
        "name": candidate_list.name,
        "affiliation": candidate_list.affiliation,
        "order": str(candidate_list.order),
        **management("candidates"),
    }
    data.update(changes)
    return data


def refused(response) -> bool:
    """The admin refused: 403, or the form came back with an error (nothing saved)."""
    return response.status_code == 403 or (
        response.status_code == 200 and "errornote" in response.content.decode()
    )


# --- the predicate ---------------------------------------------------------------------------------


@pytest.mark.parametrize("state", list(Election.State))
def test_the_definition_is_editable_in_preparation_only(state):
    assert definition_editable(Election(state=state)) is (state == Election.State.PREPARATION)


@pytest.mark.parametrize("state", [Election.State.SEALED, Election.State.OPEN])
def test_the_imports_use_the_same_predicate(world, state):
    assert not hasattr(imports, "rolls_editable")
    freeze(world, state)
    world["election"].refresh_from_db()
    admin = User.objects.create_superuser("chef", password="chef-password-123")  # noqa: S106
    with pytest.raises(imports.ImportRefused, match="ne peuvent plus changer"):
        imports.import_create(election=world["election"], user=admin, name="x.csv", data=b"matricule\nA\n")


# --- frozen: every role, every object kind, every door -----------------------------------------------


@pytest.mark.parametrize("state", FROZEN_STATES)
@pytest.mark.parametrize("role", ROLES)
def test_a_scrutin_of_a_frozen_election_cannot_be_renamed_or_deleted(client, world, state, role):
    freeze(world, state)
    client.force_login(staff(role, world))
    scrutin = world["own"]
    url = f"/gestion/elections/scrutin/{scrutin.pk}/"
    assert refused(client.post(f"{url}change/", scrutin_data(scrutin, name="Renommé")))
    assert refused(client.post(f"{url}delete/", {"post": "yes"}))
    bulk = {"action": "delete_selected", "_selected_action": [scrutin.pk], "post": "yes"}
    client.post("/gestion/elections/scrutin/", bulk)
    scrutin.refresh_from_db()
    assert scrutin.name == "CAP locale"
    assert Scrutin.objects.count() == 3 and CandidateList.objects.count() == 3


@pytest.mark.parametrize("state", FROZEN_STATES)
@pytest.mark.parametrize("role", ROLES)
def test_no_scrutin_can_be_added_to_a_frozen_election(client, world, state, role):
    freeze(world, state)
    client.force_login(staff(role, world))
    new = ScrutinFactory.build(election=world["election"], code="ccp-nouvelle")
    data = scrutin_data(new, establishments=[str(world["mine"].pk)])
    assert refused(client.post("/gestion/elections/scrutin/add/", data))
    assert not Scrutin.objects.filter(code="ccp-nouvelle").exists()


@pytest.mark.parametrize("state", FROZEN_STATES)
@pytest.mark.parametrize("role", ROLES)
def test_a_list_of_a_frozen_election_cannot_change_lose_its_documents_or_go(client, world, state, role):
    freeze(world, state)
    client.force_login(staff(role, world))
    candidate_list = world["lists"]["cap-mien"]
    url = f"/gestion/elections/candidatelist/{candidate_list.pk}/"
    pdf = SimpleUploadedFile("pdf.pdf", b"%PDF-1.4 profession de foi", content_type="application/pdf")
    assert refused(
        client.post(f"{url}change/", list_data(candidate_list, name="Renommée", profession_de_foi=pdf))
    )
    with_candidate = list_data(candidate_list, **management("candidates", total=1))
    with_candidate.update({"candidates-0-name": "Intrus", "candidates-0-order": "9"})
    assert refused(client.post(f"{url}change/", with_candidate))
    assert refused(client.post(f"{url}delete/", {"post": "yes"}))
    bulk = {"action": "delete_selected", "_selected_action": [candidate_list.pk], "post": "yes"}
    client.post("/gestion/elections/candidatelist/", bulk)
    candidate_list.refresh_from_db()
    assert candidate_list.name == "Liste A" and not candidate_list.profession_de_foi
    assert CandidateList.objects.count() == 3
    assert list(Candidate.objects.filter(candidate_list=candidate_list).values_list("name", flat=True)) == [
        "Camille Durand"
    ]


@pytest.mark.parametrize("state", FROZEN_STATES)
@pytest.mark.parametrize("role", ROLES)
def test_no_list_can_be_added_to_a_frozen_scrutin(client, world, state, role):
    freeze(world, state)
    client.force_login(staff(role, world))
    data = list_data(CandidateList(scrutin=world["own"], code="liste-tardive", name="Tardive", order=5))
    assert refused(client.post("/gestion/elections/candidatelist/add/", data))
    inline = scrutin_data(world["own"], **management("lists", total=1))
    inline.update({"lists-0-code": "liste-tardive", "lists-0-name": "Tardive", "lists-0-order": "5"})
    assert refused(client.post(f"/gestion/elections/scrutin/{world['own'].pk}/change/", inline))
    assert not CandidateList.objects.filter(code="liste-tardive").exists()


@pytest.mark.parametrize("state", FROZEN_STATES)
def test_the_election_page_offers_no_scrutin_inline_edit_once_frozen(client, world, state):
    freeze(world, state)
    admin = staff("superuser", world)
    client.force_login(admin)
    response = client.get(f"/gestion/elections/election/{world['election'].pk}/change/")
    formset = next(f for f in response.context["inline_admin_formsets"] if f.formset.model is Scrutin)
    assert not formset.has_add_permission
    assert not formset.has_change_permission
    assert not formset.has_delete_permission


@pytest.mark.parametrize("state", FROZEN_STATES)
@pytest.mark.parametrize("role", ["referent", "superuser"])
def test_roll_entries_of_a_frozen_election_cannot_be_added_or_deleted(client, world, state, role):
    entry = RollEntry.objects.get()
    freeze(world, state)
    client.force_login(staff(role, world))
    other = make_voter(election=world["election"], matricule="V2", establishment=world["mine"])
    add = {"voter": str(other.pk), "scrutin": str(world["own"].pk)}
    assert refused(client.post("/gestion/elections/rollentry/add/", add))
    assert refused(client.post(f"/gestion/elections/rollentry/{entry.pk}/delete/", {"post": "yes"}))
    assert list(RollEntry.objects.values_list("voter__matricule", flat=True)) == ["V1"]


@pytest.mark.parametrize("state", FROZEN_STATES)
def test_model_clean_refuses_every_definition_change_once_frozen(world, state):
    freeze(world, state)
    scrutin = Scrutin.objects.get(pk=world["own"].pk)
    candidate_list = CandidateList.objects.get(pk=world["lists"]["cap-mien"].pk)
    objects = [
        scrutin,
        Scrutin(election=scrutin.election, code="nouveau", name="Nouveau", kind="CSA", seats=1),
        candidate_list,
        CandidateList(scrutin=scrutin, code="nouvelle", name="Nouvelle"),
        Candidate.objects.get(candidate_list=candidate_list),
        Candidate(candidate_list=candidate_list, name="Intrus"),
        RollEntry(voter=world["voter"], scrutin=world["other"]),
    ]
    for obj in objects:
        with pytest.raises(ValidationError, match="ne peu(t|vent) plus changer"):
            obj.full_clean()


def test_model_clean_accepts_changes_in_preparation(world):
    Scrutin.objects.get(pk=world["own"].pk).full_clean()
    CandidateList(scrutin=world["own"], code="nouvelle", name="Nouvelle").full_clean()
    Candidate(candidate_list=world["lists"]["cap-mien"], name="Nouveau").full_clean()


# --- in preparation: who may change what ----------------------------------------------------------


def test_in_preparation_a_referent_changes_the_scrutins_and_lists_of_their_establishments(client, world):
    client.force_login(staff("referent", world))
    own = world["own"]
    response = client.post(
        f"/gestion/elections/scrutin/{own.pk}/change/", scrutin_data(own, name="CAP renommée")
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    own.refresh_from_db()
    assert own.name == "CAP renommée"
    candidate_list = world["lists"]["cap-mien"]
    pdf = SimpleUploadedFile("pdf.pdf", b"%PDF-1.4 profession de foi", content_type="application/pdf")
    url = f"/gestion/elections/candidatelist/{candidate_list.pk}/change/"
    response = client.post(url, list_data(candidate_list, name="Liste renommée", profession_de_foi=pdf))
    assert response.status_code == 302
    candidate_list.refresh_from_db()
    assert candidate_list.name == "Liste renommée" and candidate_list.profession_de_foi


@pytest.mark.parametrize("which", ["other", "wide"])
def test_a_referent_cannot_change_a_scrutin_beyond_their_establishments(client, world, which):
    client.force_login(staff("referent", world))
    scrutin = world[which]
    url = f"/gestion/elections/scrutin/{scrutin.pk}/"
    assert refused(client.post(f"{url}change/", scrutin_data(scrutin, name="Renommé")))
    assert refused(client.post(f"{url}delete/", {"post": "yes"}))
    candidate_list = world["lists"][scrutin.code]
    list_url = f"/gestion/elections/candidatelist/{candidate_list.pk}/"
    assert refused(client.post(f"{list_url}change/", list_data(candidate_list, name="Renommée")))
    assert refused(client.post(f"{list_url}delete/", {"post": "yes"}))
    new_list = list_data(CandidateList(scrutin=scrutin, code="liste-z", name="Z", order=3))
    assert refused(client.post("/gestion/elections/candidatelist/add/", new_list))
    bulk = {"action": "delete_selected", "_selected_action": [scrutin.pk, world["own"].pk], "post": "yes"}
    client.post("/gestion/elections/scrutin/", bulk)
    scrutin.refresh_from_db()
    candidate_list.refresh_from_db()
    assert scrutin.name != "Renommé" and candidate_list.name == "Liste A"
    assert Scrutin.objects.count() == 3 and CandidateList.objects.count() == 3


def test_a_referent_adds_a_scrutin_only_for_their_establishments(client, world):
    client.force_login(staff("referent", world))
    new = ScrutinFactory.build(election=world["election"], code="ccp-nouvelle", name="CCP nouvelle")
    for establishments in ([], [str(world["theirs"].pk)], [str(world["mine"].pk), str(world["theirs"].pk)]):
        response = client.post(
            "/gestion/elections/scrutin/add/", scrutin_data(new, establishments=establishments)
        )
        assert refused(response)
        assert not Scrutin.objects.filter(code="ccp-nouvelle").exists()
    response = client.post(
        "/gestion/elections/scrutin/add/", scrutin_data(new, establishments=[str(world["mine"].pk)])
    )
    assert response.status_code == 302
    assert list(Scrutin.objects.get(code="ccp-nouvelle").establishments.all()) == [world["mine"]]


def test_in_preparation_the_bureau_only_reads(client, world):
    client.force_login(staff("bureau", world))
    own = world["own"]
    assert client.get(f"/gestion/elections/scrutin/{own.pk}/change/").status_code == 200
    assert refused(client.post(f"/gestion/elections/scrutin/{own.pk}/change/", scrutin_data(own, name="X")))
    own.refresh_from_db()
    assert own.name == "CAP locale"


def test_in_preparation_a_superuser_changes_an_election_wide_scrutin(client, world):
    client.force_login(staff("superuser", world))
    wide = world["wide"]
    response = client.post(
        f"/gestion/elections/scrutin/{wide.pk}/change/", scrutin_data(wide, name="CSA renommé")
    )
    assert response.status_code == 302
    wide.refresh_from_db()
    assert wide.name == "CSA renommé"


# --- issue 13: the roll entries' bulk delete ("delete selected") -----------------------------------


def _bulk_delete_roll_entries(client, *entries):
    bulk = {"action": "delete_selected", "_selected_action": [e.pk for e in entries], "post": "yes"}
    return client.post("/gestion/elections/rollentry/", bulk)


def test_in_preparation_roll_entries_can_be_bulk_deleted(client, world):
    client.force_login(staff("referent", world))
    assert _bulk_delete_roll_entries(client, RollEntry.objects.get()).status_code == 302
    assert not RollEntry.objects.exists()


@pytest.mark.parametrize("state", FROZEN_STATES)
@pytest.mark.parametrize("role", ["referent", "superuser"])
def test_roll_entries_of_a_frozen_election_cannot_be_bulk_deleted(client, world, state, role):
    entry = RollEntry.objects.get()
    freeze(world, state)
    client.force_login(staff(role, world))
    assert _bulk_delete_roll_entries(client, entry).status_code == 403
    assert list(RollEntry.objects.values_list("voter__matricule", flat=True)) == ["V1"]


def test_the_roll_entry_admin_deletes_nothing_when_one_selected_entry_is_frozen(rf, world):
    """``delete_queryset`` itself refuses, whoever calls it (the action, another admin path)."""
    preparing = ElectionFactory(state=Election.State.PREPARATION)
    loose = make_voter(
        election=preparing,
        matricule="P1",
        establishment=world["mine"],
        scrutins=[ScrutinFactory(election=preparing)],
    )
    freeze(world, Election.State.OPEN)
    request = rf.post("/gestion/elections/rollentry/")
    request.user = staff("superuser", world)
    with pytest.raises(PermissionDenied):
        django_admin.site._registry[RollEntry].delete_queryset(request, RollEntry.objects.all())
    assert sorted(RollEntry.objects.values_list("voter__matricule", flat=True)) == ["P1", "V1"]
    assert loose.roll_entries.count() == 1
