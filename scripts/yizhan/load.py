"""Stage 1: a project folder → Project. The only stage that reads files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .buildkit.paths import tool_root
from .feedback import messages
from .feedback.errors import TableReadError
from .feedback.report import NOTE, WARNING, Location, Report, column_letter
from .intake.normalize import WHAT, id_damage, lost_zero, normalize_column
from .intake.tabular import RawTable, normalize_header, read_table
from .intake.yamlfile import YamlDoc, YamlError, read_yaml
from .model.project import Column, Dataset, Project, TableSpec

DATAPACKAGE = "datasets/datapackage.json"
NOT_READ = -1  # position of a column whose title is repeated: present, but neither copy is read


def _rel(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _read_doc(root: Path, path: Path, report: Report) -> YamlDoc | None:
    try:
        return read_yaml(path)
    except YamlError as error:
        report.add(error.code, Location(_rel(root, path), line=error.line), **error.values)
    except UnicodeDecodeError:
        report.add("YZ-TEXT-001", Location(_rel(root, path)))
    except RecursionError:
        report.add("YZ-YAML-001", Location(_rel(root, path)), detail=messages.detail("too-deep"))
    return None


def _read_json(root: Path, path: Path, report: Report) -> Any:
    """A JSON file of the data package, or None with the problem reported where it is."""
    source = _rel(root, path)
    if not path.exists():
        report.add("YZ-FILE-001", Location(source))
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        report.add("YZ-TEXT-001", Location(source))
    except json.JSONDecodeError as error:
        detail = messages.detail(error.msg)
        report.add("YZ-PKG-001", Location(source, line=error.lineno), detail=detail)
    except RecursionError:
        report.add("YZ-PKG-001", Location(source), detail=messages.detail("too-deep"))
    return None


def load_specs(root: Path, report: Report) -> dict[str, TableSpec]:
    """The data package: one TableSpec per resource, schemas resolved."""
    package_path = root / DATAPACKAGE
    package = _read_json(root, package_path, report)
    if package is None:
        return {}
    specs = {}
    try:
        resources = package["resources"]
    except (KeyError, TypeError):
        report.add("YZ-PKG-002", Location(DATAPACKAGE), detail=messages.detail("no-resources"))
        return {}
    for index, resource in enumerate(resources):
        try:
            spec = _spec(root, package_path, resource, report)
        except (KeyError, TypeError, AttributeError) as error:
            if isinstance(error, KeyError):
                detail = messages.detail("resource-missing", index=index + 1, field=error.args[0])
            else:
                detail = messages.detail("resource-shape", index=index + 1)
            report.add("YZ-PKG-002", Location(DATAPACKAGE), detail=detail)
            continue
        if spec is not None:
            specs[spec.name] = spec
    return specs


def schema_file(root: Path, path: Path) -> Path:
    """The project's own schema file, else the example county's of the same name (the data package's)."""
    if path.exists():
        return path
    try:
        example = tool_root() / path.relative_to(root)
    except ValueError:
        return path
    return example if example.exists() else path


def _spec(root: Path, package_path: Path, resource: dict[str, Any], report: Report) -> TableSpec | None:
    """One resource of the data package with its schema read; None when the schema file is unreadable."""
    schema = resource["schema"]
    if isinstance(schema, str):
        schema = _read_json(root, schema_file(root, package_path.parent / schema), report)
        if schema is None:
            return None
    columns = tuple(
        Column(
            title=f["name"],
            key=f["key"],
            type=f.get("type", "string"),
            publication=f.get("publication", "public"),
            mask=f.get("mask"),
            check=f.get("check"),
            required=bool(f.get("constraints", {}).get("required")),
            vocab=f.get("vocab"),
            kind=f.get("kind"),
        )
        for f in schema["fields"]
    )
    name = resource["name"]
    return TableSpec(name, resource["title"], resource["path"], schema, columns)


TABLE_SUFFIXES = (".csv", ".xlsx", ".xlsm", ".xls", ".et")


def table_files(folder: Path, spec: TableSpec) -> list[Path]:
    """Every file that could be the table: the CSV named in the package, or a workbook of that name."""
    stem = (folder / spec.path).with_suffix("")
    return [p for p in (stem.with_suffix(s) for s in TABLE_SUFFIXES) if p.exists()]


def load_dataset(root: Path, spec: TableSpec, path: Path, report: Report) -> Dataset | None:
    """Read one table and map its Chinese headers to internal keys, reporting header problems."""
    source = _rel(root, path)
    try:
        raw = read_table(path, [c.title for c in spec.columns], spec.title)
    except TableReadError as error:
        report.add(error.code, Location(source), **error.values)
        return None
    _reading_notes(raw, source, report)
    by_key = header_positions(raw, spec, source, report)
    extra = [(Location(source, row=number), {"count": count}) for number, count in raw.extra.items()]
    report.add_rows("YZ-DATA-012", extra)
    frame = to_frame(raw, spec, by_key, source, report)
    dataset = Dataset(spec, path, source, frame, letters_of(by_key), raw.encoding)
    excel_damage(dataset, raw, by_key, report)
    return dataset


def _reading_notes(raw: RawTable, source: str, report: Report) -> None:
    """Say which sheet was read, which rows above the header were skipped, which totals set aside."""
    if raw.other_sheets:
        others = "、".join(f"「{s}」" for s in raw.other_sheets)
        report.add("YZ-NOTE-002", Location(source), severity=NOTE, sheet=raw.sheet, others=others)
    if raw.skipped:
        shown = "；".join(t[:30] for t in raw.skipped[:3])
        where = Location(source, row=raw.header_row)
        report.add(
            "YZ-NOTE-001", where, severity=NOTE, row=raw.header_row, count=len(raw.skipped), text=shown
        )
    if raw.totals:
        rows = "、".join(str(r) for r in raw.totals)
        report.add("YZ-DATA-017", Location(source, row=raw.totals[0]), severity=WARNING, rows=rows)


def header_positions(raw: RawTable, spec: TableSpec, source: str, report: Report) -> dict[str, int]:
    """Internal key → column index; unknown titles warned about, repeated titles reported (and not read)."""
    seen: dict[str, int] = {}
    repeated: set[str] = set()
    known = {normalize_header(c.title) for c in spec.columns}  # the header is read folded: （ as (
    for index, title in enumerate(raw.header):
        if not title:
            continue
        if title in seen:
            if title in known and title not in repeated:
                where = Location(source, row=raw.header_row, column=column_letter(index), title=title)
                first, second = column_letter(seen[title]), column_letter(index)
                report.add("YZ-DATA-016", where, title=title, first=first, second=second)
            repeated.add(title)
            continue
        seen[title] = index
        if title not in known:
            where = Location(source, row=raw.header_row, column=column_letter(index), title=title)
            report.add("YZ-DATA-002", where, severity=WARNING, title=title)
    # a repeated title is present but not read (NOT_READ): no "missing column" message follows
    titles = {c.key: normalize_header(c.title) for c in spec.columns}
    return {
        c.key: NOT_READ if titles[c.key] in repeated else seen[titles[c.key]]
        for c in spec.columns
        if titles[c.key] in seen
    }


def letters_of(position: dict[str, int]) -> dict[str, str]:
    """Internal key → Excel column letter."""
    return {key: column_letter(index) for key, index in position.items() if index != NOT_READ}


def to_frame(
    raw: RawTable, spec: TableSpec, position: dict[str, int], source: str, report: Report
) -> pd.DataFrame:
    """Values under internal keys (indexed by spreadsheet row), normalised, with a note of each change."""
    count = len(raw.row_numbers)
    rows = np.asarray(raw.row_numbers, dtype=np.int64)
    data: dict[str, np.ndarray] = {}
    for column in spec.columns:
        index = position.get(column.key)
        if index is None or index == NOT_READ:
            if index is None and column.required:
                report.add("YZ-DATA-001", Location(source, row=raw.header_row), title=column.title)
            data[column.key] = np.full(count, "", dtype=object)
            continue
        marks = raw.marks.get(index, {})
        dates = np.isin(rows, [r for r, kind in marks.items() if kind == "date"])
        values, changes = normalize_column(column, np.asarray(raw.columns[index], dtype=object), dates)
        where = Location(source, column=column_letter(index), title=column.title)
        for change in changes:
            report.add(
                "YZ-NOTE-003", where, severity=NOTE, count=change.count, what=WHAT[change.what],
                before=change.before, after=change.after,
            )  # fmt: skip
        data[column.key] = values
    # The columns as they are (one block each), not copied into one block: a million-row table
    # would briefly hold every column twice.
    return pd.DataFrame(data, index=pd.Index(rows), dtype=object, copy=False)


def excel_damage(dataset: Dataset, raw: RawTable, position: dict[str, int], report: Report) -> None:
    """ID numbers Excel turned into numbers, phones that lost their leading 0: one message per column."""
    rows = np.asarray(raw.row_numbers, dtype=np.int64)
    for column in dataset.spec.columns:
        index = position.get(column.key, NOT_READ)
        if index == NOT_READ or column.check not in ("id_number", "phone"):
            continue
        values = dataset.frame[column.key].to_numpy(dtype=object)
        if column.check == "id_number":
            numeric = np.isin(rows, [r for r, kind in raw.marks.get(index, {}).items() if kind == "number"])
            bad, code = id_damage(values, numeric), "YZ-DATA-014"
        else:
            bad, code = lost_zero(values), "YZ-DATA-015"
        if not bad.any():
            continue
        letter = column_letter(index)
        places = [
            (
                Location(dataset.source, row=int(r), column=letter, title=column.title),
                {"value": v, "fixed": "0" + v},
            )
            for r, v in zip(rows[bad], values[bad], strict=True)
        ]
        report.add_rows(code, places)
        dataset.reported.setdefault(column.key, set()).update(int(r) for r in rows[bad])


def load(root: Path) -> Project:
    """Read county settings, policies, forms, pages and datasets; never raises for bad content."""
    root = root.resolve()
    report = Report()
    county_path = root / "content" / "county.yml"
    county_doc = None
    if county_path.exists():
        county_doc = _read_doc(root, county_path, report)
    else:
        report.add("YZ-FILE-001", Location("content/county.yml"))
    policy_docs = _read_docs(root, root / "content" / "policies", report)
    form_docs = _read_docs(root, root / "forms", report)
    pages_dir = root / "content" / "pages"
    pages = _read_pages(root, pages_dir, report)
    specs = load_specs(root, report)
    datasets = {}
    for name, spec in specs.items():
        found = table_files(root / "datasets", spec)
        if not found:
            report.add("YZ-FILE-001", Location(f"datasets/{spec.path}"))
            continue
        if len(found) > 1:
            files = "、".join(p.name for p in found)
            report.add("YZ-FILE-008", Location(f"datasets/{found[0].name}"), count=len(found), files=files)
            continue
        path = found[0]
        dataset = load_dataset(root, spec, path, report)
        if dataset is not None:
            datasets[name] = dataset
    return Project(root, county_doc, policy_docs, form_docs, specs, datasets, pages, report)


def _read_pages(root: Path, folder: Path, report: Report) -> dict[str, str]:
    """The narrative pages (content/pages/*.md) by file name."""
    pages = {}
    for path in sorted(folder.glob("*.md")):
        try:
            pages[path.name] = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            report.add("YZ-TEXT-001", Location(_rel(root, path)))
    return pages


def _read_docs(root: Path, folder: Path, report: Report) -> dict[str, YamlDoc]:
    docs = {}
    for path in sorted(folder.glob("*.yml")):
        doc = _read_doc(root, path, report)
        if doc is not None:
            docs[_rel(root, path)] = doc
    return docs
