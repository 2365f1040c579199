"""Every loop figure of issue #22 — 走访, 回访, 监督, 问题整改 — computed once, from the masked public views.

Frames are long: one row per period (month ``2026-11``, quarter ``2026Q4`` or year ``2026``) and township,
every township of the station register in every period of the table's span (zeros where it had no rows),
plus the county's total row (township = the ``whole`` label, e.g. 全县) after the townships of each period.
Rates are percentages with one decimal, NaN when there is nothing to divide (pages show "—").
The 工作报告, the 每季评 scorecard and the 预警提醒单 read these frames; nobody computes a figure twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..rules.vocab import (
    ACTIVE,
    COUNTY,
    FOUND_ON_CHECK,
    FROM_ABOVE,
    FROM_RESIDENTS,
    PROBLEM_STATUSES,
    RECTIFYING,
    SATISFIED,
    TO_RECTIFY,
    TOWNSHIP,
    VILLAGE,
    WRITTEN_OFF,
    tier_of,
)
from ..rules.workdays import WorkCalendar, weeks_between

YES = "是"
DISSATISFIED = "不满意"
VISIT_STANDARD = 3  # 走访日 a village station should hold each month (the scorecard's 走访 coverage)
DUE_SOON_DAYS = 3  # working days: an open 问题 item due within this many is 即将到期
PERIOD_FORMATS: dict[str, Callable[[pd.Series], pd.Series]] = {
    "month": lambda d: d.dt.strftime("%Y-%m"),
    "quarter": lambda d: d.dt.to_period("Q").astype(str),
    "year": lambda d: d.dt.strftime("%Y"),
}
FREQUENCIES = {"month": "M", "quarter": "Q", "year": "Y"}

VISIT_COLUMNS = ["visits", "visit_days", "needs_found", "referred", "became_applications", "problems_opened",
                 "village_stations", "station_months", "station_months_meeting", "coverage_rate"]  # fmt: skip
REVISIT_COLUMNS = ["revisits", "satisfied", "fairly_satisfied", "dissatisfied", "satisfaction_rate",
                   "feedback_revisits", "feedback_satisfied", "feedback_satisfaction_rate", "reopened",
                   "closed", "closed_revisited", "revisit_rate"]  # fmt: skip
SUPERVISION_COLUMNS = ["checks", "projects_checked", "checks_with_problems", "projects_due_to_start",
                       "projects_started", "start_rate", "projects_due_to_finish", "projects_finished",
                       "finish_rate"]  # fmt: skip
PROBLEM_COLUMNS = ["problems", "from_above", "found_on_check", "from_residents", "to_rectify", "rectifying",
                   "written_off", "close_rate", "days_to_close_total", "avg_days_to_close", "overdue",
                   "due_soon"]  # fmt: skip
SOURCE_COLUMNS = {
    FROM_ABOVE: "from_above",
    FOUND_ON_CHECK: "found_on_check",
    FROM_RESIDENTS: "from_residents",
}
STATUS_COLUMNS = {TO_RECTIFY: "to_rectify", RECTIFYING: "rectifying", WRITTEN_OFF: "written_off"}


# Each rate from its counts: rate column → (numerator columns, denominator column). One definition per rate.
RATES: dict[str, tuple[tuple[str, ...], str]] = {
    "coverage_rate": (("station_months_meeting",), "station_months"),
    "satisfaction_rate": (("satisfied", "fairly_satisfied"), "revisits"),
    "feedback_satisfaction_rate": (("feedback_satisfied",), "feedback_revisits"),
    "revisit_rate": (("closed_revisited",), "closed"),
    "close_rate": (("written_off",), "problems"),
    "start_rate": (("projects_started",), "projects_due_to_start"),
    "finish_rate": (("projects_finished",), "projects_due_to_finish"),
}
# Counts of distinct things within a period, which do not add up over periods (a project checked in two months).
NOT_ADDITIVE = ("projects_checked",)
# Counts that describe the state at a period's end (not events in it): a longer span takes the last period's.
STOCKS = (
    "village_stations",
    "projects_due_to_start",
    "projects_started",
    "projects_due_to_finish",
    "projects_finished",
)


def with_rates(frame: pd.DataFrame) -> pd.DataFrame:
    """Fill every rate of RATES (and the 平均销号天数) the frame has the counts for."""
    for name, (parts, whole) in RATES.items():
        if whole in frame:
            frame[name] = ratio(
                sum((frame[p] for p in parts), start=pd.Series(0, index=frame.index)), frame[whole]
            )
    if "days_to_close_total" in frame:
        closed = frame["written_off"].astype(float)
        frame["avg_days_to_close"] = (frame["days_to_close_total"] / closed.where(closed > 0)).round(1)
    return frame


def ratio(part: pd.Series, whole: pd.Series) -> pd.Series:
    """part / whole as a percentage with one decimal; NaN where whole is 0 (never a division error)."""
    whole = whole.astype(float)
    return (100.0 * part.astype(float) / whole.where(whole > 0)).round(1)


def present(values: pd.Series) -> pd.Series:
    """True where a text cell holds something (not blank, not NaN)."""
    return values.astype("string").str.strip().fillna("").ne("")


def period_end(labels: pd.Series, kind: str) -> pd.Series:
    """The last day of each period label."""
    return pd.PeriodIndex(labels, freq=FREQUENCIES[kind]).end_time.normalize().to_series(index=labels.index)


def period_span(dates: pd.Series, kind: str) -> list[str]:
    """Every period from the first to the last date, gaps included (a quiet month is a row of zeros)."""
    dates = dates.dropna()
    if dates.empty:
        return []
    freq = FREQUENCIES[kind]
    span = pd.period_range(dates.min().to_period(freq), dates.max().to_period(freq), freq=freq)
    return [str(p) for p in span]


def with_total(counts: pd.DataFrame, townships: list[str], periods: list[str], whole: str) -> pd.DataFrame:
    """Counts indexed (period, township) → every township in every period, plus the total row per period."""
    grid = pd.MultiIndex.from_product([periods, townships], names=["period", "township"])
    full = counts.reindex(grid, fill_value=0) if len(grid) else counts.iloc[0:0]
    total = full.groupby(level="period", sort=False).sum()
    total.index = pd.MultiIndex.from_product([total.index, [whole]], names=["period", "township"])
    order = {name: i for i, name in enumerate([*townships, whole])}
    both = pd.concat([full, total]).reset_index()
    both["_order"] = both["township"].map(order)
    return both.sort_values(["period", "_order"]).drop(columns="_order").reset_index(drop=True)


def count_frame(frame: pd.DataFrame, columns: dict[str, pd.Series]) -> pd.DataFrame:
    """Sum boolean/number columns per (period, township) of `frame`."""
    values = pd.DataFrame({name: series.astype(float) for name, series in columns.items()}, index=frame.index)
    values["period"], values["township"] = frame["period"], frame["township"]
    return values.groupby(["period", "township"]).sum()


def as_int(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    for column in columns:
        frame[column] = frame[column].astype(int)
    return frame


def township_of_station(frame: pd.DataFrame, stations: pd.DataFrame) -> pd.Series:
    """Each row's township, through its station_id."""
    return frame["station_id"].map(stations.set_index("station_id")["township"])


