"""The bureau's réassort trail page: chain check, counts, and volume flags at their thresholds."""

from html import unescape

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from accounts import recovery
from accounts.models import AuditEntry
from accounts.trail import reassort_trail
from elections.models import BureauMember, Election
from tests.factories import ElectionFactory, StaffFactory, make_voter

pytestmark = pytest.mark.django_db

SUPPORT, BUREAU, RH = "Support électeurs", "Membre du bureau de vote", "Référent RH"


def staff(group, **kwargs):
    return StaffFactory(groups=[Group.objects.get(name=group)], **kwargs)


def url(election):
    return f"/gestion/elections/election/{election.pk}/reassorts/"


def reveal(agent, voter, times=1):
    for _ in range(times):
        recovery.security_key_reveal(staff=agent, voter=voter, caller="voter", address="10.1.1.1")


def self_service(election, matricule, address, times=1):
    for _ in range(times):
        recovery.password_reassort(
            election=election, matricule=matricule, secret="XXXXXX", iban_tail="000000", address=address
        )


def test_counts_per_kind_per_staff_and_per_day_for_this_election_only(voter):
    election = voter.election
    agent = staff(SUPPORT, username="agent.support")
    president = staff(BUREAU, username="president.bureau")
    BureauMember.objects.create(election=election, user=president, role="president")
    reveal(agent, voter, times=2)
    recovery.security_key_reissue(staff=agent, voter=voter, caller="president", address="10.1.1.1")
    recovery.password_reset_by_bureau(staff=president, voter=voter, document="cni", address="10.1.1.2")
    self_service(election, voter.matricule, "10.9.9.9")
    self_service(election, "INCONNU42", "10.9.9.9")  # an unknown matricule still counts here
    other = ElectionFactory()
    stranger = make_voter(election=other, matricule="O0001")
    reveal(agent, stranger, times=5)
    self_service(other, "INCONNU42", "10.9.9.9")

    report = reassort_trail(election)
    assert report.total == 6
    assert dict((action, count) for action, _, count in report.per_kind) == {
        "support.key_reveal": 2,
        "support.key_reissue": 1,
        "bureau.password_reset": 1,
        "reassort.password.refused": 2,
    }
    assert dict(report.per_staff) == {"agent.support": 3, "president.bureau": 1}
    assert sum(count for _, count in report.per_day) == 6
    assert report.flags == []

    page = unescape(logged_in(president).get(url(election)).content.decode())
    assert "entrées du journal forment une chaîne intègre" in page
    assert "Clé de sécurité lue par le support</td><td>2" in page
    assert "agent.support</td><td>3" in page
    assert "Aucun volume inhabituel." in page


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_staff_member_over_the_hourly_threshold_is_flagged(voter):
    election = voter.election
    election.reassort_flag_staff_per_hour = 3
    election.save()
    agent = staff(SUPPORT, username="agent.rapide")
    reveal(agent, voter, times=3)
    assert reassort_trail(election).flags == []  # at the threshold: not yet
    reveal(agent, voter)
    [flag] = reassort_trail(election).flags
    assert (flag.kind, flag.who, flag.count, flag.threshold) == ("staff", "agent.rapide", 4, 3)


def test_an_address_over_the_daily_threshold_is_flagged(voter):
    election = voter.election
    election.reassort_flag_address_per_day = 4
    election.save()
    self_service(election, "INCONNU1", "10.6.6.6", times=2)
    self_service(election, voter.matricule, "10.6.6.6", times=2)
    self_service(election, voter.matricule, "10.0.0.1", times=1)
    assert reassort_trail(election).flags == []
    self_service(election, "INCONNU2", "10.6.6.6")
    [flag] = reassort_trail(election).flags
    assert (flag.kind, flag.who, flag.count, flag.threshold) == ("address", "10.6.6.6", 5, 4)
    page = unescape(logged_in(StaffFactory(is_superuser=True)).get(url(election)).content.decode())
    assert "Adresse IP : demandes en un jour" in page and "10.6.6.6" in page


def test_a_new_election_flags_a_staff_member_from_the_21st_action_in_an_hour(voter):
    """The defaults at work: 20 an hour is usual for a support agent, 21 is flagged."""
    election = Election.objects.get(pk=voter.election.pk)  # as created, never set by hand
    agent = staff(SUPPORT, username="agent.defaut")
    reveal(agent, voter, times=20)
    assert reassort_trail(election).flags == []
    reveal(agent, voter)
    [flag] = reassort_trail(election).flags
    assert (flag.kind, flag.who, flag.count, flag.threshold) == ("staff", "agent.defaut", 21, 20)


def test_a_new_election_flags_an_address_from_the_51st_request_in_a_day(election):
    self_service(election, "INCONNU1", "10.7.7.7", times=50)
    assert reassort_trail(election).flags == []
    self_service(election, "INCONNU1", "10.7.7.7")
    [flag] = reassort_trail(election).flags
    assert (flag.kind, flag.who, flag.count, flag.threshold) == ("address", "10.7.7.7", 51, 50)


def test_a_broken_chain_is_said_first(voter, tamper):
    reveal(staff(SUPPORT), voter)
    target = AuditEntry.objects.get(action="support.key_reveal").pk
    tamper.execute("UPDATE accounts_auditentry SET object_label = 'falsifié' WHERE id = %s", [target])
    html = unescape(logged_in(StaffFactory(is_superuser=True)).get(url(voter.election)).content.decode())
    assert "La chaîne est rompue à l'entrée n°" in html


@pytest.mark.parametrize(("group", "status"), [(BUREAU, 200), (SUPPORT, 403), (RH, 403)])
def test_only_the_bureau_reads_the_trail(election, group, status):
    assert logged_in(staff(group)).get(url(election)).status_code == status


def test_the_election_page_links_to_the_trail_for_the_bureau(election):
    page = logged_in(staff(BUREAU)).get(f"/gestion/elections/election/{election.pk}/change/").content.decode()
    assert url(election) in page


def test_the_thresholds_are_set_on_the_election_page(election):
    client = logged_in(StaffFactory(is_superuser=True))
    page = client.get(f"/gestion/elections/election/{election.pk}/change/")
    assert page.status_code == 200
    assert "seuils d'alerte" in unescape(page.content.decode())
