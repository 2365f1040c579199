"""Reading the spreadsheets officers save from WPS/Excel: CSV in any common encoding, XLSX."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path

UTF8_BOM = b"\xef\xbb\xbf"
# Full-width and no-break spaces that Excel and WPS leave in headers.
_SPACES = re.compile(r"[\s\u3000\u00a0\ufeff]+")


class TableReadError(Exception):
    """A file that cannot be read at all; carries a catalogue code."""

    def __init__(self, code: str, **values: str) -> None:
        super().__init__(code)
        self.code = code
        self.values = values


@dataclass
class RawTable:
    """A sheet as text: header and rows exactly as typed, plus how it was read."""

    path: Path
    header: list[str]
    rows: list[list[str]]
    encoding: str  # "utf-8", "utf-8-sig", "gb18030" or "xlsx"


def detect_encoding(data: bytes) -> str:
    """UTF-8 with BOM, UTF-8, then GB18030 (a superset of GBK): the first that decodes."""
    if data.startswith(UTF8_BOM):
        return "utf-8-sig"
    for encoding in ("utf-8", "gb18030"):
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return encoding
    raise TableReadError("YZ-FILE-002")


def normalize_header(title: str) -> str:
    """Strip the stray spaces spreadsheets leave around and inside column titles."""
    return _SPACES.sub("", title)


def read_csv(path: Path) -> RawTable:
    data = path.read_bytes()
    encoding = detect_encoding(data)
    text = data.decode(encoding)
    records = list(csv.reader(io.StringIO(text, newline="")))
    return _to_table(path, records, encoding)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_xlsx(path: Path) -> RawTable:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise TableReadError("YZ-FILE-003", detail=type(error).__name__) from error
    try:
        sheet = book.worksheets[0]
        records = [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()
    return _to_table(path, records, "xlsx")


def _to_table(path: Path, records: list[list[str]], encoding: str) -> RawTable:
    # Drop rows that are entirely blank (Excel keeps formatted empty rows).
    while records and not any(c.strip() for c in records[-1]):
        records.pop()
    if not records:
        raise TableReadError("YZ-FILE-004")
    header = [normalize_header(c) for c in records[0]]
    while header and not header[-1]:
        header.pop()
    rows = [[c.strip() for c in r] for r in records[1:]]
    return RawTable(path, header, rows, encoding)


def read_table(path: Path) -> RawTable:
    """Read a .csv or .xlsx file into text cells."""
    if path.suffix.lower() == ".xlsx":
        return read_xlsx(path)
    return read_csv(path)


_DATE_FORMS = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def normalize_date(value: str) -> str:
    """2026/3/5, 2026.3.5 and 2026年3月5日 become 2026-03-05; anything else is returned as is."""
    match = _DATE_FORMS.match(value)
    if not match:
        return value
    year, month, day = (int(g) for g in match.groups())
    return f"{year:04d}-{month:02d}-{day:02d}"
