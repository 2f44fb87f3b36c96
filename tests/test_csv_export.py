"""Every CSV the portal writes is text for a spreadsheet, never a formula (issue 12, item 9)."""

import csv
import io
import re
from pathlib import Path

import pytest

from elections import imports
from voting_portal.csv_export import csv_cell, csv_writer


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+33 1 23", "'+33 1 23"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Durand", "Durand"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
        (42, "42"),
    ],
)
def test_a_cell_starting_like_a_formula_gets_a_quote(value, written):
    assert csv_cell(value) == written


def test_the_writer_escapes_every_cell_and_reads_back():
    out = io.StringIO()
    csv_writer(out, delimiter=";").writerows([["=cmd|' /C calc'!A0", "ok"], ["x", "\r@y"]])
    assert list(csv.reader(io.StringIO(out.getvalue(), newline=""), delimiter=";")) == [
        ["'=cmd|' /C calc'!A0", "ok"],
        ["x", "'\r@y"],
    ]


@pytest.mark.django_db
def test_the_import_template_goes_through_the_same_writer(admin_client, monkeypatch):
    monkeypatch.setattr(imports, "EXAMPLE_LINE", ["=1+1", "Lambert"])
    response = admin_client.get("/gestion/elections/voterimport/modele.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[1] == ["'=1+1", "Lambert"]


def test_no_app_writes_csv_without_the_escaping_writer():
    root = Path(__file__).resolve().parent.parent
    writers = re.compile(r"\bcsv\.(writer|DictWriter)\(")
    offenders = [
        str(path.relative_to(root))
        for app in ("accounts", "ballots", "elections", "receipts", "voting_portal")
        for path in (root / app).rglob("*.py")
        if path.name != "csv_export.py" and writers.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
