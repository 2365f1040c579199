"""Open data: the public aggregates and masked lists as CSV (UTF-8 with BOM) plus a datapackage.json."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..rules.vocab import FEEDBACK_CATEGORIES, HANDLED, IN_PROGRESS, REOPENED, WAITING, PlaceWords
from ..sheets.cells import safe_text
from . import Disclosure
from .services import SERVICE_TYPES
from .stats import disclosure_issues

# Open-data file stems the 工作报告 links its figures to (data/<stem>.csv): keep them stable.
FEEDBACK_FILE, TIMELINESS_FILE, ISSUES_FILE = "yijian-jianyi-yuedu", "xianshi-banjie-yuedu", "gongkai-qici"
SERVICES_FILE = "fuwu-yuehuizong"


@dataclass
class Resource:
    """One CSV file of the package: its fields as (Chinese title, Table Schema type) and its rows."""

    name: str
    title: str
    description: str
    fields: list[tuple[str, str]]
    rows: list[list[Any]]

    @property
    def path(self) -> str:
        return f"{self.name}.csv"


def cell(value: Any) -> str:
    """A value as written in CSV: dates ISO, money with two decimals, blank for none (or NaN, a rate of nothing)."""
    if value is None or (isinstance(value, float) and value != value) or value is pd.NaT:
        return ""
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def to_csv(resource: Resource) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([title for title, _ in resource.fields])
    kinds = [kind for _, kind in resource.fields]
    # Project names, 救助事由 and station names are typed by people: no cell may open as a formula.
    writer.writerows(
        [[safe_text(cell(v), k) for v, k in zip(row, kinds, strict=True)] for row in resource.rows]
    )
    return buffer.getvalue().encode("utf-8-sig")


def descriptor(resources: list[Resource], county: str, edition: dt.date) -> dict[str, Any]:
    """A Data Package descriptor that `frictionless validate` accepts."""
    return {
        "name": "yizhan-disclosure",
        "title": f"{county}民生驿站信息公开数据（{edition.isoformat()}）",
        "licenses": [
            {
                "name": "CC-BY-4.0",
                "title": "署名 4.0 国际",
                "path": "https://creativecommons.org/licenses/by/4.0/",
            }
        ],
        "resources": [
            {
                "name": r.name,
                "path": r.path,
                "title": r.title,
                "description": r.description,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {"fields": [{"name": title, "type": kind} for title, kind in r.fields]},
            }
            for r in resources
        ],
    }


def notice_resource(data: Disclosure, places: PlaceWords) -> Resource:
    rows = [
        [e.edition.batch, e.edition.status, row["category"], row["notice_type"], row["name"], row["township"],
         row["village"], row["household_size"], row["amount"], row["reason"], row["start_date"]]
        for e in data.notices.on_site for s in e.sections for row in s.rows
    ]  # fmt: skip
    return Resource(
        "gongshi",
        "救助对象公示名单（已脱敏）",
        "网站上仍在公示或归档的各批次救助对象名单。姓名已部分隐去，不含身份证号、电话和住址门牌。",
        [("批次", "string"), ("公示状态", "string"), ("救助类别", "string"), ("公示类型", "string"),
         ("户主姓名", "string"), (f"所属{places.township}", "string"), (f"所属{places.village}", "string"),
         ("家庭人口", "integer"),
         ("保障金额", "number"), ("救助事由", "string"), ("起始日期", "date")],
        rows,
    )  # fmt: skip


def progress_resources(data: Disclosure, places: PlaceWords) -> list[Resource]:
    progress = data.progress
    projects = Resource(
        "minsheng-gongcheng",
        "民生工程项目进度",
        "每个项目的投资、拨付和进度；逾期指计划开工（完工）日期已过仍未开工（完工）。",
        [("项目编号", "string"), ("项目名称", "string"), (f"所属{places.township}", "string"),
         (f"所属{places.village}", "string"),
         ("计划投资(万元)", "number"), ("已拨付(万元)", "number"), ("资金拨付率(%)", "number"),
         ("状态", "string"), ("逾期情况", "string")],
        [[p["id"], p["name"], p["township"], p["village"], p["planned"], p["paid"], p["pay_rate"],
          p["status"], p["overdue"]] for p in progress.projects],
    )  # fmt: skip
    townships = Resource(
        "minsheng-gongcheng-xiangzhen",
        f"民生工程进度（按{places.township}汇总）",
        f"各{places.township}及全{places.county}的项目数、开工率、完工率、资金拨付率和逾期项目数。",
        [(places.township, "string"), ("项目数", "integer"), ("已开工", "integer"), ("已完工", "integer"),
         ("开工率(%)", "number"), ("完工率(%)", "number"), ("计划投资(万元)", "number"),
         ("已拨付(万元)", "number"), ("资金拨付率(%)", "number"), ("逾期项目", "integer")],
        [[t.label, t.projects, t.started, t.finished, t.start_rate, t.finish_rate, t.planned, t.paid,
          t.pay_rate, t.overdue] for t in [*progress.townships, progress.county]],
    )  # fmt: skip
    return [projects, townships]


def feedback_resource(data: Disclosure, places: PlaceWords) -> Resource:
    rows = []
    for month in data.feedback.months:
        for g in [*month.townships, month.total]:
            label = data.feedback.total.label if g is month.total else g.label
            rows.append(
                [month.month, label, g.collected, g.closed, g.in_progress, g.waiting,
                 *[g.by_category.get(c, 0) for c in FEEDBACK_CATEGORIES], g.overdue, g.reopened, g.satisfaction,
                 g.revisit_rate]
            )  # fmt: skip
    return Resource(
        FEEDBACK_FILE,
        f"意见建议办理情况（按月、按{places.township}）",
        f"每月收集的意见建议数、办理情况、类别，以及来自回访记录的回访满意率（按回访月份）和回访率（按办结月份）；"
        f"逾期指超过 {data.feedback.limit_days} 天仍未办结；{REOPENED}指最后一次回访不满意、需要再次办理。",
        [("月份", "string"), (places.township, "string"), ("收集", "integer"), (HANDLED, "integer"),
         (IN_PROGRESS, "integer"), (WAITING, "integer"), *[(c, "integer") for c in FEEDBACK_CATEGORIES],
         ("逾期", "integer"), (REOPENED, "integer"), ("回访满意率(%)", "number"), ("回访率(%)", "number")],
        rows,
    )  # fmt: skip


def timeliness_resource(data: Disclosure, places: PlaceWords) -> list[Resource]:
    """限时办结 per month of receipt and township, with the county's row: what 按时办结率 is computed from."""
    if data.timeliness is None:
        return []
    rows = [
        [month, g.label if g is not total else data.timeliness.total.label, g.received, g.due, g.on_time,
         g.overdue, g.on_time_rate]
        for month, total, townships in data.timeliness.months for g in [*townships, total]
    ]  # fmt: skip
    return [
        Resource(
            TIMELINESS_FILE,
            f"限时办结情况（按受理月份、按{places.township}）",
            "每月受理的低保、临时救助、特困供养申请：应办结（已办结或已过办结期限）、按时办结、逾期件数和按时办结率，"
            "期限按工作日计算。",
            [("受理月份", "string"), (places.township, "string"), ("受理", "integer"), ("应办结", "integer"),
             ("按时办结", "integer"), ("逾期", "integer"), ("按时办结率(%)", "number")],
            rows,
        )
    ]  # fmt: skip


