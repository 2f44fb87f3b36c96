"""Voter imports: the error count, the apply's audit entry, an apply that breaks (tests/MUTATION.md).

Written against mutants of elections/imports.py that survived ``make mutation``.
"""

import datetime as dt
import io
import zipfile

import pytest
from django.utils import timezone

from accounts.models import AuditEntry, Voter
from elections import imports
from elections.models import VoterImport

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
