"""`yizhan collect import`: collected rows → the county's dataset, validated, appended, never lost."""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .. import messages
from ..forms import with_datasets
from ..forms.model import MULTI_SEPARATOR, Form, to_form
from ..load import load
from ..model import Dataset, Project
from ..report import Location, Report
from ..tabular import read_table
from ..validate import tables, validate
from .incoming import read_collected

ERRORS_TITLE = "错误说明"


@dataclass
class ImportResult:
    """What an import did: its problems, duplicates skipped, the backup and rejects files, notes."""

    report: Report = field(default_factory=Report)
    duplicates: int = 0
    backup: Path | None = None
    rejects: Path | None = None
    notes: list[str] = field(default_factory=list)  # what was done, in Chinese

    def note(self, code: str, **values: object) -> None:
        problem, fix = messages.text(code, **values)
        self.notes.append(f"{problem}。{fix}。")


def find_form(project: Project, code: str, report: Report) -> Form | None:
    docs = {s.rsplit("/", 1)[-1].removesuffix(".yml"): d for s, d in project.form_docs.items()}
    if code not in docs:
        report.add("YZ-FORM-020", Location("forms/"), value=code, choices="、".join(sorted(docs)) or "（无）")
        return None
    raw = with_datasets({code: docs[code].data}, project.specs)[code]
    form = to_form(raw, f"forms/{code}.yml")
    if not form.dataset:
        report.add("YZ-FORM-021", Location(form.source), value=code)
        return None
    return form


def check_form_rules(dataset: Dataset, form: Form, report: Report) -> None:
    """What the form adds to the dataset schema: patterns, lengths, multiple choices, conditions."""
    frame = dataset.frame
    for item in form.value_fields:
        if item.key not in frame:
            continue
        column = dataset.spec.column(item.key)
        for row, value in frame[item.key].items():
            where = tables.where(dataset, row, item.key)
            answers = frame.loc[row].to_dict()
            if not value:
                shown = item.when is None or item.when.holds(answers)
                if item.required and shown and (item.when is not None or not column.required):
                    report.add("YZ-DATA-003", where, title=column.title)
                continue
            if item.kind == "multi":
                wrong = [v for v in value.split(MULTI_SEPARATOR) if v not in item.choices]
                for bad in wrong:
                    report.add(
                        "YZ-FORM-027", where, value=bad, title=column.title, choices="、".join(item.choices)
                    )
            if item.pattern and not re.search(item.pattern, value):
                report.add(
                    "YZ-FORM-028", where, value=value, title=column.title, fix=item.hint or "请检查格式"
                )
            low, high = item.min_length or 0, item.max_length
            if len(value) < low or (high is not None and len(value) > high):
                limits = f"{low}–{high}" if high is not None else f"至少 {low}"
                report.add("YZ-FORM-029", where, value=value, title=column.title, limits=limits)


def check_incoming(project: Project, incoming: Dataset, form: Form, report: Report) -> None:
    """The same checks `yizhan validate` runs on the dataset, on the incoming rows."""
    tables.check_types(incoming, report)
    tables.check_values(incoming, report)
    check_form_rules(incoming, form, report)
    stations = project.datasets.get("stations")
    if stations is not None and "station_id" in incoming.frame:
        ids = set(stations.frame["station_id"])
        tables.check_station_refs(incoming, ids, report)
    if form.dataset == "feedback":
        tables.check_feedback(incoming, report)
    # Form and dataset rules can both catch one blank cell: say it once per cell.
    cells: set[tuple[int | None, str | None]] = set()
    unique = []
    for problem in report.problems:
        cell = (problem.where.row, problem.where.column)
        if problem.where.row is None or cell not in cells:
            unique.append(problem)
        cells.add(cell)
    report.problems[:] = unique


def _row_key(values: pd.Series) -> tuple[str, ...]:
    return tuple(str(v) for v in values)


