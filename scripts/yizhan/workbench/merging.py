"""Merging an upload into the county's table: only the uploader's township, whole county valid, all or nothing.

A file replaces what its township holds in the table for the periods (months) it covers; a table
without a period is replaced for the township as a whole. The new file is validated with the whole
project before it is written (temp file + rename), and every version is kept by content hash.
"""

from __future__ import annotations

import csv
import io
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from ..buildkit.cache import replace_file
from ..feedback import messages
from ..feedback.report import Problem, Report
from ..intake.tabular import HEADER_SCAN, SEPARATORS, detect_encoding, normalize_header
from ..load import load_dataset
from ..model.project import Dataset, Project
from ..validate import validate
from .intake import Intake, periods_of, townships_of
from .store import Store

# One merge or restore at a time in this process: each reads the table it then replaces.
WRITING = threading.Lock()


@dataclass
class Outcome:
    """What a merge or restore did: a message from the catalogue, the version made, the problems that stopped it."""

    code: str
    values: dict[str, object] = field(default_factory=dict)
    version: int | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def text(self) -> tuple[str, str]:
        return messages.text(self.code, **self.values)


def _lines(data: bytes, titles: set[str] | None = None) -> tuple[str, list[list[str]], str, str]:
    """A CSV file's encoding, records, line ending and separator (the one its header is found under)."""
    encoding = detect_encoding(data)
    text = data.decode(encoding).removeprefix("\ufeff")
    ending = "\r\n" if "\r\n" in text[:4096] else "\n"

    def found(sep: str) -> int:
        head = list(csv.reader(io.StringIO(text[:65536], newline=""), delimiter=sep))[:HEADER_SCAN]
        return max((len(set(titles or ()) & {normalize_header(c) for c in r}) for r in head), default=0)

    sep = max(SEPARATORS, key=found) if titles else ","
    return encoding, list(csv.reader(io.StringIO(text, newline=""), delimiter=sep)), ending, sep


def _csv_bytes(records: list[list[str]], encoding: str, ending: str, sep: str) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=ending, delimiter=sep).writerows(records)
    bom = "\ufeff" if encoding == "utf-8-sig" else ""
    return (bom + buffer.getvalue()).encode("utf-8" if encoding == "utf-8-sig" else encoding)


def merged_table(
    project: Project, current: Dataset, intake: Intake, townships: set[str]
) -> tuple[bytes, int, int]:
    """The county CSV with the scope's rows replaced by the upload's accepted rows; (bytes, added, removed)."""
    titles = {normalize_header(c.title) for c in current.spec.columns}
    encoding, records, ending, sep = _lines(current.file.read_bytes(), titles)
    header = next((r for r in records if titles & {normalize_header(c) for c in r}), [])
    owners = townships_of(project, current)
    accepted = intake.accepted()
    scope = owners.isin(townships)
    new_periods = periods_of(replace(current, frame=accepted))
    old_periods = periods_of(current)
    if new_periods is not None and old_periods is not None:
        scope &= old_periods.isin(set(new_periods))
    removed = {int(r) for r in current.frame.index[scope]}
    kept = [r for number, r in enumerate(records, start=1) if number not in removed]
    keys = {normalize_header(c.title): c.key for c in current.spec.columns}
    order = [keys.get(normalize_header(title)) for title in header]
    added = added_records(accepted, order)
    while kept and not any(c.strip() for c in kept[-1]):
        kept.pop()
    return _csv_bytes(kept + added, encoding, ending, sep), len(added), len(removed)


def added_records(accepted: pd.DataFrame, order: list[str | None]) -> list[list[str]]:
    """The accepted rows as CSV records in the file's column order, read column by column."""
    columns = [[str(v) for v in accepted[k]] if k else None for k in order]
    return [[c[i] if c is not None else "" for c in columns] for i in range(len(accepted))]


def checked(project: Project, current: Dataset, data: bytes) -> tuple[bool, list[Problem]]:
    """Whether the whole project is valid with `data` as the table's file (as `yizhan validate` judges)."""
    with tempfile.TemporaryDirectory() as folder:
        trial = Path(folder) / current.file.name
        replace_file(trial, data)
        scratch = Report()
        dataset = load_dataset(Path(folder), current.spec, trial, scratch)
        if dataset is None:
            return False, scratch.errors
        dataset = replace(dataset, file=current.file, source=current.source)
        datasets = {**project.datasets, current.spec.name: dataset}
        trial_project = replace(project, datasets=datasets, load_report=_without(project, current, scratch))
        after = validate(trial_project)
    return after.valid, after.errors


