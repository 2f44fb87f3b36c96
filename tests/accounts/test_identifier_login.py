"""Seed 004's way of logging in: first connection with the notice, then the voter's own
identifier (their address) + captcha + mot de passe Élections; « mot de passe oublié »
with a single-use link by e-mail."""

import datetime as dt
import re
from html import unescape

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from accounts import services, votecode
from accounts.models import AuditEntry, Voter
from accounts.trail import reassort_trail
from elections.models import Election
from tests.factories import VOTER_PASSWORD, ElectionFactory, make_voter

pytestmark = pytest.mark.django_db

ADDRESS = "camille.durand@example.org"
NEW_PASSWORD = "Trois petits chats gris"  # noqa: S105
CAPTCHA = {"captcha_0": "test", "captcha_1": "PASSED"}


@pytest.fixture
def election(db):
    return ElectionFactory(login_mode=Election.LoginMode.IDENTIFIER, vote_code_enabled=True)


def text(response) -> str:
    return unescape(response.content.decode()).replace("\xa0", " ")


def notice(voter, password=VOTER_PASSWORD, **extra):
    return {
        "matricule": voter.matricule,
        "birth_date": "17/05/1980",
        "security_key": "ACDE-FGHJ-KMNP",
        "password": password,
        **CAPTCHA,
        **extra,
    }


def first_login(voter, password=VOTER_PASSWORD, address="10.0.0.1") -> Client:
    client = Client(REMOTE_ADDR=address)
    response = client.post(f"/connexion/{voter.election.slug}/premiere-connexion/", notice(voter, password))
    assert response.status_code == 302, text(response)[:3000]
    return client


def identifier_login(election, identifier, password, address="10.0.0.1", client=None):
    client = client or Client(REMOTE_ADDR=address)
    data = {"identifier": identifier, "password": password, **CAPTCHA}
    return client, client.post(f"/connexion/{election.slug}/", data, REMOTE_ADDR=address)


def setup_data(email=ADDRESS, password=NEW_PASSWORD, **extra):
    return {"email": email, "email2": email, "password1": password, "password2": password, **extra}


def confirmation_link() -> str:
    return re.search(r"http://testserver(/portail/compte/confirmer/\S+/)", mail.outbox[-1].body).group(1)


def reset_link() -> str:
    return re.search(r"http://testserver(/connexion/\S+/)", mail.outbox[-1].body).group(1)


@pytest.fixture
def set_up(voter):
    """The voter did the first connection and confirmed ADDRESS: their identifier is active."""
    client = first_login(voter)
    assert client.post("/portail/premiere-connexion/", setup_data()).status_code == 302
    assert client.get(confirmation_link()).status_code == 302
    voter.refresh_from_db()
    assert voter.identifier_active
    mail.outbox.clear()
    return voter


# --- the election's choice --------------------------------------------------------------


def test_the_identifier_login_needs_the_vote_code(db):
    election = ElectionFactory()
    election.login_mode = Election.LoginMode.IDENTIFIER
    with pytest.raises(ValidationError, match="exige le code de vote"):
        election.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        election.save()


def test_the_login_page_has_the_seed_004_fields_and_both_ways_out(client, election):
    page = text(client.get(f"/connexion/{election.slug}/"))
    for label in (">Identifiant", ">Mot de passe Élections", "Recopiez les chiffres de l'image"):
        assert label in page
    assert "Matricule" not in page
    assert f"/connexion/{election.slug}/premiere-connexion/" in page
    assert f"/connexion/{election.slug}/mot-de-passe-oublie/" in page


def test_elections_with_the_notice_login_have_no_first_connection_page(client, db):
    election = ElectionFactory()
    response = client.get(f"/connexion/{election.slug}/premiere-connexion/")
    assert response.status_code == 302 and response["Location"] == f"/connexion/{election.slug}/"
    assert client.get(f"/connexion/{election.slug}/mot-de-passe-oublie/").status_code == 302


# --- first connection -------------------------------------------------------------------


def test_the_first_connection_needs_the_captcha(voter):
    data = {k: v for k, v in notice(voter).items() if not k.startswith("captcha")}
    response = Client().post(f"/connexion/{voter.election.slug}/premiere-connexion/", data)
    assert response.status_code == 400
    assert "Ce champ est obligatoire." in text(response)


