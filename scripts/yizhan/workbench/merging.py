"""Merging an upload into the county's table: only the uploader's township, whole county valid, all or nothing.

A file replaces what its township holds in the table for the periods (months) it covers; a table
without a period is replaced for the township as a whole. The new file is validated with the whole
project before it is written (temp file + rename), and every version is kept by content hash.
"""

from __future__ import annotations

import csv
import io
import os
import re
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
from ..load import load, load_dataset
from ..model.project import Dataset, Project
from ..validate import REFERRED_TO, validate, validate_table
from .intake import Intake, periods_of, townships_of
from .store import Store

# One merge or restore at a time in this process: each reads the table it then replaces.
WRITING = threading.Lock()
LINE_END = re.compile(r"\r\n|\r|\n")  # what the csv module ends a record at


class Current:
    """The county project as the workbench last read or wrote it, and whether it passes full validation.

    Reading a county takes longer than checking an upload; the project is read again only when a file
    of it changed since (an edit outside the workbench, `yizhan collect import`): each file's size,
    time and inode are compared. Used under WRITING, like every merge."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._key: tuple = ()
        self._project: Project | None = None
        self.valid = False  # known to pass full validation

    def project(self) -> Project:
        key = _files_key(self.root)
        if self._project is None or key != self._key:
            self._project, self._key, self.valid = load(self.root), key, False
        return self._project

    def written(self, outcome: Outcome) -> None:
        """After a merge or restore: the project as written, valid (else nothing was written)."""
        if outcome.project is not None and outcome.version is not None:
            self._project, self._key, self.valid = outcome.project, _files_key(self.root), True


def _files_key(root: Path) -> tuple:
    """Every file `load` reads, with its size, change time and inode (a file replaced is a new inode)."""
    found = []
    for folder in ("content", "forms", "datasets"):
        for here, _, names in os.walk(root / folder):
            for name in names:
                info = os.stat(os.path.join(here, name))
                found.append((here, name, info.st_size, info.st_mtime_ns, info.st_ino))
    return tuple(sorted(found))


@dataclass
class Outcome:
    """What a merge or restore did: a message from the catalogue, the version made, the problems that stopped it."""

    code: str
    values: dict[str, object] = field(default_factory=dict)
    version: int | None = None
    problems: list[Problem] = field(default_factory=list)
    project: Project | None = None  # the county as written (a merge or restore made), known valid

    @property
    def text(self) -> tuple[str, str]:
        return messages.text(self.code, **self.values)


def _decoded(data: bytes, titles: set[str] | None = None) -> tuple[str, str, str, str]:
    """A CSV file's encoding, text, line ending and separator (the one its header is found under)."""
    encoding = detect_encoding(data)
    text = data.decode(encoding).removeprefix("\ufeff")
    ending = "\r\n" if "\r\n" in text[:4096] else "\n"

    def found(sep: str) -> int:
        head = list(csv.reader(io.StringIO(text[:65536], newline=""), delimiter=sep))[:HEADER_SCAN]
        return max((len(set(titles or ()) & {normalize_header(c) for c in r}) for r in head), default=0)

    sep = max(SEPARATORS, key=found) if titles else ","
    return encoding, text, ending, sep


def _lines(data: bytes, titles: set[str] | None = None) -> tuple[str, list[list[str]], str, str]:
    """A CSV file's encoding, records, line ending and separator (the one its header is found under)."""
    encoding, text, ending, sep = _decoded(data, titles)
    return encoding, list(csv.reader(io.StringIO(text, newline=""), delimiter=sep)), ending, sep


def _plain_lines(text: str) -> list[str] | None:
    """The lines of a CSV text without a quote (then each line is one record, its cells split at the
    separator, and the csv module writes it back as it is); None when a cell is quoted."""
    if '"' in text or "\0" in text:
        return None
    lines = LINE_END.split(text)
    if lines[-1] == "":
        lines.pop()  # the end of the last line, or an empty file
    return lines


def _csv_bytes(records: list[list[str]], encoding: str, ending: str, sep: str, before: str = "") -> bytes:
    """`before` (lines already in CSV form) and `records`, written as the file was: encoding, ending, separator."""
    buffer = io.StringIO()
    buffer.write(before)
    csv.writer(buffer, lineterminator=ending, delimiter=sep).writerows(records)
    bom = "\ufeff" if encoding == "utf-8-sig" else ""
    return (bom + buffer.getvalue()).encode("utf-8" if encoding == "utf-8-sig" else encoding)


