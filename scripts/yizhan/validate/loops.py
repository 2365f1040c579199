"""Rules of the four loops: what a 走访, 回访, 监督 or 问题 record points at exists, and 挂账销号.

Every check compares whole columns (pandas), so a 100,000-row table costs a few vector operations;
only the rows found wrong become messages.
"""

from __future__ import annotations

import re

import pandas as pd

from ..feedback.report import Report
from ..model.project import Dataset
from ..rules.vocab import HANDLED, WRITTEN_OFF
from .tables import where

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _column(dataset: Dataset, key: str) -> pd.Series | None:
    """The column, or None when this county's schema has no such column."""
    return dataset.frame[key] if key in dataset.frame.columns else None


def _known(data: dict[str, Dataset], table: str, key: str) -> set[str] | None:
    """The non-blank values of one column of another table, or None when the table is not there."""
    dataset = data.get(table)
    column = None if dataset is None else _column(dataset, key)
    return None if column is None else set(column[column != ""])


def _unknown(dataset: Dataset, key: str, known: set[str], code: str, report: Report) -> None:
    """Every filled cell of `key` whose value is not in `known`."""
    column = _column(dataset, key)
    if column is None:
        return
    bad = column[(column != "") & ~column.isin(known)]
    report.add_rows(code, [(where(dataset, row, key), {"value": value}) for row, value in bad.items()])


LOOP_TABLES = ("visits", "inspections", "revisits", "problems")
# The tables a loop table refers to: a change in one of them can break a reference in another file.
LOOP_TARGETS = ("applications", "feedback", "problems", "projects")


def check_loop_table(dataset: Dataset, data: dict[str, Dataset], towns: set[str], report: Report) -> None:
    """One loop table (the county's own, or an upload of it) against the county's other tables."""
    name = dataset.spec.name
    problem_ids = _known(data, "problems", "problem_id")
    if name in ("visits", "inspections") and problem_ids is not None:
        _unknown(dataset, "problem_id", problem_ids, "YZ-LOOP-002", report)
    if name == "visits":
        referred = [_known(data, "applications", "application_id"), _known(data, "feedback", "feedback_id")]
        if any(ids is not None for ids in referred):
            targets = set().union(*(ids for ids in referred if ids is not None))
            _unknown(dataset, "referral_id", targets, "YZ-LOOP-001", report)
    elif name == "inspections":
        project_ids = _known(data, "projects", "project_id")
        if project_ids is not None:
            _unknown(dataset, "project_id", project_ids, "YZ-LOOP-005", report)
    elif name == "revisits" and "feedback" in data:
        _check_revisits(dataset, data["feedback"], report)
    elif name == "problems":
        check_problems(dataset, towns, report)


def _check_revisits(revisits: Dataset, feedback: Dataset, report: Report) -> None:
    """A 回访 names an 意见建议 item that exists and has been closed (已办结)."""
    status = pd.Series(feedback.frame["status"].to_numpy(), index=feedback.frame["feedback_id"].to_numpy())
    status = status[~status.index.duplicated()]  # a repeated 编号 is reported on the 意见建议 itself
    _unknown(revisits, "feedback_id", set(status.index), "YZ-LOOP-003", report)
    named = revisits.frame["feedback_id"]
    found = named.map(status)
    open_ = named[found.notna() & (found != HANDLED)]
    places = [
        (where(revisits, row, "feedback_id"), {"value": value, "status": found[row], "done": HANDLED})
        for row, value in open_.items()
    ]
    report.add_rows("YZ-LOOP-004", places)


def _dates_in_order(dataset: Dataset, earlier: str, later: str, report: Report) -> None:
    """YZ-RULE-006 for every row whose `later` date comes before its `earlier` date (both well-formed)."""
    frame = dataset.frame
    first, second = frame[earlier], frame[later]
    iso = first.str.fullmatch(_ISO_DATE.pattern) & second.str.fullmatch(_ISO_DATE.pattern)
    bad = frame[iso.fillna(False).astype(bool) & (second < first)]
    spec = dataset.spec
    titles = {"later_title": spec.column(later).title, "earlier_title": spec.column(earlier).title}
    places = [
        (where(dataset, row, later), {**titles, "later": b, "earlier": a})
        for row, a, b in zip(bad.index, bad[earlier], bad[later], strict=True)
    ]
    report.add_rows("YZ-RULE-006", places)


def check_problems(problems: Dataset, towns: set[str], report: Report) -> None:
    """所属乡镇 is a township; 已销号 ⇔ 销号日期, and 已销号 needs 整改措施; no date before 发现日期."""
    frame = problems.frame
    township = frame["township"]
    bad = township[(township != "") & ~township.isin(towns)]
    report.add_rows(
        "YZ-RULE-001", [(where(problems, row, "township"), {"value": value}) for row, value in bad.items()]
    )
    closed = frame["status"] == WRITTEN_OFF
    for key in ("closed_date", "measures"):
        title = problems.spec.column(key).title
        missing = frame.index[closed & (frame[key].str.strip() == "")]
        places = [(where(problems, row, key), {"status": WRITTEN_OFF, "title": title}) for row in missing]
        report.add_rows("YZ-LOOP-006", places)
    stray = frame[~closed & (frame["status"] != "") & (frame["closed_date"] != "")]
    places = [
        (where(problems, row, "closed_date"), {"value": value, "status": status, "done": WRITTEN_OFF})
        for row, value, status in zip(stray.index, stray["closed_date"], stray["status"], strict=True)
    ]
    report.add_rows("YZ-LOOP-007", places)
    for earlier, later in (("found_date", "deadline"), ("found_date", "closed_date")):
        _dates_in_order(problems, earlier, later, report)
