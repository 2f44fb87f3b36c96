"""make demo's elections: deterministic, shaped like the seeds, their credentials work; the first is
sealed by the demo bureau and open, the second in preparation passes every check before the sealing."""

import csv
import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.test import Client
from pypdf import PdfReader

from accounts.models import AuditEntry, User, Voter
from ballots import lifecycle
from ballots.models import ElectionSeal
from elections import imports
from elections import lifecycle as rules
from elections.management.commands import load_demo
from elections.models import BureauMember, CandidateList, Election, Scrutin, VoterImport
from tests.conftest import run_jobs

pytestmark = pytest.mark.django_db


def test_demo_election_is_shaped_like_the_seeds():
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    election = Election.objects.get(pk=load_demo.DEMO_ELECTION_ID)
    assert election.is_within_window()
    assert election.closes - election.opens == dt.timedelta(days=8)
    scrutins = list(election.scrutins.all())
    assert len(scrutins) >= 4 and len({s.kind for s in scrutins}) >= 3
    sizes = sorted(s.lists.count() for s in scrutins)
    assert 12 in sizes and all(4 <= n <= 6 for n in sizes if n != 12)
    sets = {frozenset(v.roll_entries.values_list("scrutin_id", flat=True)) for v in Voter.objects.all()}
    assert len(sets) >= 5


def test_demo_documents_are_real_pdfs_and_logos():
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    candidate_list = CandidateList.objects.filter(scrutin__kind=Scrutin.Kind.CAP).first()
    with candidate_list.candidates_pdf.open("rb") as handle:
        text = "".join(page.extract_text() for page in PdfReader(handle).pages)
    assert "Liste de candidats" in text and candidate_list.candidates.first().name in text
    with candidate_list.logo.open("rb") as handle:
        assert handle.read(8) == b"\x89PNG\r\n\x1a\n"


def test_demo_is_the_same_on_every_run_and_readme_credentials_log_in():
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Election.objects.filter(pk=load_demo.DEMO_ELECTION_ID).count() == 1
    assert Election.objects.filter(pk=load_demo.PREPARATION_ELECTION_ID).count() == 1
    assert Voter.objects.count() == len(load_demo.VOTERS) + len(load_demo.PREPARATION_VOTERS)
    readme = (load_demo.settings.BASE_DIR / "README.md").read_text()
    for slug, voters in (
        ("demo-2026", load_demo.VOTERS),
        ("demo-2026-preparation", load_demo.PREPARATION_VOTERS),
    ):
        for matricule, _last, _first, birth, *_ in voters:
            key = load_demo.account_services.secrets.format_security_key(
                load_demo.voter_security_key(matricule)
            )
            birth_fr = dt.date.fromisoformat(birth).strftime("%d/%m/%Y")
            password = load_demo.voter_password(matricule)
            assert f"| {matricule} | {birth_fr} | {key} | {password} |" in readme
            client = Client()
            response = client.post(
                f"/connexion/{slug}/",
                {"matricule": matricule, "birth_date": birth_fr, "security_key": key, "password": password},
            )
            assert response.status_code == 302, matricule
    admin = User.objects.get(username=load_demo.ADMIN_USERNAME)
    assert admin.check_password(load_demo.ADMIN_PASSWORD) and admin.is_superuser
    assert f"| {load_demo.ADMIN_USERNAME} | {load_demo.ADMIN_PASSWORD} |" in readme