def visit_figures(visits: pd.DataFrame, stations: pd.DataFrame, applications: pd.DataFrame | None,
                  whole: str, kind: str = "month") -> pd.DataFrame:  # fmt: skip
    """走访 per period × township: 户次, 走访日, 发现需求, 转办, 转为申请, 开启问题, and village-station coverage."""
    townships = sorted(stations["township"].dropna().unique())
    frame = visits.assign(
        township=township_of_station(visits, stations), period=PERIOD_FORMATS[kind](visits["visit_date"])
    )
    periods = period_span(visits["visit_date"], kind)
    referral = frame["referral_id"] if "referral_id" in frame else pd.Series("", index=frame.index)
    problem = frame["problem_id"] if "problem_id" in frame else pd.Series("", index=frame.index)
    known = set(applications["application_id"].dropna()) if applications is not None else set()
    day = frame["station_id"].astype(str) + "|" + frame["visit_date"].dt.strftime("%Y-%m-%d")
    counts = count_frame(frame, {
        "visits": pd.Series(1, index=frame.index),
        "visit_days": ~day.duplicated(),
        "needs_found": frame["needs_help"].eq(YES),
        "referred": present(referral),
        "became_applications": referral.isin(known),
        "problems_opened": present(problem),
    })  # fmt: skip
    # Coverage: station-months in which an active village-level station held ≥ VISIT_STANDARD 走访日.
    village = stations[(stations["level"].map(tier_of) == VILLAGE) & (stations["status"] == ACTIVE)]
    held = frame[~day.duplicated() & frame["station_id"].isin(village["station_id"])]
    days = held.groupby(
        ["period", "township", "station_id", PERIOD_FORMATS["month"](held["visit_date"])]
    ).size()
    counts["station_months_meeting"] = (days >= VISIT_STANDARD).groupby(level=["period", "township"]).sum()
    months = pd.Series(pd.to_datetime([f"{m}-01" for m in period_span(visits["visit_date"], "month")]))
    months_in = PERIOD_FORMATS[kind](months).value_counts()  # months of the span in each period
    result = with_total(counts.fillna(0), townships, periods, whole)
    stations_in = village.groupby("township").size()
    result["village_stations"] = result["township"].map(stations_in).fillna(0)
    result.loc[result["township"] == whole, "village_stations"] = len(village)
    result["station_months"] = result["village_stations"] * result["period"].map(months_in).fillna(0)
    result = as_int(result, VISIT_COLUMNS[:-1])
    result = with_rates(result)
    return result[["period", "township", *VISIT_COLUMNS]]


