"""工作报告 pages and A4 PDFs: the month's and the year's headline figures, a chart per section, each figure
linked to the page or open-data file it is computed from."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markupsafe import Markup

from ..buildkit.templating import render_template
from ..model.output import PrintJob
from ..model.project import County
from . import Disclosure
from .charts import Series, bar_chart, number
from .loops_published import PROBLEMS_FILE, REVISITS_FILE, SUPERVISION_FILE, VISITS_FILE
from .opendata import FEEDBACK_FILE, ISSUES_FILE, SERVICES_FILE, TIMELINESS_FILE
from .reports import MONTHLY, Measure, Period, WorkReport, report_periods, townships_of, work_report

FOLDER = "disclosure/baogao"  # the pages and the published PDFs
PRINT_FOLDER = "工作报告"  # build/print/工作报告/<slug>.pdf

# Each headline figure: (key, label, unit, open-data file it is computed from, page that shows it).
# The sentences around the numbers and every definition are in site/disclosure/_report.j2.
FIGURES: tuple[tuple[str, str, str, str, str], ...] = (
    ("inspections", "监督民生工程项目", "次", SUPERVISION_FILE, "disclosure/jiandu/index.html"),
    ("issues", "公开信息", "期", ISSUES_FILE, "disclosure/index.html"),
    ("feedback", "审核意见建议", "件", FEEDBACK_FILE, "disclosure/yijian/index.html"),
    ("problems", "发现并整改隐患问题", "个", PROBLEMS_FILE, "disclosure/wenti/index.html"),
    ("satisfaction", "回访满意率", "%", REVISITS_FILE, "disclosure/huifang/index.html"),
    ("visits", "走访", "户次", VISITS_FILE, "disclosure/zoufang/index.html"),
    ("needs", "主动发现", "人", VISITS_FILE, "disclosure/zoufang/index.html"),
    ("services", "服务", "人次", SERVICES_FILE, "disclosure/fuwu/index.html"),
    ("on_time", "按时办结率", "%", TIMELINESS_FILE, "disclosure/xianshi/index.html"),
)


@dataclass(frozen=True)
class Figure:
    """One headline figure as printed: its number, unit, the file and page it comes from, its chart."""

    key: str
    label: str
    value: str
    unit: str
    part: str  # the second count where there is one (已销号 of found, 满意 of 回访, 按时 of 应办结), else ""
    whole: str
    data_path: str  # site-relative path of the open-data CSV
    page_path: str  # site-relative path of the page
    chart: Markup  # with the value on each bar (the PDF)
    page_chart: Markup  # without (the page, whose table holds the values)
    rows: list[list[Any]]


def shown(value: float | None, unit: str) -> str:
    """A headline number: 93.4 for a rate, 1,204 for a count, — for none (the unit is printed beside it)."""
    return number(value, unit).rstrip("%") if unit == "%" else number(value, "")


DATA_PAGE = "data/index.html"


def unpublished(data: Disclosure) -> dict[str, tuple[bool, bool]]:
    """Figures whose open-data file or page this county does not publish: key → (no file, no page)."""
    missing = {}
    if data.timeliness is None or not data.timeliness.months:
        missing["on_time"] = (data.timeliness is None, True)  # 限时办结 pages need a register with rows
    if data.services.monthly_county.empty:
        missing["services"] = (False, True)
    return missing


def figures(report: WorkReport, county: County, missing: dict[str, tuple[bool, bool]]) -> list[Figure]:
    """The headline figures of a report with a chart and a table row per township (the data page stands in
    for a file or page the county does not publish)."""
    towns = report.townships
    found = []
    for key, label, unit, stem, page_path in FIGURES:
        measure: Measure = report.measures[key]
        values = [measure.townships.get(t) for t in towns]
        if key == "problems":
            series = [Series("发现", values), Series("已销号", [measure.part.get(t) for t in towns])]
        else:
            series = [Series(key, values)]
        title = f"各{county.places.township}{label}（{unit}）"
        # The PDF's bars carry bare numbers (the title names the unit); the page's bars none, its table of
        # every township's figures holds them: nine charts stay within the page's size budget.
        bare = "%" if unit == "%" else ""
        chart = bar_chart(f"chart-{key}", title, towns, series, unit=bare)
        page_chart = bar_chart(f"chart-{key}", title, towns, series, unit=bare, numbers=False)
        rows = [
            [place, shown(measure.townships.get(place) if place != report.whole else measure.total, unit)]
            + ([shown(measure.part.get(place), "")] if key == "problems" else [])
            for place in [*towns, report.whole]
        ]
        no_file, no_page = missing.get(key, (False, False))
        part = whole = ""
        if measure.whole:
            part, whole = (
                shown(measure.part.get(report.whole), ""),
                shown(measure.whole.get(report.whole), ""),
            )
        found.append(
            Figure(
                key,
                label,
                shown(measure.total, unit),
                unit,
                part,
                whole,
                DATA_PAGE if no_file else f"data/{stem}.csv",
                DATA_PAGE if no_page else page_path,
                chart,
                page_chart,
                rows,
            )
        )
    return found


def reports(data: Disclosure, county: County) -> list[tuple[Period, list[Figure]]]:
    """The monthly and the yearly report's figures (none when the loop figures are missing)."""
    if data.loops is None:
        return []
    whole = data.loops.whole
    townships = townships_of(data)
    return [
        (period, figures(work_report(data, period, townships, whole), county, unpublished(data)))
        for period in report_periods(county.edition)
    ]


def context(county: County, period: Period, found: list[Figure]) -> dict[str, Any]:
    return {"county": county, "period": period, "figures": found, "monthly": period.kind == MONTHLY,
            "pdf": f"{period.slug}.pdf", "title": report_title(county, period), "edition": county.edition}  # fmt: skip


def report_pages(data: Disclosure, county: County, templates: Path) -> dict[str, str]:
    """The monthly and yearly 工作报告 pages and their index."""
    found = reports(data, county)
    if not found:
        return {}
    docs = {
        f"{FOLDER}/{period.slug}.md": render_template(
            templates, "site/disclosure/report.md.j2", **context(county, period, figures_)
        )
        for period, figures_ in found
    }
    docs[f"{FOLDER}/index.md"] = render_template(
        templates, "site/disclosure/reports.md.j2", county=county, reports=found
    )
    return docs


def report_jobs(data: Disclosure, county: County, templates: Path) -> list[PrintJob]:
    """The A4 PDFs of the reports, printed and published beside their pages."""
    return [
        PrintJob(
            f"{PRINT_FOLDER}/{period.slug}.pdf",
            render_template(
                templates, "print/disclosure/report.html.j2", **context(county, period, figures_)
            ),
            group=f"report-{period.slug}",  # alone: its pages are numbered "n / total"
            title=report_title(county, period),
            site_path=f"{FOLDER}/{period.slug}.pdf",
        )
        for period, figures_ in reports(data, county)
    ]


def report_title(county: County, period: Period) -> str:
    """The PDF's title (its metadata): 示例县民生驿站工作报告（2026-10）."""
    span = period.months[0] if period.kind == MONTHLY else f"{period.months[0]}—{period.months[-1]}"
    return f"{county.county}民生驿站工作报告（{span}）"
