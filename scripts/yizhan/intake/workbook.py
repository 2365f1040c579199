"""The sheets of an Excel workbook (.xlsx, .xlsm, .xls, read with calamine): name, visibility, cells as text."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from ..feedback.errors import TableReadError

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
    try:
        return _book_sheets(path)
    except Exception as error:  # the reader raises many kinds for a damaged or mislabelled file
        raise TableReadError("YZ-FILE-003") from error


def _book_sheets(path: Path) -> list[Sheet]:
    """The worksheets through calamine (chart sheets hold no cells); hidden and very hidden are not visible."""
    from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    book = CalamineWorkbook.from_path(str(path))
    try:
        found = []
        for meta in book.sheets_metadata:
            if meta.typ != SheetTypeEnum.WorkSheet:
                continue
            sheet = book.get_sheet_by_name(meta.name)
            # every row from A1, so that list positions are the officer's row and column numbers
            head = sheet.to_python(skip_empty_area=False, nrows=HEAD_ROWS)
            visible = meta.visible == SheetVisibleEnum.Visible
            found.append(Sheet(meta.name, visible, _grid(head)[0], partial(_whole, sheet)))
        return found
    finally:
        book.close()


def _whole(sheet: Any) -> tuple[Grid, Kinds]:
    """Every row of a calamine sheet from A1."""
    return _grid(sheet.to_python(skip_empty_area=False))
