"""Rates and counts for 民生工程进度 and 意见建议办理, computed from the masked public views only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..rules.vocab import COUNTY, FEEDBACK_CATEGORIES, HANDLED, IN_PROGRESS, NOT_REVISITED, REOPENED, WAITING
from ..rules.workdays import WorkCalendar
from .loops import Loops
from .notices import NoticeBook

NOT_STARTED_LATE, NOT_FINISHED_LATE = "逾期未开工", "逾期未完工"


def text(value: Any) -> str:
    """A cell as text: blank (empty, NaN, None) becomes ""."""
    return value if isinstance(value, str) else ""


def rate(part: float, whole: float) -> float | None:
    """part / whole as a percentage with one decimal, None when there is nothing to divide."""
    if not whole:
        return None
    return round(100.0 * part / whole, 1)


@dataclass
class ProgressRow:
    """开工率, 完工率, 资金拨付率 and overdue count for a group of projects."""

    label: str
    projects: int
    started: int
    finished: int
    planned: float
    paid: float
    overdue: int

    @property
    def start_rate(self) -> float | None:
        return rate(self.started, self.projects)

    @property
    def finish_rate(self) -> float | None:
        return rate(self.finished, self.projects)

    @property
    def pay_rate(self) -> float | None:
        return rate(self.paid, self.planned)


@dataclass
class Progress:
    projects: list[dict[str, Any]]
    townships: list[ProgressRow]
    county: ProgressRow


def overdue_label(item: pd.Series, day: pd.Timestamp) -> str:
    """Why a project is late on `day`: planned start passed unstarted, or planned end passed unfinished."""
    if pd.isna(item["actual_start"]) and item["planned_start"] < day:
        return NOT_STARTED_LATE
    if pd.isna(item["actual_end"]) and item["planned_end"] < day:
        return NOT_FINISHED_LATE
    return ""


def progress_row(label: str, group: pd.DataFrame) -> ProgressRow:
    return ProgressRow(
        label=label,
        projects=len(group),
        started=int(group["actual_start"].notna().sum()),
        finished=int(group["actual_end"].notna().sum()),
        planned=round(float(group["planned"].sum()), 2),
        paid=round(float(group["paid"].sum()), 2),
        overdue=int((group["overdue"] != "").sum()),
    )


def project_progress(projects: pd.DataFrame, edition: dt.date, whole: str = f"全{COUNTY}") -> Progress:
    """Per project, per township and for the county, as of the edition date."""
    day = pd.Timestamp(edition)
    frame = projects.copy()
    frame["overdue"] = [overdue_label(item, day) for _, item in frame.iterrows()] if len(frame) else []
    rows = []
    for item in frame.sort_values(["township", "project_id"]).to_dict("records"):
        rows.append(
            {
                "id": item["project_id"],
                "name": item["name"],
                "township": item["township"],
                "village": text(item["village"]),
                "planned": float(item["planned"]),
                "paid": float(item["paid"]),
                "pay_rate": rate(float(item["paid"]), float(item["planned"])),
                "status": item["status"],
                "overdue": item["overdue"],
            }
        )
    townships = [progress_row(name, group) for name, group in frame.groupby("township", sort=True)]
    return Progress(rows, townships, progress_row(whole, frame))


@dataclass
class FeedbackGroup:
    """意见建议 collected in one month (and township): counts and categories; the 回访 figures of the same
    month and township from the 回访记录 (满意率 by 回访日期, 回访率 of the items 办结 that month)."""

    label: str
    collected: int = 0
    closed: int = 0
    in_progress: int = 0
    waiting: int = 0
    overdue: int = 0
    by_category: dict[str, int] = field(default_factory=dict)
    revisited: int = 0
    satisfied: int = 0
    reopened: int = 0  # 重新办理: latest 回访 不满意 with 再次办理 是; not counted as closed
    closed_in_month: int = 0
    closed_revisited: int = 0

    @property
    def satisfaction(self) -> float | None:
        """回访满意率: (满意 + 基本满意) / 回访, from the 回访记录 (the latest 回访 of each item)."""
        return rate(self.satisfied, self.revisited)

    @property
    def revisit_rate(self) -> float | None:
        """回访率: items 办结 in the month that have a 回访 record / items 办结 in the month."""
        return rate(self.closed_revisited, self.closed_in_month)


REVISIT_FIGURES = {"revisited": "feedback_revisits", "satisfied": "feedback_satisfied",
                   "closed_in_month": "closed", "closed_revisited": "closed_revisited"}  # fmt: skip


def revisit_counts(loops: Loops | None, period: str | None, township: str) -> dict[str, int]:
    """The loop frame's 回访 counts for one month (None: every month) and township (or the county's label)."""
    if loops is None:
        return {}
    frame = loops.revisits
    rows = frame[(frame["township"] == township) & ((frame["period"] == period) if period else True)]
    return {name: int(rows[column].sum()) for name, column in REVISIT_FIGURES.items()}


def feedback_group(label: str, group: pd.DataFrame, revisits: dict[str, int] | None = None) -> FeedbackGroup:
    status = group["status"]
    return FeedbackGroup(
        label=label,
        collected=len(group),
        closed=int((status == HANDLED).sum()),
        in_progress=int((status == IN_PROGRESS).sum()),
        waiting=int((status == WAITING).sum()),
        overdue=int(group["overdue"].sum()),
        by_category={c: int((group["category"] == c).sum()) for c in FEEDBACK_CATEGORIES},
        reopened=int((status == REOPENED).sum()),
        **(revisits or {}),
    )


@dataclass
class FeedbackMonth:
    month: str  # "2026-11"
    total: FeedbackGroup
    townships: list[FeedbackGroup]
    measures: list[dict[str, Any]]  # 整改措施 of the month's closed opinions, no names


@dataclass
class FeedbackStats:
    months: list[FeedbackMonth]  # newest first
    total: FeedbackGroup
    overdue: list[dict[str, Any]]  # the 预警提醒 list: open longer than the time limit
    limit_days: int
    soon: list[dict[str, Any]] = field(default_factory=list)  # open, due within SOON_DAYS working days


def with_places(frame: pd.DataFrame, stations: pd.DataFrame) -> pd.DataFrame:
    """Add township, village and station name from the station register."""
    places = stations.set_index("station_id")[["township", "village", "name"]]
    places = places.rename(columns={"name": "station_name"})
    return frame.join(places, on="station_id")


SOON_DAYS = 3  # working days before the time limit: an open opinion is 即将逾期


def _open_item(item: dict[str, Any]) -> dict[str, Any]:
    """An open opinion as the 逾期 page and the 预警提醒单 show it (masked view, no names)."""
    return {
        "id": item["feedback_id"],
        "date": item["date"].date(),
        "township": item["township"],
        "village": text(item["village"]),
        "category": item["category"],
        "topic": item["topic"],
        "summary": text(item["summary"]),
        "status": item["status"],
        "age": int(item["age"]),
    }


def feedback_stats(
    feedback: pd.DataFrame,
    stations: pd.DataFrame,
    edition: dt.date,
    limit: int,
    workdays: WorkCalendar,
    whole: str = f"全{COUNTY}",
    loops: Loops | None = None,
) -> FeedbackStats:
    """Per month and township, with the open opinions past the county's time limit (工作日) flagged 逾期.

    The 回访 figures come from the 回访记录 (`loops`): an opinion whose latest 回访 is 不满意 with 再次办理 是
    is 重新办理 and open again; without `loops` there is no 回访 figure."""
    frame = with_places(feedback, stations)
    latest = (
        loops.latest_revisits.set_index("feedback_id")["satisfaction"] if loops else pd.Series(dtype=object)
    )
    reopened = frame["feedback_id"].isin(loops.reopened_ids if loops else set()) & (
        frame["status"] == HANDLED
    )
    frame["status"] = frame["status"].where(~reopened, REOPENED)
    frame["age"] = [workdays.between(d.date(), edition) if pd.notna(d) else 0 for d in frame["date"]]
    frame["overdue"] = (frame["status"] != HANDLED) & (frame["age"] > limit)
    frame["month"] = frame["date"].dt.strftime("%Y-%m")
    months = []
    for month, group in sorted(frame.groupby("month"), key=lambda pair: pair[0], reverse=True):
        townships = [
            feedback_group(t, g, revisit_counts(loops, str(month), t))
            for t, g in group.groupby("township", sort=True)
        ]
        closed = group[group["status"] == HANDLED].sort_values("feedback_id")
        measures = [
            {
                "id": item["feedback_id"],
                "township": item["township"],
                "village": text(item["village"]),
                "category": item["category"],
                "topic": item["topic"],
                "measures": text(item["measures"]),
                "revisit": text(latest.get(item["feedback_id"])) or NOT_REVISITED,
            }
            for item in closed.to_dict("records")
        ]
        total = feedback_group(str(month), group, revisit_counts(loops, str(month), whole))
        months.append(FeedbackMonth(str(month), total, townships, measures))
    late = frame[frame["overdue"]].sort_values(["age", "feedback_id"], ascending=[False, True])
    overdue = [_open_item(item) for item in late.to_dict("records")]
    near = frame[(frame["status"] != HANDLED) & ~frame["overdue"] & (frame["age"] > limit - SOON_DAYS)]
    soon = [
        _open_item(item)
        for item in near.sort_values(["age", "feedback_id"], ascending=[False, True]).to_dict("records")
    ]
    return FeedbackStats(
        months, feedback_group(whole, frame, revisit_counts(loops, None, whole)), overdue, limit, soon
    )


NOTICE_ISSUE, SUPERVISION_ISSUE = "救助对象公示", "民生工程监督情况"  # the two kinds of 公开信息 issue
ISSUE_COLUMNS = ["month", "kind", "township", "items"]


def disclosure_issues(book: NoticeBook, supervision: pd.DataFrame, whole: str) -> pd.DataFrame:
    """公开信息期次: one 期 per township and 救助对象公示 batch on the site (posted, 公示中 or 已归档), and one per
    township and month with 民生工程监督 records (the month's 监督情况 made public); `items` counts 户 or 次."""
    rows = [
        (notices.edition.batch, NOTICE_ISSUE, town.township, town.households)
        for notices in book.on_site
        for town in notices.townships
    ]
    checked = supervision[(supervision["township"] != whole) & (supervision["checks"] > 0)]
    rows += [
        (item["period"], SUPERVISION_ISSUE, item["township"], int(item["checks"]))
        for item in checked.to_dict("records")
    ]
    frame = pd.DataFrame(rows, columns=ISSUE_COLUMNS)
    order = {NOTICE_ISSUE: 0, SUPERVISION_ISSUE: 1}
    frame = frame.assign(_kind=frame["kind"].map(order)).sort_values(["month", "_kind", "township"])
    return frame.drop(columns="_kind").reset_index(drop=True)