def latest_revisits(revisits: pd.DataFrame) -> pd.DataFrame:
    """Per 意见建议 item: its latest 回访 (date, result, 再次办理) and whether it is reopened (重新办理)."""
    linked = revisits[present(revisits["feedback_id"])] if len(revisits) else revisits
    ordered = linked.reset_index(drop=True).reset_index(names="_row").sort_values(["revisit_date", "_row"])
    latest = ordered.drop_duplicates("feedback_id", keep="last").sort_values("feedback_id")
    latest = latest[["feedback_id", "revisit_date", "station_id", "satisfaction", "follow_up"]].reset_index(
        drop=True
    )
    latest["reopened"] = latest["satisfaction"].eq(DISSATISFIED) & latest["follow_up"].eq(YES)
    return latest


def revisit_figures(revisits: pd.DataFrame, feedback: pd.DataFrame, stations: pd.DataFrame, whole: str,
                    kind: str = "month") -> pd.DataFrame:  # fmt: skip
    """回访 per period × township: 回访 and its results, 满意率, 回访率 of the 意见建议 closed in the period.

    An 意见建议 item revisited more than once counts once, with its latest 回访, in that 回访's period."""
    townships = sorted(stations["township"].dropna().unique())
    linked = present(revisits["feedback_id"])
    latest = latest_revisits(revisits)
    counted = pd.concat([revisits[~linked], latest.drop(columns="reopened")], ignore_index=True)
    counted = counted.assign(
        linked=present(counted["feedback_id"]) if len(counted) else pd.Series(dtype=bool)
    )
    counted = counted.merge(latest[["feedback_id", "reopened"]], on="feedback_id", how="left")
    counted["township"] = township_of_station(counted, stations)
    counted["period"] = PERIOD_FORMATS[kind](counted["revisit_date"])
    result = counted["satisfaction"]
    counts = count_frame(counted, {
        "revisits": pd.Series(1, index=counted.index),
        "satisfied": result.eq(SATISFIED[0]),
        "fairly_satisfied": result.eq(SATISFIED[1]),
        "dissatisfied": result.eq(DISSATISFIED),
        "feedback_revisits": counted["linked"],
        "feedback_satisfied": counted["linked"] & result.isin(SATISFIED),
        "reopened": counted["reopened"].fillna(False).astype(bool),
    })  # fmt: skip
    closed = feedback[feedback["closed_date"].notna()]
    closed = closed.assign(township=township_of_station(closed, stations),
                           period=PERIOD_FORMATS[kind](closed["closed_date"]))  # fmt: skip
    done = count_frame(closed, {
        "closed": pd.Series(1, index=closed.index),
        "closed_revisited": closed["feedback_id"].isin(set(latest["feedback_id"])),
    })  # fmt: skip
    counts = counts.join(done, how="outer").fillna(0)
    periods = period_span(pd.concat([revisits["revisit_date"], closed["closed_date"]]), kind)
    frame = as_int(
        with_total(counts, townships, periods, whole), [c for c in REVISIT_COLUMNS if "rate" not in c]
    )
    frame = with_rates(frame)
    return frame[["period", "township", *REVISIT_COLUMNS]]


