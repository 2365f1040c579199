"""每周报 on time (disclosure/loops.py): station-weeks due by the working-day calendar and reported by the due day."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from yizhan.disclosure.loops import weekly_report_figures
from yizhan.rules.workdays import WorkCalendar

STATIONS = pd.DataFrame(
    {
        "station_id": ["S1", "S2", "S3", "S4", "T1"],
        "level": ["乡镇", "村", "组", "村", "街道"],
        "township": ["甲镇", "甲镇", "甲镇", "甲镇", "乙街道"],
        "status": ["运行", "运行", "运行", "停用", "运行"],
    }
)


def services(rows: list[tuple[str, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        {"date": pd.to_datetime([d for d, _ in rows]), "station_id": [s for _, s in rows], "count": 1}
    )


def test_weekly_reports_count_station_weeks_due_and_on_time() -> None:
    # Weeks from Mon 11-09 (due Fri 11-13) and Mon 11-16 (due Fri 11-20 = as-of). S2 logged its first week
    # on Sunday 11-15, after the due day; the 组 station and the closed station owe nothing.
    log = services([("2026-11-11", "S1"), ("2026-11-18", "S1"), ("2026-11-15", "S2"), ("2026-11-11", "S3"),
                    ("2026-11-18", "T1")])  # fmt: skip
    frame = weekly_report_figures(log, STATIONS, WorkCalendar(), dt.date(2026, 11, 20), "全县")
    rows = {r["township"]: r for r in frame.to_dict("records")}
    assert set(frame["period"]) == {"2026-11"}
    assert (rows["甲镇"]["station_weeks_due"], rows["甲镇"]["station_weeks_on_time"]) == (4, 2)
    assert rows["甲镇"]["weekly_on_time_rate"] == 50.0
    assert (rows["乙街道"]["station_weeks_due"], rows["乙街道"]["station_weeks_on_time"]) == (2, 1)
    assert (rows["全县"]["station_weeks_due"], rows["全县"]["station_weeks_on_time"]) == (6, 3)


def test_a_week_not_yet_due_and_an_empty_log_owe_nothing() -> None:
    log = services([("2026-11-18", "S1")])
    frame = weekly_report_figures(log, STATIONS, WorkCalendar(), dt.date(2026, 11, 19), "全县")
    assert frame.empty  # the week of 11-16 is due 11-20, after the as-of date
    empty = weekly_report_figures(services([]), STATIONS, WorkCalendar(), dt.date(2026, 11, 20), "全县")
    assert empty.empty and list(empty.columns)[:2] == ["period", "township"]
