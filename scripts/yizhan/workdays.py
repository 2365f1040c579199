"""Working days (工作日) with the official holiday and 调休 calendar — the one place that counts them.

The official calendar comes from `chinesecalendar`, which knows the State Council's holiday notices
for the years it was released with. For a year it does not know yet, the county lists the days in
content/county.yml (`workdays: {holidays: [...], workdays: [...]}`); days it lists override the
library. Without either, Monday to Friday count as working days and the year is reported, never a crash.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import chinese_calendar


@dataclass
class WorkCalendar:
    """Which days are working days; remembers years it had to guess (Monday–Friday) for."""

    holidays: frozenset[dt.date] = frozenset()
    workdays: frozenset[dt.date] = frozenset()
    guessed_years: set[int] = field(default_factory=set)

    def is_workday(self, day: dt.date) -> bool:
        if day in self.holidays:
            return False
        if day in self.workdays:
            return True
        try:
            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError:  # a year the library has no official notice for
            if not self._county_knows(day.year):
                self.guessed_years.add(day.year)
            return day.weekday() < 5

    def _county_knows(self, year: int) -> bool:
        return any(d.year == year for d in self.holidays | self.workdays)

    def add(self, start: dt.date, days: int) -> dt.date:
        """The day by which something received on `start` must be done: the `days`-th working day after it."""
        day, left = start, days
        while left > 0:
            day += dt.timedelta(days=1)
            if self.is_workday(day):
                left -= 1
        return day

    def between(self, start: dt.date, end: dt.date) -> int:
        """Working days after `start` up to and including `end` (0 when `end` is not later)."""
        count, day = 0, start
        while day < end:
            day += dt.timedelta(days=1)
            count += self.is_workday(day)
        return count


def _dates(values: Iterable[Any]) -> frozenset[dt.date]:
    out = set()
    for value in values or ():
        if isinstance(value, dt.date):
            out.add(value)
        else:
            try:
                out.add(dt.date.fromisoformat(str(value).strip()))
            except ValueError:
                continue  # content validation reports the bad date with its line
    return frozenset(out)


def calendar_from(settings: dict[str, Any] | None) -> WorkCalendar:
    """The calendar with the county's own days (content/county.yml `workdays:`) on top of the official one."""
    settings = settings if isinstance(settings, dict) else {}
    return WorkCalendar(_dates(settings.get("holidays") or ()), _dates(settings.get("workdays") or ()))


def library_years() -> tuple[int, int]:
    """The first and last year the installed calendar knows."""
    years = sorted({d.year for d in chinese_calendar.holidays})
    return years[0], years[-1]
