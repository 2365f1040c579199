"""An uploaded table read and checked as `yizhan validate` reads and checks the county's own files."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd

from ..feedback import messages
from ..feedback.errors import TableReadError
from ..feedback.report import ERROR, NOTE, Location, Problem, Report
from ..intake.tabular import BOOKS, choose_sheet, normalize_header
from ..intake.workbook import sheets
from ..load import load_dataset
from ..model.project import Dataset, Project
from ..validate import tables
from ..validate.applications import check_applications
from ..validate.loops import LOOP_TABLES, check_loop_table
from .accounts import User
from .permissions import may_change_township

ACCEPTED, REJECTED, OTHER = "accepted", "rejected", "other"


@dataclass(frozen=True)
class Located:
    """One message as the officer's file shows it: sheet, row, column letter and title."""

    sheet: str
    row: int | None
    column: str | None
    title: str | None
    problem: str
    fix: str
    severity: str = ERROR


@dataclass
class RowState:
    """One row of the upload: whose it is and whether it can be merged."""

    row: int
    township: str
    status: str
    reasons: list[str] = field(default_factory=list)


@dataclass
class Intake:
    """What the checks made of an upload; `dataset` is None when the file could not be read at all."""

    sheet: str
    problems: list[Located] = field(default_factory=list)
    rows: list[RowState] = field(default_factory=list)
    dataset: Dataset | None = None

    @property
    def usable(self) -> bool:
        """Every row of the uploader's own is free of errors and nothing is wrong with the file itself."""
        return (
            self.dataset is not None
            and not any(r.status == REJECTED for r in self.rows)
            and not any(
                p.severity == ERROR and (p.row is None or p.row not in self.dataset.frame.index)
                for p in self.problems
            )
        )

    def accepted(self) -> pd.DataFrame:
        assert self.dataset is not None
        rows = [r.row for r in self.rows if r.status == ACCEPTED]
        return self.dataset.frame.loc[rows]

    def to_dict(self) -> dict[str, object]:
        return {"sheet": self.sheet, "problems": [asdict(p) for p in self.problems],
                "rows": [asdict(r) for r in self.rows]}  # fmt: skip

    @classmethod
    def from_dict(cls, data: dict) -> Intake:
        return cls(
            str(data.get("sheet", "")),
            [Located(**p) for p in data.get("problems", [])],
            [RowState(**r) for r in data.get("rows", [])],
        )


def townships_of(project: Project, dataset: Dataset) -> pd.Series:
    """The township of every row: its own column, else its station's, else its project's ("" unknown)."""
    frame = dataset.frame
    if "township" in frame:
        return frame["township"].astype(str)
    lookups = (("station_id", "stations", "station_id"), ("project_id", "projects", "project_id"))
    for key, other, other_key in lookups:
        if key in frame and other in project.datasets:
            source = project.datasets[other].frame
            places = dict(zip(source[other_key], source["township"], strict=True))
            return frame[key].map(places).fillna("").astype(str)
    return pd.Series("", index=frame.index, dtype=object)


def periods_of(dataset: Dataset) -> pd.Series | None:
    """The month (YYYY-MM) each row reports on: its 年月 column, else its first date; None for no period."""
    columns = dataset.spec.columns
    month = next((c for c in columns if c.kind == "yearmonth"), None)
    date = next((c for c in columns if c.type == "date"), None)
    chosen = month or date
    if chosen is None or chosen.key not in dataset.frame:
        return None
    return dataset.frame[chosen.key].astype(str).str.slice(0, 7)


def _sheet_name(path: Path, dataset_title: str, titles: list[str], fallback: str) -> str:
    if path.suffix.lower() not in BOOKS:
        return fallback
    try:
        wanted = list(dict.fromkeys(normalize_header(t) for t in titles))
        return choose_sheet(sheets(path), wanted, dataset_title).name
    except TableReadError:
        return fallback


def _check(project: Project, upload: Dataset, report: Report) -> None:
    """The row checks of `yizhan validate` for this table, against the county's registers."""
    tables.check_types(upload, report)
    tables.check_values(upload, report)
    data = project.datasets
    name = upload.spec.name
    towns: set[str] = set()
    if "stations" in data and name != "stations":
        scratch = Report()
        towns, villages, station_ids = tables.check_hierarchy(data["stations"], scratch)
        if "station_id" in upload.frame and "station_id" in upload.header_letters:
            tables.check_station_refs(upload, station_ids, report)
        if "township" in upload.frame and "village" in upload.frame and "township" in upload.header_letters:
            tables.check_places(upload, towns, villages, report)
    policy_ids = {str(d.data.get("id")) for d in project.policy_docs.values() if isinstance(d.data, dict)}
    if name == "feedback":
        tables.check_feedback(upload, report)
    elif name == "projects":
        tables.check_projects(upload, policy_ids, report)
    elif name == "applications":
        check_applications(upload, policy_ids, report)
    elif name in LOOP_TABLES:
        check_loop_table(upload, data, towns, report)


def located(problem: Problem, sheet: str) -> Located:
    """A report's problem as the page shows it (`sheet` stands in for a problem without a place)."""
    where = problem.where or Location(sheet)
    return Located(
        sheet, where.row, where.column, where.title, problem.problem, problem.fix, problem.severity
    )


def _owner_column(upload: Dataset) -> str | None:
    return next((k for k in ("township", "station_id", "project_id") if k in upload.header_letters), None)


def check_upload(project: Project, name: str, path: Path, shown: str, user: User) -> Intake:
    """Read `path` as the table `name` and sort its rows: accepted, rejected (with reasons), other township."""
    spec = project.specs[name]
    report = Report(each_row=True)  # each row's cell gets its own message in the marked file
    upload = load_dataset(path.parent, spec, path, report)
    titles = [c.title for c in spec.columns]
    sheet = _sheet_name(path, spec.title, titles, spec.title[:31])  # a CSV becomes a sheet of this name
    if upload is None:
        return Intake(sheet, [located(p, sheet) for p in report.problems])
    upload.source = sheet
    _check(project, upload, report)
    problems = [located(p, sheet) for p in report.problems]
    errors: dict[int, list[str]] = {}
    for p in problems:
        if p.severity == ERROR and p.row is not None:
            errors.setdefault(p.row, []).append(p.problem)
    owners = townships_of(project, upload)
    owner = _owner_column(upload)
    rows: list[RowState] = []
    for row, township in owners.items():
        row = int(row)
        state = RowState(row, township, ACCEPTED, errors.get(row, []))
        if not township and row not in errors:
            problem, fix = messages.text("YZ-WEB-016")
            letter = upload.header_letters.get(owner) if owner else None
            title = spec.column(owner).title if owner else None
            problems.append(Located(sheet, row, letter, title, problem, fix))
            state.reasons.append(problem)
        if township and not may_change_township(user, township):
            problem, fix = messages.text("YZ-WEB-015", township=township, own=user.township)
            letter = upload.header_letters.get(owner) if owner else None
            title = spec.column(owner).title if owner else None
            problems.append(Located(sheet, row, letter, title, problem, fix))
            state.status, state.reasons = OTHER, [*state.reasons, problem]
        elif state.reasons:
            state.status = REJECTED
        rows.append(state)
    order = {ERROR: 0, "warning": 1, NOTE: 2}
    problems.sort(key=lambda p: (p.row or 0, order.get(p.severity, 3)))
    return Intake(sheet, problems, rows, upload)
