"""Reading collected files: ODK Central CSV/ZIP, KoboToolbox CSV/XLSX, the web form's CSV, paper XLSX.

Column conventions follow the tools' own export code: ODK Central (central-backend
`lib/data/briefcase.js`) writes SubmissionDate first, group paths joined with `-`, select-multiple
choices as `name/choice` 0/1 columns, then KEY (the submission's lasting id; an edited submission
keeps it while meta-instanceID changes), SubmitterID … ReviewState, DeviceID, Edits, FormVersion.
KoboToolbox (formpack `export.py`, `fields.py`) writes `;` or `,`, XML names or labels, `/` group
paths, select-multiple as one column and/or 0/1 columns, and `_id`, `_uuid`, `_submission_time`,
`_validation_status`, `__version__` … after the answers.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..buildkit.cache import replace_file
from ..feedback.errors import TableReadError
from ..feedback.report import Location, Report, column_letter
from ..forms.model import MULTI_SEPARATOR, Form
from ..intake.tabular import RawTable, detect_encoding, normalize_header, read_table
from ..load import letters_of, to_frame
from ..model.project import Dataset, TableSpec
from ..rules.vocab import REGISTER_FILLED

# Columns the tools add to every export; they are not answers.
CENTRAL_META = {"SubmissionDate", "KEY", "PARENT_KEY", "SubmitterID", "SubmitterName", "AttachmentsPresent",
                "AttachmentsExpected", "Status", "ReviewState", "DeviceID", "Edits", "FormVersion"}  # fmt: skip
FORM_META = {"start", "end", "today", "deviceid", "subscriberid", "simserial", "phonenumber", "username",
             "audit", "instanceid", "instanceID", "instanceName", "__version__", "uuid", "formhub"}  # fmt: skip
# Where each tool keeps a submission's identity, form version and review decision (first found wins).
# Central's KEY and Kobo's meta/rootUuid stay the same when a submission is edited; Kobo's _uuid and the
# instanceID change with each edit (OpenRosa), and then meta/deprecatedID names the version it replaced.
IDENTITY = (
    "KEY",
    "meta/rootUuid",
    "meta-rootUuid",
    "_uuid",
    "meta-instanceID",
    "meta/instanceID",
    "instanceID",
)
PREVIOUS = ("meta/deprecatedID", "meta-deprecatedID", "deprecatedID")
VERSION = ("FormVersion", "__version__")
REVIEW = ("ReviewState", "_validation_status")
REJECTED = {"rejected", "validation_status_not_approved", "not approved"}
FLAGGED = {"hasissues": "有问题", "validation_status_on_hold": "暂缓", "on hold": "暂缓"}
TICKED = {"1", "1.0", "true", "True", "TRUE"}
XML_NAME = re.compile(r"[A-Za-z_][\w.\-]*")


@dataclass
class Collected:
    """One incoming table: rows as a Dataset located in the incoming file, and each row's review state."""

    dataset: Dataset
    raw: RawTable
    review: dict[int, str] = field(default_factory=dict)  # row → the tool's own review word, when any
    tool: str = "表格"
    previous: dict[int, str] = field(default_factory=dict)  # row → the id of the version it replaced


def _semicolon(path: Path, raw: RawTable) -> RawTable:
    data = path.read_bytes()
    encoding = detect_encoding(data)
    records = list(csv.reader(io.StringIO(data.decode(encoding), newline=""), delimiter=";"))
    header = [normalize_header(c) for c in records[0]]
    rows = [[c.strip() for c in r] for r in records[1:] if any(c.strip() for c in r)]
    return RawTable(path, header, rows, encoding)


def read_incoming(path: Path) -> RawTable:
    """Any readable table; a Kobo CSV exported with ';' as separator is read as such."""
    raw = read_table(path)
    if path.suffix.lower() != ".xlsx" and len(raw.header) == 1 and ";" in raw.header[0]:
        raw = _semicolon(path, raw)
    return raw