@dataclass
class Part:
    """One upload's share of a merge: its checked rows, the townships it replaces, who sent it, its number."""

    intake: Intake
    townships: set[str]
    user: str
    upload: int


def merged_table(
    project: Project, current: Dataset, intake: Intake, townships: set[str], plain: bool = True
) -> tuple[bytes, int, int]:
    """The county CSV with the scope's rows replaced by the upload's accepted rows; (bytes, added, removed)."""
    data, counts = merged_parts(project, current, [(intake.accepted(), townships)], plain)
    return data, *counts[0]


def _scope(project: Project, current: Dataset, accepted: pd.DataFrame, townships: set[str]) -> pd.Series:
    """The county's rows an upload replaces: of its townships, in the months it covers (if the table has any)."""
    scope = townships_of(project, current).isin(townships)
    new_periods = periods_of(replace(current, frame=accepted))
    old_periods = periods_of(current)
    if new_periods is not None and old_periods is not None:
        scope &= old_periods.isin(set(new_periods))
    return scope


def merged_parts(
    project: Project, current: Dataset, parts: list[tuple[pd.DataFrame, set[str]]], plain: bool = True
) -> tuple[bytes, list[tuple[int, int]]]:
    """The county CSV with each part's scope replaced by its accepted rows, in turn; (bytes, (added, removed)
    of each part). The parts' scopes must not meet (`meet`): no part replaces rows another one adds.

    A file without quotes is taken line by line and its kept lines written back as they are, the
    same bytes the csv module would write for them (`plain=False` always goes through the module)."""
    titles = {normalize_header(c.title) for c in current.spec.columns}
    encoding, text, ending, sep = _decoded(current.file.read_bytes(), titles)
    lines = _plain_lines(text) if plain else None
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=sep)) if lines is None else []
    heads = records if lines is None else (line.split(sep) for line in lines)
    header = next((r for r in heads if titles & {normalize_header(c) for c in r}), [])
    keys = {normalize_header(c.title): c.key for c in current.spec.columns}
    order = [keys.get(normalize_header(title)) for title in header]
    removed: set[int] = set()
    added: list[list[str]] = []
    counts = []
    for accepted, townships in parts:
        rows = {int(r) for r in current.frame.index[_scope(project, current, accepted, townships)]}
        mine = added_records(accepted, order)
        removed |= rows
        added += mine
        counts.append((len(mine), len(rows)))
    if lines is not None:
        kept_lines = [line for number, line in enumerate(lines, start=1) if number not in removed]
        while kept_lines and not kept_lines[-1].replace(sep, "").strip():
            kept_lines.pop()
        before = "".join(line + ending for line in kept_lines)
        return _csv_bytes(added, encoding, ending, sep, before), counts
    kept = [r for number, r in enumerate(records, start=1) if number not in removed]
    while kept and not any(c.strip() for c in kept[-1]):
        kept.pop()
    return _csv_bytes(kept + added, encoding, ending, sep), counts


def meet(current: Dataset, first: Part, second: Part) -> bool:
    """Whether two uploads of a table could touch the same rows: a township in common, and a month in
    common when the table has months (then one may replace what the other adds: they go one by one)."""
    if not first.townships & second.townships:
        return False
    if periods_of(current) is None:
        return True
    months = [periods_of(replace(current, frame=p.intake.accepted())) for p in (first, second)]
    return months[0] is None or months[1] is None or bool(set(months[0]) & set(months[1]))


def added_records(accepted: pd.DataFrame, order: list[str | None]) -> list[list[str]]:
    """The accepted rows as CSV records in the file's column order, read column by column."""
    columns = [[str(v) for v in accepted[k]] if k else None for k in order]
    return [[c[i] if c is not None else "" for c in columns] for i in range(len(accepted))]


