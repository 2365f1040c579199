"""限时办结 pages: per month and township, applications received, handled in time, overdue, 按时办结率."""

from __future__ import annotations

from pathlib import Path

from ..buildkit.templating import render_template
from ..model.project import County
from .charts import Series, bar_chart
from .render_stats import pct
from .timeliness import Timeliness

FOLDER = "disclosure/xianshi"


def timeliness_pages(data: Timeliness | None, county: County, templates: Path) -> dict[str, str]:
    """The 限时办结 index and one page per month of receipt (no names, no phones: the public view only)."""
    if data is None or not data.months:
        return {}
    months = list(reversed(data.months))
    chart = bar_chart(
        "chart-timeliness",
        "每月受理的申请按时办结率",
        [m for m, _, _ in months],
        [Series("按时办结率", [g.on_time_rate for _, g, _ in months])],
    )
    table = [[m, g.received, g.due, g.on_time, g.overdue, pct(g.on_time_rate)] for m, g, _ in months]
    stuck = [a for a in data.overdue if a.finished is None]
    docs = {
        f"{FOLDER}/index.md": render_template(
            templates, "site/disclosure/timeliness.md.j2", county=county, total=data.total, chart=chart,
            table=table, months=data.months, stuck=stuck,
        )
    }  # fmt: skip
    for month, total, townships in data.months:
        late = [a for a in data.overdue if a.received.strftime("%Y-%m") == month]
        docs[f"{FOLDER}/{month}.md"] = render_template(
            templates, "site/disclosure/timeliness_month.md.j2", county=county, month=month, total=total,
            townships=townships, late=late,
        )  # fmt: skip
    return docs