@pytest.mark.parametrize("path", ["/portail/", "/portail/je-vote/", "/portail/compte/", "/portail/scrutins/"])
def test_after_the_notice_every_voter_page_leads_to_the_choice_of_identifier(voter, path):
    client = first_login(voter)
    response = client.get(path)
    assert response.status_code == 302 and response["Location"] == "/portail/premiere-connexion/"
    page = text(client.get("/portail/premiere-connexion/"))
    for label in (">Adresse électronique", ">Confirmez l'adresse électronique", ">Mot de passe Élections"):
        assert label in page
    assert "Au moins 12 caractères" in page


@pytest.mark.parametrize(
    "data,message",
    [
        (
            setup_data(password="Court-123"),
            "Ce mot de passe est trop court. Il doit contenir au minimum 12 caractères.",
        ),
        (setup_data(password="qwertyuiop12"), "Ce mot de passe est trop courant."),
        (setup_data(password="739182465019283"), "Ce mot de passe est entièrement numérique."),
        (setup_data(password="durandcamille"), "Le mot de passe est trop semblable au champ « prénom »."),
        (
            {**setup_data(), "password2": "Trois petits chats noirs"},
            "Les deux mots de passe saisis sont différents.",
        ),
        (
            {**setup_data(), "email2": "camille.dupont@example.org"},
            "Les deux adresses saisies sont différentes.",
        ),
        (setup_data(email="camille.durand@"), "Saisissez une adresse électronique valide"),
        ({**setup_data(), "password1": ""}, "Choisissez votre mot de passe Élections."),
    ],
)
def test_bad_choices_are_refused_in_french_and_nothing_changes(voter, data, message):
    client = first_login(voter)
    response = client.post("/portail/premiere-connexion/", data)
    assert response.status_code == 400
    assert message in text(response)
    voter.refresh_from_db()
    assert voter.credentials_set_up is None
    assert voter.user.check_password(VOTER_PASSWORD)
    assert not mail.outbox


def test_choosing_retires_the_notice_password_and_the_address_becomes_the_identifier_once_confirmed(voter):
    client = first_login(voter)
    response = client.post("/portail/premiere-connexion/", setup_data(email="Camille.Durand@Example.org"))
    assert response.status_code == 302
    assert "Un lien de confirmation a été envoyé" in text(client.get(response["Location"]))
    # The session goes on; the notice password is dead at once.
    assert client.get("/portail/").status_code == 200
    voter.refresh_from_db()
    assert voter.credentials_set_up is not None and not voter.email_confirmed
    assert not voter.user.check_password(VOTER_PASSWORD)
    assert (
        Client().post(f"/connexion/{voter.election.slug}/premiere-connexion/", notice(voter)).status_code
        == 400
    )
    # Until the address is confirmed: the notice form with the new password, not the identifier.
    _, refused = identifier_login(voter.election, ADDRESS, NEW_PASSWORD)
    assert refused.status_code == 400
    first_login(voter, NEW_PASSWORD)
    assert mail.outbox[-1].to == ["Camille.Durand@Example.org"]
    assert client.get(confirmation_link()).status_code == 302
    assert "c'est désormais votre identifiant" in text(client.get("/portail/compte/"))
    # From now on: identifier (any case) + captcha + mot de passe Élections; the notice is retired.
    logged, response = identifier_login(voter.election, ADDRESS.upper(), NEW_PASSWORD)
    assert response.status_code == 302
    assert logged.get("/portail/").status_code == 200
    retired = Client().post(
        f"/connexion/{voter.election.slug}/premiere-connexion/", notice(voter, NEW_PASSWORD)
    )
    assert retired.status_code == 400
    assert "connectez-vous avec votre identifiant et votre mot de passe Élections" in text(retired)
    actions = list(AuditEntry.objects.order_by("id").values_list("action", flat=True))
    assert "voter.credentials_set_up" in actions and actions[-1] == "voter.email_confirmed"
    entry = AuditEntry.objects.get(action="voter.credentials_set_up")
    assert entry.new_values["password"].startswith("[secret:") and NEW_PASSWORD not in str(entry.new_values)


def test_the_address_already_confirmed_on_file_is_the_identifier_at_once(voter):
    voter.email, voter.email_confirmed = ADDRESS, True
    voter.save()
    client = first_login(voter)
    assert client.post("/portail/premiere-connexion/", setup_data()).status_code == 302
    assert not mail.outbox
    _, response = identifier_login(voter.election, ADDRESS, NEW_PASSWORD)
    assert response.status_code == 302


