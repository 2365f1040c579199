"""The weekly 预警提醒单: one A4 sheet per township for its staff — internal, never on the website.

Lists applications past their 办结期限 or due within a few working days, opinions past or near the
feedback time limit, and 问题整改台账 items (number, source, station, unit, 整改时限) past their 整改时限 or due within 3 working days (disclosure/loops.py). Built from the public views only (numbers, villages, policies; no names or phones),
so a sheet left on a desk discloses nothing, but it is still marked internal and kept out of the site.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..buildkit.templating import render_template
from ..model.output import PrintJob
from ..model.project import County
from ..model.stations import stations_from
from ..rules.vocab import TOWNSHIP, tier_of
from . import Disclosure
from .loops import DUE_SOON_DAYS
from .stats import text
from .timeliness import SOON, Application

FOLDER = (
    "内部-预警提醒单"  # build/print/内部-预警提醒单/<版次日期>/<乡镇驿站编号>.pdf, never copied to the site
)


@dataclass(frozen=True)
class TownshipWarnings:
    """One township's open 预警 items on a day: the body of its 预警提醒单."""

    township: str
    overdue: list[Application]
    soon: list[Application]
    remaining: dict[str, int]  # working days left, per application due soon
    feedback_late: list[dict[str, Any]]
    feedback_soon: list[dict[str, Any]]
    problems_late: list[dict[str, Any]] = field(default_factory=list)  # 问题 items past their 整改时限
    problems_soon: list[dict[str, Any]] = field(default_factory=list)  # 问题 items due within 3 working days

    @property
    def count(self) -> int:
        return (
            len(self.overdue) + len(self.soon) + len(self.feedback_late) + len(self.feedback_soon)
            + len(self.problems_late) + len(self.problems_soon)
        )  # fmt: skip


def problem_rows(items: pd.DataFrame, township: str, county: County) -> list[dict[str, Any]]:
    """A township's 问题 items as the sheet lists them: no 问题描述 (it often names a household, and the privacy
    gate reads internal sheets as it reads the site), no 责任人; days past or working days left."""
    rows = []
    for item in items[items["township"] == township].to_dict("records"):
        deadline = item["deadline"].date()
        rows.append(
            {
                "id": item["problem_id"],
                "source": item["source"],
                "station": text(item["station_id"]),
                "unit": text(item["unit"]),
                "found": item["found_date"].date(),
                "deadline": deadline,
                "status": item["status"],
                "days_overdue": int(item["days_overdue"]),
                "remaining": county.calendar.between(county.edition, deadline),
            }
        )
    return rows


def township_warnings(data: Disclosure, county: County, township: str) -> TownshipWarnings:
    """The township's open applications past or near their 办结期限 and its opinions past or near the limit."""
    apps = data.timeliness.applications if data.timeliness else []
    day = county.edition
    mine = [a for a in apps if a.township == township and a.finished is None]
    overdue = sorted((a for a in mine if a.overdue), key=lambda a: (-a.late_days, a.id))
    soon = sorted(
        (a for a in mine if not a.overdue and county.calendar.between(day, a.due) <= SOON),
        key=lambda a: (a.due, a.id),
    )
    return TownshipWarnings(
        township,
        overdue,
        soon,
        {a.id: county.calendar.between(day, a.due) for a in soon},
        [f for f in data.feedback.overdue if f["township"] == township],
        [f for f in data.feedback.soon if f["township"] == township],
        problem_rows(data.loops.overdue, township, county) if data.loops else [],
        problem_rows(data.loops.due_soon, township, county) if data.loops else [],
    )


def warning_sheets(
    data: Disclosure, stations: pd.DataFrame | None, county: County, templates: Path
) -> list[PrintJob]:
    """One sheet per township (also when it has nothing to warn about: staff see that it was checked)."""
    townships = [s for s in stations_from(stations) if tier_of(s.level) == TOWNSHIP and s.active]
    day = county.edition
    jobs = []
    for town in townships:
        found = township_warnings(data, county, town.township)
        title = f"{town.township}限时办结预警提醒单"
        html = render_template(
            templates, "print/disclosure/warnings.html.j2", title=title, township=town.township, county=county,
            overdue=found.overdue, soon=found.soon, remaining=found.remaining, feedback_late=found.feedback_late,
            feedback_soon=found.feedback_soon, limit=data.feedback.limit_days, soon_days=SOON,
            problems_late=found.problems_late, problems_soon=found.problems_soon, problem_soon_days=DUE_SOON_DAYS,
        )  # fmt: skip
        path = f"{FOLDER}/{day.isoformat()}/{town.station_id}.pdf"
        jobs.append(
            PrintJob(path, html, group=f"warnings-{day.isoformat()}", title=f"{title}（内部使用，不公开）")
        )
    return jobs
