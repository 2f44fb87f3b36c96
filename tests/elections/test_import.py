"""Importing voters and rolls (issue 6, item 1): preview, all-or-nothing apply, scope, errors."""

import csv
import datetime as dt
import io
import zipfile

import pytest
from django.contrib.auth.models import Group
from openpyxl import Workbook

from accounts import secrets
from accounts.models import AuditEntry, User, Voter
from elections import imports
from elections.models import Election, Establishment, RollEntry, VoterImport
from tests.conftest import run_jobs
from tests.factories import ElectionFactory, ScrutinFactory, StaffFactory, make_voter

pytestmark = pytest.mark.django_db

HEADER = [
    "Matricule",
    "Nom",
    "Prénom",
    "Date de naissance",
    "Établissement",
    "Scrutins",
    "Courriel",
    "Carte agent",
    "IBAN",
    "NIR",
]


@pytest.fixture
def election(db):
    election = ElectionFactory(state=Election.State.PREPARATION)
    ScrutinFactory(election=election, code="csa")
    ScrutinFactory(election=election, code="cap")
    return election


@pytest.fixture
def places(db):
    return {
        code: Establishment.objects.create(code=code, name=f"Établissement {code}")
        for code in ("EST1", "EST2")
    }


@pytest.fixture
def admin(db):
    return User.objects.create_superuser("chef", password="chef-password-123")  # noqa: S106


def person(i, establishment="EST1", scrutins="csa cap", **extra):
    row = {
        "Matricule": f"M{i:05d}",
        "Nom": f"Nom{i}",
        "Prénom": f"Prénom{i}",
        "Date de naissance": "14/07/1985",
        "Établissement": establishment,
        "Scrutins": scrutins,
        "Courriel": f"agent{i}@example.org",
        "Carte agent": "oui",
        "IBAN": "FR76 1234 5123 4501 2345 6A01 201",
        "NIR": "1850775123456",
    }
    row.update(extra)
    return row


def csv_bytes(rows, header=HEADER, delimiter=";", encoding="utf-8-sig") -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, delimiter=delimiter, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def upload(election, user, data, name="agents.csv") -> VoterImport:
    job = imports.import_create(election=election, user=user, name=name, data=data)
    run_jobs()
    job.refresh_from_db()
    return job


def apply(job, user, removals=False) -> VoterImport:
    imports.import_confirm(job=job, user=user, removals_confirmed=removals)
    run_jobs()
    job.refresh_from_db()
    return job


def test_a_valid_file_is_previewed_then_applied_whole(election, places, admin):
    job = upload(election, admin, csv_bytes([person(i) for i in range(1, 6)] + [person(6, "EST2", "csa")]))
    assert job.status == VoterImport.Status.READY, job.error
    counts = job.report["counts"]
    assert counts == {"added": 6, "changed": 0, "unchanged": 0, "removed": 0, "roll_changes": 6, "errors": 0}
    assert job.report["scope"] == ["EST1", "EST2"]
    assert not Voter.objects.exists()  # nothing written before the apply
    job = apply(job, admin)
    assert job.status == VoterImport.Status.DONE
    voter = Voter.objects.get(matricule="M00001")
    assert (voter.last_name, voter.first_name, voter.birth_date) == ("Nom1", "Prénom1", dt.date(1985, 7, 14))
    assert voter.establishment.code == "EST1" and not voter.email_confirmed
    assert set(voter.roll_entries.values_list("scrutin__code", flat=True)) == {"csa", "cap"}
    assert secrets.digest_matches("iban-tail", "A01201", voter.iban_tail_digest)
    assert secrets.digest_matches("nir-prefix", "1850775123", voter.nir_prefix_digest)
    assert len(secrets.decrypt_security_key(voter.security_key_encrypted)) == 12
    assert not voter.user.has_usable_password()  # the password comes with the notice
    assert RollEntry.objects.count() == 11
    entry = AuditEntry.objects.get(action="voters.import.apply")
    assert entry.new_values["counts"]["added"] == 6 and "M00006" in entry.new_values["added"]
    assert entry.new_values["sha256"] == job.file_sha256
    # The file with its secrets in clear is gone once applied.
    assert not any((imports.Path(imports.settings.PRIVATE_ROOT) / "imports").iterdir())


