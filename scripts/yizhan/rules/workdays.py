"""Working days (工作日) with the official holiday and 调休 calendar — the one place that counts them.

The official calendar comes from `chinesecalendar`, which knows the State Council's holiday notices
for the years it was released with. For a year it does not know yet, the county lists the days in
content/county.yml (`workdays: {holidays: [...], workdays: [...]}`); days it lists override the
library. Without either, Monday to Friday count as working days and the year is reported, never a crash.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
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
    # Working days counted once per span of years: between() and add() are then two list look-ups.
    _origin: dt.date | None = field(default=None, repr=False, compare=False)
    _upto: list[int] = field(default_factory=list, repr=False, compare=False)  # working days up to each day
    _work: list[dt.date] = field(default_factory=list, repr=False, compare=False)  # every working day

    def _is_workday(self, day: dt.date) -> bool:
        if day in self.holidays:
            return False
        if day in self.workdays:
            return True
        official = _official_workday(day)
        return day.weekday() < 5 if official is None else official

    def is_workday(self, day: dt.date) -> bool:
        self._note_guesses(day, day)
        return self._is_workday(day)

    def _note_guesses(self, first: dt.date, last: dt.date) -> None:
        county = {d.year for d in self.holidays | self.workdays}
        for year in range(first.year, last.year + 1):
            if year not in county and _official_workday(dt.date(year, 6, 30)) is None:
                self.guessed_years.add(year)

    def _cover(self, first: dt.date, last: dt.date) -> None:
        """Count working days over whole years from before `first` to after `last`."""
        if (
            self._origin is not None
            and self._origin <= first
            and last < self._origin + dt.timedelta(len(self._upto))
        ):
            return
        low = min(first.year, self._origin.year if self._origin else first.year) - 1
        high = (
            max(last.year, (self._origin + dt.timedelta(len(self._upto))).year if self._origin else last.year)
            + 1
        )
        origin = dt.date(low, 1, 1)
        days = [origin + dt.timedelta(i) for i in range((dt.date(high, 12, 31) - origin).days + 1)]
        flags = [self._is_workday(d) for d in days]
        self._origin, self._upto = origin, list(itertools.accumulate(flags))
        self._work = [d for d, ok in zip(days, flags, strict=True) if ok]

    def _count(self, day: dt.date) -> int:
        assert self._origin is not None
        return self._upto[(day - self._origin).days]

    def add(self, start: dt.date, days: int) -> dt.date:
        """The day by which something received on `start` must be done: the `days`-th working day after it."""
        if days <= 0:
            return start
        self._cover(start, start + dt.timedelta(days=2 * days + 40))
        end = self._work[self._count(start) + days - 1]
        self._note_guesses(start + dt.timedelta(days=1), end)
        return end

    def between(self, start: dt.date, end: dt.date) -> int:
        """Working days after `start` up to and including `end` (0 when `end` is not later)."""
        if end <= start:
            return 0
        self._cover(start, end)
        self._note_guesses(start + dt.timedelta(days=1), end)
        return self._count(end) - self._count(start)


@dataclass(frozen=True)
class Week:
    """A week from Monday, and the day its 每周报 is due: its last working day (None: no working day)."""

    monday: dt.date
    due: dt.date | None

    @property
    def label(self) -> str:
        sunday = self.monday + dt.timedelta(days=6)
        return f"{self.monday.month}月{self.monday.day}日—{sunday.month}月{sunday.day}日"


def week_of(monday: dt.date, calendar: WorkCalendar) -> Week:
    """The week from `monday`, due on its last working day by the county's calendar."""
    working = [d for d in (monday + dt.timedelta(days=n) for n in range(7)) if calendar.is_workday(d)]
    return Week(monday, working[-1] if working else None)


def weeks_between(first: dt.date, last: dt.date, calendar: WorkCalendar) -> list[Week]:
    """Every week whose Monday falls from `first` to `last`, oldest first."""
    monday = first + dt.timedelta(days=-first.weekday() % 7)
    found = []
    while monday <= last:
        found.append(week_of(monday, calendar))
        monday += dt.timedelta(weeks=1)
    return found


@functools.cache
def _official_workday(day: dt.date) -> bool | None:
    """The State Council's answer for one day (None for a year the library does not know); the library
    takes some 0.4 ms a call, and a year of deadlines asks about the same few hundred days again and again."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return None


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
