"""The sheets of an Excel workbook (.xlsx with openpyxl, .xls with xlrd): name, visibility, cells as text."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

Grid = list[list[str]]
Kinds = dict[tuple[int, int], str]  # (0-based row, 0-based column) → "number" or "date"
HEAD_ROWS = 30


@dataclass
class Sheet:
    """One worksheet: its name, whether the officer can see it, its first rows, and how to read it all."""

    name: str
    visible: bool
    head: Grid
    load: Callable[[], tuple[Grid, Kinds]]


def cell_text(value: Any) -> tuple[str, str]:
    """A cell as the officer sees it, and its kind ("number", "date" or "")."""
    if value is None:
        return "", ""
    if isinstance(value, bool):
        return ("是" if value else "否"), ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat(), "date"
        return value.isoformat(sep=" "), "date"
    if isinstance(value, dt.date):
        return value.isoformat(), "date"
    if isinstance(value, int):
        return str(value), "number"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e21:
            return str(int(value)), "number"
        return f"{value:.15g}", "number"
    return str(value), ""


def _grid(rows: Any) -> tuple[Grid, Kinds]:
    grid: Grid = []
    kinds: Kinds = {}
    for r, row in enumerate(rows):
        texts = []
        for c, value in enumerate(row):
            text, kind = cell_text(value)
            texts.append(text)
            if kind:
                kinds[(r, c)] = kind
        grid.append(texts)
    return grid, kinds


def sheets(path: Path) -> list[Sheet]:
    """Every worksheet of the workbook; unreadable files raise TableReadError with a Chinese message."""
    from .tabular import TableReadError

    try:
        if path.suffix.lower() == ".xls":
            return _xls_sheets(path)
        return _xlsx_sheets(path)
    except TableReadError:
        raise
    except Exception as error:  # the readers raise many kinds for a damaged or mislabelled file
        raise TableReadError("YZ-FILE-003") from error


def _xlsx_sheets(path: Path) -> list[Sheet]:
    from openpyxl import load_workbook

    def load(name: str) -> tuple[Grid, Kinds]:
        book = load_workbook(path, read_only=True, data_only=True)
        try:
            return _grid(book[name].iter_rows(values_only=True))
        finally:
            book.close()

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        return [
            Sheet(
                ws.title,
                getattr(ws, "sheet_state", "visible") == "visible",
                _grid(ws.iter_rows(max_row=HEAD_ROWS, values_only=True))[0],
                lambda name=ws.title: load(name),
            )
            for ws in book.worksheets
        ]
    finally:
        book.close()


def _xls_sheets(path: Path) -> list[Sheet]:
    import xlrd

    book = xlrd.open_workbook(str(path))

    def value(cell: Any) -> Any:
        if cell.ctype == xlrd.XL_CELL_DATE:
            return xlrd.xldate_as_datetime(cell.value, book.datemode)
        if cell.ctype == xlrd.XL_CELL_NUMBER:
            return cell.value
        if cell.ctype == xlrd.XL_CELL_BOOLEAN:
            return bool(cell.value)
        if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
            return None
        return cell.value

    found = []
    for sh in book.sheets():

        def rows(sh: Any = sh, limit: int | None = None) -> Any:
            count = sh.nrows if limit is None else min(limit, sh.nrows)
            return ([value(c) for c in sh.row(r)] for r in range(count))

        head, _ = _grid(rows(limit=HEAD_ROWS))
        found.append(Sheet(sh.name, sh.visibility == 0, head, lambda rows=rows: _grid(rows())))
    return found
