"""Rules of the 申请受理登记: steps in order, each status with its date, a known policy and station."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import replace

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
    """Every row: its policy exists, its dates follow the steps, and the status reached has its date."""
    for row, item in register.frame.iterrows():
        if item["policy_id"] and item["policy_id"] not in policy_ids:
            report.add("YZ-RULE-004", where(register, row, "policy_id"), value=item["policy_id"])
        given = [key for key in DATE_ORDER if item[key]]
        for earlier, later in itertools.pairwise(given):
            _date_pair(register, row, item, earlier, later, report)
        status = item["status"]
        if status == REFUSED:
            _status_needs(register, row, item, status, "closed_date", report)
            continue
        if status not in APPLICATION_STATUSES:
            continue  # the schema's enum reports it
        reached = APPLICATION_STATUSES.index(status)
        for step, key in STEP_DATES.items():
            if APPLICATION_STATUSES.index(step) <= reached:
                _status_needs(register, row, item, status, key, report)
            elif item[key]:
                title = register.spec.column(key).title
                report.add("YZ-RULE-010", where(register, row, key), status=status, title=title)