def test_reimporting_the_same_file_changes_nothing(election, places, admin):
    data = csv_bytes([person(i) for i in range(1, 4)])
    apply(upload(election, admin, data), admin)
    before = list(Voter.objects.order_by("pk").values_list("pk", "user_id", "security_key_encrypted"))
    job = upload(election, admin, data)
    assert job.report["counts"] == {
        "added": 0,
        "changed": 0,
        "unchanged": 3,
        "removed": 0,
        "roll_changes": 0,
        "errors": 0,
    }
    apply(job, admin)
    assert list(Voter.objects.order_by("pk").values_list("pk", "user_id", "security_key_encrypted")) == before


def test_an_xlsx_file_with_date_and_number_cells_reads_like_the_csv(election, places, admin):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(
        [
            "M00001",
            "Nom1",
            "Prénom1",
            dt.datetime(1985, 7, 14),  # noqa: DTZ001 (a spreadsheet cell has no zone)
            "EST1",
            "csa cap",
            "agent1@example.org",
            "oui",
            "FR76 1234 5123 4501 2345 6A01 201",
            1850775123456,
        ]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    job = apply(upload(election, admin, buffer.getvalue(), "agents.xlsx"), admin)
    assert job.status == VoterImport.Status.DONE
    again = upload(election, admin, csv_bytes([person(1)]))
    assert again.report["counts"]["unchanged"] == 1  # same values as the CSV of the same person


def test_a_windows_csv_with_commas_is_read(election, places, admin):
    data = csv_bytes([person(1, Nom="Lefèvre")], delimiter=",", encoding="cp1252")
    job = apply(upload(election, admin, data), admin)
    assert job.status == VoterImport.Status.DONE
    assert Voter.objects.get().last_name == "Lefèvre"


@pytest.mark.parametrize(
    "change,message",
    [
        ({"Matricule": ""}, "matricule manquant"),
        ({"Matricule": "M 1"}, "matricule invalide"),
        ({"Nom": ""}, "nom manquant"),
        ({"Date de naissance": "31/02/1985"}, "date de naissance « 31/02/1985 » illisible"),
        ({"Date de naissance": "14/07/2999"}, "date de naissance 14/07/2999 impossible"),
        ({"Établissement": "NOPE"}, "établissement « NOPE » inconnu"),
        ({"Scrutins": "csa ccp-inconnu"}, "scrutin inconnu dans cette élection : « ccp-inconnu »"),
        ({"Courriel": "agent@"}, "courriel « agent@ » invalide"),
        ({"Carte agent": "peut-être"}, "carte agent « peut-être » : écrivez « oui » ou « non »"),
        ({"IBAN": "A01"}, "IBAN trop court"),
        ({"NIR": "18507"}, "NIR invalide"),
    ],
)
def test_each_kind_of_line_error_is_named_and_blocks_the_apply(election, places, admin, change, message):
    job = upload(election, admin, csv_bytes([person(1), person(2, **change)]))
    assert job.status == VoterImport.Status.INVALID
    assert [error["line"] for error in job.report["errors"]] == [3]
    assert message in job.report["errors"][0]["message"]
    with pytest.raises(imports.ImportRefused):
        imports.import_confirm(job=job, user=admin, removals_confirmed=True)
    assert not Voter.objects.exists()


def test_a_duplicated_matricule_names_both_lines(election, places, admin):
    job = upload(election, admin, csv_bytes([person(1), person(2), person(1, Nom="Autre")]))
    assert job.report["errors"] == [{"line": 4, "message": "matricule « M00001 » en double (déjà ligne 2)"}]


@pytest.mark.parametrize(
    "data,message",
    [
        (b"", "Le fichier est vide"),
        (
            b"Matricule;Nom\nM1;X\n",
            "Colonnes obligatoires absentes : « prenom », « date_naissance », « etablissement ».",
        ),
        (
            "Matricule;Nom;Nom;Prénom;Date de naissance;Établissement\n".encode(),
            "La colonne « nom » figure deux fois.",
        ),
        (csv_bytes([]), "Le fichier ne contient aucun électeur."),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "Le format Excel 97-2003 (.xls) n'est pas lu"),
        (b"PK\x03\x04garbage", "Ce fichier XLSX est illisible ou endommagé"),
        (b"\x00\x01\x02binary", "Ce fichier n'est ni un CSV ni un XLSX."),
    ],
)
def test_unusable_files_are_refused_with_the_reason(election, places, admin, data, message):
    job = upload(election, admin, data)
    assert job.status == VoterImport.Status.INVALID
    assert message in job.error


