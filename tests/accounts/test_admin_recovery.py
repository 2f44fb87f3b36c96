"""Seed 000, cases 2 and 4 in the admin: the bureau president's new password, the support
desk's key reveal and reissue. Who may do what, the audit of each, and that old secrets die."""

import re
from html import unescape

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from accounts import recovery
from accounts.models import AuditEntry
from elections.models import BureauMember
from tests.factories import VOTER_PASSWORD, ElectionFactory, StaffFactory

pytestmark = pytest.mark.django_db

RH, SUPPORT, BUREAU = "Référent RH", "Support électeurs", "Membre du bureau de vote"
KEY = "ACDE-FGHJ-KMNP"


def staff(group=None, **kwargs):
    return StaffFactory(groups=[Group.objects.get(name=group)] if group else [], **kwargs)


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def president_of(election):
    user = staff(BUREAU)
    BureauMember.objects.create(election=election, user=user, role=BureauMember.Role.PRESIDENT)
    return user


def reset_url(voter):
    return f"/gestion/accounts/voter/{voter.pk}/nouveau-mot-de-passe/"


def key_url(voter):
    return f"/gestion/accounts/voter/{voter.pk}/cle-de-securite/"


def secret_shown(response) -> str:
    return re.search(
        r'class="isoloir-secret"><strong>[^<]+</strong> <code>([^<]+)</code>', response.content.decode()
    ).group(1)


def can_log_in(voter, *, key=KEY, password=VOTER_PASSWORD) -> bool:
    response = Client().post(
        f"/connexion/{voter.election.slug}/",
        {"matricule": voter.matricule, "birth_date": "17/05/1980", "security_key": key, "password": password},
    )
    return response.status_code == 302


# --- case 4: the president of the voter's bureau ----------------------------------------