def test_the_demo_referent_manages_the_local_scrutin_of_their_establishment_only():
    """In the election in preparation, DDI87's referent edits the Haute-Vienne CSA, not the ministry's."""
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    client = Client()
    client.force_login(User.objects.get(username="referent"), backend="accounts.backends.StaffBackend")
    preparation = Election.objects.get(pk=load_demo.PREPARATION_ELECTION_ID)
    local = Scrutin.objects.get(election=preparation, code="csa-proximite-87")
    central = Scrutin.objects.get(election=preparation, code="csa-ministeriel")
    assert 'name="_save"' in client.get(f"/gestion/elections/scrutin/{local.pk}/change/").content.decode()
    page = client.get(f"/gestion/elections/scrutin/{central.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()


def test_the_demo_election_is_sealed_by_the_demo_bureau_and_open_at_once():
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    election = Election.objects.get(pk=load_demo.DEMO_ELECTION_ID)
    assert rules.accepts_ballots(election)
    seal = ElectionSeal.objects.get(election=election)
    confirmed = AuditEntry.objects.filter(action="election.seal.confirm", object_id=str(election.pk))
    assert sorted(confirmed.values_list("actor__username", flat=True)) == [
        "delegue1",
        "delegue2",
        "president",
    ]
    sealed = AuditEntry.objects.get(action="election.seal", object_id=str(election.pk))
    assert sealed.new_values["seal"] == seal.seal and sealed.actor.username == "delegue2"
    opened = AuditEntry.objects.get(action="election.open", object_id=str(election.pk))
    assert opened.actor is None


def test_the_election_in_preparation_passes_every_check_and_the_demo_bureau_seals_it():
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    election = Election.objects.get(pk=load_demo.PREPARATION_ELECTION_ID)
    assert rules.definition_editable(election)
    status = lifecycle.seal_status(election)
    assert [c.code for c in status.checks if not c.ok] == []
    assert status.checks_pass and not status.confirmations
    assert {c.code for c in status.checks} >= {"rolls", "lists", "voters", "key", "bureau"}
    seats = BureauMember.objects.filter(election=election, active=True)
    assert sorted(seats.values_list("user__username", "role")) == [
        ("delegue1", "delegate"),
        ("delegue2", "delegate"),
        ("delegue3", "delegate"),
        ("president", "president"),
        ("secretaire", "secretary"),
    ]
    assert all(s.lists.count() == load_demo.PREPARATION_LISTS for s in election.scrutins.all())
    for username in ("president", "delegue1", "delegue2"):
        lifecycle.seal_confirm(
            election=election,
            user=User.objects.get(username=username),
            seal=lifecycle.seal_status(election).seal,
        )
    election.refresh_from_db()
    assert rules.sealed(election) and rules.not_open_yet(election)
    call_command("demo_open", election.slug, stdout=io.StringIO())
    election.refresh_from_db()
    assert rules.accepts_ballots(election)


def test_the_referent_imports_the_csv_template_into_the_election_in_preparation():
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    election = Election.objects.get(pk=load_demo.PREPARATION_ELECTION_ID)
    referent = User.objects.get(username="referent")
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([column.label for column in imports.COLUMNS])
    writer.writerow(imports.EXAMPLE_LINE)
    job = imports.import_create(
        election=election, user=referent, name="modele.csv", data=("\ufeff" + out.getvalue()).encode()
    )
    run_jobs()
    job.refresh_from_db()
    assert job.status == VoterImport.Status.READY, job.error
    ddi87 = [v[0] for v in load_demo.PREPARATION_VOTERS if v[4] == "DDI87"]
    assert job.report["counts"]["added"] == 1 and job.report["counts"]["errors"] == 0
    assert job.report["counts"]["removed"] == len(ddi87)  # the file names DDI87: its other voters go
    imports.import_confirm(job=job, user=referent, removals_confirmed=True)
    run_jobs()
    job.refresh_from_db()
    assert job.status == VoterImport.Status.DONE
    assert sorted(
        election.voters.filter(establishment__code="DDI87").values_list("matricule", flat=True)
    ) == [imports.EXAMPLE_LINE[0]]


def test_the_entry_page_lists_both_demo_elections_and_a_voter_logs_out_to_their_own():
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    client = Client()
    page = client.get("/").content.decode()
    assert 'href="/connexion/demo-2026/"' in page and 'href="/connexion/demo-2026-preparation/"' in page
    client.force_login(User.objects.get(voter__matricule="P0003"), backend="accounts.backends.VoterBackend")
    response = client.post("/deconnexion/")
    assert response.status_code == 302 and response["Location"] == "/connexion/demo-2026-preparation/"
    assert client.get("/portail/").status_code == 302


def _page_text(response) -> str:
    import html
    import re

    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]*>", "", response.content.decode())))


