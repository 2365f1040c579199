"""Reading the spreadsheets officers save from WPS/Excel, as the officer sees them.

CSV (UTF-8, UTF-8 with BOM, GB18030; comma, tab or semicolon), XLSX and XLS. The sheet is the one
named after the table or the one visible sheet holding the table's column titles — never a hidden
one; the header is the row holding those titles (title and 填报单位 rows above it are skipped and
listed); blank rows are skipped and 合计/小计 rows set aside. Cells are kept as text, with a note of
which ones were number or date cells (an ID number Excel stored as a number has lost digits).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Collection, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from ..feedback.errors import TableReadError
from ..rules.numbers import fold
from . import csvrows, workbook
from .workbook import Sheet

UTF8_BOM = b"\xef\xbb\xbf"
# Full-width and no-break spaces that Excel and WPS leave in headers.
_SPACES = re.compile(r"[\s\u3000\u00a0\ufeff]+")
SEPARATORS = (",", "\t", ";")
HEADER_SCAN = 30  # rows searched for the header
TOTALS = re.compile(r"^(?:合计|小计|总计|共计)[:：]?$")
BOOKS = (".xlsx", ".xlsm", ".xls")


class RawTable:
    """A sheet as text under its header row: cells as typed (trimmed), and how it was read."""

    def __init__(
        self,
        path: Path,
        header: list[str],
        rows: list[list[str]] | None = None,
        encoding: str = "utf-8",
        *,
        columns: list[Sequence[str]] | None = None,
        row_numbers: Sequence[int] | None = None,
        header_row: int = 1,
        sheet: str | None = None,
        other_sheets: Sequence[str] = (),
        skipped: Sequence[str] = (),
        totals: Sequence[int] = (),
        extra: dict[int, int] | None = None,
        marks: dict[int, dict[int, str]] | None = None,
    ) -> None:
        self.path, self.header, self.encoding = path, header, encoding
        self.header_row, self.sheet, self.other_sheets = header_row, sheet, tuple(other_sheets)
        self.skipped, self.totals = tuple(skipped), tuple(totals)
        self.marks = marks or {}  # column index → {spreadsheet row: "number" | "date"}
        width = len(header)
        if columns is None:
            rows = rows or []
            columns = [[r[i] if i < len(r) else "" for r in rows] for i in range(width)]
            extra = {n: sum(1 for c in r[width:] if c) for n, r in enumerate(rows, start=header_row + 1)}
            extra = {n: count for n, count in extra.items() if count}
        self.columns = columns
        count = len(columns[0]) if columns else len(rows or [])
        self.row_numbers = (  # spreadsheet row of each kept row
            np.asarray(row_numbers, dtype=np.int64)
            if row_numbers is not None
            else np.arange(header_row + 1, header_row + 1 + count, dtype=np.int64)
        )
        self.extra = extra or {}  # spreadsheet row → cells right of the last titled column

    @property
    def rows(self) -> list[list[str]]:
        """Every row as a list of cells: builds the whole table, so take it once, not once per row."""
        return [list(r) for r in zip(*self.columns, strict=True)] if self.columns else []


def detect_encoding(data: bytes) -> str:
    """UTF-8 with BOM, UTF-8, then GB18030 (a superset of GBK): the first that decodes."""
    for encoding in ("utf-8-sig",) if data.startswith(UTF8_BOM) else ("utf-8", "gb18030"):
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return encoding
    raise TableReadError("YZ-FILE-002")


def normalize_header(title: str) -> str:
    """A column title as compared: full-width forms folded, stray spaces removed."""
    return _SPACES.sub("", fold(str(title)))


def by_unique(values: Sequence[str] | pd.Categorical, change: Callable[[str], str]) -> np.ndarray:
    """`change` applied to every value, computed once per distinct value (columns repeat a lot)."""
    if isinstance(values, pd.Categorical):
        codes, uniques = values.codes, values.categories.to_numpy(dtype=object)
    else:
        codes, uniques = pd.factorize(np.asarray(values, dtype=object))
    mapped = np.array([change(u) for u in uniques] + [""], dtype=object)
    return mapped[codes]


def _header_score(row: Sequence[str], titles: Collection[str]) -> int:
    return len({normalize_header(c) for c in row if c}.intersection(titles))


def find_header(head: Sequence[Sequence[str]], titles: Collection[str] | None) -> int | None:
    """Index of the row holding the most column titles (at least two), or the first non-blank row."""
    if not titles:
        return next((i for i, r in enumerate(head) if any(c.strip() for c in r)), None)
    needed = min(2, len(titles))
    scores = [_header_score(r, titles) for r in head]
    best = max(scores, default=0)
    return scores.index(best) if best >= needed else None


def _separator(text: str, titles: Collection[str] | None) -> str:
    """The separator under which the header is found (or is widest), comma on a tie."""
    lines = text[:65536].splitlines()[:HEADER_SCAN]

    def score(sep: str) -> tuple[int, int]:
        """(column titles found, width of the header row): free text may hold separators, titles do not."""
        head = list(csv.reader(lines, delimiter=sep))
        found = find_header(head, titles) if titles else find_header(head, None)
        if found is None:
            return 0, 0
        return (_header_score(head[found], titles) if titles else 0), len(head[found])

    return max(SEPARATORS, key=score)


def read_csv(path: Path, titles: Collection[str] | None = None) -> RawTable:
    data = path.read_bytes()
    encoding = detect_encoding(data)
    # The header is in the first 64 K characters (at most 4 bytes each; the cut may split one).
    start = data[: 4 * 65536 + 4].decode(encoding, "ignore").removeprefix("\ufeff")[:65536]
    sep = _separator(start, titles)
    head = list(csv.reader(start.splitlines()[:HEADER_SCAN], delimiter=sep))
    found = _require_header(head, titles)
    header = _header(head[found])
    fast = csvrows.fast_columns(data, encoding, sep, found, len(header))
    if fast is not None:
        columns, numbers = fast
        return _assemble(path, encoding, head[:found], header, found + 1, columns, numbers)
    above, columns, numbers, extra = csvrows.exact_columns(data, encoding, sep, found, len(header))
    table = _assemble(path, encoding, above, header, found + 1, columns, numbers)
    kept = set(table.row_numbers.tolist())
    table.extra = {n: count for n, count in extra.items() if n in kept}
    return table


def _header(row: Sequence[str]) -> list[str]:
    header = [normalize_header(c) for c in row]
    while header and not header[-1]:
        header.pop()
    return header


def _require_header(head: Sequence[Sequence[str]], titles: Collection[str] | None) -> int:
    """The header row's index, or the reason there is none (an empty file, titles not found)."""
    found = find_header(head, titles)
    if found is None:
        if not any(any(c.strip() for c in r) for r in head):
            raise TableReadError("YZ-FILE-004")
        shown = "」「".join(list(titles or [])[:3])
        raise TableReadError("YZ-FILE-005", titles=shown, rows=str(HEADER_SCAN))
    return found