def test_an_import_is_scoped_to_the_establishments_it_names(election, places, admin):
    apply(upload(election, admin, csv_bytes([person(1), person(2), person(3, "EST2")])), admin)
    job = upload(election, admin, csv_bytes([person(1, Nom="Renommé")]))
    counts = job.report["counts"]
    assert (counts["changed"], counts["removed"]) == (1, 1)  # M00002 (EST1) goes; M00003 (EST2) untouched
    assert job.report["removed"][0]["matricule"] == "M00002"
    assert job.report["changed"][0]["fields"] == ["nom"]
    with pytest.raises(imports.ImportRefused, match="Confirmez la suppression"):
        imports.import_confirm(job=job, user=admin, removals_confirmed=False)
    apply(job, admin, removals=True)
    assert set(Voter.objects.values_list("matricule", flat=True)) == {"M00001", "M00003"}
    assert Voter.objects.get(matricule="M00001").last_name == "Renommé"
    assert User.objects.filter(voter__isnull=True, is_staff=False).count() == 0  # the account went too


def test_changes_to_address_and_rolls(election, places, admin):
    apply(upload(election, admin, csv_bytes([person(1)])), admin)
    Voter.objects.update(email_confirmed=True)
    job = upload(election, admin, csv_bytes([person(1, Courriel="nouvelle@example.org", Scrutins="cap")]))
    assert job.report["changed"][0]["fields"] == ["courriel", "scrutins"]
    apply(job, admin)
    voter = Voter.objects.get()
    assert (voter.email, voter.email_confirmed) == ("nouvelle@example.org", False)
    assert list(voter.roll_entries.values_list("scrutin__code", flat=True)) == ["cap"]


def test_an_rh_referent_imports_only_their_establishments(election, places):
    from django.contrib.auth.models import Group

    referent = StaffFactory(groups=[Group.objects.get(name="Référent RH")])
    referent.establishments.set([places["EST1"]])
    make_voter(election=election, matricule="M00009", establishment=places["EST2"])
    job = upload(election, referent, csv_bytes([person(1), person(2, "EST2"), person(9)]))
    assert [e["line"] for e in job.report["errors"]] == [3, 4]
    assert "vous ne gérez pas cet établissement" in job.report["errors"][0]["message"]
    assert "d'un établissement que vous ne gérez pas" in job.report["errors"][1]["message"]


def test_rolls_cannot_change_once_the_election_is_sealed(election, places, admin):
    job = upload(election, admin, csv_bytes([person(1)]))
    Election.objects.filter(pk=election.pk).update(state=Election.State.SEALED)
    job = apply(job, admin)
    assert job.status == VoterImport.Status.FAILED and "ne peuvent plus changer" in job.error
    assert not Voter.objects.exists()
    election.refresh_from_db()
    with pytest.raises(imports.ImportRefused, match="ne peuvent plus changer"):
        imports.import_create(election=election, user=admin, name="x.csv", data=csv_bytes([person(2)]))


def test_a_change_after_the_preview_applies_nothing(election, places, admin):
    job = upload(election, admin, csv_bytes([person(1), person(2)]))
    make_voter(election=election, matricule="M00002", establishment=places["EST1"])
    job = apply(job, admin)
    assert job.status == VoterImport.Status.FAILED and "ont changé depuis l'aperçu" in job.error
    assert list(Voter.objects.values_list("matricule", flat=True)) == ["M00002"]


def test_a_cancelled_import_forgets_its_file(election, places, admin):
    job = upload(election, admin, csv_bytes([person(1)]))
    imports.import_cancel(job=job, user=admin)
    job.refresh_from_db()
    assert job.status == VoterImport.Status.CANCELLED
    with pytest.raises(imports.ImportRefused):
        imports.import_confirm(job=job, user=admin, removals_confirmed=False)
    assert not any((imports.Path(imports.settings.PRIVATE_ROOT) / "imports").iterdir())
    assert AuditEntry.objects.filter(action="voters.import.cancel").exists()


def test_the_stored_file_is_encrypted(election, places, admin):
    job = imports.import_create(election=election, user=admin, name="agents.csv", data=csv_bytes([person(1)]))
    stored = (imports.Path(imports.settings.PRIVATE_ROOT) / "imports" / job.stored_as).read_bytes()
    assert b"M00001" not in stored and b"FR76" not in stored
    assert imports.file_read(job).startswith(b"\xef\xbb\xbfMatricule")


# --- in the admin -------------------------------------------------------------------------------