def test_another_address_than_the_one_on_file_must_be_confirmed(voter):
    voter.email, voter.email_confirmed = "ancienne@example.org", True
    voter.save()
    client = first_login(voter)
    client.post("/portail/premiere-connexion/", setup_data())
    voter.refresh_from_db()
    assert (voter.email, voter.email_confirmed) == (ADDRESS, False)
    for identifier in (ADDRESS, "ancienne@example.org"):
        assert identifier_login(voter.election, identifier, NEW_PASSWORD)[1].status_code == 400


def test_the_choice_is_kept_when_the_confirmation_link_is_over_the_voters_mail_limit(voter, settings):
    settings.VOTER_EMAIL_CHANGES_PER_HOUR = 0
    client = first_login(voter)
    response = client.post("/portail/premiere-connexion/", setup_data(), follow=True)
    assert response.status_code == 200
    assert "Votre mot de passe Élections est enregistré" in text(response)
    assert "aucun lien de confirmation n'a été envoyé" in text(response)
    assert mail.outbox == []
    voter.refresh_from_db()
    assert voter.user.check_password(NEW_PASSWORD) and voter.credentials_set_up is not None


def test_the_choice_is_made_once(voter):
    client = first_login(voter)
    assert client.post("/portail/premiere-connexion/", setup_data()).status_code == 302
    again = client.post("/portail/premiere-connexion/", setup_data(password="Un tout autre mot de passe"))
    assert again.status_code == 302 and again["Location"] == "/portail/"
    voter.refresh_from_db()
    assert voter.user.check_password(NEW_PASSWORD)
    assert AuditEntry.objects.filter(action="voter.credentials_set_up").count() == 1


def test_other_sessions_end_when_the_password_is_chosen(voter):
    other = first_login(voter, address="10.0.0.2")
    client = first_login(voter)
    client.post("/portail/premiere-connexion/", setup_data())
    assert other.get("/portail/").status_code == 302
    assert client.get("/portail/").status_code == 200


def test_two_voters_cannot_share_an_identifier(set_up, election, scrutins):
    other = make_voter(election=election, matricule="B2002", scrutins=scrutins[:1])
    other.email, other.email_confirmed = ADDRESS, True  # the RH file gave them the same address
    other.save()
    client = first_login(other)
    assert client.post("/portail/premiere-connexion/", setup_data()).status_code == 302
    other.refresh_from_db()
    assert not other.email_confirmed
    refused = client.get(confirmation_link())
    assert refused.status_code == 400
    assert "déjà l'identifiant d'un autre compte" in text(refused)
    with pytest.raises(IntegrityError), transaction.atomic():
        Voter.objects.filter(pk=other.pk).update(email_confirmed=True)
    # The identifier still opens the first voter's account only.
    logged, response = identifier_login(election, ADDRESS, NEW_PASSWORD)
    assert response.status_code == 302
    assert logged.session["_auth_user_id"] == str(set_up.user.pk)


def test_the_same_address_in_another_election_is_another_identifier(set_up, db):
    other_election = ElectionFactory(login_mode=Election.LoginMode.IDENTIFIER, vote_code_enabled=True)
    other = make_voter(election=other_election, matricule="A1001")
    client = first_login(other)
    client.post("/portail/premiere-connexion/", setup_data(password="Une autre élection, un autre"))
    assert client.get(confirmation_link()).status_code == 302
    assert identifier_login(other_election, ADDRESS, "Une autre élection, un autre")[1].status_code == 302
    assert identifier_login(other_election, ADDRESS, NEW_PASSWORD)[1].status_code == 400


# --- identifier login -------------------------------------------------------------------


def test_the_vote_code_guards_the_voting_space_after_the_identifier_login(set_up, open_election):
    votecode.vote_code_issue_letter(voter=set_up, code="ACDE3479")
    client, _ = identifier_login(set_up.election, ADDRESS, NEW_PASSWORD)
    ballot = f"/portail/je-vote/{set_up.roll_entries.first().scrutin_id}/"
    response = client.get(ballot)
    assert response.status_code == 302 and response["Location"].startswith("/portail/code-de-vote/")
    client.post("/portail/code-de-vote/", {"code": "ACDE-3479", "next": ballot})
    assert client.get(ballot).status_code == 200


def test_the_captcha_is_required(set_up):
    response = Client().post(
        f"/connexion/{set_up.election.slug}/", {"identifier": ADDRESS, "password": NEW_PASSWORD}
    )
    assert response.status_code == 400
    assert "_auth_user_id" not in response.client.session