def problem_items(problems: pd.DataFrame, as_of: dt.date, calendar: WorkCalendar) -> pd.DataFrame:
    """Every 问题 item (public columns) with days_to_close, overdue, due_soon and days_overdue as of `as_of`."""
    day = pd.Timestamp(as_of)
    soon = pd.Timestamp(calendar.add(as_of, DUE_SOON_DAYS))
    items = problems.copy()
    open_ = items["status"].ne(WRITTEN_OFF)
    items["days_to_close"] = (items["closed_date"] - items["found_date"]).dt.days.where(~open_)
    items["overdue"] = open_ & (items["deadline"] < day)
    items["due_soon"] = open_ & (items["deadline"] >= day) & (items["deadline"] <= soon)
    items["days_overdue"] = np.where(items["overdue"], (day - items["deadline"]).dt.days, 0)
    return items.sort_values(["deadline", "problem_id"]).reset_index(drop=True)


def problem_figures(
    items: pd.DataFrame, stations: pd.DataFrame, whole: str, kind: str = "month"
) -> pd.DataFrame:
    """问题 per period (of 发现日期) × township: by 来源 and 状态, 销号率, average days to 销号, overdue now."""
    townships = sorted(set(stations["township"].dropna()) | set(items["township"].dropna()))
    frame = items.assign(period=PERIOD_FORMATS[kind](items["found_date"]))
    counts = count_frame(frame, {
        "problems": pd.Series(1, index=frame.index),
        **{column: frame["source"].eq(word) for word, column in SOURCE_COLUMNS.items()},
        **{column: frame["status"].eq(word) for word, column in STATUS_COLUMNS.items()},
        "days_to_close_total": frame["days_to_close"].fillna(0),
        "overdue": frame["overdue"],
        "due_soon": frame["due_soon"],
    })  # fmt: skip
    result = with_total(counts, townships, period_span(items["found_date"], kind), whole)
    result = as_int(result, [c for c in PROBLEM_COLUMNS if c not in ("close_rate", "avg_days_to_close")])
    result = with_rates(result)
    return result[["period", "township", *PROBLEM_COLUMNS]]


def problem_counts(items: pd.DataFrame, whole: str, kind: str = "month") -> pd.DataFrame:
    """问题 per period × township × 来源 × 状态 (only the combinations that occur), with county totals."""
    frame = items.assign(period=PERIOD_FORMATS[kind](items["found_date"]))
    keys = ["period", "township", "source", "status"]
    towns = frame.groupby(keys).size().rename("problems").reset_index()
    total = frame.assign(township=whole).groupby(keys).size().rename("problems").reset_index()
    both = pd.concat([towns, total], ignore_index=True)
    both["_whole"] = both["township"].eq(whole)
    both["_status"] = both["status"].map({s: i for i, s in enumerate(PROBLEM_STATUSES)})
    both = both.sort_values(["period", "_whole", "township", "source", "_status"])
    return both.drop(columns=["_whole", "_status"]).reset_index(drop=True)