def _without(project: Project, current: Dataset, fresh: Report) -> Report:
    """The project's load report with the replaced table's own reading messages swapped for the new ones."""
    kept = [p for p in project.load_report.problems if not (p.where and p.where.file == current.source)]
    report = Report(kept)
    report.extend(fresh)
    return report


def latest(store: Store, dataset: str) -> dict | None:
    with store.connect() as db:
        row = db.execute(
            "SELECT * FROM versions WHERE dataset = ? ORDER BY id DESC LIMIT 1", (dataset,)
        ).fetchone()
    return dict(row) if row else None


def record(store: Store, dataset: str, digest: str, user: str, summary: str, **links: int | None) -> int:
    """A new version row for `dataset` pointing at the stored file `digest`."""
    parent = latest(store, dataset)
    with store.connect() as db:
        cursor = db.execute(
            "INSERT INTO versions (dataset, sha256, at, user, upload, restored_from, parent, summary) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (dataset, digest, time.time(), user, links.get("upload"), links.get("restored_from"),
             parent["id"] if parent else None, summary),
        )  # fmt: skip
        return int(cursor.lastrowid or 0)


def baseline(store: Store, current: Dataset) -> int:
    """The version the table is at now; the file as it is gets recorded first when it is not a known version
    (the first merge, or a change made outside the workbench, e.g. by `yizhan collect import`)."""
    digest = store.keep(current.file.read_bytes())
    last = latest(store, current.spec.name)
    if last is not None and last["sha256"] == digest:
        return int(last["id"])
    return record(store, current.spec.name, digest, "", "")


def merge_upload(
    store: Store, project: Project, name: str, intake: Intake, user: str, townships: set[str], upload: int
) -> Outcome:
    """Write the upload's rows into the county's table when the county stays valid; keep every version."""
    current = project.datasets[name]
    title = current.spec.title
    if current.file.suffix.lower() != ".csv":
        return Outcome("YZ-WEB-021", {"table": title, "kind": current.file.suffix})
    if intake.accepted().empty:
        return Outcome("YZ-WEB-025")
    data, added, removed = merged_table(project, current, intake, townships)
    if data == current.file.read_bytes():
        return Outcome("YZ-WEB-018")
    valid, problems = checked(project, current, data)
    if not valid:
        return Outcome("YZ-WEB-017", problems=problems)
    previous = baseline(store, current)
    digest = store.keep(data)
    replace_file(current.file, data, durable=True)
    summary = messages.text("YZ-WEB-019", table=title, added=added, removed=removed, version="", previous="")[
        0
    ]
    version = record(store, name, digest, user, summary, upload=upload)
    values = {"table": title, "added": added, "removed": removed, "version": version, "previous": previous}
    return Outcome("YZ-WEB-019", values, version)


def restore(store: Store, project: Project, version: dict, user: str) -> Outcome:
    """Bring an earlier version back as a new version, when the county is valid with it."""
    current = project.datasets[version["dataset"]]
    data = store.file(version["sha256"]).read_bytes()
    valid, problems = checked(project, current, data)
    if not valid:
        return Outcome("YZ-WEB-026", {"version": version["id"]}, problems=problems)
    previous = baseline(store, current)
    replace_file(current.file, data, durable=True)
    summary = messages.text("YZ-WEB-024", version=version["id"], new="", previous=previous)[0]
    new = record(store, current.spec.name, version["sha256"], user, summary, restored_from=version["id"])
    return Outcome("YZ-WEB-024", {"version": version["id"], "new": new, "previous": previous}, new)


@dataclass
class Diff:
    """A version against the one before it: the header, rows taken out and rows put in."""

    header: list[str]
    removed: list[list[str]]
    added: list[list[str]]


def diff(store: Store, version: dict, titles: set[str]) -> Diff:
    """Row by row, as multisets: a row moved within the file is no change."""
    new = _lines(store.file(version["sha256"]).read_bytes(), titles)[1]
    old: list[list[str]] = []
    if version["parent"] is not None:
        with store.connect() as db:
            parent = db.execute("SELECT sha256 FROM versions WHERE id = ?", (version["parent"],)).fetchone()
        old = _lines(store.file(parent["sha256"]).read_bytes(), titles)[1]
    header = new[0] if new else []
    before = Counter(tuple(r) for r in old[1:] if any(c.strip() for c in r))
    after = Counter(tuple(r) for r in new[1:] if any(c.strip() for c in r))
    return Diff(
        header, [list(r) for r in (before - after).elements()], [list(r) for r in (after - before).elements()]
    )


def accepted_townships(intake: Intake) -> set[str]:
    """The townships whose rows the upload replaces: those of its accepted rows."""
    return {r.township for r in intake.rows if r.status == "accepted"}
