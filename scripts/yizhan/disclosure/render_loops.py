"""Pages for 走访与主动发现, 回访满意率, 民生工程监督 and 问题整改台账: an index per section, a page per month.

Everything comes from the loop frames (disclosure/loops.py) through the published column lists
(loops_published.py), so a page table and its open-data file say the same thing in the same words.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..buildkit.templating import render_template
from ..model.project import County
from ..rules.vocab import PROBLEM_SOURCES, PROBLEM_STATUSES, REOPENED, WRITTEN_OFF
from .charts import Series, bar_chart
from .loops import DUE_SOON_DAYS, VISIT_STANDARD, Loops
from .loops_published import FILES, loop_columns, page_table, published


@dataclass(frozen=True)
class Section:
    """One public loop section: its folder, title, frame and the county figures charted per month."""

    key: str  # the Loops frame
    folder: str
    title: str
    chart: tuple[tuple[str, str], ...]  # (frame column, series name)
    unit: str  # "%" for rates, else the count's unit
    summary: tuple[str, ...]  # the frame columns the county row shows in the month list


SECTIONS = (
    Section("visits", "zoufang", "走访与主动发现", (("visits", "走访户次"), ("needs_found", "发现需求")), "",
            ("visits", "visit_days", "needs_found", "referred", "became_applications")),
    Section("revisits", "huifang", "回访满意率", (("satisfaction_rate", "回访满意率"), ("revisit_rate", "回访率")),
            "%", ("revisits", "satisfaction_rate", "revisit_rate")),
    Section("supervision", "jiandu", "民生工程监督", (("start_rate", "开工率"), ("finish_rate", "完成率")), "%",
            ("checks", "start_rate", "finish_rate")),
    Section("problems", "wenti", "问题整改台账", (("problems", "发现问题"), ("written_off", "已销号")), "",
            ("problems", "written_off", "close_rate", "overdue")),
)  # fmt: skip
MONTH_SKIP = {
    "visits": ("period",),
    "revisits": ("period",),
    "supervision": ("period",),
    "problems": ("period",),
}


def county_rows(frame: pd.DataFrame, whole: str) -> pd.DataFrame:
    return frame[frame["township"] == whole]


def section_pages(
    section: Section, loops: Loops, county: County, templates: Path, slugs: dict[str, str]
) -> dict[str, str]:
    """The section's index (county figures per month, chart, latest month by township) and one page per month."""
    columns = loop_columns(county.places)
    spec = columns[section.key]
    frame = published(loops, section.key)
    totals = county_rows(frame, loops.whole)
    months = list(totals["period"])
    chart = bar_chart(
        f"chart-{section.folder}",
        f"全{county.places.county}每月{section.title}",
        months,
        [
            Series(name, [None if pd.isna(v) else float(v) for v in totals[column]])
            for column, name in section.chart
        ],
        unit=section.unit,
    )
    chart_spec = [c for c in spec if c[0] == "period" or c[0] in dict(section.chart)]
    chart_head, chart_rows = page_table(totals, chart_spec)
    month_head, month_rows = page_table(totals, spec, skip=("township",))
    stem = FILES[section.key][0]
    context = {"county": county, "section": section, "loops": loops, "csv": f"../../data/{stem}.csv", "slugs": slugs,
               "standard": VISIT_STANDARD, "soon_days": DUE_SOON_DAYS,
               "words": {"reopened": REOPENED, "written_off": WRITTEN_OFF}}  # fmt: skip
    latest = months[-1] if months else None
    latest_head, latest_rows = page_table(frame[frame["period"] == latest], spec, skip=("period",))
    docs = {
        f"disclosure/{section.folder}/index.md": render_template(
            templates, "site/disclosure/loops.md.j2", chart=chart, chart_head=chart_head, chart_rows=chart_rows,
            month_head=month_head, month_rows=month_rows, months=list(reversed(months)), latest=latest,
            latest_head=latest_head, latest_rows=latest_rows, **context, **section_extras(section, loops, county),
        )
    }  # fmt: skip
    for month in months:
        head, rows = page_table(frame[frame["period"] == month], spec, skip=MONTH_SKIP[section.key])
        docs[f"disclosure/{section.folder}/{month}.md"] = render_template(
            templates, "site/disclosure/loops_month.md.j2", month=month, head=head, rows=rows,
            **context, **month_extras(section, loops, county, month),
        )  # fmt: skip
    return docs


