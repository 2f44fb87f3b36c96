"""Voter imports: the error count, the apply's audit entry, an apply that breaks (tests/MUTATION.md).

Written against mutants of elections/imports.py that survived ``make mutation``; from the
2026-12-07 run: a header with a run of punctuation (« N° carte ») still names its column;
only the first 4 KiB are searched for a binary byte; the preview's lines read, ignored
columns (cut at 60 characters), added and removed voters; the all-establishments
permission imports anywhere; the analysis's progress on the import every batch; each line
without its matricule cell is missing it; the lines after a duplicate or a bad line are
read; roll changes counted once per voter; a voter on no roll stays unchanged; the stored
file's modes under any umask; a file gone, an import analysed alone, the apply in batches.
"""

import datetime as dt
import io
import os
import stat
import zipfile
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts import secrets
from accounts.models import AuditEntry, Voter
from elections import imports
from elections.models import RollEntry, VoterImport
from tests.conftest import run_jobs
from tests.factories import StaffFactory

from .test_import import HEADER, _rewrite, _xlsx, admin, apply, csv_bytes, election, person, places, upload  # noqa: F401

pytestmark = pytest.mark.django_db


def test_every_bad_line_is_counted_even_past_the_shown_ones(election, places, admin, monkeypatch):  # noqa: F811
    monkeypatch.setattr(imports, "SHOWN_ERRORS", 2)
    bad = [person(i, NIR="18507") for i in range(1, 5)]
    job = upload(election, admin, csv_bytes([person(9), *bad]))
    assert job.status == VoterImport.Status.INVALID
    assert job.report["counts"]["errors"] == 4
    assert [error["line"] for error in job.report["errors"]] == [3, 4]


def test_the_apply_entry_names_the_job_its_author_the_file_and_the_removed(election, places, admin):  # noqa: F811
    apply(upload(election, admin, csv_bytes([person(1), person(2), person(3)])), admin)
    job = apply(upload(election, admin, csv_bytes([person(1), person(2)]), name="sans-3.csv"), admin, True)
    assert job.status == VoterImport.Status.DONE, job.error
    entry = AuditEntry.objects.filter(action="voters.import.apply").latest("id")
    assert entry.actor_id == admin.pk
    assert (entry.object_type, entry.object_id) == ("elections.voterimport", str(job.pk))
    assert entry.new_values["file"] == "sans-3.csv"
    assert entry.new_values["scope"] == ["EST1"]
    assert entry.new_values["removed"] == ["M00003"]
    assert not Voter.objects.filter(matricule="M00003").exists()


def test_an_apply_that_breaks_marks_the_import_failed_and_applies_nothing(
    election,  # noqa: F811
    places,  # noqa: F811
    admin,  # noqa: F811
    monkeypatch,
):
    job = upload(election, admin, csv_bytes([person(1)]))
    assert job.status == VoterImport.Status.READY, job.error
    real_apply = imports._apply

    def apply_then_break(job):
        real_apply(job)
        raise RuntimeError("outage")

    monkeypatch.setattr(imports, "_apply", apply_then_break)
    with pytest.raises(RuntimeError, match="outage"):
        imports.import_apply(job)
    job.refresh_from_db()
    assert job.status == VoterImport.Status.FAILED
    assert job.error.startswith("Erreur inattendue pendant le traitement : rien n'a été appliqué.")
    assert job.finished is not None
    assert not Voter.objects.exists()


def _inflated_to(data: bytes, total: int) -> bytes:
    """The archive with one more member, so that the declared sizes add up to ``total`` bytes."""
    members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    padding = total - sum(member.file_size for member in members)
    return _rewrite(data, {}, add={"xl/media/padding.bin": b"\0" * padding})


@pytest.mark.parametrize("extra,status", [(0, VoterImport.Status.READY), (1, VoterImport.Status.INVALID)])
def test_an_xlsx_is_read_up_to_exactly_its_uncompressed_cap(election, places, admin, settings, extra, status):  # noqa: F811
    settings.VOTER_IMPORT_MAX_UNCOMPRESSED_MEGABYTES = 1
    data = _inflated_to(_xlsx(2), 1024 * 1024 + extra)
    job = upload(election, admin, data, "agents.xlsx")
    assert job.status == status, job.error


