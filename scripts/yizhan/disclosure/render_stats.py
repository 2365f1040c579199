"""Pages for 民生工程进度, 意见建议办理 and 服务统计, each chart with its numbers in a table."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..buildkit.templating import render_template
from ..model.project import County
from ..rules.ids import place_slug
from ..rules.vocab import FEEDBACK_CATEGORIES, HANDLED, REOPENED
from . import Disclosure
from .charts import Series, bar_chart
from .render_loops import supervision_by_project
from .services import SERVICE_TYPES


def pct(value: float | None) -> str:
    """A rate as shown: 83.2%, or — when there was nothing to divide (None or NaN)."""
    return "—" if value is None or value != value else f"{value:.1f}%"


def progress_pages(
    data: Disclosure, county: County, slugs: dict[str, str], templates: Path
) -> dict[str, str]:
    progress = data.progress
    towns = progress.townships
    chart = bar_chart(
        "chart-progress",
        f"各{county.places.township}开工率、完工率和资金拨付率",
        [t.label for t in towns],
        [
            Series("开工率", [t.start_rate for t in towns]),
            Series("完工率", [t.finish_rate for t in towns]),
            Series("资金拨付率", [t.pay_rate for t in towns]),
        ],
    )
    table = [
        [t.label, t.projects, pct(t.start_rate), pct(t.finish_rate), pct(t.pay_rate), t.overdue]
        for t in [*towns, progress.county]
    ]
    docs = {
        "disclosure/gongcheng/index.md": render_template(
            templates, "site/disclosure/progress.md.j2", county=county, total=progress.county,
            townships=towns, chart=chart, table=table, slugs=slugs,
        )
    }  # fmt: skip
    supervision = supervision_by_project(data.loops)
    for township in towns:
        projects = [p for p in progress.projects if p["township"] == township.label]
        docs[f"disclosure/gongcheng/{slugs[township.label]}.md"] = render_template(
            templates,
            "site/disclosure/progress_township.md.j2",
            township=township,
            projects=projects,
            county=county,
            supervision=supervision,
        )
    return docs


def feedback_pages(data: Disclosure, county: County, templates: Path) -> dict[str, str]:
    feedback = data.feedback
    months = list(reversed(feedback.months))
    chart = bar_chart(
        "chart-feedback",
        "每月收集和办结的意见建议（件）",
        [m.month for m in months],
        [
            Series("收集", [m.total.collected for m in months]),
            Series(HANDLED, [m.total.closed for m in months]),
        ],
        unit="件",
    )
    table = [
        [m.month, m.total.collected, m.total.closed, m.total.in_progress, m.total.waiting,
         *[m.total.by_category[c] for c in FEEDBACK_CATEGORIES], m.total.overdue, m.total.reopened,
         pct(m.total.satisfaction), pct(m.total.revisit_rate)]
        for m in months
    ]  # fmt: skip
    context: dict[str, Any] = {"county": county, "feedback": feedback, "reopened": REOPENED}
    docs = {
        "disclosure/yijian/index.md": render_template(
            templates,
            "site/disclosure/feedback.md.j2",
            total=feedback.total,
            chart=chart,
            table=table,
            **context,
        ),
        "disclosure/yijian/yuqi.md": render_template(templates, "site/disclosure/overdue.md.j2", **context),
    }
    for month in feedback.months:
        docs[f"disclosure/yijian/{month.month}.md"] = render_template(
            templates,
            "site/disclosure/feedback_month.md.j2",
            month=month,
            categories=FEEDBACK_CATEGORIES,
            county=county,
            reopened=REOPENED,
        )
    return docs


def service_pages(data: Disclosure, county: County, slugs: dict[str, str], templates: Path) -> dict[str, str]:
    services = data.services
    if services.monthly_county.empty:
        return {}
    county_rows = services.monthly_county.sort_values("month").to_dict("records")
    chart = bar_chart(
        "chart-services",
        f"全{county.places.county}每月服务人次",
        [r["month"] for r in county_rows],
        [Series("合计人次", [float(r["total"]) for r in county_rows])],
        unit="",
    )
    table = [[r["month"], *[r[t] for t in SERVICE_TYPES], r["total"]] for r in county_rows]
    latest = services.months[0]
    monthly = services.monthly_township
    context: dict[str, Any] = {
        "types": list(SERVICE_TYPES),
        "latest": latest,
        "slugs": slugs,
        "county": county,
    }
    docs = {
        "disclosure/fuwu/index.md": render_template(
            templates, "site/disclosure/services.md.j2", chart=chart, table=table,
            township_rows=monthly[monthly["month"] == latest].to_dict("records"),
            townships=services.townships, **context,
        )
    }  # fmt: skip
    villages, stations, weekly = services.monthly_village, services.monthly_station, services.weekly_township
    for township in services.townships:
        slug = slugs.get(township) or place_slug(township)
        docs[f"disclosure/fuwu/{slug}.md"] = render_template(
            templates, "site/disclosure/services_township.md.j2", township=township, slug=slug,
            monthly=monthly[monthly["township"] == township].to_dict("records"),
            villages=villages[(villages["township"] == township) & (villages["month"] == latest)].to_dict("records"),
            stations=stations[(stations["township"] == township) & (stations["month"] == latest)].to_dict("records"),
            **context,
        )  # fmt: skip
        docs[f"disclosure/fuwu/{slug}-zhou.md"] = render_template(
            templates, "site/disclosure/services_weekly.md.j2", township=township, slug=slug,
            weekly=weekly[weekly["township"] == township].to_dict("records"), **context,
        )  # fmt: skip
    return docs