def test_the_president_checks_identity_and_gets_a_new_password_once(voter):
    president = president_of(voter.election)
    client = logged_in(president)
    page = client.get(reset_url(voter))
    assert page.status_code == 200 and "Pièce d'identité présentée" in unescape(page.content.decode())
    assert "no-store" in page["Cache-Control"]

    response = client.post(reset_url(voter), {"document": "cni", "confirmed": "on"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    password = secret_shown(response)
    assert can_log_in(voter, password=password)
    assert not can_log_in(voter, password=VOTER_PASSWORD)

    entry = AuditEntry.objects.get(action="bureau.password_reset")
    assert entry.actor == president and entry.object_id == str(voter.pk)
    assert entry.new_values["identity_document"] == "cni"
    assert password not in str(entry.new_values) and "[secret:" in entry.new_values["password"]
    # Shown once: the page holds no password on a later visit.
    assert password not in client.get(reset_url(voter)).content.decode()


def test_without_the_identity_confirmation_nothing_changes(voter):
    client = logged_in(president_of(voter.election))
    response = client.post(reset_url(voter), {"document": "cni"})
    assert response.status_code == 400
    assert "Confirmez la vérification d'identité avant de continuer." in unescape(response.content.decode())
    response = client.post(reset_url(voter), {"document": "carte_bleue", "confirmed": "on"})
    assert response.status_code == 400
    assert can_log_in(voter)
    assert not AuditEntry.objects.filter(action="bureau.password_reset").exists()


@pytest.mark.parametrize(
    "who",
    ["president_elsewhere", "inactive_president", "secretary", "support", "rh", "bureau_member"],
)
def test_only_the_president_of_that_election_may_reset(voter, who):
    other = ElectionFactory()
    if who == "president_elsewhere":
        user = president_of(other)
    elif who == "inactive_president":
        user = staff(BUREAU)
        BureauMember.objects.create(election=voter.election, user=user, role="president", active=False)
    elif who == "secretary":
        user = staff(BUREAU)
        BureauMember.objects.create(election=voter.election, user=user, role="secretary")
    else:
        user = staff({"support": SUPPORT, "rh": RH, "bureau_member": BUREAU}[who])
        if who == "rh":
            user.establishments.set([voter.establishment])
    client = logged_in(user)
    assert client.get(reset_url(voter)).status_code == 403
    assert client.post(reset_url(voter), {"document": "cni", "confirmed": "on"}).status_code == 403
    assert (
        "nouveau-mot-de-passe"
        not in client.get(f"/gestion/accounts/voter/{voter.pk}/change/").content.decode()
    )
    assert can_log_in(voter)


def test_a_superuser_may_reset(voter):
    client = logged_in(StaffFactory(is_superuser=True))
    assert client.post(reset_url(voter), {"document": "passeport", "confirmed": "on"}).status_code == 200


def test_the_change_page_links_to_the_actions_each_role_may_take(voter):
    html = (
        logged_in(president_of(voter.election))
        .get(f"/gestion/accounts/voter/{voter.pk}/change/")
        .content.decode()
    )
    assert reset_url(voter) in html and key_url(voter) not in html
    html = logged_in(staff(SUPPORT)).get(f"/gestion/accounts/voter/{voter.pk}/change/").content.decode()
    assert key_url(voter) in html and reset_url(voter) not in html


def test_unknown_voter_is_404(voter):
    client = logged_in(StaffFactory(is_superuser=True))
    assert client.get("/gestion/accounts/voter/999999/nouveau-mot-de-passe/").status_code == 404
    assert client.get("/gestion/accounts/voter/999999/cle-de-securite/").status_code == 404


# --- case 2: the support desk -----------------------------------------------------------


def test_support_reads_the_current_key_out_and_it_is_logged(voter):
    agent = staff(SUPPORT)
    client = logged_in(agent)
    response = client.post(key_url(voter), {"caller": "voter", "confirmed": "on", "action": "reveal"})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert secret_shown(response) == KEY
    entry = AuditEntry.objects.get(action="support.key_reveal")
    assert entry.actor == agent and entry.new_values == {"caller": "voter"}
    assert can_log_in(voter)


def test_support_issues_a_new_key_the_president_calling_for_the_voter(voter):
    agent = staff(SUPPORT)
    response = logged_in(agent).post(
        key_url(voter), {"caller": "president", "confirmed": "on", "action": "reissue"}
    )
    assert response.status_code == 200
    new_key = secret_shown(response)
    assert new_key != KEY
    assert can_log_in(voter, key=new_key)
    assert not can_log_in(voter, key=KEY)
    entry = AuditEntry.objects.get(action="support.key_reissue")
    assert entry.new_values["caller"] == "president"
    assert (
        new_key not in str(entry.new_values)
        and entry.old_values["security_key_encrypted"] != entry.new_values["security_key_encrypted"]
    )


@pytest.mark.parametrize(
    "data,message",
    [
        ({"caller": "voter", "action": "reveal"}, "Confirmez la vérification d'identité avant de continuer."),
        ({"confirmed": "on", "action": "reveal"}, "Ce champ est obligatoire."),
        (
            {"caller": "voter", "confirmed": "on"},
            "Choisissez d'afficher la clé ou d'en émettre une nouvelle.",
        ),
        ({"caller": "voter", "confirmed": "on", "action": "delete"}, "Choisissez d'afficher la clé"),
    ],
)
def test_support_bad_input_is_a_400_with_a_french_message(voter, data, message):
    response = logged_in(staff(SUPPORT)).post(key_url(voter), data)
    assert response.status_code == 400
    assert message in unescape(response.content.decode())
    assert not AuditEntry.objects.filter(action__startswith="support.").exists()


@pytest.mark.parametrize("group", [RH, BUREAU, None])
def test_staff_without_the_support_role_cannot_see_keys(voter, group):
    user = staff(group)
    if group is None:  # a president: may reset passwords, not handle keys
        BureauMember.objects.create(election=voter.election, user=user, role="president")
        user.groups.set([Group.objects.get(name=BUREAU)])
    if group == RH:  # the voter is in their scope: it is the role that refuses
        user.establishments.set([voter.establishment])
    client = logged_in(user)
    assert client.get(key_url(voter)).status_code == 403
    response = client.post(key_url(voter), {"caller": "voter", "confirmed": "on", "action": "reveal"})
    assert response.status_code == 403
    assert KEY not in response.content.decode()
    assert not AuditEntry.objects.filter(action__startswith="support.").exists()


def test_voters_and_anonymous_never_reach_the_recovery_pages(client, voter):
    for url in (reset_url(voter), key_url(voter)):
        assert client.get(url).status_code == 302
    client.force_login(voter.user)
    for url in (reset_url(voter), key_url(voter)):
        assert client.post(url, {"action": "reveal", "caller": "voter", "confirmed": "on"}).status_code == 302
    assert not AuditEntry.objects.filter(action__startswith="support.").exists()


def test_a_stored_key_that_no_longer_decrypts_is_said_in_french_not_a_500(voter):
    voter.security_key_encrypted = b"gAAAAA-not-a-fernet-token-any-more"
    voter.save(update_fields=["security_key_encrypted"])
    response = logged_in(staff(SUPPORT)).post(
        key_url(voter), {"caller": "voter", "confirmed": "on", "action": "reveal"}
    )
    assert response.status_code == 409
    assert "ne peut pas être lue" in unescape(response.content.decode())
    assert "Émettez-lui une nouvelle clé" in unescape(response.content.decode())
    assert not AuditEntry.objects.filter(action="support.key_reveal").exists()


# --- issue 13: the services refuse by themselves (as the admin, a command or an API would call them) --


def _someone_but_the_president(voter, who):
    if who == "president_elsewhere":
        return president_of(ElectionFactory())
    if who in ("inactive_president", "secretary"):
        user = staff(BUREAU)
        role, active = ("president", False) if who == "inactive_president" else ("secretary", True)
        BureauMember.objects.create(election=voter.election, user=user, role=role, active=active)
        return user
    user = staff({"support": SUPPORT, "rh": RH, "bureau_member": BUREAU}[who])
    if who == "rh":
        user.establishments.set([voter.establishment])
    return user


@pytest.mark.parametrize(
    "who",
    ["president_elsewhere", "inactive_president", "secretary", "support", "rh", "bureau_member"],
)
def test_password_reset_by_bureau_refuses_all_but_the_active_president_of_that_election(voter, who):
    user = _someone_but_the_president(voter, who)
    with pytest.raises(recovery.RecoveryRefused):
        recovery.password_reset_by_bureau(staff=user, voter=voter, document="cni", address="192.0.2.7")
    voter.user.refresh_from_db()
    assert voter.user.check_password(VOTER_PASSWORD)
    assert not AuditEntry.objects.filter(action="bureau.password_reset").exists()


def test_password_reset_by_bureau_gives_the_active_president_a_new_password(voter):
    president = president_of(voter.election)
    password = recovery.password_reset_by_bureau(staff=president, voter=voter, document="cni", address=None)
    voter.user.refresh_from_db()
    assert voter.user.check_password(password) and not voter.user.check_password(VOTER_PASSWORD)
    assert AuditEntry.objects.get(action="bureau.password_reset").actor == president


@pytest.mark.parametrize("who", ["rh", "bureau_member", "president"])
@pytest.mark.parametrize("service", ["security_key_reveal", "security_key_reissue"])
def test_security_key_services_refuse_staff_without_the_support_role(voter, who, service):
    user = president_of(voter.election) if who == "president" else _someone_but_the_president(voter, who)
    stored = bytes(voter.security_key_encrypted)
    with pytest.raises(recovery.RecoveryRefused) as refused:
        getattr(recovery, service)(staff=user, voter=voter, caller="voter", address="192.0.2.7")
    assert refused.type is recovery.RecoveryRefused  # the role, not an unreadable key
    voter.refresh_from_db()
    assert bytes(voter.security_key_encrypted) == stored
    assert not AuditEntry.objects.filter(action__startswith="support.").exists()
