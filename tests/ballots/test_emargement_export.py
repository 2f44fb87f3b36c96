"""The émargement list per scrutin, CSV and PDF, for the bureau after the closing (issue 6, item 6)."""

import csv
import io

import pytest
from django.contrib.auth.models import Group
from pypdf import PdfReader

from accounts.models import AuditEntry
from ballots.models import Emargement
from elections.models import BureauMember, Election
from tests.conftest import paris
from tests.factories import ElectionFactory, EstablishmentFactory, StaffFactory, make_voter

pytestmark = pytest.mark.django_db


@pytest.fixture
def scrutin(election, scrutins, voter):
    other = make_voter(
        election=election, matricule="B2002", last_name="Bernard", first_name="Karim", scrutins=scrutins[:1]
    )
    Emargement.objects.create(voter=other, scrutin=scrutins[0], voted_at=paris(2026, 12, 3, 9, 41, 7))
    return scrutins[0]


def staff(client, group, *, seat_in=None):
    """A staff account of ``group``, logged in; with a delegate's seat in ``seat_in``'s bureau."""
    user = StaffFactory(groups=[Group.objects.get(name=group)])
    if seat_in is not None:
        BureauMember.objects.create(election=seat_in, user=user, role=BureauMember.Role.DELEGATE, index=1)
    client.force_login(user)
    return user


def member(client, scrutin):
    return staff(client, "Membre du bureau de vote", seat_in=scrutin.election)


def url(scrutin, file_format):
    return f"/gestion/elections/scrutin/{scrutin.pk}/emargement.{file_format}"


def close(election):
    Election.objects.filter(pk=election.pk).update(state=Election.State.CLOSED)


def test_not_before_the_closing(client, scrutin):
    member(client, scrutin)
    response = client.get(url(scrutin, "csv"), follow=True)
    assert "La liste d&#x27;émargement s&#x27;exporte une fois le vote clos." in response.content.decode()
    assert not AuditEntry.objects.filter(action="bureau.emargement_export").exists()


def test_the_bureau_gets_every_registered_voter_in_csv(client, scrutin):
    close(scrutin.election)
    member(client, scrutin)
    response = client.get(url(scrutin, "csv"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "matricule;nom_prenom;etablissement;a_vote_le"
    assert lines[1].startswith("B2002;BERNARD Karim;") and lines[1].endswith(
        ";03/12/2026"
    )  # the day, never the time
    assert lines[2].startswith("A1001;DURAND Camille;") and lines[2].endswith(";")
    entry = AuditEntry.objects.get(action="bureau.emargement_export")
    assert entry.new_values == {"format": "csv", "rows": 2, "voted": 1}


def test_the_pdf_reads_back(client, scrutin):
    close(scrutin.election)
    member(client, scrutin)
    response = client.get(url(scrutin, "pdf"))
    assert response["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    for expected in (
        "Liste d'émargement",
        scrutin.name,
        "2 inscrits, 1 votants",
        "BERNARD Karim",
        "03/12/2026",
        "DURAND Camille",
        "Page 1",
    ):
        assert expected in text
    assert "09:41" not in text


def test_many_voters_run_over_pages_with_the_header_repeated(client, scrutin, election):
    for i in range(70):
        make_voter(election=election, matricule=f"P{i:03d}", last_name=f"Nom{i:03d}", scrutins=[scrutin])
    close(election)
    member(client, scrutin)
    reader = PdfReader(io.BytesIO(client.get(url(scrutin, "pdf")).content))
    assert len(reader.pages) >= 2
    assert "Matricule" in reader.pages[1].extract_text() and "Page 2" in reader.pages[1].extract_text()


@pytest.mark.parametrize("group", ["Référent RH", "Support électeurs"])
def test_other_roles_cannot_export(client, scrutin, group):
    close(scrutin.election)
    staff(client, group)
    response = client.get(url(scrutin, "csv"), follow=True)
    assert "Seuls les membres du bureau de vote de cette élection" in response.content.decode()
    assert not AuditEntry.objects.filter(action="bureau.emargement_export").exists()


def test_a_member_of_another_elections_bureau_cannot_export_this_one(client, scrutin):
    """The group gives the permission; the seat in this election's bureau gives the list."""
    close(scrutin.election)
    other = ElectionFactory()
    staff(client, "Membre du bureau de vote", seat_in=other)
    response = client.get(url(scrutin, "csv"), follow=True)
    assert "Seuls les membres du bureau de vote de cette élection" in response.content.decode()
    assert b"BERNARD" not in response.content
    assert not AuditEntry.objects.filter(action="bureau.emargement_export").exists()


def test_unknown_format_or_scrutin_is_404(admin_client, scrutin):
    close(scrutin.election)
    assert admin_client.get(url(scrutin, "xls")).status_code == 404
    assert admin_client.get("/gestion/elections/scrutin/999999/emargement.csv").status_code == 404


def test_cells_a_spreadsheet_would_run_as_formulas_are_escaped(client, election, scrutins):
    """Issue 12, item 9: names and establishments are read back as text, with the OWASP quote."""
    place = EstablishmentFactory(name="@SUM(A1:A9)")
    make_voter(
        election=election,
        matricule="C3003",
        establishment=place,
        last_name='=HYPERLINK("http://x")',
        first_name="Eve",
        scrutins=scrutins[:1],
    )
    close(election)
    member(client, scrutins[0])
    response = client.get(url(scrutins[0], "csv"))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    row = next(row for row in rows if row[0] == "C3003")
    assert row[1] == '\'=HYPERLINK("HTTP://X") Eve'
    assert row[2] == "'@SUM(A1:A9)"


def test_the_scrutin_page_offers_the_export_to_that_elections_bureau_only(client, scrutin):
    """The links come from the export's own rule: a member of another bureau sees none."""
    close(scrutin.election)
    link = f"/gestion/elections/scrutin/{scrutin.pk}/emargement.csv"
    staff(client, "Membre du bureau de vote", seat_in=ElectionFactory())
    page = client.get(f"/gestion/elections/scrutin/{scrutin.pk}/change/")
    assert page.status_code == 200 and link not in page.content.decode()
    member(client, scrutin)
    assert link in client.get(f"/gestion/elections/scrutin/{scrutin.pk}/change/").content.decode()
