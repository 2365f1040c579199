"""Spreadsheets as officers save them, written with openpyxl for the intake tests.

Each function turns one of the fixture county's CSV tables into the file an office really produces:
hidden sheets, a 说明 sheet in front, title and 填报单位 rows with merged cells, ID numbers stored as
numbers, 年月 cells Excel turned into dates, tab- or semicolon-separated text saved as .csv.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from conftest import read_rows

Cell = Callable[[str, str], object]  # (column title, text) → the value to store


def as_text(title: str, value: str) -> object:
    return value


def fill(sheet: Worksheet, rows: Sequence[Sequence[str]], cell: Cell = as_text) -> None:
    header = rows[0]
    sheet.append(list(header))
    for row in rows[1:]:
        sheet.append([cell(t, v) for t, v in zip(header, row, strict=True)])


def to_xlsx(
    csv_path: Path,
    *,
    sheet_name: str = "Sheet1",
    title_rows: Sequence[str] = (),
    before: Sequence[tuple[str, bool, Sequence[Sequence[str]]]] = (),
    cell: Cell = as_text,
    rows: list[list[str]] | None = None,
) -> Path:
    """The CSV as an .xlsx next to it (the CSV removed): sheets `before` it (name, hidden, rows) first,
    merged title rows above the header."""
    rows = rows if rows is not None else read_rows(csv_path)
    book = Workbook()
    book.remove(book.active)
    for name, hidden, sheet_rows in before:
        sheet = book.create_sheet(name)
        for row in sheet_rows:
            sheet.append(list(row))
        if hidden:
            sheet.sheet_state = "hidden"
    sheet = book.create_sheet(sheet_name)
    for number, text in enumerate(title_rows, start=1):
        sheet.append([text])
        sheet.merge_cells(start_row=number, start_column=1, end_row=number, end_column=len(rows[0]))
    fill(sheet, rows, cell)
    target = csv_path.with_suffix(".xlsx")
    book.save(target)
    csv_path.unlink()
    return target


def id_as_number(title: str, value: str) -> object:
    """What Excel does to an 18-digit ID typed into a General cell: a number (last digits lost)."""
    return int(value) if title == "身份证号" and value.isdigit() else value


def month_as_date(title: str, value: str) -> object:
    """What Excel does to 2025-12 typed into a General cell: the date 2025-12-01."""
    if title == "批次":
        year, month = value.split("-")
        return dt.datetime(int(year), int(month), 1)
    return value


def with_separator(csv_path: Path, separator: str) -> None:
    """The same table saved as text with another separator, keeping the .csv name."""
    rows = read_rows(csv_path)
    text = "\n".join(separator.join(row) for row in rows) + "\n"
    csv_path.write_bytes(text.encode("utf-8"))
