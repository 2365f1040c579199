"""限时办结: each application's deadlines in 工作日 from its policy's steps, and the 按时办结率 per township.

Works on the public view of the 申请受理登记 (no applicant, no phone). The register's steps map onto a
policy's steps by level: 转报乡镇 is due when the village steps' days have passed, 审核 after the
township steps, 审批 after the county steps, and 办结 within the policy's 办结时限 — all counted in
working days with the official holiday and 调休 calendar.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..model.project import Policy
from ..rules.vocab import (
    APPROVED,
    COUNTY,
    DONE,
    FORWARDED,
    RECEIVED,
    REFUSED,
    REVIEWED,
    TOWNSHIP,
    VILLAGE,
    tier_of,
)
from ..rules.workdays import WorkCalendar
from .stats import rate, with_places

NEXT_STEP = {RECEIVED: FORWARDED, FORWARDED: REVIEWED, REVIEWED: APPROVED, APPROVED: DONE}
STEP_LEVEL = {FORWARDED: VILLAGE, REVIEWED: TOWNSHIP, APPROVED: COUNTY}
SOON = 3  # working days: an open step due within this many days is 即将到期


def step_deadlines(policy: Policy, received: dt.date, workdays: WorkCalendar) -> dict[str, dt.date]:
    """When each step is due for an application received on `received`."""
    due: dict[str, dt.date] = {}
    total = 0
    for step, level in STEP_LEVEL.items():
        total += sum(s.days for s in policy.steps if (tier_of(s.level) or s.level) == level)
        due[step] = workdays.add(received, total)
    due[DONE] = workdays.add(received, max(policy.time_limit_days, total))
    return due


@dataclass(frozen=True)
class Application:
    """One application as the disclosure sees it: where, which policy, where it stands, on time or not."""

    id: str
    township: str
    village: str
    policy: str
    received: dt.date
    status: str
    due: dt.date
    step: str  # the step it waits for (open) or the one it ended with
    step_due: dt.date
    finished: dt.date | None
    late_days: int  # working days past the deadline (0 when in time)

    @property
    def overdue(self) -> bool:
        return self.late_days > 0

    @property
    def on_time(self) -> bool:
        return self.finished is not None and not self.overdue


@dataclass
class TimelinessGroup:
    """Applications received in one month and township (or the county)."""

    label: str
    received: int = 0
    finished: int = 0
    on_time: int = 0
    overdue: int = 0
    due: int = 0  # finished, or past their deadline: those that should be done by now

    @property
    def on_time_rate(self) -> float | None:
        """按时办结率: handled within the time limit, of those that should be handled by now."""
        return rate(self.on_time, self.due)


@dataclass
class Timeliness:
    months: list[tuple[str, TimelinessGroup, list[TimelinessGroup]]]  # newest first: month, county, townships
    total: TimelinessGroup
    overdue: list[Application]  # open or finished late, the longest late first
    applications: list[Application] = field(default_factory=list)


def _day(value: Any) -> dt.date | None:
    return value.date() if isinstance(value, pd.Timestamp) and pd.notna(value) else None


def assess(item: dict[str, Any], policy: Policy, day: dt.date, workdays: WorkCalendar) -> Application:
    received = _day(item["received_date"]) or day
    due = step_deadlines(policy, received, workdays)
    status = str(item["status"])
    finished = _day(item["closed_date"]) if status in (DONE, REFUSED) else None
    step = status if finished else NEXT_STEP.get(status, DONE)
    late = workdays.between(due[DONE], finished) if finished is not None else workdays.between(due[DONE], day)
    return Application(
        id=str(item["application_id"]), township=str(item.get("township") or ""),
        village=str(item.get("village") or "") if isinstance(item.get("village"), str) else "",
        policy=policy.short_name or policy.name, received=received, status=status, due=due[DONE], step=step,
        step_due=due.get(step, due[DONE]), finished=finished, late_days=late,
    )  # fmt: skip


def _group(label: str, apps: list[Application], day: dt.date) -> TimelinessGroup:
    group = TimelinessGroup(label, received=len(apps))
    for app in apps:
        group.finished += app.finished is not None
        group.on_time += app.on_time
        group.overdue += app.overdue
        group.due += app.finished is not None or app.due < day
    return group


def timeliness(
    register: pd.DataFrame,
    stations: pd.DataFrame,
    policies: list[Policy],
    day: dt.date,
    workdays: WorkCalendar,
    whole: str = f"全{COUNTY}",
) -> Timeliness:
    """Per month of receipt and township: received, handled in time, overdue, 按时办结率 (`whole`: the total's label)."""
    by_id = {p.id: p for p in policies}
    frame = with_places(register, stations) if len(register) else register.assign(township="", village="")
    apps = [
        assess(item, by_id[item["policy_id"]], day, workdays)
        for item in frame.to_dict("records")
        if item["policy_id"] in by_id
    ]
    months = []
    for month in sorted({a.received.strftime("%Y-%m") for a in apps}, reverse=True):
        in_month = [a for a in apps if a.received.strftime("%Y-%m") == month]
        towns = sorted({a.township for a in in_month})
        groups = [_group(t, [a for a in in_month if a.township == t], day) for t in towns]
        months.append((month, _group(month, in_month, day), groups))
    late = sorted((a for a in apps if a.overdue), key=lambda a: (-a.late_days, a.id))
    return Timeliness(months, _group(whole, apps, day), late, apps)