def issue_resource(data: Disclosure, places: PlaceWords) -> list[Resource]:
    """公开信息期次: what the 工作报告's 公开信息 N 期 counts (disclosure/stats.py)."""
    if data.loops is None:
        return []
    issues = disclosure_issues(data.notices, data.loops.supervision, data.loops.whole)
    return [
        Resource(
            ISSUES_FILE,
            f"公开信息期次（按月、按{places.township}）",
            f"每行是一期公开信息：一个{places.township}一个批次的救助对象公示（条目为公示户数），"
            f"或一个{places.township}一个月的民生工程监督情况（条目为监督次数）。",
            [("月份", "string"), ("类别", "string"), (places.township, "string"), ("条目", "integer")],
            [[i["month"], i["kind"], i["township"], i["items"]] for i in issues.to_dict("records")],
        )
    ]


def service_resources(data: Disclosure, places: PlaceWords) -> list[Resource]:
    fields = [(places.township, "string"), (places.village, "string"), ("驿站编号", "string"), ("驿站名称", "string"),
              *[(t, "integer") for t in SERVICE_TYPES], ("合计人次", "integer")]  # fmt: skip
    columns = ["township", "village", "station_id", "station_name", *SERVICE_TYPES, "total"]

    def rows(frame: Any, period: str) -> list[list[Any]]:
        return [[item[period], *(item[c] for c in columns)] for item in frame.to_dict("records")]

    services = data.services
    return [
        Resource(SERVICES_FILE, "服务统计月汇总（按驿站）", "每个驿站每月各类服务的人次。",
                 [("月份", "string"), *fields], rows(services.monthly_station, "month")),
        Resource("fuwu-zhoutongji", "服务统计周统计（按驿站）", "每个驿站每周（周一至周日）各类服务的人次；周次以周一的日期表示。",
                 [("周一日期", "date"), *fields], rows(services.weekly_station, "week")),
    ]  # fmt: skip


def open_data(
    data: Disclosure,
    county: str,
    edition: dt.date,
    places: PlaceWords | None = None,
    more: Sequence[Resource] = (),
) -> tuple[list[Resource], dict[str, bytes]]:
    """The resources (`more` after ours, e.g. the loop figures) and the files under build/site/data/."""
    places = places or PlaceWords()
    resources = [
        notice_resource(data, places),
        *progress_resources(data, places),
        feedback_resource(data, places),
        *timeliness_resource(data, places),
        *issue_resource(data, places),
        *service_resources(data, places),
        *more,
    ]
    files = {f"data/{r.path}": to_csv(r) for r in resources}
    package = json.dumps(descriptor(resources, county, edition), ensure_ascii=False, indent=2) + "\n"
    files["data/datapackage.json"] = package.encode("utf-8")
    return resources, files