def test_the_readme_walk_of_the_bureau_on_the_demo_election_in_preparation(settings):
    """README « Le bureau de vote, du scellement au gel de l'urne », step by step: each member
    logs in with their own demo account, the calendar moves through the demo commands, and
    every step is on the dashboard and in the trail."""
    import re

    call_command("load_demo", stdout=io.StringIO())
    election = Election.objects.get(pk=load_demo.PREPARATION_ELECTION_ID)
    dashboard = f"/gestion/bureau/{election.slug}/"
    browsers = {}
    for username in ("president", "delegue1", "delegue2"):
        browsers[username] = Client()
        response = browsers[username].post(
            "/gestion/login/", {"username": username, "password": "isoloir-demo-2026", "next": "/gestion/"}
        )
        assert response.status_code == 302, username
    president = browsers["president"]
    # 1. The checks.
    page = _page_text(president.get(dashboard))
    assert "En préparation" in page and "Confirmer le scellement" in page
    status = lifecycle.seal_status(election)
    assert status.checks_pass
    # 2. The sealing, one confirmation per member from their own session.
    for username in ("president", "delegue1", "delegue2"):
        form = browsers[username].get(f"{dashboard}sceller/").content.decode()
        seal = re.search(r'name="seal" value="([0-9a-f]{64})"', form)[1]
        assert browsers[username].post(f"{dashboard}sceller/", {"seal": seal}).status_code == 302
    assert "Scellée" in _page_text(president.get(dashboard))
    # 3. The opening, by the calendar once demo_open has moved the opening time.
    call_command("demo_open", election.slug, stdout=io.StringIO())
    assert "Ouverte" in _page_text(president.get(dashboard))
    # 4. A suspension and the resumption, with their reasons.
    assert president.post(f"{dashboard}suspendre/", {"reason": "Essai de suspension"}).status_code == 302
    election.refresh_from_db()
    assert rules.suspended(election)
    assert president.post(f"{dashboard}reprendre/", {"reason": "Fin de l'essai"}).status_code == 302
    election.refresh_from_db()
    assert rules.accepts_ballots(election)
    # 5. The closing, then the freeze.
    call_command("demo_close", election.slug, stdout=io.StringIO())
    assert "Clôture en cours" in _page_text(president.get(dashboard))
    call_command("demo_freeze", election.slug, stdout=io.StringIO())
    election.refresh_from_db()
    assert rules.box_frozen(election)
    page = _page_text(browsers["delegue1"].get(dashboard))
    assert "Close" in page and "Gel de l'urne" in page and "Suspension du vote" in page
    trail = list(
        AuditEntry.objects.filter(object_id=str(election.pk), action__startswith="election.")
        .order_by("id")
        .values_list("action", "actor__username")
    )
    assert [(a, u) for a, u in trail if a != "election.demo.calendar"] == [
        ("election.seal.confirm", "president"),
        ("election.seal.confirm", "delegue1"),
        ("election.seal.confirm", "delegue2"),
        ("election.seal", "delegue2"),
        ("election.open", None),
        ("election.suspend", "president"),
        ("election.resume", "president"),
        ("election.close", None),
        ("election.freeze", None),
    ]
    assert [a for a, _ in trail].count("election.demo.calendar") >= 3


def test_the_demo_is_refused_under_the_production_settings_and_creates_nothing(settings):
    """Its accounts' passwords are published; production forces ISOLOIR_SIMULATED_KEYS_ALLOWED off."""
    from django.core.management.base import CommandError

    settings.ISOLOIR_SIMULATED_KEYS_ALLOWED = False
    with pytest.raises(
        CommandError, match="Chargement de la démonstration refusé : les réglages de production"
    ):
        call_command("load_demo", stdout=io.StringIO())
    assert not User.objects.exists() and not Election.objects.exists()