def test_known_and_unknown_identifiers_get_identical_answers(set_up):
    _, known = identifier_login(set_up.election, ADDRESS, "pas le bon mot de passe")
    _, unknown = identifier_login(set_up.election, "personne@example.org", "pas le bon mot de passe")
    assert known.status_code == unknown.status_code == 400

    def strip(response) -> str:
        body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text(response))
        body = re.sub(r'name="captcha_0" value="[^"]+"', "", body)
        body = re.sub(r'"/captcha/(image|audio)/[^"]+"', "", body)
        return body.replace("personne@example.org", ADDRESS)

    assert strip(known) == strip(unknown)
    assert "Vérifiez votre identifiant (votre adresse électronique) et votre mot de passe Élections" in text(
        known
    )


@pytest.mark.parametrize(
    "data,message",
    [
        ({"identifier": "D0001", "password": "x"}, "Votre identifiant est une adresse électronique"),
        ({"identifier": "", "password": "x"}, "Saisissez votre identifiant."),
        ({"identifier": ADDRESS, "password": ""}, "Saisissez votre mot de passe Élections."),
        (
            {"identifier": ADDRESS + "x" * 300, "password": "x"},
            "Assurez-vous que cette valeur comporte au plus 254",
        ),
    ],
)
def test_malformed_identifier_logins_get_a_french_message(set_up, data, message):
    response = Client().post(f"/connexion/{set_up.election.slug}/", {**data, **CAPTCHA})
    assert response.status_code == 400
    assert message in text(response)


def test_guessing_locks_the_pair_but_not_the_voter_elsewhere(set_up):
    for _ in range(4):
        assert identifier_login(set_up.election, ADDRESS, "devinette", "203.0.113.7")[1].status_code == 400
    assert identifier_login(set_up.election, ADDRESS, "devinette", "203.0.113.7")[1].status_code == 429
    assert identifier_login(set_up.election, ADDRESS, NEW_PASSWORD, "203.0.113.7")[1].status_code == 429
    assert identifier_login(set_up.election, ADDRESS, NEW_PASSWORD, "198.51.100.20")[1].status_code == 302


# --- « mot de passe oublié » -------------------------------------------------------------


def forgot(election, identifier=ADDRESS, address="10.0.0.1"):
    return Client(REMOTE_ADDR=address).post(
        f"/connexion/{election.slug}/mot-de-passe-oublie/", {"identifier": identifier, **CAPTCHA}
    )


def test_a_forgotten_password_gets_a_single_use_link(set_up):
    response = forgot(set_up.election, ADDRESS.upper())
    assert response.status_code == 200
    assert "Si cet identifiant correspond à un compte" in text(response)
    assert mail.outbox[-1].to == [ADDRESS]
    assert "60 minutes" in mail.outbox[-1].body
    link = reset_link()
    client = Client()
    opened = client.get(link)
    # The token leaves the address bar at once (as in Django's own reset view).
    assert opened.status_code == 302 and opened["Location"].endswith("/choisir/")
    page = client.get(opened["Location"])
    assert page.status_code == 200 and ADDRESS in text(page)
    weak = client.post(opened["Location"], {"password1": "qwertyuiop12", "password2": "qwertyuiop12"})
    assert weak.status_code == 400 and "Ce mot de passe est trop courant." in text(weak)
    chosen = "Un nouveau mot de passe solide"  # noqa: S105
    done = client.post(opened["Location"], {"password1": chosen, "password2": chosen})
    assert done.status_code == 302 and done["Location"] == f"/connexion/{set_up.election.slug}/"
    assert identifier_login(set_up.election, ADDRESS, chosen)[1].status_code == 302
    assert identifier_login(set_up.election, ADDRESS, NEW_PASSWORD)[1].status_code == 400
    # Used once: the same link is dead, before or after the move to /choisir/.
    reused = Client().get(link)
    assert reused.status_code == 400 and "Ce lien n'est plus valable" in text(reused)
    assert client.post(opened["Location"], {"password1": chosen, "password2": chosen}).status_code == 400
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "reassort.password_link.sent",
        "reassort.password_link.used",
        "reassort.password_link.invalid",
    } <= actions