def import_files(root: Path, code: str, files: list[Path], skip_invalid: bool = False) -> ImportResult:
    """Validate every row of every file; append the valid new rows atomically, keeping a backup."""
    result = ImportResult()
    report = result.report
    project = load(root)
    before = validate(project)
    if not before.valid:
        report.extend(before)
        return result
    form = find_form(project, code, report)
    if form is None:
        return result
    spec = project.specs[form.dataset]
    current = project.datasets[form.dataset]
    keys = [c.key for c in spec.columns]
    seen = {_row_key(r) for _, r in current.frame[keys].iterrows()}
    primary = {k: set(current.frame[k]) for k in form.primary_key}
    good: list[pd.Series] = []
    bad: list[tuple[Path, list[str], str]] = []
    for path in files:
        incoming = read_collected(path, form, spec, report)
        if incoming is None:
            continue
        problems = Report()
        check_incoming(project, incoming, form, problems)
        for key in form.primary_key:
            for row, value in incoming.frame[key].items():
                duplicate = _row_key(incoming.frame.loc[row, keys]) in seen
                if value in primary[key] and not duplicate:
                    where = tables.where(incoming, row, key)
                    report_title = spec.column(key).title
                    problems.add(
                        "YZ-DATA-008",
                        where,
                        value=value,
                        other=f"数据集{current.source}中",
                        title=report_title,
                    )
        report.extend(problems)
        errors_by_row: dict[int, list[str]] = {}
        for problem in problems.errors:
            errors_by_row.setdefault(problem.where.row or 1, []).append(f"{problem.problem}（{problem.fix}）")
        if 1 in errors_by_row:  # a header problem makes every row of the file unusable
            errors_by_row = {row: errors_by_row[1] for row in incoming.frame.index} | errors_by_row
        raw_rows = read_table_rows(path)
        for row, values in incoming.frame[keys].iterrows():
            if row in errors_by_row:
                bad.append((path, raw_rows.get(row, []), "；".join(errors_by_row[row])))
                continue
            signature = _row_key(values)
            if signature in seen:
                result.duplicates += 1
                continue
            seen.add(signature)
            good.append(values)
    if not report.valid and (not skip_invalid or not bad):
        if bad:
            report.add("YZ-FORM-023", Location(files[0].name), count=len(bad))
        return result
    if bad:
        result.rejects = write_rejects(files[0], bad)
        result.note("YZ-FORM-025", count=len(bad), rejects=result.rejects)
    if good:
        result.backup = append_rows(current, [list(v) for v in good], keys)
        result.note("YZ-FORM-024", added=len(good), duplicates=result.duplicates, backup=result.backup)
    else:
        result.note("YZ-FORM-026", duplicates=result.duplicates)
    return result


def read_table_rows(path: Path) -> dict[int, list[str]]:
    from .incoming import read_incoming

    raw = read_incoming(path)
    return {number: row for number, row in enumerate(raw.rows, start=2)} | {1: raw.header}


def write_rejects(first: Path, bad: list[tuple[Path, list[str], str]]) -> Path:
    """Rejected rows as they were typed, with their errors, next to the first imported file."""
    target = first.with_name(f"{first.stem}.未导入.csv")
    header = read_table_rows(first)[1]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["来源文件", *header, ERRORS_TITLE])
    for path, row, errors in bad:
        writer.writerow([path.name, *row, errors])
    _atomic_write(target, ("\ufeff" + buffer.getvalue()).encode("utf-8"))
    return target


def append_rows(dataset: Dataset, rows: list[list[str]], keys: list[str]) -> Path:
    """Add rows at the end of the dataset file; earlier bytes stay exactly as they were."""
    path = dataset.file
    backup = path.with_name(path.name + ".bak")
    shutil.copy2(path, backup)
    if path.suffix.lower() == ".xlsx":
        _append_xlsx(path, rows, keys, dataset)
        return backup
    header = read_table(path).header
    titles = {c.title: c.key for c in dataset.spec.columns}
    order = [titles.get(h) for h in header]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n" if b"\r\n" in path.read_bytes()[:4096] else "\n")
    for row in rows:
        values = dict(zip(keys, row, strict=True))
        writer.writerow([values.get(k, "") if k else "" for k in order])
    old = path.read_bytes()
    if old and not old.endswith(b"\n"):
        old += b"\r\n" if b"\r\n" in old else b"\n"
    encoding = "utf-8" if dataset.encoding == "utf-8-sig" else dataset.encoding
    _atomic_write(path, old + buffer.getvalue().encode(encoding))
    return backup


def _append_xlsx(path: Path, rows: list[list[str]], keys: list[str], dataset: Dataset) -> None:
    from openpyxl import load_workbook

    book = load_workbook(path)
    sheet = book.worksheets[0]
    header = [str(c.value or "").strip() for c in sheet[1]]
    titles = {c.title: c.key for c in dataset.spec.columns}
    order = [titles.get(h) for h in header]
    for row in rows:
        values = dict(zip(keys, row, strict=True))
        sheet.append([values.get(k, "") if k else "" for k in order])
    temp = path.with_name(f".{path.name}.tmp")
    book.save(temp)
    os.replace(temp, path)


def _atomic_write(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, flush to disk, then rename over it."""
    temp = path.with_name(f".{path.name}.tmp")
    with temp.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temp, path)
