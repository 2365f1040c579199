"""The officer's own file back, marked: each problem cell filled and commented, and a 检查结果 sheet."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from types import SimpleNamespace

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from ..feedback.report import ERROR, NOTE
from ..intake.tabular import detect_encoding
from ..intake.workbook import sheets
from ..sheets.cells import neutralise_workbook
from .intake import Located

RESULTS_SHEET = "检查结果"
RESULTS_HEADER = ("工作表", "行", "列", "列标题", "级别", "问题", "改法")
SEVERITY_NAMES = {ERROR: "错误", "warning": "警告", NOTE: "说明"}
ERROR_FILL = PatternFill("solid", fgColor="FFF4B6B6")
WARNING_FILL = PatternFill("solid", fgColor="FFFFE699")
AUTHOR = "驿站工作台"


def _guarded(sheet: Worksheet) -> None:
    """The formula guard of cells.py on one sheet: every cell written here stays text."""
    neutralise_workbook(SimpleNamespace(worksheets=[sheet]))


def _from_csv(data: bytes, title: str) -> Workbook:
    """A CSV as a one-sheet workbook, every record on the row it had (so the row numbers still hold)."""
    text = data.decode(detect_encoding(data)).removeprefix("\ufeff")
    first = text.split("\n", 1)[0]
    sep = max((",", "\t", ";"), key=first.count)
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    for record in csv.reader(io.StringIO(text, newline=""), delimiter=sep):
        sheet.append(list(record))
    _guarded(sheet)
    return book


def _from_xls(path: Path) -> Workbook:
    """An Excel 97–2003 workbook as .xlsx: every sheet's cells as the officer sees them, hidden ones hidden."""
    book = Workbook()
    book.remove(book.active)
    for found in sheets(path):
        sheet = book.create_sheet(found.name[:31])
        grid, _ = found.load()
        for row in grid:
            sheet.append(row)
        if not found.visible:
            sheet.sheet_state = "hidden"
        _guarded(sheet)
    return book


def _mark(sheet: Worksheet, problem: Located) -> None:
    cell = sheet[f"{problem.column or 'A'}{problem.row}"]
    text = f"{problem.problem}。{problem.fix}。"
    if cell.comment is not None and cell.comment.author == AUTHOR:
        text = f"{cell.comment.text}\n{text}"
    comment = Comment(text, AUTHOR)
    comment.width, comment.height = 320, 120
    cell.comment = comment
    if problem.severity == ERROR:
        cell.fill = ERROR_FILL
    elif cell.fill.fgColor.rgb != ERROR_FILL.fgColor.rgb:
        cell.fill = WARNING_FILL


def _results(book: Workbook, problems: list[Located]) -> None:
    if RESULTS_SHEET in book.sheetnames:  # a marked file sent back: the old results make way
        book.remove(book[RESULTS_SHEET])
    sheet = book.create_sheet(RESULTS_SHEET)
    sheet.append(list(RESULTS_HEADER))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for p in problems:
        severity = SEVERITY_NAMES.get(p.severity, p.severity)
        sheet.append([p.sheet, p.row or "", p.column or "", p.title or "", severity, p.problem, p.fix])
    for letter, width in zip("ABCDEFG", (14, 6, 6, 16, 6, 60, 60), strict=True):
        sheet.column_dimensions[letter].width = width
    _guarded(sheet)


def marked_workbook(path: Path, kind: str, sheet_name: str, problems: list[Located], table: str) -> bytes:
    """The upload (kept as sent) as an .xlsx with every located problem on its cell and a 检查结果 sheet."""
    if kind == "xlsx":
        book = load_workbook(path)
    elif kind == "xls":
        book = _from_xls(path)
    else:
        book = _from_csv(path.read_bytes(), table)
        sheet_name = book.active.title
    if sheet_name in book.sheetnames:
        sheet = book[sheet_name]
        for problem in problems:
            if problem.row and problem.severity != NOTE:
                _mark(sheet, problem)
    _results(book, problems)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
