"""The admin per staff role, RH referents' scope, and the audit of every admin change."""

import pytest
from django.contrib.auth.models import Group

from accounts.models import AuditEntry, Voter
from elections.models import BureauMember, Election, RollEntry, Scrutin
from tests.factories import EstablishmentFactory, ScrutinFactory, StaffFactory, make_voter

pytestmark = pytest.mark.django_db

RH, SUPPORT, BUREAU = "Référent RH", "Support électeurs", "Membre du bureau de vote"


def staff_client(client, group, **kwargs):
    user = StaffFactory(groups=[Group.objects.get(name=group)], **kwargs)
    client.force_login(user)
    return client, user


# (group, url, expected status) — 200 allowed, 403 refused
MATRIX = [
    (RH, "/gestion/accounts/voter/", 200),
    (RH, "/gestion/accounts/voter/add/", 200),
    (RH, "/gestion/elections/scrutin/add/", 200),
    (RH, "/gestion/elections/candidatelist/add/", 200),
    (RH, "/gestion/elections/rollentry/add/", 200),
    (RH, "/gestion/elections/voterrequest/", 200),
    (RH, "/gestion/elections/election/add/", 403),
    (RH, "/gestion/accounts/auditentry/", 403),
    (RH, "/gestion/accounts/user/", 403),
    (RH, "/gestion/elections/voterimport/", 200),
    (RH, "/gestion/elections/voterimport/add/", 200),
    (RH, "/gestion/elections/voterimport/modele.csv", 200),
    (RH, "/gestion/elections/letterbatch/add/", 200),
    (RH, "/gestion/elections/letterbatch/", 200),
    (SUPPORT, "/gestion/accounts/voter/", 200),
    (SUPPORT, "/gestion/accounts/voter/add/", 403),
    (SUPPORT, "/gestion/elections/rollentry/add/", 403),
    (SUPPORT, "/gestion/elections/scrutin/add/", 403),
    (SUPPORT, "/gestion/accounts/auditentry/", 403),
    (SUPPORT, "/gestion/elections/voterimport/add/", 403),
    (SUPPORT, "/gestion/elections/voterimport/modele.csv", 403),
    (SUPPORT, "/gestion/elections/letterbatch/add/", 403),
    (BUREAU, "/gestion/accounts/auditentry/", 200),
    (BUREAU, "/gestion/accounts/auditentry/verifier/", 200),
    (BUREAU, "/gestion/accounts/voter/", 200),
    (BUREAU, "/gestion/accounts/voter/add/", 403),
    (BUREAU, "/gestion/elections/scrutin/add/", 403),
    (BUREAU, "/gestion/elections/election/", 200),
    (BUREAU, "/gestion/elections/voterimport/add/", 403),
    (BUREAU, "/gestion/elections/letterbatch/add/", 403),
]


@pytest.mark.parametrize("group,url,status", MATRIX)
def test_permission_matrix(client, db, group, url, status):
    client, _ = staff_client(client, group)
    assert client.get(url).status_code == status


def test_anonymous_and_voters_cannot_open_the_admin(client, voter):
    assert client.get("/gestion/").status_code == 302
    client.force_login(voter.user)
    assert client.get("/gestion/accounts/voter/").status_code == 302


def test_rh_referent_sees_only_their_establishments(client, election):
    mine, theirs = EstablishmentFactory(), EstablishmentFactory()
    make_voter(election=election, matricule="MINE1", establishment=mine, last_name="Dedans")
    make_voter(election=election, matricule="THEIRS1", establishment=theirs, last_name="Dehors")
    client, user = staff_client(client, RH)
    user.establishments.set([mine])
    html = client.get("/gestion/accounts/voter/").content.decode()
    assert "MINE1" in html and "THEIRS1" not in html
    other = Voter.objects.get(matricule="THEIRS1")
    assert client.get(f"/gestion/accounts/voter/{other.pk}/change/").status_code == 302  # not found → list


def test_support_sees_every_establishment(client, election):
    make_voter(election=election, matricule="ANY1")
    make_voter(election=election, matricule="ANY2")
    client, _ = staff_client(client, SUPPORT)
    html = client.get("/gestion/accounts/voter/").content.decode()
    assert "ANY1" in html and "ANY2" in html


