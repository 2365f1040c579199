"""Spreadsheet-safe cells: nothing yizhan publishes as CSV or XLSX opens as a formula (CSV injection).

Following the OWASP guidance, a text cell that begins with = + - @, a tab or a carriage return
gets a leading apostrophe, so Excel and WPS show it as text. Numbers in numeric columns (-300)
are left as they are: they are what the column holds, and a number is no formula.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMERIC_KINDS = frozenset({"number", "integer"})
_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")


def safe_text(value: str, kind: str = "string") -> str:
    """`value` as a CSV cell that no spreadsheet runs; `kind` is the column's Table Schema type."""
    if not value.startswith(FORMULA_START):
        return value
    if kind in NUMERIC_KINDS and _NUMBER.fullmatch(value):
        return value
    return "'" + value


def unguarded(value: str) -> str:
    """A cell as it was before `safe_text` guarded it: what a CSV yizhan wrote back reads as again."""
    return value[1:] if value.startswith("'") and value[1:].startswith(FORMULA_START) else value


def neutralise_cells(cells: Iterable[Any]) -> None:
    """Store these openpyxl cells as strings, never formulas (cells written into an officer's own workbook)."""
    for cell in cells:
        if cell.data_type == "f":
            cell.data_type = "s"


def neutralise_workbook(book: Any) -> None:
    """Store every text cell of an openpyxl workbook as a string, never a formula.

    openpyxl turns any text beginning with = into a formula. In a workbook, a string cell is
    never evaluated, whatever it begins with, so the text is kept as written (an XLSForm label
    must reach ODK Collect unchanged).
    """
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            neutralise_cells(row)
