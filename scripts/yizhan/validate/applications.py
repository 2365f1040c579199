"""Rules of the 申请受理登记: steps in order, each status with its date, a known policy and station."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import replace

import pandas as pd

from ..feedback.report import WARNING, Location, Report
from ..model.project import Dataset
from ..rules.vocab import APPLICATION_STATUSES, APPROVED, DONE, FORWARDED, REFUSED, REVIEWED
from ..rules.workdays import WorkCalendar
from .tables import _date_pair, _status_needs, where

# The date each status needs, in the order of the steps.
STEP_DATES = {
    FORWARDED: "forwarded_date",
    REVIEWED: "reviewed_date",
    APPROVED: "approved_date",
    DONE: "closed_date",
}
DATE_ORDER = ("received_date", "forwarded_date", "reviewed_date", "approved_date", "closed_date")


def check_calendar_years(register: Dataset, workdays: WorkCalendar, longest: int, report: Report) -> None:
    """Warn once when a deadline needs a year whose official holidays are not known yet."""
    calendar = replace(workdays, guessed_years=set())
    for value in set(register.frame["received_date"]):
        try:
            calendar.add(dt.date.fromisoformat(value), longest)
        except ValueError:
            continue  # the type check reports a bad date
    if calendar.guessed_years:
        years = "、".join(str(y) for y in sorted(calendar.guessed_years))
        report.add("YZ-RULE-012", Location("content/county.yml"), severity=WARNING, years=years)


def check_applications(register: Dataset, policy_ids: set[str], report: Report) -> None:
    """Every row: its policy exists, its dates follow the steps, and the status reached has its date.

    The columns are compared whole to find the rows with anything to say; only those rows are read
    one by one, so a valid register of any length costs a few column operations."""
    for row, item in register.frame[_suspects(register.frame, policy_ids)].iterrows():
        _check_row(register, row, item, policy_ids, report)


def _suspects(frame: pd.DataFrame, policy_ids: set[str]) -> pd.Series:
    """Rows `_check_row` has a message for: an unknown policy, dates out of step, a status without
    its date or with a later step's date (exactly these rows, so the messages are those of every row)."""
    given = {key: frame[key] != "" for key in DATE_ORDER}
    found = (frame["policy_id"] != "") & ~frame["policy_id"].isin(policy_ids)
    for earlier, later in itertools.combinations(DATE_ORDER, 2):
        found |= given[earlier] & given[later] & (frame[later] < frame[earlier])
    status = frame["status"]
    found |= (status == REFUSED) & ~given["closed_date"]
    reached = status.map({s: i for i, s in enumerate(APPLICATION_STATUSES) if s != REFUSED})
    for step, key in STEP_DATES.items():
        needed = reached >= APPLICATION_STATUSES.index(step)
        found |= (needed & ~given[key]) | (reached.notna() & ~needed & given[key])
    return found


def _check_row(register: Dataset, row: int, item: pd.Series, policy_ids: set[str], report: Report) -> None:
    if item["policy_id"] and item["policy_id"] not in policy_ids:
        report.add("YZ-RULE-004", where(register, row, "policy_id"), value=item["policy_id"])
    given = [key for key in DATE_ORDER if item[key]]
    for earlier, later in itertools.pairwise(given):
        _date_pair(register, row, item, earlier, later, report)
    status = item["status"]
    if status == REFUSED:
        _status_needs(register, row, item, status, "closed_date", report)
        return
    if status not in APPLICATION_STATUSES:
        return  # the schema's enum reports it
    reached = APPLICATION_STATUSES.index(status)
    for step, key in STEP_DATES.items():
        if APPLICATION_STATUSES.index(step) <= reached:
            _status_needs(register, row, item, status, key, report)
        elif item[key]:
            title = register.spec.column(key).title
            report.add("YZ-RULE-010", where(register, row, key), status=status, title=title)
