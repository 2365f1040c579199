"""Notice editions: one per 批次 (month), with its 公示期 and its place in the lifecycle."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from ..rules.vocab import ARCHIVED, EXPIRED, NOT_YET, ON_NOTICE
from ..rules.workdays import WorkCalendar


@dataclass(frozen=True)
class Edition:
    """The notice of one batch: when it is posted, when its 公示期 ends, what state it is in."""

    batch: str  # "2026-11"
    start: dt.date
    end: dt.date
    status: str

    @property
    def month(self) -> str:
        """'2026年11月' as printed on notices."""
        year, month = self.batch.split("-")
        return f"{int(year)}年{int(month)}月"

    @property
    def on_site(self) -> bool:
        return self.status in (ON_NOTICE, ARCHIVED)


def months_between(batch: str, day: dt.date) -> int:
    """Whole months from the batch month to the month of `day` (0 for the same month)."""
    year, month = (int(part) for part in batch.split("-"))
    return (day.year - year) * 12 + day.month - month


def posting_date(batch: str, edition: dt.date) -> dt.date:
    """A batch is posted on the edition's day of the month, in its own month (clamped to month end)."""
    year, month = (int(part) for part in batch.split("-"))
    return dt.date(year, month, min(edition.day, calendar.monthrange(year, month)[1]))


def notice_period(start: dt.date, days: int, workdays: WorkCalendar | None = None) -> dt.date:
    """Last day of a 公示期 of `days` days that begins on `start` (both count); 工作日 when a calendar is given."""
    if workdays is not None:
        return workdays.add(start - dt.timedelta(days=1), max(days, 1))
    return start + dt.timedelta(days=max(days, 1) - 1)


def edition_of(
    batch: str, edition: dt.date, days: int, retention_months: int, workdays: WorkCalendar | None = None
) -> Edition:
    """Place a batch in the lifecycle as seen on the edition date."""
    start = posting_date(batch, edition)
    end = notice_period(start, days, workdays)
    if start > edition:
        status = NOT_YET
    elif months_between(batch, edition) >= retention_months:
        status = EXPIRED
    elif edition <= end:
        status = ON_NOTICE
    else:
        status = ARCHIVED
    return Edition(batch, start, end, status)


def editions(
    batches: list[str],
    edition: dt.date,
    days: int,
    retention_months: int,
    workdays: WorkCalendar | None = None,
) -> list[Edition]:
    """Every batch's edition, newest first."""
    found = [
        edition_of(b, edition, days, retention_months, workdays) for b in sorted(set(batches), reverse=True)
    ]
    return found
