"""工作报告: the county's headline figures for a month and for the 12 months to the edition.

Every figure is read from a frame computed elsewhere — the loop frames of disclosure/loops.py, the
意见建议, 服务统计 and 限时办结 statistics, the 公开信息期次 of disclosure/stats.py — and only summed over the
months of the period here (rates as the sum of their parts over the sum of their wholes).
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from . import Disclosure
from .stats import disclosure_issues, rate

MONTHLY, YEARLY = "month", "year"


@dataclass(frozen=True)
class Period:
    """The months a report covers, the first and last day counted, and the slug of its page and PDF."""

    kind: str
    months: tuple[str, ...]  # "2026-10", oldest first
    first: dt.date
    last: dt.date

    @property
    def slug(self) -> str:
        return self.months[-1] if self.kind == MONTHLY else f"nian-{self.months[-1]}"


def month_label(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def month_before(day: dt.date) -> dt.date:
    """The first day of the month before `day`'s month."""
    return (day.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def report_periods(edition: dt.date) -> list[Period]:
    """The latest complete month of the edition, and the 12 calendar months ending with the edition's month
    (that last month counted up to the edition date)."""
    month_end = edition.replace(day=calendar.monthrange(edition.year, edition.month)[1])
    last_full = edition.replace(day=1) if edition == month_end else month_before(edition)
    full_end = last_full.replace(day=calendar.monthrange(last_full.year, last_full.month)[1])
    monthly = Period(MONTHLY, (month_label(last_full),), last_full, full_end)
    firsts = [edition.replace(day=1)]
    while len(firsts) < 12:
        firsts.insert(0, month_before(firsts[0]))
    yearly = Period(YEARLY, tuple(month_label(f) for f in firsts), firsts[0], edition)
    return [monthly, yearly]


@dataclass
class Measure:
    """One headline figure over a period: for the county and per township; a rate keeps its part and whole."""

    total: float | None
    townships: dict[str, float | None]
    part: dict[str, float] = field(default_factory=dict)  # numerator (or second count) per place, county too
    whole: dict[str, float] = field(default_factory=dict)  # denominator per place, county too


def summed(frame: pd.DataFrame, months: tuple[str, ...], columns: list[str]) -> pd.DataFrame:
    """A long loop frame (period, township, …) summed over `months`, one row per township (and the total)."""
    chosen = frame[frame["period"].isin(months)]
    return chosen.groupby("township", sort=False)[columns].sum()


def count_measure(sums: pd.DataFrame, column: str, whole: str, townships: list[str]) -> Measure:
    values = {t: float(sums[column].get(t, 0)) for t in townships}
    return Measure(float(sums[column].get(whole, 0)), values)


def pair_measure(part: dict[str, float], total: dict[str, float], whole: str, as_rate: bool) -> Measure:
    """A figure with two counts per place: a rate (part ÷ total) or a count of `total` with `part` of it."""
    places = [p for p in total if p != whole]
    if as_rate:
        return Measure(
            rate(part.get(whole, 0), total.get(whole, 0)),
            {p: rate(part.get(p, 0), total[p]) for p in places},
            part,
            total,
        )
    return Measure(total.get(whole, 0), {p: total[p] for p in places}, part, total)


def townships_of(data: Disclosure) -> list[str]:
    """Every township a loop frame or the service statistics name, in order (not the county's total row)."""
    assert data.loops is not None
    frames = [
        data.loops.visits,
        data.loops.weekly,
        data.loops.revisits,
        data.loops.supervision,
        data.loops.problems,
    ]
    names = {t for f in frames if "township" in f for t in f["township"]} | set(data.services.townships)
    return sorted(names - {data.loops.whole})


@dataclass
class WorkReport:
    """A 工作报告's figures: measure key → Measure, townships in order, the county total's label."""

    period: Period
    measures: dict[str, Measure]
    townships: list[str]
    whole: str


def work_report(data: Disclosure, period: Period, townships: list[str], whole: str) -> WorkReport:
    """Every headline figure of the period, from the frames other modules computed."""
    months = period.months
    loops = data.loops
    assert loops is not None, "the loop figures are derived with the disclosure"
    places = [*townships, whole]
    measures: dict[str, Measure] = {}
    checks = summed(loops.supervision, months, ["checks"])
    measures["inspections"] = count_measure(checks, "checks", whole, townships)
    issues = disclosure_issues(data.notices, loops.supervision, whole)
    issues = issues[issues["month"].isin(months)].groupby("township").size()
    measures["issues"] = Measure(float(issues.sum()), {t: float(issues.get(t, 0)) for t in townships})
    collected = {p: 0.0 for p in places}
    for month in data.feedback.months:
        if month.month in months:
            collected[whole] += month.total.collected
            for group in month.townships:
                collected[group.label] = collected.get(group.label, 0.0) + group.collected
    measures["feedback"] = Measure(collected[whole], {t: collected.get(t, 0.0) for t in townships})
    problems = summed(loops.problems, months, ["problems", "written_off"])
    measures["problems"] = pair_measure(
        {p: float(problems["written_off"].get(p, 0)) for p in places},
        {p: float(problems["problems"].get(p, 0)) for p in places},
        whole,
        as_rate=False,
    )
    revisits = summed(loops.revisits, months, ["revisits", "satisfied", "fairly_satisfied"])
    measures["satisfaction"] = pair_measure(
        {p: float(revisits["satisfied"].get(p, 0) + revisits["fairly_satisfied"].get(p, 0)) for p in places},
        {p: float(revisits["revisits"].get(p, 0)) for p in places},
        whole,
        as_rate=True,
    )
    visits = summed(loops.visits, months, ["visits", "needs_found"])
    measures["visits"] = count_measure(visits, "visits", whole, townships)
    measures["needs"] = count_measure(visits, "needs_found", whole, townships)
    services = data.services
    in_period = services.monthly_township[services.monthly_township["month"].isin(months)]
    people = in_period.groupby("township")["total"].sum()
    county_people = services.monthly_county[services.monthly_county["month"].isin(months)]["total"].sum()
    measures["services"] = Measure(float(county_people), {t: float(people.get(t, 0)) for t in townships})
    on_time = {p: 0.0 for p in places}
    due = {p: 0.0 for p in places}
    for month, total, groups in data.timeliness.months if data.timeliness else []:
        if month in months:
            for label, group in [(whole, total), *((g.label, g) for g in groups)]:
                on_time[label] = on_time.get(label, 0.0) + group.on_time
                due[label] = due.get(label, 0.0) + group.due
    measures["on_time"] = pair_measure(on_time, {p: due.get(p, 0.0) for p in places}, whole, as_rate=True)
    return WorkReport(period, measures, townships, whole)
