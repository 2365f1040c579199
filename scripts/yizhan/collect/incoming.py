"""Reading collected files: web-form CSV, XLSX typed from paper, KoboToolbox/ODK CSV exports."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ..forms.model import MULTI_SEPARATOR, Form
from ..load import letters_of, to_frame
from ..model import Dataset, TableSpec
from ..report import Location, Report, column_letter
from ..tabular import RawTable, TableReadError, detect_encoding, normalize_header, read_table

# Columns KoboToolbox and ODK add to every export; they are not answers.
KOBO_META = {
    "start",
    "end",
    "today",
    "deviceid",
    "instanceid",
    "instanceID",
    "__version__",
    "uuid",
    "formhub",
}


def read_incoming(path: Path) -> RawTable:
    """Any readable table; a Kobo CSV exported with ';' as separator is read as such."""
    raw = read_table(path)
    if path.suffix.lower() != ".xlsx" and len(raw.header) == 1 and ";" in raw.header[0]:
        data = path.read_bytes()
        encoding = detect_encoding(data)
        records = list(csv.reader(io.StringIO(data.decode(encoding), newline=""), delimiter=";"))
        header = [normalize_header(c) for c in records[0]]
        rows = [[c.strip() for c in r] for r in records[1:] if any(c.strip() for c in r)]
        raw = RawTable(path, header, rows, encoding)
    return raw


def header_map(form: Form, spec: TableSpec) -> dict[str, str]:
    """Every name a column may carry (dataset title, field key, field label) → dataset key."""
    names: dict[str, str] = {}
    for item in form.value_fields:
        if item.key in form.dataset_columns:
            names[normalize_header(item.label)] = item.key
            names[item.key] = item.key
    for column in spec.columns:
        names[column.title] = column.key
    return names


def _ignored(title: str, form: Form) -> bool:
    """Kobo/ODK metadata, per-choice columns of a multiple choice, notes and signatures."""
    last = title.rsplit("/", 1)[-1]
    if title.startswith("_") or last.startswith("_") or last in KOBO_META or title.startswith("meta/"):
        return True
    keys = {f.key: f for f in form.fields}
    if "/" in title:
        parent = title.rsplit("/", 2)[-2]
        if parent in keys and keys[parent].kind == "multi":
            return True
    return last in keys and not keys[last].has_value


def to_dataset(raw: RawTable, form: Form, spec: TableSpec, source: str, report: Report) -> Dataset:
    """The incoming rows as a Dataset located in the incoming file (row numbers as in that file)."""
    names = header_map(form, spec)
    kinds = {f.key: f.kind for f in form.value_fields}
    position: dict[str, int] = {}
    for index, title in enumerate(raw.header):
        if not title or _ignored(title, form):
            continue
        key = names.get(title) or names.get(title.rsplit("/", 1)[-1])
        if key is None:
            where = Location(source, row=1, column=column_letter(index), title=title)
            report.add("YZ-FORM-022", where, title=title)
        else:
            position.setdefault(key, index)
    frame = to_frame(raw, spec, position, source, report)
    for key in (k for k, kind in kinds.items() if kind == "multi" and k in frame):
        frame[key] = [MULTI_SEPARATOR.join(v.split()) if MULTI_SEPARATOR not in v else v for v in frame[key]]
    frame = frame[(frame != "").any(axis=1)]  # rows left blank between entries
    letters = letters_of(position)
    return Dataset(spec, raw.path, source, frame, letters, raw.encoding)


def read_collected(path: Path, form: Form, spec: TableSpec, report: Report) -> Dataset | None:
    """One incoming file as a Dataset, or None (with the reason in the report) when unreadable."""
    try:
        raw = read_incoming(path)
    except TableReadError as error:
        report.add(error.code, Location(path.name), **error.values)
        return None
    return to_dataset(raw, form, spec, path.name, report)