def test_an_xlsx_without_a_dimension_is_read(election, places, admin):  # noqa: F811
    data = _xlsx(2)
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    assert b'<dimension ref="A1:J3" />' in sheet
    job = upload(
        election,
        admin,
        _rewrite(data, {"xl/worksheets/sheet1.xml": sheet.replace(b'<dimension ref="A1:J3" />', b"")}),
        "agents.xlsx",
    )
    assert job.status == VoterImport.Status.READY, job.error
    assert job.report["counts"]["added"] == 2


def test_a_damaged_xlsx_says_so(election, places, admin):  # noqa: F811
    data = _xlsx(2)
    broken = _rewrite(data, {"xl/workbook.xml": b"<pas du xml"})
    job = upload(election, admin, broken, "agents.xlsx")
    assert job.status == VoterImport.Status.INVALID
    assert job.error == imports.XLSX_DAMAGED


def _email(length: int) -> str:
    domain_tail = "d" * (length - 64 - 1 - (63 + 1 + 63 + 1) - 4)
    return "a" * 64 + "@" + "b" * 63 + "." + "c" * 63 + "." + domain_tail + ".org"


def _today(days: int = 0) -> str:
    return f"{timezone.localdate() + dt.timedelta(days=days):%d/%m/%Y}"


@pytest.mark.parametrize(
    "column,value,refusal",
    [
        ("Matricule", "M" * 32, None),
        ("Matricule", "M" * 33, "matricule invalide (32 caractères au plus, sans espace)"),
        ("Nom", "N" * 150, None),
        ("Nom", "N" * 151, "nom trop long (150 caractères au plus)"),
        ("Prénom", "P" * 150, None),
        ("Prénom", "P" * 151, "prénom trop long (150 caractères au plus)"),
        ("Courriel", _email(254), None),
        ("Courriel", _email(255), "invalide"),
        ("Adresse postale", "a" * 500, None),
        ("Adresse postale", "a" * 501, "adresse postale trop longue (500 caractères au plus)"),
        ("Affectation", "a" * 200, None),
        ("Affectation", "a" * 201, "affectation trop longue (200 caractères au plus)"),
        ("Date de naissance", "01/01/1900", None),
        ("Date de naissance", "31/12/1899", "date de naissance 31/12/1899 impossible"),
        ("Date de naissance", "today", None),
        ("Date de naissance", "tomorrow", "impossible"),
    ],
)
def test_each_limit_of_a_line_accepts_its_maximum_and_refuses_one_more(
    election,  # noqa: F811
    places,  # noqa: F811
    admin,  # noqa: F811
    column,
    value,
    refusal,
):
    value = {"today": _today(), "tomorrow": _today(1)}.get(value, value)
    header = [*HEADER, "Adresse postale", "Affectation"]
    job = upload(election, admin, csv_bytes([person(1), person(2, **{column: value})], header=header))
    if refusal is None:
        assert job.status == VoterImport.Status.READY, job.report and job.report["errors"]
    else:
        assert job.status == VoterImport.Status.INVALID
        assert [error["line"] for error in job.report["errors"]] == [3]
        assert refusal in job.report["errors"][0]["message"]


# --- the 2026-12-07 run's survivors --------------------------------------------------------------


def test_a_header_with_a_run_of_punctuation_still_names_its_column(election, places, admin):  # noqa: F811
    header = [*HEADER, "N° carte"]
    job = upload(election, admin, csv_bytes([person(1, **{"N° carte": "ACD0001X"})], header=header))
    assert job.status == VoterImport.Status.READY, job.report and job.report["errors"]
    assert job.report["ignored_columns"] == []
    apply(job, admin)
    voter = Voter.objects.get(matricule="M00001")
    assert secrets.digest_matches("card-serial", "ACD000", voter.card_serial_digest)


def test_only_the_first_4_kib_are_searched_for_a_binary_byte():
    head = b"matricule;nom\nM1;"
    line = head + b"x" * (4096 - len(head)) + b"\x00\n"
    assert line.index(b"\x00") == 4096
    assert list(imports.read_table(line)) == [["matricule", "nom"], ["M1", "x" * (4096 - len(head)) + "\x00"]]
    with pytest.raises(imports.ImportRefused, match="^Ce fichier n'est ni un CSV ni un XLSX.$"):
        imports.read_table(line[:4095] + b"\x00\n")


