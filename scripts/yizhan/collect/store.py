"""Writing an import into the dataset file: append when only rows are added, else rewrite; always atomic."""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd

from ..buildkit.cache import replace_file
from ..intake.tabular import normalize_header, read_table
from ..model.project import Dataset
from ..sheets.cells import neutralise_cells, safe_text
from .merge import Merged


def _needed_titles(dataset: Dataset, frame: pd.DataFrame, header: list[str]) -> list[str]:
    """Dataset columns that now hold values but are missing from the file's header (e.g. 提交编号)."""
    return [
        c.title
        for c in dataset.spec.columns
        if normalize_header(c.title) not in {normalize_header(h) for h in header}
        and c.key in frame
        and (frame[c.key].astype(str) != "").any()
    ]


def unwritable(dataset: Dataset) -> str:
    """Why the import cannot write into this dataset file without harming it ("" when it can).

    Only CSV and a workbook whose first sheet is the table, headed on row 1, are written back: a .xls
    is binary, and rows appended under a title row or on another sheet would land in the wrong place.
    """
    suffix = dataset.file.suffix.lower()
    if suffix == ".csv":
        return ""
    if suffix != ".xlsx":
        return f"{suffix} 文件"
    from openpyxl import load_workbook

    book = load_workbook(dataset.file, read_only=True)
    try:
        sheet = book.worksheets[0]
        first = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), ())
        header = {normalize_header(str(v)) for v in first if v is not None}
        titles = {normalize_header(c.title) for c in dataset.spec.columns}
        if sheet.sheet_state != "visible" or len(header & titles) < max(1, len(titles) // 2):
            return "表格不在第一个工作表，或表头不在第1行的 Excel 工作簿"
    finally:
        book.close()
    return ""


def save(dataset: Dataset, merged: Merged) -> Path:
    """Write the merged rows; earlier bytes stay as they were when rows are only added. Returns the backup."""
    path = dataset.file
    backup = path.with_name(path.name + ".bak")
    shutil.copy2(path, backup)
    kinds = {c.key: c.type for c in dataset.spec.columns}

    def written(key: str | None, value: object) -> str:
        """A value the import writes, guarded: collected answers come from outside (formula guard)."""
        return safe_text(str(value), kinds.get(key or "", "string")) if key else ""

    new = merged.frame.loc[~merged.frame.index.isin(dataset.frame.index)]
    if path.suffix.lower() == ".xlsx":
        _save_xlsx(path, dataset, merged)
        return backup
    raw = read_table(path)
    missing = _needed_titles(dataset, merged.frame, raw.header)
    titles = {normalize_header(c.title): c.key for c in dataset.spec.columns}
    crlf = b"\r\n" in path.read_bytes()[:4096]
    encoding = "utf-8" if dataset.encoding == "utf-8-sig" else dataset.encoding
    if not merged.changes and not missing:
        order = [titles.get(normalize_header(h)) for h in raw.header]
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n" if crlf else "\n")
        writer.writerows(_cells(new, order, written))
        old = path.read_bytes()
        if old and not old.endswith(b"\n"):
            old += b"\r\n" if crlf else b"\n"
        replace_file(path, old + buffer.getvalue().encode(encoding), durable=True)
        return backup
    header = [*raw.header, *missing]
    order = [titles.get(normalize_header(h)) for h in header]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n" if crlf else "\n")
    writer.writerow(header)
    changed = {(c.row, c.key) for c in merged.changes}
    always = {titles[t] for t in missing} | {"submission_id"}  # a newly added column, the lasting id
    frame = merged.frame
    touchable = (always | {k for _, k in changed}) & set(frame.columns)
    values = {k: dict(zip(frame.index, frame[k].tolist(), strict=True)) for k in touchable}
    for number, cells in enumerate(raw.rows, start=2):
        cells = cells + [""] * (len(header) - len(cells))
        if number in frame.index:
            cells = [written(k, values[k][number]) if _touched(k, number, values, changed, always) else c
                     for k, c in zip(order, cells, strict=True)]  # fmt: skip
        writer.writerow(cells)
    writer.writerows(_cells(new, order, written))
    bom = "\ufeff" if dataset.encoding == "utf-8-sig" else ""
    replace_file(path, (bom + buffer.getvalue()).encode(encoding), durable=True)
    return backup


def _touched(
    key: str | None, row: int, values: dict[str, dict], changed: set[tuple[int, str]], always: set[str]
) -> bool:
    """A cell the import changed (an edited answer, or a newly added column such as 提交编号)."""
    return key is not None and key in values and ((row, key) in changed or key in always)


def _cells(
    frame: pd.DataFrame, order: list[str | None], written: Callable[[str | None, object], str]
) -> Iterator[list[str]]:
    """The added rows in the file's column order, read column by column (no Series built per row)."""
    columns = [frame[k].tolist() if k is not None and k in frame else None for k in order]
    for index in range(len(frame)):
        yield [written(k, "" if c is None else c[index]) for k, c in zip(order, columns, strict=True)]


def _save_xlsx(path: Path, dataset: Dataset, merged: Merged) -> None:
    from openpyxl import load_workbook

    book = load_workbook(path)
    sheet = book.worksheets[0]
    header = [str(c.value or "").strip() for c in sheet[1]]
    for title in _needed_titles(dataset, merged.frame, header):
        sheet.cell(row=1, column=len(header) + 1, value=title)
        header.append(title)
    titles = {normalize_header(c.title): c.key for c in dataset.spec.columns}
    order = [titles.get(normalize_header(h)) for h in header]
    changed = {(c.row, c.key) for c in merged.changes}
    for number in (i for i in merged.frame.index if i in dataset.frame.index):
        for column, key in enumerate(order, start=1):
            if key and (key == "submission_id" or (number, key) in changed):
                cell = sheet.cell(row=number, column=column, value=str(merged.frame.at[number, key]))
                neutralise_cells([cell])
    for number in (i for i in merged.frame.index if i not in dataset.frame.index):
        sheet.append([str(merged.frame.at[number, k]) if k else "" for k in order])
        neutralise_cells(sheet[sheet.max_row])
    buffer = io.BytesIO()
    book.save(buffer)
    replace_file(path, buffer.getvalue(), durable=True)