def main_table(path: Path, workdir: Path) -> Path:
    """An ODK Central ZIP holds the form's CSV and one CSV per repeat (`form-repeat.csv`): the first."""
    if path.suffix.lower() != ".zip":
        return path
    try:
        with zipfile.ZipFile(path) as archive:
            names = sorted(n for n in archive.namelist() if n.lower().endswith(".csv") and "/" not in n)
            if not names:
                raise TableReadError("YZ-FORM-034", value=path.name)
            main = min(names, key=len)  # `form.csv` is shorter than every `form-repeat.csv`
            target = workdir / f"{path.stem}-{Path(main).name}"
            replace_file(target, archive.read(main))
            return target
    except zipfile.BadZipFile as error:
        raise TableReadError("YZ-FORM-034", value=path.name) from error


def header_map(form: Form, spec: TableSpec) -> dict[str, str]:
    """Every name a column may carry (dataset title, field key, field label) → dataset key."""
    names: dict[str, str] = {}
    for item in form.value_fields:
        if item.key in form.dataset_columns:
            names[normalize_header(item.label)] = item.key
            names[item.key] = item.key
    for column in spec.columns:
        names[normalize_header(column.title)] = column.key
    return names


def _tool(header: list[str]) -> str:
    if "KEY" in header or "SubmissionDate" in header:
        return "ODK Central"
    if "_uuid" in header or "_id" in header:
        return "KoboToolbox"
    return "表格"


def _strip_group(title: str) -> str:
    """`g1/q` (Kobo) or `g1-q` (Central, XML names only) → `q`."""
    last = title.rsplit("/", 1)[-1]
    if last == title and "-" in title and XML_NAME.fullmatch(title):
        last = title.rsplit("-", 1)[-1]
    return last


class _Columns:
    """Which incoming column holds which dataset key, which are metadata, and which are choice ticks."""

    def __init__(self, raw: RawTable, form: Form, spec: TableSpec, source: str, report: Report) -> None:
        self.names = header_map(form, spec)
        self.form = form
        self.fields = {f.key: f for f in form.fields} | {f.key: f for f in form.value_fields}
        by_label = {normalize_header(f.label): f.key for f in form.value_fields}
        self.multi = {k for k, f in self.fields.items() if f.kind == "multi"}
        self.position: dict[str, int] = {}
        self.ticks: dict[str, list[tuple[str, int]]] = {}  # multi key → (choice, column)
        self.meta: dict[str, int] = {}
        for index, title in enumerate(raw.header):
            if not title:
                continue
            if (
                title in CENTRAL_META
                or title in IDENTITY
                or title in PREVIOUS
                or title.startswith("_")
                or title in FORM_META
            ):
                self.meta.setdefault(title, index)
                continue
            key = self._key(title) or by_label.get(title)
            if key is not None:
                self.position.setdefault(key, index)
            elif ("/" in title and self._choice(title, index, by_label)) or self._ignored(title):
                continue
            else:
                where = Location(source, row=1, column=column_letter(index), title=title)
                report.add("YZ-FORM-022", where, title=title)

    def _key(self, title: str) -> str | None:
        return self.names.get(title) or self.names.get(_strip_group(title))

    def _choice(self, title: str, index: int, by_label: dict[str, str]) -> bool:
        parent, choice = title.rsplit("/", 1)
        key = self._key(parent) or by_label.get(parent) or by_label.get(_strip_group(parent))
        if key is None and parent in self.fields:
            key = parent
        if key not in self.multi:
            return False
        self.ticks.setdefault(key, []).append((choice, index))
        return True

    def _ignored(self, title: str) -> bool:
        """Metadata paths, notes, signatures, section headings: not answers, not in the dataset."""
        last = _strip_group(title)
        if (
            title.startswith("meta/")
            or title.startswith("meta-")
            or last.startswith("_")
            or last in FORM_META
        ):
            return True
        return last in self.fields and (
            not self.fields[last].has_value or last not in self.form.dataset_columns
        )

    def first_meta(self, names: tuple[str, ...]) -> int | None:
        return next((self.meta[n] for n in names if n in self.meta), None)