LONG_COLUMN = "Observations du service gestionnaire à transmettre au bureau de vote central"


def test_the_preview_names_the_lines_read_the_columns_ignored_the_added_and_the_removed(
    election,  # noqa: F811
    places,  # noqa: F811
    admin,  # noqa: F811
):
    apply(upload(election, admin, csv_bytes([person(1), person(2)])), admin)
    removed = Voter.objects.get(matricule="M00002")
    header = [*HEADER, LONG_COLUMN, "Remarque"]
    job = upload(election, admin, csv_bytes([person(1), person(3, scrutins="csa")], header=header))
    assert len(LONG_COLUMN) > 61
    assert job.report["lines"] == 2
    assert job.report["ignored_columns"] == [LONG_COLUMN[:60], "Remarque"]
    assert job.report["added"] == [
        {
            "line": 3,
            "matricule": "M00003",
            "name": "NOM3 Prénom3",
            "establishment": "EST1",
            "scrutins": ["csa"],
        }
    ]
    assert job.report["removed"] == [
        {"pk": removed.pk, "matricule": "M00002", "name": "NOM2 Prénom2", "establishment": "EST1"}
    ]


def test_the_all_establishments_permission_imports_into_any_establishment(election, places):  # noqa: F811
    user = StaffFactory()
    user.user_permissions.add(Permission.objects.get(codename="view_all_establishments"))
    job = upload(election, user, csv_bytes([person(1, "EST1"), person(2, "EST2")]))
    assert job.status == VoterImport.Status.READY, job.report and job.report["errors"]
    assert job.report["scope"] == ["EST1", "EST2"]
    assert job.report["counts"]["added"] == 2


def test_the_analysis_records_its_progress_on_the_import_every_batch(election, places, admin, monkeypatch):  # noqa: F811
    monkeypatch.setattr(imports, "BATCH", 2)
    real_plan_import = imports.plan_import
    seen = []

    def plan_import_watched(*, progress=None, **kwargs):
        def watched(done, total):
            if progress:
                progress(done, total)
            seen.append((done, total, *VoterImport.objects.values_list("done", "total").get()))

        return real_plan_import(progress=watched, **kwargs)

    monkeypatch.setattr(imports, "plan_import", plan_import_watched)
    job = upload(election, admin, csv_bytes([person(i) for i in range(1, 6)]))
    assert job.status == VoterImport.Status.READY, job.error
    assert seen == [(0, 5, 0, 5), (2, 5, 2, 5), (4, 5, 4, 5), (5, 5, 5, 5)]


def test_each_line_without_its_matricule_cell_is_missing_it(election, places, admin):  # noqa: F811
    header = "Nom;Prénom;Date de naissance;Établissement;Matricule\n"
    lines = "Durand;Camille;14/07/1985;EST1\nMartin;Léa;14/07/1985;EST1\n"
    job = upload(election, admin, (header + lines).encode())
    assert job.report["errors"] == [
        {"line": 2, "message": "matricule manquant"},
        {"line": 3, "message": "matricule manquant"},
    ]


def test_the_lines_after_a_duplicate_and_after_a_bad_line_are_still_read(election, places, admin):  # noqa: F811
    rows = [person(1), person(1), person(2, NIR="18507"), person(3)]
    job = upload(election, admin, csv_bytes(rows))
    assert job.report["counts"] == {
        "added": 2,
        "changed": 0,
        "unchanged": 0,
        "removed": 0,
        "roll_changes": 2,
        "errors": 2,
    }
    assert [item["matricule"] for item in job.report["added"]] == ["M00001", "M00003"]
    assert [error["line"] for error in job.report["errors"]] == [3, 4]


def test_roll_changes_count_each_voter_whose_rolls_change_once(election, places, admin):  # noqa: F811
    first = [person(i) for i in range(1, 6)] + [person(8, scrutins=""), person(9, scrutins="")]
    apply(upload(election, admin, csv_bytes(first)), admin)
    # M1 and M2 change rolls, M3 and M9 do not, M4 and M5 (on rolls) and M8 (on none) are
    # removed, M6 is added on a roll and M7 on none.
    second = [
        person(1, scrutins="csa"),
        person(2, scrutins="cap"),
        person(3),
        person(9, scrutins=""),
        person(6, scrutins="cap"),
        person(7, scrutins=""),
    ]
    job = upload(election, admin, csv_bytes(second))
    assert job.report["counts"] == {
        "added": 2,
        "changed": 2,
        "unchanged": 2,
        "removed": 3,
        "roll_changes": 5,
        "errors": 0,
    }
    assert [(item["matricule"], item["fields"]) for item in job.report["changed"]] == [
        ("M00001", ["scrutins"]),
        ("M00002", ["scrutins"]),
    ]