def _assemble(
    path: Path,
    encoding: str,
    above: Sequence[Sequence[str]],
    header: list[str],
    header_row: int,
    columns: Sequence[np.ndarray | pd.Categorical],
    numbers: Sequence[int] | np.ndarray,
    **where: object,
) -> RawTable:
    """Trim cells, drop blank rows, set 合计/小计 rows aside."""
    columns = [by_unique(c, str.strip) for c in columns]
    keep = np.zeros(len(numbers), dtype=bool)
    for column in columns:
        keep |= column != ""
    totals = np.zeros(len(numbers), dtype=bool)
    for column in columns[:3]:
        totals |= by_unique(column, lambda v: "1" if TOTALS.match(_SPACES.sub("", v)) else "") != ""
    row_numbers = np.asarray(numbers, dtype=np.int64)
    total_rows = [int(n) for n in row_numbers[keep & totals]]
    keep &= ~totals
    skipped = [" ".join(c.strip() for c in r if c.strip()) for r in above if any(c.strip() for c in r)]
    return RawTable(
        path,
        header,
        encoding=encoding,
        columns=columns if keep.all() else [c[keep] for c in columns],
        row_numbers=row_numbers if keep.all() else row_numbers[keep],
        header_row=header_row,
        skipped=skipped,
        totals=total_rows,
        **where,  # type: ignore[arg-type]
    )