def _cell(row: list[str], index: int | None) -> str:
    return row[index].strip() if index is not None and index < len(row) else ""


def to_collected(raw: RawTable, form: Form, spec: TableSpec, source: str, report: Report) -> Collected:
    """The incoming rows as a Dataset located in the incoming file (row numbers as in that file)."""
    columns = _Columns(raw, form, spec, source, report)
    position = dict(columns.position)
    version = columns.first_meta(VERSION)
    if version is not None and "form_version" in spec_keys(spec):
        position.setdefault("form_version", version)
    if form.register:  # the import fills these itself (see importer.fill_register)
        columns_ = tuple(replace(c, required=False) if c.key in REGISTER_FILLED else c for c in spec.columns)
        spec = replace(spec, columns=columns_)
    frame = to_frame(raw, spec, position, source, report)
    rows = raw.rows  # built once: every use below walks the same rows
    for key, ticks in columns.ticks.items():
        if key in columns.position or key not in frame:
            continue
        frame[key] = [
            MULTI_SEPARATOR.join(choice for choice, i in ticks if _cell(row, i) in TICKED) for row in rows
        ]
    for key in (k for k in columns.multi if k in frame):
        frame[key] = [MULTI_SEPARATOR.join(v.split()) if MULTI_SEPARATOR not in v else v for v in frame[key]]
    identities = [columns.meta[n] for n in IDENTITY if n in columns.meta]
    if identities and "submission_id" in frame and "submission_id" not in columns.position:
        frame["submission_id"] = [
            submission_id(next((_cell(row, i) for i in identities if _cell(row, i)), "")) for row in rows
        ]
    previous_at = columns.first_meta(PREVIOUS)
    previous: dict[int, str] = {}
    if previous_at is not None:
        previous = {n: submission_id(_cell(row, previous_at)) for n, row in enumerate(rows, start=2)}
    review_at = columns.first_meta(REVIEW)
    review: dict[int, str] = {}
    if review_at is not None:
        review = {n: _cell(row, review_at) for n, row in enumerate(rows, start=2) if _cell(row, review_at)}
    answers = [k for k in frame.columns if k not in ("submission_id", "form_version")]
    frame = frame[(frame[answers] != "").any(axis=1)]  # rows left blank between entries
    dataset = Dataset(spec, raw.path, source, frame, letters_of(position), raw.encoding)
    return Collected(dataset, raw, review, _tool(raw.header), {n: p for n, p in previous.items() if p})


def submission_id(value: str) -> str:
    """One spelling for one submission: Central writes `uuid:…`, Kobo's _uuid drops the prefix."""
    return value.strip().removeprefix("uuid:")


def spec_keys(spec: TableSpec) -> set[str]:
    return {c.key for c in spec.columns}


def review_decision(state: str) -> tuple[str, str]:
    """('reject' | 'flag' | 'ok', the flag written into the dataset)."""
    word = state.strip().lower()
    if word in REJECTED:
        return "reject", ""
    if word in FLAGGED:
        return "flag", FLAGGED[word]
    return "ok", ""


def read_collected(path: Path, form: Form, spec: TableSpec, report: Report) -> Collected | None:
    """One incoming file as rows, or None (with the reason in the report) when unreadable."""
    try:
        with tempfile.TemporaryDirectory() as workdir:
            raw = read_incoming(main_table(path, Path(workdir)))
            raw = RawTable(path, raw.header, encoding=raw.encoding, columns=raw.columns)
    except TableReadError as error:
        report.add(error.code, Location(path.name), **error.values)
        return None
    return to_collected(raw, form, spec, path.name, report)