def referent_client(client, places, *codes):
    from django.contrib.auth.models import Group

    referent = StaffFactory(groups=[Group.objects.get(name="Référent RH")])
    referent.establishments.set([places[code] for code in codes])
    client.force_login(referent)
    return referent


def test_an_rh_referent_imports_from_the_admin_with_a_preview(client, election, places):
    referent_client(client, places, "EST1")
    page = client.get("/gestion/elections/voterimport/add/").content.decode()
    assert "Colonnes reconnues" in page and "date_naissance" in page
    template = client.get("/gestion/elections/voterimport/modele.csv")
    assert (
        template.content.decode("utf-8-sig").splitlines()[0].startswith("matricule;nom;prenom;date_naissance")
    )
    data = csv_bytes([person(1), person(2, Nom="")])
    upload_file = io.BytesIO(data)
    upload_file.name = "agents.csv"
    response = client.post(
        "/gestion/elections/voterimport/add/", {"election": election.pk, "file": upload_file}
    )
    assert response.status_code == 302
    detail = response["Location"]
    waiting = client.get(detail).content.decode()
    assert "En attente" in waiting and 'http-equiv="refresh"' in waiting
    run_jobs()
    page = client.get(detail).content.decode()
    assert "Fichier à corriger" in page and "nom manquant" in page and "Appliquer" not in page
    upload_file = io.BytesIO(csv_bytes([person(1), person(2)]))
    upload_file.name = "agents.csv"
    detail = client.post(
        "/gestion/elections/voterimport/add/", {"election": election.pk, "file": upload_file}
    )["Location"]
    run_jobs()
    page = client.get(detail).content.decode()
    assert "Aperçu prêt" in page and "M00002" in page and "Appliquer l'import" in page
    assert client.post(detail, {"apply": "1"}).status_code == 302
    run_jobs()
    assert "Terminé" in client.get(detail).content.decode()
    assert Voter.objects.count() == 2