def supervision_figures(inspections: pd.DataFrame, projects: pd.DataFrame, stations: pd.DataFrame,
                        whole: str, kind: str = "month") -> pd.DataFrame:  # fmt: skip
    """监督 per period × township: 监督次数, projects checked, checks with problems, 开工率 and 完成率 at period end."""
    townships = sorted(set(stations["township"].dropna()) | set(projects["township"].dropna()))
    frame = inspections.assign(
        township=inspections["project_id"].map(projects.set_index("project_id")["township"]),
        period=PERIOD_FORMATS[kind](inspections["check_date"]),
    )
    problem = frame["problem_id"] if "problem_id" in frame else pd.Series("", index=frame.index)
    pair = frame["period"].astype(str) + "|" + frame["project_id"].astype(str)
    counts = count_frame(frame, {
        "checks": pd.Series(1, index=frame.index),
        "projects_checked": ~pair.duplicated(),
        "checks_with_problems": present(frame["problem_type"]) | present(problem),
    })  # fmt: skip
    periods = period_span(inspections["check_date"], kind)
    result = with_total(counts, townships, periods, whole)
    # 开工率 / 完成率 at each period's end: every project of the township (and of the county) against that day.
    ends = result[["period", "township"]].assign(
        end=period_end(result["period"], kind) if len(result) else None
    )
    stacked = pd.concat([projects, projects.assign(township=whole)], ignore_index=True)
    pairs = ends.merge(stacked, on="township")
    at_end = count_frame(pairs, {
        "projects_due_to_start": pairs["planned_start"] <= pairs["end"],
        "projects_started": pairs["actual_start"] <= pairs["end"],
        "projects_due_to_finish": pairs["planned_end"] <= pairs["end"],
        "projects_finished": pairs["actual_end"] <= pairs["end"],
    })  # fmt: skip
    result = result.join(at_end, on=["period", "township"]).fillna(0)
    result = as_int(result, [c for c in SUPERVISION_COLUMNS if not c.endswith("rate")])
    result = with_rates(result)
    return result[["period", "township", *SUPERVISION_COLUMNS]]


def project_supervision(
    inspections: pd.DataFrame, projects: pd.DataFrame, items: pd.DataFrame
) -> pd.DataFrame:
    """Per project: times supervised, the latest check (date, stage, 公示牌 posted), problems found and opened."""
    checks = inspections.reset_index(drop=True).reset_index(names="_row").sort_values(["check_date", "_row"])
    problem = checks["problem_id"] if "problem_id" in checks else pd.Series("", index=checks.index)
    checks = checks.assign(found=present(checks["problem_type"]) | present(problem))
    latest = checks.drop_duplicates("project_id", keep="last").set_index("project_id")
    status = items.set_index("problem_id")["status"] if len(items) else pd.Series(dtype=object)
    opened = checks.assign(problem_id=problem)[present(problem)].drop_duplicates(["project_id", "problem_id"])
    opened = opened.assign(status=opened["problem_id"].map(status))
    frame = projects[["project_id", "name", "township", "village"]].copy().set_index("project_id")
    frame["checks"] = checks.groupby("project_id").size()
    frame["last_check"] = latest["check_date"]
    frame["stage_at_last_check"] = latest["stage"]
    frame["sign_posted_at_last_check"] = latest["sign_posted"]
    frame["checks_with_problems"] = checks.groupby("project_id")["found"].sum()
    frame["problems_opened"] = opened.groupby("project_id").size()
    frame["problems_written_off"] = opened[opened["status"] == WRITTEN_OFF].groupby("project_id").size()
    for column in ("checks", "checks_with_problems", "problems_opened", "problems_written_off"):
        frame[column] = frame[column].fillna(0).astype(int)
    frame["problems_open"] = frame["problems_opened"] - frame["problems_written_off"]
    return frame.reset_index().sort_values(["township", "project_id"]).reset_index(drop=True)


def project_problems(inspections: pd.DataFrame, items: pd.DataFrame) -> pd.DataFrame:
    """The 问题 items that supervision opened, per project: problem_id, status, deadline, closed_date, overdue."""
    columns = ["project_id", "problem_id", "status", "deadline", "closed_date", "overdue"]
    if "problem_id" not in inspections or not len(inspections):
        return pd.DataFrame(columns=columns)
    opened = inspections[present(inspections["problem_id"])][["project_id", "problem_id"]].drop_duplicates()
    joined = opened.merge(
        items[["problem_id", "status", "deadline", "closed_date", "overdue"]], on="problem_id"
    )
    return joined[columns].sort_values(["project_id", "problem_id"]).reset_index(drop=True)