def checked(
    project: Project, current: Dataset, data: bytes, county_valid: bool = False
) -> tuple[bool, list[Problem], Project | None]:
    """Whether the whole project is valid with `data` as the table's file (as `yizhan validate` judges);
    also the project as it would then be read (None when the table cannot be read at all).

    `county_valid`: the project as it is passes full validation. Then only the changed table's own
    checks can find an error (validate_table), unless other tables refer to it (REFERRED_TO); the
    whole county is validated when those checks find one, to name every problem of the refusal."""
    with tempfile.TemporaryDirectory() as folder:
        trial = Path(folder) / current.source  # read where the project has it: the same locations
        replace_file(trial, data)
        scratch = Report()
        dataset = load_dataset(Path(folder), current.spec, trial, scratch)
    if dataset is None:
        return False, scratch.errors, None
    dataset = replace(dataset, file=current.file, source=current.source)
    datasets = {**project.datasets, current.spec.name: dataset}
    trial_project = replace(project, datasets=datasets, load_report=_without(project, current, scratch))
    name = current.spec.name
    if (
        county_valid
        and name not in REFERRED_TO
        and scratch.valid
        and validate_table(trial_project, name).valid
    ):
        return True, [], trial_project
    after = validate(trial_project)
    return after.valid, after.errors, trial_project


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
    store: Store,
    project: Project,
    name: str,
    intake: Intake,
    user: str,
    townships: set[str],
    upload: int,
    county_valid: bool = False,
) -> Outcome:
    """Write the upload's rows into the county's table when the county stays valid; keep every version.

    `county_valid`: `project` is known to pass full validation (see `checked`)."""
    current = project.datasets[name]
    title = current.spec.title
    if current.file.suffix.lower() != ".csv":
        return Outcome("YZ-WEB-021", {"table": title, "kind": current.file.suffix})
    if intake.accepted().empty:
        return Outcome("YZ-WEB-025")
    data, added, removed = merged_table(project, current, intake, townships)
    if data == current.file.read_bytes():
        return Outcome("YZ-WEB-018")
    valid, problems, written = checked(project, current, data, county_valid)
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
    return Outcome("YZ-WEB-019", values, version, project=written)


def merge_together(
    store: Store, project: Project, name: str, parts: list[Part], county_valid: bool = False
) -> list[Outcome] | None:
    """Uploads of one table waiting in turn, merged with one check of the county and one write: the
    outcome of each, as `merge_upload` would give it one after another, or None when they should go
    one by one (a part that changes nothing or could meet another, or a county the whole would fail:
    then each upload's own merge names its own problems). They share one new version."""
    current = project.datasets[name]
    if len(parts) < 2 or current.file.suffix.lower() != ".csv":
        return None
    if any(p.intake.accepted().empty for p in parts):
        return None
    if any(meet(current, a, b) for i, a in enumerate(parts) for b in parts[i + 1 :]):
        return None
    original = current.file.read_bytes()
    data, counts = merged_parts(project, current, [(p.intake.accepted(), p.townships) for p in parts])
    if data == original:
        return None
    for part, (added, removed) in zip(parts, counts, strict=True):
        # a part putting back as many rows as it takes out may change nothing on its own (YZ-WEB-018)
        if added == removed and merged_table(project, current, part.intake, part.townships)[0] == original:
            return None
    valid, _, written = checked(project, current, data, county_valid)
    if not valid:
        return None
    previous = baseline(store, current)
    digest = store.keep(data)
    replace_file(current.file, data, durable=True)
    title = current.spec.title
    total = [sum(c[i] for c in counts) for i in (0, 1)]
    summary = messages.text(
        "YZ-WEB-019", table=title, added=total[0], removed=total[1], version="", previous=""
    )
    users = "、".join(dict.fromkeys(p.user for p in parts))
    version = record(store, name, digest, users, summary[0], upload=parts[0].upload)
    return [
        Outcome("YZ-WEB-019", {"table": title, "added": added, "removed": removed, "version": version,
                               "previous": previous}, version, project=written)
        for added, removed in counts
    ]  # fmt: skip


def restore(store: Store, project: Project, version: dict, user: str, county_valid: bool = False) -> Outcome:
    """Bring an earlier version back as a new version, when the county is valid with it."""
    current = project.datasets[version["dataset"]]
    data = store.file(version["sha256"]).read_bytes()
    valid, problems, written = checked(project, current, data, county_valid)
    if not valid:
        return Outcome("YZ-WEB-026", {"version": version["id"]}, problems=problems)
    previous = baseline(store, current)
    replace_file(current.file, data, durable=True)
    summary = messages.text("YZ-WEB-024", version=version["id"], new="", previous=previous)[0]
    new = record(store, current.spec.name, version["sha256"], user, summary, restored_from=version["id"])
    values = {"version": version["id"], "new": new, "previous": previous}
    return Outcome("YZ-WEB-024", values, new, project=written)


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
