"""make demo's election: deterministic, shaped like the seeds, and its credentials work."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.test import Client
from pypdf import PdfReader

from accounts.models import User, Voter
from elections.management.commands import load_demo
from elections.models import CandidateList, Election, Scrutin

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
    assert Voter.objects.count() == len(load_demo.VOTERS)
    readme = (load_demo.settings.BASE_DIR / "README.md").read_text()
    for matricule, _last, _first, birth, *_ in load_demo.VOTERS:
        key = load_demo.account_services.secrets.format_security_key(load_demo.voter_security_key(matricule))
        birth_fr = dt.date.fromisoformat(birth).strftime("%d/%m/%Y")
        password = load_demo.voter_password(matricule)
        assert f"| {matricule} | {birth_fr} | {key} | {password} |" in readme
        client = Client()
        response = client.post(
            "/connexion/demo-2026/",
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