def test_the_link_ends_the_open_sessions(set_up):
    logged, _ = identifier_login(set_up.election, ADDRESS, NEW_PASSWORD)
    forgot(set_up.election)
    client = Client()
    target = client.get(reset_link())["Location"]
    chosen = "Un nouveau mot de passe solide"  # noqa: S105
    client.post(target, {"password1": chosen, "password2": chosen})
    assert logged.get("/portail/").status_code == 302


@pytest.mark.parametrize("identifier", ["personne@example.org", "ancienne@example.org"])
def test_unknown_or_unconfirmed_identifiers_get_the_same_answer_and_no_mail(set_up, scrutins, identifier):
    pending = make_voter(election=set_up.election, matricule="B2002", scrutins=scrutins[:1])
    first_login(pending).post("/portail/premiere-connexion/", setup_data(email="ancienne@example.org"))
    mail.outbox.clear()
    known = forgot(set_up.election, ADDRESS)
    mail.outbox.clear()
    other = forgot(set_up.election, identifier)
    assert other.status_code == known.status_code == 200
    assert text(other).replace(identifier, ADDRESS) == text(known)
    assert not mail.outbox
    assert AuditEntry.objects.filter(action="reassort.password_link.refused").count() == 1


def test_the_link_expires_after_an_hour(set_up):
    forgot(set_up.election)
    link = reset_link()
    # Django's token counts in local naive time: travel in the local zone.
    with time_machine.travel(timezone.localtime() + dt.timedelta(minutes=59)):
        assert Client().get(link).status_code == 302
    with time_machine.travel(timezone.localtime() + dt.timedelta(minutes=61)):
        assert Client().get(link).status_code == 400


@pytest.mark.parametrize(
    "change",
    [
        lambda link: link.replace("/mot-de-passe-oublie/", "/mot-de-passe-oublie/x").rstrip("/") + "/",
        lambda link: link[:-3] + ("a/" if link[-2] != "a" else "b/"),
        lambda link: re.sub(r"/connexion/[^/]+/", "/connexion/autre-election/", link),
    ],
    ids=["voter-id", "token", "election"],
)
def test_altered_links_are_refused(set_up, change):
    ElectionFactory(slug="autre-election")
    forgot(set_up.election)
    response = Client().get(change(reset_link()))
    assert response.status_code == 400
    assert "Ce lien n'est plus valable" in unescape(response.content.decode())
    assert set_up.user.check_password(NEW_PASSWORD)


def test_the_choose_page_without_a_link_is_refused(set_up):
    forgot(set_up.election)
    uid = reset_link().split("/")[-3]
    response = Client().get(f"/connexion/{set_up.election.slug}/mot-de-passe-oublie/{uid}/choisir/")
    assert response.status_code == 400


def test_changing_the_identifier_kills_the_links_sent_to_the_old_one(set_up):
    forgot(set_up.election)
    link = reset_link()
    client, _ = identifier_login(set_up.election, ADDRESS, NEW_PASSWORD)
    services.voter_confirm_email(
        voter=set_up, token=services.email_confirmation_token(voter=set_up, email="nouvelle@example.org")
    )
    assert Client().get(link).status_code == 400


def test_link_requests_are_throttled_without_locking_the_voter_out(set_up):
    for _ in range(5):
        assert forgot(set_up.election, address="203.0.113.7").status_code == 200
    refused = forgot(set_up.election, address="203.0.113.7")
    assert refused.status_code == 429
    assert "patientez" in text(refused)
    assert len(mail.outbox) == 5
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=5)):
        assert forgot(set_up.election, address="198.51.100.20").status_code == 200
    assert AuditEntry.objects.filter(action="reassort.password_link.throttled").exists()


def test_the_matricule_reassort_gives_the_identifier_with_the_new_password(set_up):
    services.voter_set_recovery_secrets(
        voter=set_up, card_serial="AC7Q9Z-0042", iban="FR7612345123450123456A01201"
    )
    set_up.save()
    response = Client().post(
        f"/connexion/{set_up.election.slug}/mot-de-passe-perdu/",
        {"matricule": set_up.matricule, "secret": "AC7Q9Z", "iban_tail": "A01201", **CAPTCHA},
    )
    assert response.status_code == 200
    assert f"votre identifiant <strong>{ADDRESS}</strong>" in text(response)
    password = re.search(r'class="isoloir-secret"><code>([^<]+)</code>', response.content.decode()).group(1)
    assert identifier_login(set_up.election, ADDRESS, password)[1].status_code == 302


def test_the_trail_page_names_the_new_kinds():
    from accounts.trail import KINDS

    for action in ("sent", "refused", "throttled", "used", "invalid"):
        assert f"reassort.password_link.{action}" in KINDS