def test_a_voter_on_no_roll_reimported_on_none_is_unchanged(election, places, admin):  # noqa: F811
    data = csv_bytes([person(1, scrutins="")])
    apply(upload(election, admin, data), admin)
    job = upload(election, admin, data)
    assert job.report["counts"] == {
        "added": 0,
        "changed": 0,
        "unchanged": 1,
        "removed": 0,
        "roll_changes": 0,
        "errors": 0,
    }


def test_the_stored_file_is_0600_in_a_0700_folder_whatever_the_umask(election, places, admin, settings):  # noqa: F811
    old = os.umask(0)
    try:
        job = imports.import_create(
            election=election, user=admin, name="agents.csv", data=csv_bytes([person(1)])
        )
    finally:
        os.umask(old)
    path = Path(settings.PRIVATE_ROOT) / "imports" / job.stored_as
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_an_analysis_whose_file_is_gone_ends_refused_with_the_reason(election, places, admin):  # noqa: F811
    job = imports.import_create(election=election, user=admin, name="agents.csv", data=csv_bytes([person(1)]))
    imports.file_forget(job)
    before = timezone.now()
    run_jobs()
    job.refresh_from_db()
    assert job.status == VoterImport.Status.INVALID
    assert job.error == "Le fichier de cet import n'est plus disponible : importez-le de nouveau."
    assert before <= job.finished <= timezone.now()


def test_analysing_one_import_leaves_the_other_queued(election, places, admin):  # noqa: F811
    first = imports.import_create(election=election, user=admin, name="a.csv", data=csv_bytes([person(1)]))
    other = imports.import_create(election=election, user=admin, name="b.csv", data=csv_bytes([person(2)]))
    assert imports.import_analyse(first).status == VoterImport.Status.READY
    other.refresh_from_db()
    assert other.status == VoterImport.Status.QUEUED
    assert imports.import_analyse(other).status == VoterImport.Status.READY


def test_the_apply_writes_every_changed_voter_once_batch_by_batch(election, places, admin, monkeypatch):  # noqa: F811
    monkeypatch.setattr(imports, "BATCH", 2)
    apply(upload(election, admin, csv_bytes([person(i) for i in range(1, 5)])), admin)
    job = upload(
        election, admin, csv_bytes([person(i, Nom=f"Renommé{i}", scrutins="csa") for i in range(1, 5)])
    )
    assert job.report["counts"]["changed"] == 4
    with CaptureQueriesContext(connection) as queries:
        job = apply(job, admin)
    assert job.status == VoterImport.Status.DONE, job.error
    voter_updates = [
        q["sql"] for q in queries.captured_queries if q["sql"].startswith('UPDATE "accounts_voter"')
    ]
    assert len(voter_updates) == 2  # one per batch of 2
    assert dict(Voter.objects.values_list("matricule", "last_name")) == {
        f"M{i:05d}": f"Renommé{i}" for i in range(1, 5)
    }
    assert sorted(RollEntry.objects.values_list("voter__matricule", "scrutin__code")) == [
        (f"M{i:05d}", "csa") for i in range(1, 5)
    ]


def test_scrutin_codes_split_on_a_windows_line_break_and_a_non_breaking_space(election, places, admin):  # noqa: F811
    """What a spreadsheet writes between two codes of one cell is a separator, not part of a code."""
    rows = [person(1, scrutins="csa\r\ncap"), person(2, scrutins="csa\u00a0cap")]
    job = upload(election, admin, csv_bytes(rows))
    assert job.status == VoterImport.Status.READY, job.report and job.report["errors"]
    apply(job, admin)
    for matricule in ("M00001", "M00002"):
        codes = RollEntry.objects.filter(voter__matricule=matricule).values_list("scrutin__code", flat=True)
        assert sorted(codes) == ["cap", "csa"]