WEEKLY_COLUMNS = ["station_weeks_due", "station_weeks_on_time", "weekly_on_time_rate"]


def weekly_report_figures(services: pd.DataFrame, stations: pd.DataFrame, calendar: WorkCalendar, as_of: dt.date,
                          whole: str, kind: str = "month") -> pd.DataFrame:  # fmt: skip
    """每周报 per period (of each week's due day) × township: station-weeks due and reported on time.

    Every running 乡镇- and 村-level station owes one report a week (Monday to Sunday) that has a working day,
    due on its last working day as on the workbench's 每周报 board, for the weeks due by `as_of` from the
    service log's first week; it is on time when the 服务台账 holds a record of that station dated in the
    week and not after the due day (the build sees the log's dates, not upload times)."""
    townships = sorted(stations["township"].dropna().unique())
    dates = services["date"].dropna() if len(services) else pd.Series(dtype="datetime64[ns]")
    reporting = stations[
        stations["level"].map(tier_of).isin([TOWNSHIP, VILLAGE]) & (stations["status"] == ACTIVE)
    ]
    weeks = [w for w in weeks_between(dates.min().date() - dt.timedelta(days=6), as_of, calendar)
             if w.due is not None and w.due <= as_of] if len(dates) else []  # fmt: skip
    if not weeks:
        return pd.DataFrame(columns=["period", "township", *WEEKLY_COLUMNS])
    due = pd.DataFrame(
        {"monday": [pd.Timestamp(w.monday) for w in weeks], "due": [pd.Timestamp(w.due) for w in weeks]}
    )
    logged = services[services["station_id"].isin(reporting["station_id"])]
    logged = logged.assign(monday=logged["date"] - pd.to_timedelta(logged["date"].dt.day_of_week, unit="D"))
    logged = logged.merge(due, on="monday")
    sent = set(
        zip(*[logged.loc[logged["date"] <= logged["due"], c] for c in ("station_id", "monday")], strict=True)
    )
    grid = reporting[["station_id", "township"]].merge(due, how="cross")
    grid["period"] = PERIOD_FORMATS[kind](grid["due"])
    on_time = [(s, m) in sent for s, m in zip(grid["station_id"], grid["monday"], strict=True)]
    counts = count_frame(grid, {
        "station_weeks_due": pd.Series(1, index=grid.index),
        "station_weeks_on_time": pd.Series(on_time, index=grid.index),
    })  # fmt: skip
    result = as_int(with_total(counts, townships, period_span(grid["due"], kind), whole), WEEKLY_COLUMNS[:2])
    result["weekly_on_time_rate"] = ratio(result["station_weeks_on_time"], result["station_weeks_due"])
    return result[["period", "township", *WEEKLY_COLUMNS]]


