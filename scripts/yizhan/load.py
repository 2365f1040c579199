"""Stage 1: a project folder → Project. The only stage that reads files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from .model import Column, Dataset, Project, TableSpec
from .report import Location, Report, column_letter
from .tabular import RawTable, TableReadError, normalize_date, read_table
from .yamlfile import YamlDoc, YamlError, read_yaml

DATAPACKAGE = "datasets/datapackage.json"


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
        report.add("YZ-YAML-001", Location(_rel(root, path)), detail="嵌套层数太多")
    return None


# What json says → what an officer editing the file in Notepad understands.
_JSON_PROBLEMS = {
    "Expecting ',' delimiter": "缺少逗号",
    "Expecting ':' delimiter": "缺少冒号",
    "Expecting property name enclosed in double quotes": "名称要用英文双引号括起来（或最后一项后面多了逗号）",
    "Expecting value": "缺少值（或最后一项后面多了逗号）",
    "Unterminated string": "引号没有闭合",
    "Extra data": "结尾多出了内容",
}


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
        detail = _JSON_PROBLEMS.get(error.msg, error.msg)
        report.add("YZ-PKG-001", Location(source, line=error.lineno), detail=detail)
    except RecursionError:
        report.add("YZ-PKG-001", Location(source), detail="嵌套层数太多")
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
        report.add("YZ-PKG-002", Location(DATAPACKAGE), detail="缺少 resources（数据集列表）")
        return {}
    for index, resource in enumerate(resources):
        try:
            spec = _spec(root, package_path, resource, report)
        except (KeyError, TypeError, AttributeError) as error:
            missing = f"缺少 {error.args[0]}" if isinstance(error, KeyError) else "结构不对"
            detail = f"第{index + 1}个数据集{missing}"
            report.add("YZ-PKG-002", Location(DATAPACKAGE), detail=detail)
            continue
        if spec is not None:
            specs[spec.name] = spec
    return specs


def _spec(root: Path, package_path: Path, resource: dict[str, Any], report: Report) -> TableSpec | None:
    """One resource of the data package with its schema read; None when the schema file is unreadable."""
    schema = resource["schema"]
    if isinstance(schema, str):
        schema = _read_json(root, package_path.parent / schema, report)
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
        )
        for f in schema["fields"]
    )
    name = resource["name"]
    return TableSpec(name, resource["title"], resource["path"], schema, columns)


def find_table_file(folder: Path, spec: TableSpec) -> Path | None:
    """The CSV named in the package, or an .xlsx of the same name that officers saved instead."""
    csv_path = folder / spec.path
    if csv_path.exists():
        return csv_path
    xlsx = csv_path.with_suffix(".xlsx")
    return xlsx if xlsx.exists() else None


def load_dataset(root: Path, spec: TableSpec, path: Path, report: Report) -> Dataset | None:
    """Read one table and map its Chinese headers to internal keys, reporting header problems."""
    source = _rel(root, path)
    try:
        raw = read_table(path)
    except TableReadError as error:
        report.add(error.code, Location(source), **error.values)
        return None
    position = {title: i for i, title in enumerate(raw.header) if title}
    known = {c.title for c in spec.columns}
    for title, index in position.items():
        if title not in known:
            where = Location(source, row=1, column=column_letter(index), title=title)
            report.add("YZ-DATA-002", where, severity="warning", title=title)
    by_key = {c.key: position[c.title] for c in spec.columns if c.title in position}
    width = len(raw.header)
    for number, row in enumerate(raw.rows, start=2):
        extra = sum(1 for cell in row[width:] if cell)
        if extra:
            report.add("YZ-DATA-012", Location(source, row=number), count=extra)
    return Dataset(
        spec, path, source, to_frame(raw, spec, by_key, source, report), letters_of(by_key), raw.encoding
    )


def letters_of(position: dict[str, int]) -> dict[str, str]:
    """Internal key → Excel column letter."""
    return {key: column_letter(index) for key, index in position.items()}


def to_frame(
    raw: RawTable, spec: TableSpec, position: dict[str, int], source: str, report: Report
) -> pd.DataFrame:
    """Text cells under internal keys (indexed by spreadsheet row); missing required columns reported."""
    data: dict[str, list[str]] = {}
    for column in spec.columns:
        index = position.get(column.key)
        if index is None:
            if column.required:
                report.add("YZ-DATA-001", Location(source, row=1), title=column.title)
            data[column.key] = [""] * len(raw.rows)
            continue
        values = [row[index] if index < len(row) else "" for row in raw.rows]
        if column.type == "date":
            values = [normalize_date(v) for v in values]
        data[column.key] = values
    return pd.DataFrame(data, index=range(2, len(raw.rows) + 2), dtype=object)


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
        path = find_table_file(root / "datasets", spec)
        if path is None:
            report.add("YZ-FILE-001", Location(f"datasets/{spec.path}"))
            continue
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