def officials_shown(items: pd.DataFrame) -> bool:
    """Whether any 责任人 is published (names the county lists as public officials survive derive)."""
    return bool(len(items)) and bool(
        items["responsible"].astype("string").str.strip().fillna("").ne("").any()
    )


def item_table(items: pd.DataFrame, county: County) -> tuple[list[str], list[list[str]]]:
    """The 问题 items as a page table; the 责任人 column only when the county publishes some names."""
    spec = loop_columns(county.places)["problem_items"]
    skip = ("township",) if officials_shown(items) else ("township", "responsible")
    return page_table(items.assign(overdue_word=items["overdue"].map({True: "逾期", False: ""})), spec, skip)


def source_by_status(loops: Loops) -> tuple[list[str], list[list[str]]]:
    """The county's 问题 over every month as a 来源 × 状态 table (from the problem_counts frame), with totals."""
    county_rows = loops.problem_counts[loops.problem_counts["township"] == loops.whole]
    grid = county_rows.pivot_table(
        index="source", columns="status", values="problems", aggfunc="sum", fill_value=0
    )
    grid = grid.reindex(index=list(PROBLEM_SOURCES), columns=list(PROBLEM_STATUSES), fill_value=0)
    grid["合计"] = grid.sum(axis=1)
    grid.loc["合计"] = grid.sum(axis=0)
    head = ["来源", *PROBLEM_STATUSES, "合计"]
    return head, [[str(source), *(str(int(v)) for v in row)] for source, row in grid.iterrows()]


def section_extras(section: Section, loops: Loops, county: County) -> dict[str, object]:
    """What only one section's index shows: the 问题 lists overdue and due soon, the project table."""
    if section.key == "problems":
        return {"overdue": item_table(loops.overdue, county), "due_soon": item_table(loops.due_soon, county),
                "by_source": source_by_status(loops)}  # fmt: skip
    if section.key == "supervision":
        return {"project_towns": loops.projects.groupby("township", sort=True).size().to_dict()}
    return {}


def month_extras(section: Section, loops: Loops, county: County, month: str) -> dict[str, object]:
    """What only one section's month page shows: the month's 问题 items."""
    if section.key != "problems":
        return {}
    items = loops.problem_items
    return {"items": item_table(items[items["found_date"].dt.strftime("%Y-%m") == month], county)}


def loop_pages(loops: Loops | None, county: County, templates: Path, slugs: dict[str, str]) -> dict[str, str]:
    """Every loop section's pages (none when the disclosure has no loop figures)."""
    if loops is None:
        return {}
    docs: dict[str, str] = {}
    for section in SECTIONS:
        docs.update(section_pages(section, loops, county, templates, slugs))
    return docs


def supervision_by_project(loops: Loops | None) -> dict[str, dict[str, object]]:
    """Per project id: the supervision block of its project page (checks, 公示牌, problems and their status)."""
    if loops is None:
        return {}
    problems = loops.project_problems.assign(deadline=lambda f: f["deadline"].dt.strftime("%Y-%m-%d"))
    listed = {pid: group.to_dict("records") for pid, group in problems.groupby("project_id")}
    blocks = {}
    for item in loops.projects.to_dict("records"):
        last = item["last_check"]
        blocks[item["project_id"]] = {
            **item,
            "last_check": None if pd.isna(last) else last.date(),
            "problems": listed.get(item["project_id"], []),
        }
    return blocks


def loop_summary(loops: Loops | None) -> dict[str, dict[str, object]]:
    """The county's figures over every month for the 信息公开 index, per section ({} where nothing is kept)."""
    if loops is None:
        return {}
    return {section.key: loops.county_total(section.key) for section in SECTIONS}
