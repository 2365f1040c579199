"""每周报: which township reported each week, by the county's working-day calendar."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..rules.workdays import Week, WorkCalendar, week_of

WEEKS = 8  # weeks shown, the current one last
REPORTED, PROBLEMS, DUE, LATE, REST = "reported", "problems", "due", "late", "rest"
STATES = {
    REPORTED: "已报送",
    PROBLEMS: "报送有问题",
    DUE: "未报送",
    LATE: "未报送（已过期）",
    REST: "无需报送",
}


def weeks_until(today: dt.date, calendar: WorkCalendar, count: int = WEEKS) -> list[Week]:
    """The `count` weeks up to the one holding `today`, oldest first."""
    this_monday = today - dt.timedelta(days=today.weekday())
    return [week_of(this_monday - dt.timedelta(weeks=back), calendar) for back in range(count - 1, -1, -1)]


def state(week: Week, today: dt.date, uploads: list[tuple[dt.date, bool]]) -> str:
    """One township's week: `uploads` are (day sent, merged) of its uploads of the table."""
    sent = [merged for day, merged in uploads if week.monday <= day < week.monday + dt.timedelta(days=7)]
    if any(sent):
        return REPORTED
    if sent:
        return PROBLEMS
    if week.due is None:
        return REST
    return LATE if today > week.due else DUE


def board(
    townships: list[str], weeks: list[Week], today: dt.date, uploads: dict[str, list[tuple[dt.date, bool]]]
) -> list[tuple[str, list[str]]]:
    """Each township's row of states, one per week."""
    return [(town, [state(week, today, uploads.get(town, [])) for week in weeks]) for town in townships]


MONTHS = 6  # months shown in the 每月查 view, the current one last


@dataclass(frozen=True)
class Month:
    """A calendar month and the weeks whose report falls due in it."""

    first: dt.date
    weeks: tuple[Week, ...]

    @property
    def label(self) -> str:
        return f"{self.first.year}年{self.first.month}月"


@dataclass(frozen=True)
class MonthCell:
    """One township's month: its overall state and how many of its weeks were reported, had problems, were not sent."""

    state: str
    reported: int
    problems: int
    missing: int


def months_until(today: dt.date, calendar: WorkCalendar, count: int = MONTHS) -> list[Month]:
    """The `count` months up to the one holding `today`, oldest first, each with the weeks due in it."""
    firsts = []
    year, month = today.year, today.month
    for _ in range(count):
        firsts.append(dt.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    firsts.reverse()
    span = (today - firsts[0]).days // 7 + 2
    weeks = weeks_until(today, calendar, span)
    return [
        Month(
            first,
            tuple(
                w
                for w in weeks
                if w.due is not None and (w.due.year, w.due.month) == (first.year, first.month)
            ),
        )
        for first in firsts
    ]


def month_cell(month: Month, today: dt.date, uploads: list[tuple[dt.date, bool]]) -> MonthCell:
    """A month as 每月查 reads it: problems first, then weeks not reported, else reported (or nothing due)."""
    states = [state(week, today, uploads) for week in month.weeks]
    reported, problems = states.count(REPORTED), states.count(PROBLEMS)
    missing = states.count(LATE) + states.count(DUE)
    if problems:
        overall = PROBLEMS
    elif LATE in states:
        overall = LATE
    elif DUE in states:
        overall = DUE
    else:
        overall = REPORTED if reported else REST
    return MonthCell(overall, reported, problems, missing)


def month_board(
    townships: list[str], months: list[Month], today: dt.date, uploads: dict[str, list[tuple[dt.date, bool]]]
) -> list[tuple[str, list[MonthCell]]]:
    """Each township's row of month cells."""
    return [(town, [month_cell(m, today, uploads.get(town, [])) for m in months]) for town in townships]
