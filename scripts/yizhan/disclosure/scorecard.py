"""每季评: the quarterly township scorecard — internal A4, never on the website, like the 预警提醒单.

Five rates per township, each read from a frame computed elsewhere (限时办结 of disclosure/timeliness.py, the
每周报, 问题, 回访 and 走访 frames of disclosure/loops.py) and summed over the quarter's months; each rate is
ranked (higher is better, ties share a place, a township without data comes last), and the townships are
ranked by the average of their five places.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..buildkit.templating import render_template
from ..model.output import PrintJob
from ..model.project import County
from . import Disclosure
from .loops import VISIT_STANDARD
from .reports import month_label, summed, townships_of
from .stats import rate

FOLDER = "内部-每季评"  # build/print/内部-每季评/<版次日期>/<季度>.pdf, never copied to the site
MEASURES = ("on_time", "weekly", "close", "satisfaction", "coverage")
# measure → (loop frame, numerator columns, denominator column); 按时办结率 comes from 限时办结.
LOOP_PARTS = {
    "weekly": ("weekly", ["station_weeks_on_time"], "station_weeks_due"),
    "close": ("problems", ["written_off"], "problems"),
    "satisfaction": ("revisits", ["satisfied", "fairly_satisfied"], "revisits"),
    "coverage": ("visits", ["station_months_meeting"], "station_months"),
}


@dataclass(frozen=True)
class Quarter:
    """A calendar quarter: its label (2026Q3), months and first and last day."""

    label: str
    months: tuple[str, ...]
    first: dt.date
    last: dt.date

    @property
    def title(self) -> str:
        return f"{self.first.year}年第{(self.first.month - 1) // 3 + 1}季度"


def quarter_of(year: int, number: int) -> Quarter:
    first = dt.date(year, 3 * number - 2, 1)
    following = dt.date(year + 1, 1, 1) if number == 4 else dt.date(year, 3 * number + 1, 1)
    months = tuple(month_label(dt.date(year, first.month + n, 1)) for n in range(3))
    return Quarter(f"{year}Q{number}", months, first, following - dt.timedelta(days=1))


def scored_quarters(edition: dt.date, months_with_data: set[str]) -> list[Quarter]:
    """The complete quarters of the edition's year that have data, and always the latest complete quarter."""
    current = (edition.month - 1) // 3 + 1
    latest = quarter_of(edition.year, current - 1) if current > 1 else quarter_of(edition.year - 1, 4)
    if edition == quarter_of(edition.year, current).last:
        latest = quarter_of(edition.year, current)
    found = [
        q
        for q in (quarter_of(edition.year, n) for n in range(1, 5))
        if q.last <= edition and set(q.months) & months_with_data
    ]
    return found if latest in found else [*found, latest]


@dataclass
class ScoreRow:
    """One township's quarter: each rate with its counts, each rate's place, the average place and the rank."""

    township: str
    values: dict[str, float | None]
    counts: dict[str, tuple[int, int]]  # numerator, denominator
    places: dict[str, int]
    average: float
    rank: int


def places_of(values: dict[str, float | None]) -> dict[str, int]:
    """Competition ranking, higher first: 1, 2, 2, 4 …; a township without a value comes after all that have one."""
    known = sorted((v for v in values.values() if v is not None), reverse=True)
    last = len(known) + 1
    return {t: (known.index(v) + 1 if v is not None else last) for t, v in values.items()}


def scorecard(
    data: Disclosure, quarter: Quarter, townships: list[str], whole: str
) -> tuple[list[ScoreRow], ScoreRow]:
    """The townships in rank order, and the county's row (its places left at 0)."""
    loops = data.loops
    assert loops is not None, "the loop figures are derived with the disclosure"
    places = [*townships, whole]
    counts: dict[str, dict[str, tuple[int, int]]] = {p: {} for p in places}
    on_time = {p: [0, 0] for p in places}
    for month, total, groups in data.timeliness.months if data.timeliness else []:
        if month in quarter.months:
            for label, group in [(whole, total), *((g.label, g) for g in groups)]:
                if label in on_time:
                    on_time[label][0] += group.on_time
                    on_time[label][1] += group.due
    for place in places:
        counts[place]["on_time"] = (on_time[place][0], on_time[place][1])
    for key, (frame_name, parts, whole_column) in LOOP_PARTS.items():
        frame = getattr(loops, frame_name)
        sums = summed(frame, quarter.months, [*parts, whole_column]) if len(frame) else pd.DataFrame()
        for place in places:
            part = int(sum(sums[c].get(place, 0) for c in parts)) if len(sums) else 0
            counts[place][key] = (part, int(sums[whole_column].get(place, 0)) if len(sums) else 0)
    values = {p: {m: rate(*counts[p][m]) for m in MEASURES} for p in places}
    placed = {m: places_of({t: values[t][m] for t in townships}) for m in MEASURES}
    averages = {t: round(sum(placed[m][t] for m in MEASURES) / len(MEASURES), 1) for t in townships}
    ranks = places_of({t: -averages[t] for t in townships})
    rows = [
        ScoreRow(t, values[t], counts[t], {m: placed[m][t] for m in MEASURES}, averages[t], ranks[t])
        for t in townships
    ]
    rows.sort(key=lambda r: (r.rank, r.township))
    return rows, ScoreRow(whole, values[whole], counts[whole], {}, 0.0, 0)


def scorecard_sheets(data: Disclosure, county: County, templates: Path) -> list[PrintJob]:
    """One internal A4 scorecard per scored quarter, all townships ranked on it."""
    if data.loops is None:
        return []
    whole = data.loops.whole
    townships = townships_of(data)
    with_data = set(data.loops.visits["period"]) | set(data.loops.weekly.get("period", pd.Series(dtype=str)))
    with_data |= {month for month, _, _ in (data.timeliness.months if data.timeliness else [])}
    day = county.edition
    jobs = []
    for quarter in scored_quarters(day, with_data):
        rows, total = scorecard(data, quarter, townships, whole)
        title = f"{county.county}{county.places.township}民生驿站工作每季评（{quarter.title}）"
        html = render_template(
            templates, "print/disclosure/scorecard.html.j2", title=title, county=county, quarter=quarter,
            rows=rows, total=total, measures=MEASURES, edition=day, visit_standard=VISIT_STANDARD,
        )  # fmt: skip
        jobs.append(
            PrintJob(
                f"{FOLDER}/{day.isoformat()}/{quarter.label}.pdf",
                html,
                group=f"scorecards-{day.isoformat()}",
                title=f"{title}（内部使用，不公开）",
                fit=("dense",),  # one sheet: denser type when eighteen townships do not fit
            )
        )
    return jobs
