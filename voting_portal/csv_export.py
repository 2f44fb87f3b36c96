"""CSV files that a spreadsheet opens as text, never as formulas (issue 12, item 9).

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by
Excel or LibreOffice as a formula (CSV injection: a voter's name ``=HYPERLINK(…)`` in
the émargement list). Such a cell is prefixed with a single quote, the OWASP rule.
Every CSV the portal writes goes through ``csv_writer``.
"""

import csv
from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> str:
    """The cell's text, with a leading ``'`` if a spreadsheet would take it for a formula."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


class SafeCsvWriter:
    """``csv.writer`` whose every cell goes through ``csv_cell``."""

    def __init__(self, file, **fmtparams):
        self._writer = csv.writer(file, **fmtparams)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([csv_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(file, **fmtparams) -> SafeCsvWriter:
    """The CSV writer of every export (same arguments as ``csv.writer``)."""
    return SafeCsvWriter(file, **fmtparams)