def test_no_staff_page_shows_a_security_key(client, voter):
    client, _ = staff_client(client, SUPPORT)
    html = client.get(f"/gestion/accounts/voter/{voter.pk}/change/").content.decode()
    assert "ACDE" not in html and "security_key" not in html


def test_rh_referent_creates_a_voter_with_roll_and_it_is_audited(client, election):
    election.state = election.State.PREPARATION
    election.save(update_fields=["state"])
    scrutin = ScrutinFactory(election=election)
    estab = EstablishmentFactory()
    client, user = staff_client(client, RH)
    user.establishments.set([estab])
    response = client.post(
        "/gestion/accounts/voter/add/",
        {
            "election": election.pk,
            "matricule": "NEW01",
            "last_name": "Nouveau",
            "first_name": "Agent",
            "birth_date": "02/03/1991",
            "establishment": estab.pk,
            "affectation": "",
            "email": "",
            "postal_address": "1 rue de Paris",
            "has_agent_card": "on",
            "iban": "FR76 1234 5000 0000 A012 01",
            "card_serial": "",
            "numen": "",
            "nir": "",
            "roll_entries-TOTAL_FORMS": "1",
            "roll_entries-INITIAL_FORMS": "0",
            "roll_entries-0-scrutin": scrutin.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    voter = Voter.objects.get(matricule="NEW01")
    assert not voter.user.has_usable_password()
    assert voter.iban_tail_digest and voter.security_key_encrypted
    assert RollEntry.objects.filter(voter=voter, scrutin=scrutin).exists()
    created = AuditEntry.objects.get(action="voter.create", object_id=str(voter.pk))
    assert created.actor == user and created.new_values["matricule"] == "NEW01"
    assert created.new_values["iban_tail_digest"].startswith("[secret:")
    assert AuditEntry.objects.filter(action="rollentry.create").exists()


def test_rh_referent_cannot_create_a_voter_outside_their_scope(client, election):
    mine, theirs = EstablishmentFactory(), EstablishmentFactory()
    client, user = staff_client(client, RH)
    user.establishments.set([mine])
    response = client.post(
        "/gestion/accounts/voter/add/",
        {
            "election": election.pk,
            "matricule": "OUT01",
            "last_name": "Hors",
            "first_name": "Périmètre",
            "birth_date": "02/03/1991",
            "establishment": theirs.pk,
            "roll_entries-TOTAL_FORMS": "0",
            "roll_entries-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not Voter.objects.filter(matricule="OUT01").exists()


def test_admin_change_records_old_and_new_values(admin_client, election):
    Election.objects.filter(pk=election.pk).update(state=Election.State.PREPARATION)  # definition editable
    scrutin = ScrutinFactory(election=election, seats=5)
    response = admin_client.post(
        f"/gestion/elections/scrutin/{scrutin.pk}/change/",
        {
            "election": election.pk,
            "code": scrutin.code,
            "name": scrutin.name,
            "kind": "CSA",
            "seats": 7,
            "order": scrutin.order,
            "lists-TOTAL_FORMS": "0",
            "lists-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="scrutin.update")
    assert entry.old_values == {"seats": 5} and entry.new_values == {"seats": 7}


def test_admin_deletion_is_audited(admin_client, election):
    Election.objects.filter(pk=election.pk).update(state=Election.State.PREPARATION)  # definition editable
    scrutin = ScrutinFactory(election=election)
    admin_client.post(f"/gestion/elections/scrutin/{scrutin.pk}/delete/", {"post": "yes"})
    assert not Scrutin.objects.filter(pk=scrutin.pk).exists()
    entry = AuditEntry.objects.get(action="scrutin.delete")
    assert entry.old_values["code"] == scrutin.code


def test_duplicate_matricule_in_one_election_is_refused_in_french(admin_client, voter):
    response = admin_client.post(
        "/gestion/accounts/voter/add/",
        {
            "election": voter.election.pk,
            "matricule": voter.matricule,
            "last_name": "Double",
            "first_name": "Agent",
            "birth_date": "02/03/1991",
            "establishment": voter.establishment.pk,
            "roll_entries-TOTAL_FORMS": "0",
            "roll_entries-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "Ce matricule existe déjà dans cette élection." in response.content.decode()


def test_bureau_delegate_numbers_are_never_reused(election):
    from django.db import IntegrityError, transaction

    first = StaffFactory()
    BureauMember.objects.create(election=election, user=first, role="delegate", index=1, active=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        BureauMember.objects.create(election=election, user=StaffFactory(), role="delegate", index=1)


def test_one_president_in_office_per_election(election):
    from django.db import IntegrityError, transaction

    BureauMember.objects.create(election=election, user=StaffFactory(), role="president")
    with pytest.raises(IntegrityError), transaction.atomic():
        BureauMember.objects.create(election=election, user=StaffFactory(), role="president")


def test_staff_password_change_in_the_admin_is_audited(admin_client, admin_user):
    staff = StaffFactory()
    response = admin_client.post(
        f"/gestion/accounts/user/{staff.pk}/password/",
        {
            "password1": "Un-nouveau-mot-de-passe-2026",
            "password2": "Un-nouveau-mot-de-passe-2026",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="user.password_change", object_id=str(staff.pk))
    assert entry.actor == admin_user
    assert "Un-nouveau" not in str(entry.old_values) + str(entry.new_values)


def test_staff_login_is_throttled_too(client, db):
    staff = StaffFactory(username="gestionnaire")
    for _ in range(4):
        response = client.post(
            "/gestion/login/", {"username": "gestionnaire", "password": "faux"}, REMOTE_ADDR="203.0.113.4"
        )
        assert response.status_code == 200
    locked = client.post(
        "/gestion/login/", {"username": "gestionnaire", "password": "faux"}, REMOTE_ADDR="203.0.113.4"
    )
    assert locked.status_code == 429
    right = client.post(
        "/gestion/login/",
        {"username": "gestionnaire", "password": "staff-password-123"},
        REMOTE_ADDR="203.0.113.4",
    )
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session
    assert staff.is_staff


def test_changing_a_recovery_secret_is_audited_without_its_value(admin_client, voter):
    voter.iban_tail_digest = "0" * 64
    voter.save(update_fields=["iban_tail_digest"])
    response = admin_client.post(
        f"/gestion/accounts/voter/{voter.pk}/change/",
        {
            "election": voter.election.pk,
            "matricule": voter.matricule,
            "last_name": voter.last_name,
            "first_name": voter.first_name,
            "birth_date": voter.birth_date.strftime("%d/%m/%Y"),
            "establishment": voter.establishment.pk,
            "affectation": voter.affectation,
            "has_agent_card": "on",
            "iban": "FR76 9999 0000 B123 45",
            "roll_entries-TOTAL_FORMS": "0",
            "roll_entries-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="voter.update", object_id=str(voter.pk))
    assert set(entry.new_values) == {"iban_tail_digest"}
    assert entry.old_values["iban_tail_digest"] != entry.new_values["iban_tail_digest"]
    voter.refresh_from_db()
    assert voter.iban_tail_digest not in str(entry.new_values) + str(entry.old_values)
    assert "B12345" not in str(entry.new_values)


def test_rolls_are_frozen_in_the_admin_once_the_election_left_preparation(admin_client, voter, election):
    """Open (the factory's default): no roll entry is added, changed or removed."""
    scrutin = ScrutinFactory(election=election)
    response = admin_client.post(
        "/gestion/elections/rollentry/add/", {"voter": voter.pk, "scrutin": scrutin.pk}
    )
    assert response.status_code == 200
    assert "Les listes électorales ne peuvent plus changer" in response.content.decode()
    entry = voter.roll_entries.first()
    assert (
        admin_client.post(f"/gestion/elections/rollentry/{entry.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    page = admin_client.get(f"/gestion/accounts/voter/{voter.pk}/change/").content.decode()
    assert "roll_entries-0-DELETE" not in page
    assert RollEntry.objects.filter(voter=voter).count() == 2