@dataclass
class Loops:
    """The loop figures handed to render, the 工作报告, the 每季评 and the 预警提醒单 (see the frame docstrings)."""

    visits: pd.DataFrame  # visit_figures, per month × township
    revisits: pd.DataFrame  # revisit_figures, per month × township
    supervision: pd.DataFrame  # supervision_figures, per month × township
    problems: pd.DataFrame  # problem_figures, per month × township
    problem_counts: pd.DataFrame  # problem_counts, per month × township × 来源 × 状态
    projects: pd.DataFrame  # project_supervision, per project
    project_problems: pd.DataFrame  # project_problems: the items each project's supervision opened
    problem_items: pd.DataFrame  # problem_items: every 问题 item with overdue / due_soon flags
    latest_revisits: pd.DataFrame  # latest_revisits: per 意见建议 item, its latest 回访 and 重新办理
    as_of: dt.date
    whole: str
    weekly: pd.DataFrame = field(
        default_factory=pd.DataFrame
    )  # weekly_report_figures: 每周报 per month × township

    @property
    def overdue(self) -> pd.DataFrame:
        """Open 问题 items past their 整改时限 on the as-of date, the longest overdue first."""
        late = self.problem_items[self.problem_items["overdue"]]
        return late.sort_values(["days_overdue", "problem_id"], ascending=[False, True]).reset_index(
            drop=True
        )

    @property
    def due_soon(self) -> pd.DataFrame:
        """Open 问题 items due within DUE_SOON_DAYS working days of the as-of date, the soonest first."""
        return self.problem_items[self.problem_items["due_soon"]].reset_index(drop=True)

    def county_total(self, key: str) -> dict[str, Any]:
        """The county's figures of frame `key` over every period: events summed, end-of-period counts
        (STOCKS) from the last period, rates recomputed from those counts, NOT_ADDITIVE counts left out;
        {} when the frame is empty. (For a year or a quarter, `loop_figures(..., kind=…)` counts exactly.)"""
        frame = getattr(self, key)
        rows = frame[frame["township"] == self.whole]
        if rows.empty:
            return {}
        skip = ("period", "township", "avg_days_to_close", *NOT_ADDITIVE, *RATES)
        total = {c: int(rows[c].sum()) for c in rows.columns if c not in skip}
        total.update({c: int(rows[c].iloc[-1]) for c in STOCKS if c in total})
        figures = with_rates(pd.DataFrame([total])).iloc[0]
        rates = {name: float(figures[name]) for name in (*RATES, "avg_days_to_close") if name in figures}
        return {"first": rows["period"].iloc[0], "last": rows["period"].iloc[-1], **total, **rates}

    @property
    def reopened_ids(self) -> set[str]:
        """意见建议 items whose latest 回访 is 不满意 with 再次办理 是: shown as 重新办理, not closed."""
        return set(self.latest_revisits.loc[self.latest_revisits["reopened"], "feedback_id"])


def empty_table(columns: list[str], dates: tuple[str, ...] = ()) -> pd.DataFrame:
    """A table a project does not keep, as an empty frame with the columns the figures read."""
    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    for column in dates:
        frame[column] = pd.Series(dtype="datetime64[ns]")
    return frame


EMPTY = {
    "visits": (["station_id", "needs_help", "referral_id", "problem_id"], ("visit_date",)),
    "revisits": (["station_id", "feedback_id", "satisfaction", "follow_up"], ("revisit_date",)),
    "inspections": (["project_id", "stage", "sign_posted", "problem_type", "problem_id"], ("check_date",)),
    "services": (["station_id", "service_type", "count"], ("date",)),
    "problems": (["problem_id", "source", "township", "station_id", "status"],
                 ("found_date", "deadline", "closed_date")),
}  # fmt: skip


def loop_figures(
    tables: dict[str, pd.DataFrame],
    as_of: dt.date,
    calendar: WorkCalendar,
    whole: str = f"全{COUNTY}",
    kind: str = "month",
) -> Loops:
    """All loop frames for periods of `kind` (month, quarter or year), from the masked public views."""
    found = {name: tables[name] if name in tables else empty_table(*EMPTY[name]) for name in EMPTY}
    stations, projects, feedback = tables["stations"], tables["projects"], tables["feedback"]
    items = problem_items(found["problems"], as_of, calendar)
    return Loops(
        visits=visit_figures(found["visits"], stations, tables.get("applications"), whole, kind),
        revisits=revisit_figures(found["revisits"], feedback, stations, whole, kind),
        supervision=supervision_figures(found["inspections"], projects, stations, whole, kind),
        problems=problem_figures(items, stations, whole, kind),
        problem_counts=problem_counts(items, whole, kind),
        projects=project_supervision(found["inspections"], projects, items),
        project_problems=project_problems(found["inspections"], items),
        problem_items=items,
        latest_revisits=latest_revisits(found["revisits"]),
        as_of=as_of,
        whole=whole,
        weekly=weekly_report_figures(found["services"], stations, calendar, as_of, whole, kind),
    )