def read_book(path: Path, titles: Collection[str] | None = None, table: str | None = None) -> RawTable:
    """An .xlsx/.xls workbook: the right sheet, its header row, cells as text with number/date marks."""
    sheets = workbook.sheets(path)
    sheet = choose_sheet(sheets, titles, table)
    grid, kinds = sheet.load()
    found = _require_header(grid[:HEADER_SCAN], titles)
    header = _header(grid[found])
    width = len(header)
    body = grid[found + 1 :]
    numbers = list(range(found + 2, found + 2 + len(body)))
    columns = [np.array([r[i] if i < len(r) else "" for r in body], dtype=object) for i in range(width)]
    # which sheet was read is worth a note only when its name does not already say so
    named = table and normalize_header(sheet.name) == table
    others = [] if named else [s.name for s in sheets if s is not sheet]
    raw = _assemble(
        path, "xlsx" if path.suffix.lower() != ".xls" else "xls", grid[:found], header, found + 1, columns,
        numbers, sheet=sheet.name, other_sheets=others,
    )  # fmt: skip
    kept = set(raw.row_numbers.tolist())
    marks: dict[int, dict[int, str]] = {}
    for (row, col), kind in kinds.items():
        number = row + 1
        if col < width and number in kept and number > found + 1:
            marks.setdefault(col, {})[number] = kind
    raw.marks = marks
    extra = {n: sum(1 for c in r[width:] if c.strip()) for n, r in zip(numbers, body, strict=True)}
    raw.extra = {n: count for n, count in extra.items() if count and n in kept}
    return raw


def choose_sheet(sheets: list[Sheet], titles: Collection[str] | None, table: str | None) -> Sheet:
    """The visible sheet named after the table, else the one visible sheet with the column titles."""
    visible = [s for s in sheets if s.visible]
    named = [s for s in visible if table and normalize_header(s.name) == table]
    if not titles:
        if not (named or visible):
            raise TableReadError("YZ-FILE-004")
        return (named or visible)[0]
    with_header = [s for s in visible if find_header(s.head, titles) is not None]
    if named and named[0] in with_header:
        return named[0]
    if len(with_header) == 1:
        return with_header[0]
    if with_header:
        names = "、".join(f"「{s.name}」" for s in with_header)
        raise TableReadError("YZ-FILE-006", sheets=names, table=table or "")
    hidden = [s for s in sheets if not s.visible and find_header(s.head, titles) is not None]
    if hidden:
        raise TableReadError("YZ-FILE-007", sheets="、".join(f"「{s.name}」" for s in hidden))
    if not any(any(c.strip() for c in r) for s in visible for r in s.head):
        raise TableReadError("YZ-FILE-004")
    shown = "」「".join(list(titles)[:3])
    raise TableReadError("YZ-FILE-005", titles=shown, rows=str(HEADER_SCAN))


def read_table(path: Path, titles: Collection[str] | None = None, table: str | None = None) -> RawTable:
    """Read a .csv, .xlsx or .xls file into text cells; `titles` (the contract's) locate sheet and header."""
    suffix = path.suffix.lower()
    if suffix == ".et":
        raise TableReadError("YZ-FILE-009")
    titles = list(dict.fromkeys(normalize_header(t) for t in titles)) if titles else None  # in order
    if suffix in BOOKS:
        return read_book(path, titles, table)
    return read_csv(path, titles)


_DATE_FORMS = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def normalize_date(value: str) -> str:
    """2026/3/5, 2026.3.5, 2026年3月5日 and 20260305 become 2026-03-05; anything else is returned as is."""
    match = _DATE_FORMS.match(value) or _COMPACT_DATE.match(value)
    if not match:
        return value
    year, month, day = (int(g) for g in match.groups())
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return value
    return f"{year:04d}-{month:02d}-{day:02d}"
