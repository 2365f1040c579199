"""The loop frames as the public sees them: column titles in the county's words, open-data CSVs, page tables.

One column list per frame serves both the CSV (with its Table Schema type) and the page's table, so a
figure in a report links to a file whose column says exactly what the page says.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..rules.vocab import (
    FOUND_ON_CHECK,
    FROM_ABOVE,
    FROM_RESIDENTS,
    RECTIFYING,
    REOPENED,
    TO_RECTIFY,
    WRITTEN_OFF,
    PlaceWords,
)
from .loops import DUE_SOON_DAYS, VISIT_STANDARD, Loops
from .opendata import Resource

# Open-data file stems (data/<stem>.csv), stable: the 工作报告 links its figures to them.
VISITS_FILE = "zoufang-yuedu"
REVISITS_FILE = "huifang-yuedu"
SUPERVISION_FILE = "jiandu-yuedu"
PROJECTS_FILE = "jiandu-xiangmu"
PROBLEMS_FILE = "wenti-yuedu"
PROBLEM_COUNTS_FILE = "wenti-laiyuan-zhuangtai"
PROBLEM_ITEMS_FILE = "wenti-taizhang"

Column = tuple[str, str, str]  # frame column, title, Table Schema type


def loop_columns(places: PlaceWords) -> dict[str, list[Column]]:
    """Every published column of every loop frame, keyed by the Loops attribute it comes from."""
    month, town = ("period", "月份", "string"), ("township", places.township, "string")
    village = f"{places.village}级驿站"
    return {
        "visits": [month, town, ("visits", "走访户次", "integer"), ("visit_days", "走访日", "integer"),
                   ("needs_found", "发现需求", "integer"), ("referred", "转办", "integer"),
                   ("became_applications", "转为申请", "integer"), ("problems_opened", "开启整改问题", "integer"),
                   ("village_stations", village, "integer"),
                   ("station_months_meeting", f"走访日满{VISIT_STANDARD}天的{village}", "integer"),
                   ("coverage_rate", "走访覆盖率(%)", "number")],
        "revisits": [month, town, ("revisits", "回访", "integer"), ("satisfied", "满意", "integer"),
                     ("fairly_satisfied", "基本满意", "integer"), ("dissatisfied", "不满意", "integer"),
                     ("satisfaction_rate", "回访满意率(%)", "number"),
                     ("feedback_revisits", "意见建议回访", "integer"),
                     ("feedback_satisfaction_rate", "意见建议回访满意率(%)", "number"),
                     ("reopened", REOPENED, "integer"), ("closed", "当月办结意见建议", "integer"),
                     ("closed_revisited", "其中已回访", "integer"), ("revisit_rate", "回访率(%)", "number")],
        "supervision": [month, town, ("checks", "监督次数", "integer"), ("projects_checked", "监督项目数", "integer"),
                        ("checks_with_problems", "发现问题次数", "integer"),
                        ("projects_due_to_start", "应开工项目", "integer"), ("projects_started", "已开工项目", "integer"),
                        ("start_rate", "开工率(%)", "number"), ("projects_due_to_finish", "应完工项目", "integer"),
                        ("projects_finished", "已完工项目", "integer"), ("finish_rate", "完成率(%)", "number")],
        "projects": [("project_id", "项目编号", "string"), ("name", "项目名称", "string"), town,
                     ("village", places.village, "string"), ("checks", "监督次数", "integer"),
                     ("last_check", "最近监督日期", "date"), ("stage_at_last_check", "最近监督时阶段", "string"),
                     ("sign_posted_at_last_check", "最近监督时公示牌已张贴", "string"),
                     ("checks_with_problems", "发现问题次数", "integer"),
                     ("problems_opened", "开启整改问题", "integer"), ("problems_written_off", WRITTEN_OFF, "integer"),
                     ("problems_open", "未销号", "integer")],
        "problems": [month, town, ("problems", "问题数", "integer"), ("from_above", FROM_ABOVE, "integer"),
                     ("found_on_check", FOUND_ON_CHECK, "integer"), ("from_residents", FROM_RESIDENTS, "integer"),
                     ("to_rectify", TO_RECTIFY, "integer"), ("rectifying", RECTIFYING, "integer"),
                     ("written_off", WRITTEN_OFF, "integer"), ("close_rate", "销号率(%)", "number"),
                     ("avg_days_to_close", "平均销号天数", "number"), ("overdue", "逾期未销号", "integer"),
                     ("due_soon", f"{DUE_SOON_DAYS}个工作日内到期", "integer")],
        "problem_counts": [month, town, ("source", "来源", "string"), ("status", "状态", "string"),
                           ("problems", "问题数", "integer")],
        "problem_items": [("problem_id", "问题编号", "string"), ("source", "来源", "string"),
                          ("found_date", "发现日期", "date"), town, ("station_id", "驿站编号", "string"),
                          ("unit", "责任单位", "string"), ("responsible", "责任人", "string"),
                          ("deadline", "整改时限", "date"), ("closed_date", "销号日期", "date"),
                          ("status", "状态", "string"), ("overdue_word", "逾期", "string")],
    }  # fmt: skip


FILES = {
    "visits": (VISITS_FILE, "走访与主动发现（按月、按{t}）",
               "各{t}每月入户走访的户次、走访日（同一驿站同一天算一个）、发现的需求、转办和转为申请的件数，"
               "以及走访日满3天的{v}级驿站所占比例（走访覆盖率）。不含户主姓名和住址。"),
    "revisits": (REVISITS_FILE, "回访满意率（按月、按{t}）",
                 "来自回访记录：按回访日期所在月份统计回访和满意程度，同一件意见建议回访多次的以最后一次为准；"
                 "回访率 = 当月办结并已回访的意见建议 ÷ 当月办结的意见建议。"),
    "supervision": (SUPERVISION_FILE, "民生工程监督（按月、按{t}）",
                    "各{t}每月监督民生工程的次数，以及月末的开工率（实际开工 ÷ 计划开工日期已到的项目）"
                    "和完成率（实际完工 ÷ 计划完工日期已到的项目）。"),
    "projects": (PROJECTS_FILE, "民生工程监督（按项目）",
                 "每个民生工程项目被监督的次数、最近一次监督时公示牌是否按规定张贴、发现的问题和整改销号情况。"),
    "problems": (PROBLEMS_FILE, "问题整改（按月、按{t}）",
                 "按发现日期所在月份统计的问题数（按来源、按状态）、销号率、平均销号天数（发现日期到销号日期），"
                 "以及到统计日仍逾期未销号和{d}个工作日内到期的问题数。"),
    "problem_counts": (PROBLEM_COUNTS_FILE, "问题整改（按来源和状态）",
                       "按发现月份、{t}、来源和状态统计的问题数；没有问题的来源和状态不列出。"),
    "problem_items": (PROBLEM_ITEMS_FILE, "问题整改台账（逐项）",
                      "每个问题的来源、发现日期、责任单位、整改时限和销号情况。问题描述和整改措施常常写到具体的户和人，"
                      "不公开；责任人只公开本{c}列为公开的工作人员姓名。"),
}  # fmt: skip


def published(loops: Loops, key: str) -> pd.DataFrame:
    """A loop frame as published: the problem list gains its 逾期 word."""
    frame = getattr(loops, key)
    if key == "problem_items":
        frame = frame.assign(overdue_word=frame["overdue"].map({True: "逾期", False: ""}))
    return frame


def loop_resources(loops: Loops | None, places: PlaceWords) -> list[Resource]:
    """The loop frames as open-data resources (empty files with their columns when a table has no rows)."""
    if loops is None:
        return []
    columns = loop_columns(places)
    resources = []
    for key, (stem, title, description) in FILES.items():
        spec = columns[key]
        frame = published(loops, key)
        rows = [[item[c] for c, _, _ in spec] for item in frame.to_dict("records")]
        words = {"t": places.township, "v": places.village, "c": places.county, "d": DUE_SOON_DAYS}
        resources.append(
            Resource(
                stem, title.format(**words), description.format(**words), [(t, k) for _, t, k in spec], rows
            )
        )
    return resources


def shown(value: Any, kind: str, key: str) -> str:
    """A cell as a page shows it: rates as 83.2% or —, dates ISO, blanks empty."""
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return "—" if kind == "number" else ""
    if key.endswith("rate"):
        return f"{value:.1f}%"
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def page_table(
    frame: pd.DataFrame, spec: list[Column], skip: tuple[str, ...] = ()
) -> tuple[list[str], list[list[str]]]:
    """Head and rows of a page table for `frame`, leaving out the columns in `skip`."""
    keep = [c for c in spec if c[0] not in skip]
    head = [title.removesuffix("(%)") for _, title, _ in keep]
    rows = [[shown(item[c], k, c) for c, _, k in keep] for item in frame.to_dict("records")]
    return head, rows