# --- staff side -----------------------------------------------------------------------------


def test_the_admin_refuses_the_identifier_login_without_the_vote_code(admin_client, db):
    election = ElectionFactory()
    paris = timezone.localtime
    data = {
        "name": election.name,
        "slug": election.slug,
        "opens_0": paris(election.opens).strftime("%d/%m/%Y"),
        "opens_1": paris(election.opens).strftime("%H:%M:%S"),
        "closes_0": paris(election.closes).strftime("%d/%m/%Y"),
        "closes_1": paris(election.closes).strftime("%H:%M:%S"),
        "login_mode": "identifier",
        "reassort_flag_staff_per_hour": 20,
        "reassort_flag_address_per_day": 50,
        "matricule_location": election.matricule_location,
        "support_channels-TOTAL_FORMS": "0",
        "support_channels-INITIAL_FORMS": "0",
        "scrutins-TOTAL_FORMS": "0",
        "scrutins-INITIAL_FORMS": "0",
        "bureau-TOTAL_FORMS": "0",
        "bureau-INITIAL_FORMS": "0",
    }
    response = admin_client.post(f"/gestion/elections/election/{election.pk}/change/", data)
    assert response.status_code == 200
    assert "La connexion par identifiant exige le code de vote" in text(response)
    response = admin_client.post(
        f"/gestion/elections/election/{election.pk}/change/", {**data, "vote_code_enabled": "on"}
    )
    assert response.status_code == 302
    election.refresh_from_db()
    assert election.uses_identifier_login and election.vote_code_enabled


def test_an_address_changed_by_staff_is_no_longer_the_identifier(admin_client, set_up):
    entries = list(set_up.roll_entries.all())
    data = {
        "election": set_up.election.pk,
        "matricule": set_up.matricule,
        "last_name": set_up.last_name,
        "first_name": set_up.first_name,
        "birth_date": "17/05/1980",
        "email": "autre.boite@example.org",
        "establishment": set_up.establishment.pk,
        "has_agent_card": "on",
        "roll_entries-TOTAL_FORMS": str(len(entries)),
        "roll_entries-INITIAL_FORMS": str(len(entries)),
    }
    for i, entry in enumerate(entries):
        data |= {
            f"roll_entries-{i}-id": entry.pk,
            f"roll_entries-{i}-voter": set_up.pk,
            f"roll_entries-{i}-scrutin": entry.scrutin_id,
        }
    response = admin_client.post(f"/gestion/accounts/voter/{set_up.pk}/change/", data)
    assert response.status_code == 302, text(response)[:3000]
    set_up.refresh_from_db()
    assert (set_up.email, set_up.email_confirmed) == ("autre.boite@example.org", False)
    for identifier in (ADDRESS, "autre.boite@example.org"):
        assert identifier_login(set_up.election, identifier, NEW_PASSWORD)[1].status_code == 400
    # The voter still gets in with the notice form and their mot de passe Élections.
    first_login(set_up, NEW_PASSWORD)
    entry = AuditEntry.objects.filter(action="voter.update").latest("id")
    assert entry.new_values["email_confirmed"] is False


def test_dead_links_cannot_flood_the_trail(set_up, settings):
    settings.REASSORT_ADDRESS_ATTEMPTS_PER_DAY = 3
    url = f"/connexion/{set_up.election.slug}/mot-de-passe-oublie/MQ/abc-123/"
    statuses = [Client(REMOTE_ADDR="203.0.113.9").get(url).status_code for _ in range(5)]
    assert statuses == [400, 400, 400, 429, 429]
    # One entry for the window, every opening counted (accounts/throttle.py).
    assert AuditEntry.objects.filter(action="reassort.password_link.invalid").count() == 1
    kinds = {action: count for action, _, count in reassort_trail(set_up.election).per_kind}
    assert kinds["reassort.password_link.invalid"] == 5
    assert Client(REMOTE_ADDR="198.51.100.3").get(url).status_code == 400


@pytest.mark.parametrize("uid", ["MQ", "OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk", "not-base64!", "LTE", "AA"])
def test_odd_link_ids_are_refused_without_a_server_error(set_up, uid):
    response = Client().get(f"/connexion/{set_up.election.slug}/mot-de-passe-oublie/{uid}/abc-123/")
    assert response.status_code == 400
    assert "Ce lien n'est plus valable" in text(response)