@pytest.mark.parametrize(
    "name,data,message",
    [
        ("agents.pdf", b"%PDF-1.4", "Le fichier doit être un CSV (.csv) ou un classeur Excel (.xlsx)."),
        ("agents.csv", b"", "Ce fichier est vide."),
    ],
)
def test_bad_uploads_get_a_french_message(client, election, places, name, data, message):
    referent_client(client, places, "EST1")
    upload_file = io.BytesIO(data)
    upload_file.name = name
    response = client.post(
        "/gestion/elections/voterimport/add/", {"election": election.pk, "file": upload_file}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not VoterImport.objects.exists()


def test_a_sealed_election_is_not_offered(client, election, places):
    referent_client(client, places, "EST1")
    Election.objects.filter(pk=election.pk).update(state=Election.State.SEALED)
    upload_file = io.BytesIO(csv_bytes([person(1)]))
    upload_file.name = "agents.csv"
    response = client.post(
        "/gestion/elections/voterimport/add/", {"election": election.pk, "file": upload_file}
    )
    assert response.status_code == 400
    assert "Sélectionnez un choix valide" in response.content.decode()


def test_a_referent_sees_only_their_own_imports(client, election, places, admin):
    job = upload(election, admin, csv_bytes([person(1)]))
    referent_client(client, places, "EST1")
    assert client.get(f"/gestion/elections/voterimport/{job.pk}/change/").status_code == 404
    assert "agents.csv" not in client.get("/gestion/elections/voterimport/").content.decode()


def test_removals_need_the_box_ticked_in_the_admin(client, election, places):
    referent = referent_client(client, places, "EST1")
    apply(upload(election, referent, csv_bytes([person(1), person(2)])), referent)
    job = upload(election, referent, csv_bytes([person(1)]))
    url = f"/gestion/elections/voterimport/{job.pk}/change/"
    refused = client.post(url, {"apply": "1"})
    assert refused.status_code == 400 and "Confirmez la suppression" in refused.content.decode()
    client.post(url, {"apply": "1", "removals_confirmed": "on"})
    run_jobs()
    assert list(Voter.objects.values_list("matricule", flat=True)) == ["M00001"]


def test_an_unexpected_failure_ends_the_wait(election, places, admin, monkeypatch):
    job = imports.import_create(election=election, user=admin, name="agents.csv", data=csv_bytes([person(1)]))

    def broken(**kwargs):
        raise RuntimeError("disque plein")

    monkeypatch.setattr(imports, "plan_import", broken)
    with pytest.raises(AssertionError, match="disque plein"):
        run_jobs()  # the task is recorded as failed, with its traceback
    job.refresh_from_db()
    assert job.status == VoterImport.Status.FAILED and "Erreur inattendue" in job.error
    assert not job.running


def test_a_bom_file_with_invalid_bytes_is_refused_clearly(election, places, admin):
    job = upload(election, admin, b"\xef\xbb\xbfmatricule;nom\n\xff\xfe;x\n")
    assert job.status == VoterImport.Status.INVALID and "CSV UTF-8" in job.error


# --- issue 12, item 6: a line naming another establishment never enters a referent's scope ------


def test_a_referents_preview_never_shows_voters_of_other_establishments(election, places):
    referent = StaffFactory(groups=[Group.objects.get(name="Référent RH")])
    referent.establishments.set([places["EST1"]])
    make_voter(election=election, matricule="M00001", establishment=places["EST1"])
    make_voter(election=election, matricule="M00007", establishment=places["EST1"])
    for matricule in ("M00002", "M00003", "M00004"):
        make_voter(election=election, matricule=matricule, establishment=places["EST2"])
    # EST2 named on a line (refused) and on a line that changes an EST2 voter (refused).
    rows = [person(1, Nom="Renommé"), person(2, "EST2"), person(5, "EST2"), person(3, "EST1")]
    job = upload(election, referent, csv_bytes(rows))

    report = job.report
    shown = [*report["added"], *report["changed"], *report["removed"]]
    assert {v["establishment"] for v in shown} == {"EST1"}
    assert [v["matricule"] for v in report["removed"]] == ["M00007"]  # never M00004 of EST2
    assert report["scope"] == ["EST1"]
    assert list(job.establishments.values_list("code", flat=True)) == ["EST1"]
    assert [e["line"] for e in report["errors"]] == [3, 4, 5]


def test_a_superuser_import_still_covers_every_establishment_it_names(election, places, admin):
    make_voter(election=election, matricule="M00004", establishment=places["EST2"])
    job = upload(election, admin, csv_bytes([person(1), person(2, "EST2")]))
    assert job.report["scope"] == ["EST1", "EST2"]
    assert [v["matricule"] for v in job.report["removed"]] == ["M00004"]


# --- issue 12, item 8: rows and uncompressed size are capped before parsing -----------------------


def _xlsx(rows: int) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for i in range(rows):
        sheet.append(list(person(i).values()))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _rewrite(data: bytes, replace: dict[str, bytes | None], add: dict[str, bytes] | None = None) -> bytes:
    """The same archive with some members replaced (None: left as is) and others added."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            new = replace.get(info.filename)
            target.writestr(info.filename, new if new is not None else content)
        for name, content in (add or {}).items():
            target.writestr(name, content)
    return out.getvalue()


def test_an_xlsx_with_more_rows_than_the_cap_is_refused(election, places, admin, settings):
    settings.VOTER_IMPORT_MAX_ROWS = 10
    job = upload(election, admin, _xlsx(11), "agents.xlsx")
    assert job.status == VoterImport.Status.INVALID
    assert "10 lignes au plus" in job.error
    assert job.report is None


def test_an_xlsx_at_the_cap_is_read(election, places, admin, settings):
    settings.VOTER_IMPORT_MAX_ROWS = 10
    job = upload(election, admin, _xlsx(10), "agents.xlsx")
    assert job.status == VoterImport.Status.READY, job.error
    assert job.report["counts"]["added"] == 10


def test_an_xlsx_whose_dimension_claims_a_million_rows_is_refused_before_reading(
    election, places, admin, settings, monkeypatch
):
    settings.VOTER_IMPORT_MAX_ROWS = 1000
    data = _xlsx(2)
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    assert b'<dimension ref="A1:J3" />' in sheet
    hostile = _rewrite(
        data, {"xl/worksheets/sheet1.xml": sheet.replace(b'ref="A1:J3"', b'ref="A1:J1048576"')}
    )
    from openpyxl.worksheet import _read_only

    def no_row_read(*args, **kwargs):
        raise AssertionError("rows parsed despite the dimension")

    monkeypatch.setattr(_read_only.ReadOnlyWorksheet, "_cells_by_row", no_row_read)
    job = upload(election, admin, hostile, "agents.xlsx")
    assert job.status == VoterImport.Status.INVALID
    assert "1\u00a0000 lignes au plus" in job.error


def test_an_xlsx_member_that_inflates_beyond_the_cap_is_refused_before_openpyxl(
    election, places, admin, settings, monkeypatch
):
    settings.VOTER_IMPORT_MAX_UNCOMPRESSED_MEGABYTES = 1
    hostile = _rewrite(_xlsx(2), {}, add={"xl/media/bomb.bin": b"\0" * (3 * 1024 * 1024)})
    assert len(hostile) < 100_000  # small on the wire, 3 MB once inflated

    def no_parse(*args, **kwargs):
        raise AssertionError("openpyxl called on a zip bomb")

    monkeypatch.setattr("openpyxl.load_workbook", no_parse)
    job = upload(election, admin, hostile, "agents.xlsx")
    assert job.status == VoterImport.Status.INVALID
    assert "décompressé" in job.error and "1 Mo" in job.error


def test_a_csv_with_more_rows_than_the_cap_is_refused(election, places, admin, settings):
    settings.VOTER_IMPORT_MAX_ROWS = 10
    job = upload(election, admin, csv_bytes([person(i) for i in range(11)]))
    assert job.status == VoterImport.Status.INVALID
    assert "10 lignes au plus" in job.error
    assert (
        upload(election, admin, csv_bytes([person(i) for i in range(10)])).status == VoterImport.Status.READY
    )


# --- issue 13: the services refuse by themselves; the plan sees every kind of change -------------


def _referent(places, *codes) -> User:
    referent = StaffFactory(groups=[Group.objects.get(name="Référent RH")])
    referent.establishments.set([places[code] for code in codes])
    return referent


def test_import_confirm_refuses_anyone_but_the_uploader(election, places):
    uploader = _referent(places, "EST1")
    job = upload(election, uploader, csv_bytes([person(1)]))
    assert job.status == VoterImport.Status.READY, job.error
    colleague = _referent(places, "EST1")  # same role, same establishment: still not their file
    with pytest.raises(imports.ImportRefused, match="Seule la personne qui a déposé le fichier"):
        imports.import_confirm(job=job, user=colleague, removals_confirmed=True)
    assert run_jobs() == 0  # no apply queued
    job.refresh_from_db()
    assert job.status == VoterImport.Status.READY
    assert not Voter.objects.exists()
    assert not AuditEntry.objects.filter(action="voters.import.apply").exists()
    assert apply(job, uploader).status == VoterImport.Status.DONE


@pytest.mark.parametrize(
    "status",
    [
        VoterImport.Status.RUNNING,
        VoterImport.Status.APPLYING,
        VoterImport.Status.DONE,
        VoterImport.Status.FAILED,
        VoterImport.Status.CANCELLED,
    ],
)
def test_import_cancel_refuses_an_import_past_its_preview(election, places, admin, status):
    job = upload(election, admin, csv_bytes([person(1)]))
    VoterImport.objects.filter(pk=job.pk).update(status=status)
    with pytest.raises(imports.ImportRefused, match="ne peut plus être annulé"):
        imports.import_cancel(job=job, user=admin)
    job.refresh_from_db()
    assert job.status == status and job.finished is None
    assert imports.file_read(job).startswith(
        b"\xef\xbb\xbfMatricule"
    )  # an apply under way still has its file
    assert not AuditEntry.objects.filter(action="voters.import.cancel").exists()


def test_a_voter_moving_to_another_establishment_is_a_change_and_the_apply_moves_them(
    election, places, admin
):
    apply(upload(election, admin, csv_bytes([person(1, "EST1"), person(2, "EST1")])), admin)
    job = upload(election, admin, csv_bytes([person(1, "EST2")]))
    counts = job.report["counts"]
    assert (counts["changed"], counts["unchanged"], counts["removed"]) == (1, 0, 0)  # scope: EST2 only
    assert job.report["changed"][0]["matricule"] == "M00001"
    assert job.report["changed"][0]["fields"] == ["établissement"]
    apply(job, admin)
    assert dict(Voter.objects.values_list("matricule", "establishment__code")) == {
        "M00001": "EST2",
        "M00002": "EST1",
    }
    entry = AuditEntry.objects.filter(action="voters.import.apply").latest("pk")
    assert entry.new_values["changed"] == {"M00001": ["establishment"]}


def test_an_import_cancelled_while_queued_stays_cancelled_when_its_analysis_comes(election, places, admin):
    job = imports.import_create(election=election, user=admin, name="agents.csv", data=csv_bytes([person(1)]))
    imports.import_cancel(job=job, user=admin)
    run_jobs()
    job.refresh_from_db()
    assert job.status == VoterImport.Status.CANCELLED and not job.error
    assert job.report is None
