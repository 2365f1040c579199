"""The weekly 预警提醒单: one A4 sheet per township for its staff — internal, never on the website.

Lists applications past their 办结期限 or due within a few working days, and opinions past or near the
feedback time limit. Built from the public views only (numbers, villages, policies; no names or phones),
so a sheet left on a desk discloses nothing, but it is still marked internal and kept out of the site.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..buildkit.templating import render_template
from ..model.output import PrintJob
from ..model.project import County
from ..model.stations import stations_from
from ..rules.vocab import TOWNSHIP, tier_of
from . import Disclosure
from .timeliness import SOON

FOLDER = (
    "内部-预警提醒单"  # build/print/内部-预警提醒单/<版次日期>/<乡镇驿站编号>.pdf, never copied to the site
)


def warning_sheets(
    data: Disclosure, stations: pd.DataFrame | None, county: County, templates: Path
) -> list[PrintJob]:
    """One sheet per township (also when it has nothing to warn about: staff see that it was checked)."""
    townships = [s for s in stations_from(stations) if tier_of(s.level) == TOWNSHIP and s.active]
    apps = data.timeliness.applications if data.timeliness else []
    day = county.edition
    jobs = []
    for town in townships:
        mine = [a for a in apps if a.township == town.township and a.finished is None]
        overdue = sorted((a for a in mine if a.overdue), key=lambda a: (-a.late_days, a.id))
        soon = sorted(
            (a for a in mine if not a.overdue and county.calendar.between(day, a.due) <= SOON),
            key=lambda a: (a.due, a.id),
        )
        remaining = {a.id: county.calendar.between(day, a.due) for a in soon}
        feedback_late = [f for f in data.feedback.overdue if f["township"] == town.township]
        feedback_soon = [f for f in data.feedback.soon if f["township"] == town.township]
        title = f"{town.township}限时办结预警提醒单"
        html = render_template(
            templates, "print/disclosure/warnings.html.j2", title=title, township=town.township, county=county,
            overdue=overdue, soon=soon, remaining=remaining, feedback_late=feedback_late,
            feedback_soon=feedback_soon, limit=data.feedback.limit_days, soon_days=SOON,
        )  # fmt: skip
        path = f"{FOLDER}/{day.isoformat()}/{town.station_id}.pdf"
        jobs.append(
            PrintJob(path, html, group=f"warnings-{day.isoformat()}", title=f"{title}（内部使用，不公开）")
        )
    return jobs
