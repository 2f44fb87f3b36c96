"""How a voter file is read, cell by cell (tests/MUTATION.md).

``read_table`` is what the import's preview and apply read: called directly here.
Written against mutants of elections/imports.py that survived ``make mutation``: the
delimiter of a CSV whose lines do not all have the same number of fields (the sniffer
gives up, the file's own separators decide; never a letter), a file in neither UTF-8 nor
strict cp1252, the cells of an XLSX as a person sees them (a number without « .0 », an
empty cell empty, a formula never read as its text), and a stored file forgotten twice.
"""

import datetime as dt
import io
import zipfile

import pytest
from openpyxl import Workbook

from elections import imports
from elections.models import VoterImport

from .test_import import _rewrite, admin, election  # noqa: F401

pytestmark = pytest.mark.django_db


def rows(data: bytes) -> list[list[str]]:
    return list(imports.read_table(data))


def test_a_comma_file_with_uneven_lines_is_read_with_commas():
    data = "matricule,nom,prénom\nA1,Durand,Camille\nA2,Martin,Léa,\n".encode()
    assert rows(data) == [
        ["matricule", "nom", "prénom"],
        ["A1", "Durand", "Camille"],
        ["A2", "Martin", "Léa", ""],
    ]


def test_a_semicolon_file_with_uneven_lines_and_a_comma_in_a_value_is_read_with_semicolons():
    data = "matricule;nom;prénom;courriel\nA1;Durand;Camille, Anne;c@example.org\nA2;Martin;Léa\n".encode()
    assert rows(data) == [
        ["matricule", "nom", "prénom", "courriel"],
        ["A1", "Durand", "Camille, Anne", "c@example.org"],
        ["A2", "Martin", "Léa"],
    ]


def test_a_byte_that_is_neither_utf8_nor_cp1252_is_replaced_not_an_error():
    data = b"matricule;nom\nA1;Du\x81rand\nA2;H\xe9l\xe8ne\n"
    assert rows(data) == [["matricule", "nom"], ["A1", "Du\ufffdrand"], ["A2", "Hélène"]]


def xlsx(*lines) -> bytes:
    book = Workbook()
    sheet = book.active
    for line in lines:
        sheet.append(line)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_cells_are_read_as_a_person_sees_them():
    data = xlsx(
        ["matricule", "nom", "courriel", "naissance", "total"],
        [12345.0, "Durand", None, dt.date(1980, 5, 17), "=1+1"],
        [2.5, " Martin ", "", dt.datetime(1990, 1, 2, 10, 30), 7],  # noqa: DTZ001 (a cell's date has no zone)
    )
    header, first, second = rows(data)
    assert first[:4] == ["12345", "Durand", "", "1980-05-17"]
    assert not first[4].startswith("=")  # a formula is read as its value (none saved here), never as its text
    assert second == ["2.5", "Martin", "", "1990-01-02", "7"]


def test_a_whole_number_saved_as_a_decimal_is_read_without_its_point_zero():
    data = xlsx(["matricule", "nom"], [12345, "Durand"])
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    assert b"<v>12345</v>" in sheet
    decimal = _rewrite(data, {"xl/worksheets/sheet1.xml": sheet.replace(b"<v>12345</v>", b"<v>12345.0</v>")})
    assert rows(decimal)[1] == ["12345", "Durand"]


def test_a_stored_file_forgotten_twice_is_no_error(election, admin, settings, tmp_path):  # noqa: F811
    job = VoterImport.objects.create(election=election, created_by=admin, file_name="agents.csv")
    imports.file_store(job, b"matricule;nom\n")
    imports.file_forget(job)
    imports.file_forget(job)
    with pytest.raises(imports.ImportRefused):
        imports.file_read(job)
