"""Workbooks an officer would upload to the workbench, made from the mini county's own rows."""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import Workbook

RECIPIENTS = "datasets/救助对象.csv"
FEEDBACK = "datasets/意见建议.csv"
TITLE_ROW = "城关镇救助对象名册（2025年12月）"
BAD_ID = "990101200703165089"  # the checksum digit of 990101200703165088 changed
BAD_PHONE = "1502682419"  # one digit short
OTHER_TOWN = "青溪镇"


def rows_of(project: Path, table: str) -> list[list[str]]:
    with (project / table).open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def save_book(path: Path, sheet: str, rows: list[list[str]], title: str | None = None) -> Path:
    """An .xlsx with one sheet named `sheet`; a title row above the header when `title` is given."""
    book = Workbook()
    ws = book.active
    ws.title = sheet
    if title:
        ws.append([title])
    for row in rows:
        ws.append(row)
    book.save(path)
    return path


def messy_recipients(project: Path, target: Path) -> tuple[Path, dict[str, int]]:
    """城关镇's 2025-12 recipients with a title row, one bad ID and one row of 青溪镇.

    Returns the file and the sheet rows of the bad ID and of the other township's row.
    """
    rows = rows_of(project, RECIPIENTS)
    header = rows[0]
    own = [r for r in rows[1:] if r[0] == "2025-12" and r[5] == "城关镇"]
    other = next(r for r in rows[1:] if r[0] == "2025-12" and r[5] == OTHER_TOWN)
    body = [list(r) for r in own]
    body[0][header.index("身份证号")] = BAD_ID
    body.append(list(other))
    save_book(target, "救助对象", [header, *body], TITLE_ROW)
    # the title is row 1, the header row 2, so body[i] is on row i + 3
    return target, {"bad_id": 3, "other": len(body) + 2}


def fixed_recipients(project: Path, target: Path) -> Path:
    """The same month for 城关镇, corrected: every ID valid, only 城关镇's rows, one household added."""
    rows = rows_of(project, RECIPIENTS)
    header = rows[0]
    own = [list(r) for r in rows[1:] if r[0] == "2025-12" and r[5] == "城关镇"]
    extra = list(own[0])
    extra[header.index("户主姓名")] = "补录户"
    extra[header.index("身份证号")] = "990101198001010014"
    own.append(extra)
    save_book(target, "救助对象", [header, *own], TITLE_ROW)
    return target


def feedback_with_bad_phone(project: Path, target: Path) -> tuple[Path, int]:
    """城关镇's feedback of 2026-01 with one phone number a digit short; returns the file and its row."""
    rows = rows_of(project, FEEDBACK)
    header = rows[0]
    own = [list(r) for r in rows[1:] if r[1].startswith("2026-01") and r[2].startswith("YZ-01")]
    own[0][header.index("联系电话")] = BAD_PHONE
    save_book(target, "意见建议", [header, *own])
    return target, 2
