"""Loop figures (disclosure/loops.py) recomputed by hand on a small county: two townships, three villages."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from yizhan.disclosure.loops import Loops, loop_figures
from yizhan.disclosure.render_stats import pct
from yizhan.rules.workdays import WorkCalendar

AS_OF = dt.date(2026, 11, 20)  # a Friday
WHOLE = "全县"


def dates(*values: str | None) -> pd.Series:
    return pd.to_datetime(pd.Series(values, dtype="object"), format="%Y-%m-%d")


def tables() -> dict[str, pd.DataFrame]:
    """Masked public views as derive hands them over: 东镇 has two village stations, 西乡 one and no 走访."""
    return {
        "stations": pd.DataFrame(
            {
                "station_id": ["T1", "V1", "V2", "T2", "V3", "V4"],
                "name": ["东镇驿站", "一村驿站", "二村驿站", "西乡驿站", "三村驿站", "四村驿站"],
                "township": ["东镇", "东镇", "东镇", "西乡", "西乡", "西乡"],
                "village": ["", "一村", "二村", "", "三村", "四村"],
                "level": ["乡镇", "村", "村", "乡镇", "村", "村"],
                "status": ["运行", "运行", "运行", "运行", "运行", "停用"],  # a closed station is not counted
            }
        ),
        "visits": pd.DataFrame(
            {
                "visit_date": dates(
                    "2026-10-02", "2026-10-02", "2026-10-09", "2026-10-16", "2026-11-03", "2026-10-02"
                ),
                "station_id": ["V1", "V1", "V1", "V1", "V2", "T1"],
                "needs_help": ["是", "否", "是", "否", "是", "否"],
                "referral_id": ["SQ1", None, "YJ1", None, None, None],
                "problem_id": [None, None, None, "WT1", None, None],
            }
        ),
        "applications": pd.DataFrame({"application_id": ["SQ1", "SQ2"]}),
        "feedback": pd.DataFrame(
            {
                "feedback_id": ["F1", "F2", "F3", "F4"],
                "station_id": ["V1", "V2", "V3", "V3"],
                "closed_date": dates("2026-10-05", "2026-10-20", None, "2026-10-21"),
                "status": ["已办结", "已办结", "待办", "已办结"],
            }
        ),
        "revisits": pd.DataFrame(
            {
                "revisit_date": dates("2026-10-10", "2026-11-02", "2026-10-25", "2026-10-28"),
                "station_id": ["V1", "V1", "V3", "V3"],
                "feedback_id": ["F1", "F1", None, "F4"],  # F1 revisited twice: the November 回访 counts
                "satisfaction": ["满意", "不满意", "基本满意", "满意"],
                "follow_up": ["否", "是", "否", "否"],
            }
        ),
        "projects": pd.DataFrame(
            {
                "project_id": ["P1", "P2"],
                "name": ["甲", "乙"],
                "township": ["东镇", "西乡"],
                "village": ["一村", ""],
                "planned_start": dates("2026-09-01", "2026-11-15"),
                "actual_start": dates("2026-09-10", None),
                "planned_end": dates("2026-10-30", "2027-01-01"),
                "actual_end": dates(None, None),
            }
        ),
        "inspections": pd.DataFrame(
            {
                "check_date": dates("2026-10-05", "2026-10-12", "2026-11-02"),
                "project_id": ["P1", "P1", "P1"],
                "stage": ["在建", "在建", "在建"],
                "sign_posted": ["否", "是", "否"],
                "problem_type": [None, "安全隐患", None],
                "problem_id": [None, "WT1", None],
            }
        ),
        "problems": pd.DataFrame(
            {
                "problem_id": ["WT1", "WT2", "WT3", "WT4"],
                "source": ["排查发现", "群众反映", "省市反馈", "群众反映"],
                "found_date": dates("2026-10-12", "2026-10-20", "2026-11-01", "2026-10-01"),
                "township": ["东镇", "东镇", "西乡", "东镇"],
                "station_id": ["V1", None, None, None],
                "deadline": dates("2026-10-30", "2026-11-25", "2026-11-10", "2026-10-20"),
                "closed_date": dates("2026-10-28", None, None, "2026-10-11"),
                "status": ["已销号", "整改中", "待整改", "已销号"],
            }
        ),
    }


@pytest.fixture(scope="module")
def loops() -> Loops:
    return loop_figures(tables(), AS_OF, WorkCalendar(), WHOLE)


def row(frame: pd.DataFrame, period: str, township: str) -> dict:
    found = frame[(frame["period"] == period) & (frame["township"] == township)]
    assert len(found) == 1, (period, township)
    return found.iloc[0].to_dict()


def test_visits_per_township_and_month(loops: Loops) -> None:
    october = row(loops.visits, "2026-10", "东镇")
    # 5 rows in October in 东镇 (4 at 一村, 1 at the township station); 走访日: V1 on 10-02, 10-09, 10-16 and T1 on 10-02.
    assert (october["visits"], october["visit_days"], october["needs_found"]) == (5, 4, 2)
    # 转办 SQ1 and YJ1; only SQ1 is an application; WT1 opened from a visit.
    assert (october["referred"], october["became_applications"], october["problems_opened"]) == (2, 1, 1)
    # Coverage: 一村 held 3 走访日 (meets the standard), 二村 none → 1 of 2 village stations.
    assert (october["village_stations"], october["station_months_meeting"], october["coverage_rate"]) == (
        2,
        1,
        50.0,
    )
    assert row(loops.visits, "2026-11", "东镇")["coverage_rate"] == 0.0


def test_a_township_without_rows_has_zeros_and_the_total_sums(loops: Loops) -> None:
    west = row(loops.visits, "2026-10", "西乡")
    assert (west["visits"], west["visit_days"], west["village_stations"], west["coverage_rate"]) == (
        0,
        0,
        1,
        0.0,
    )
    total = row(loops.visits, "2026-10", WHOLE)
    assert (total["visits"], total["village_stations"], total["station_months_meeting"]) == (5, 3, 1)
    assert total["coverage_rate"] == 33.3
    assert list(loops.visits["township"][:3]) == ["东镇", "西乡", WHOLE]


def test_revisits_latest_counts_and_revisit_rate(loops: Loops) -> None:
    east_oct, east_nov = row(loops.revisits, "2026-10", "东镇"), row(loops.revisits, "2026-11", "东镇")
    # F1's October 满意 is replaced by its November 不满意: October has no 回访 left in 东镇.
    assert (east_oct["revisits"], east_nov["revisits"], east_nov["dissatisfied"]) == (0, 1, 1)
    assert math.isnan(east_oct["satisfaction_rate"]) and east_nov["satisfaction_rate"] == 0.0
    assert east_nov["reopened"] == 1
    # Closed in October in 东镇: F1 and F2; F1 has a 回访 → 回访率 50%.
    assert (east_oct["closed"], east_oct["closed_revisited"], east_oct["revisit_rate"]) == (2, 1, 50.0)
    west = row(loops.revisits, "2026-10", "西乡")
    # 西乡: the unlinked 回访 (基本满意) and F4 (满意): both satisfied; F4 closed and revisited.
    assert (west["revisits"], west["satisfied"], west["fairly_satisfied"], west["satisfaction_rate"]) == (
        2,
        1,
        1,
        100.0,
    )
    assert (west["feedback_revisits"], west["feedback_satisfied"], west["feedback_satisfaction_rate"]) == (
        1,
        1,
        100.0,
    )
    assert west["revisit_rate"] == 100.0
    assert loops.reopened_ids == {"F1"}
    latest = loops.latest_revisits.set_index("feedback_id")
    assert latest.loc["F1", "revisit_date"] == pd.Timestamp("2026-11-02")


def test_a_month_without_closed_items_shows_a_dash(loops: Loops) -> None:
    november = row(loops.revisits, "2026-11", WHOLE)
    assert november["closed"] == 0 and math.isnan(november["revisit_rate"])
    assert pct(november["revisit_rate"]) == "—"
    assert pct(november["satisfaction_rate"]) == "0.0%"


def test_supervision_rates_at_month_end(loops: Loops) -> None:
    october, west = row(loops.supervision, "2026-10", "东镇"), row(loops.supervision, "2026-11", "西乡")
    assert (october["checks"], october["projects_checked"], october["checks_with_problems"]) == (2, 1, 1)
    # P1 planned and started before October's end; planned to finish 10-30 but not finished.
    assert (october["start_rate"], october["finish_rate"]) == (100.0, 0.0)
    # P2 was due to start 11-15 and has not: 0 of 1; nothing due to finish → no rate.
    assert (west["checks"], west["projects_due_to_start"], west["start_rate"]) == (0, 1, 0.0)
    assert math.isnan(west["finish_rate"])
    assert row(loops.supervision, "2026-11", WHOLE)["start_rate"] == 50.0


def test_project_supervision_block(loops: Loops) -> None:
    projects = loops.projects.set_index("project_id")
    p1, p2 = projects.loc["P1"], projects.loc["P2"]
    assert (p1["checks"], p1["sign_posted_at_last_check"], p1["last_check"]) == (
        3,
        "否",
        pd.Timestamp("2026-11-02"),
    )
    assert (
        p1["checks_with_problems"],
        p1["problems_opened"],
        p1["problems_written_off"],
        p1["problems_open"],
    ) == (1, 1, 1, 0)
    assert (p2["checks"], p2["problems_opened"]) == (0, 0) and pd.isna(p2["last_check"])
    assert loops.project_problems[["project_id", "problem_id", "status"]].values.tolist() == [
        ["P1", "WT1", "已销号"]
    ]


def test_problems_by_source_and_status(loops: Loops) -> None:
    east = row(loops.problems, "2026-10", "东镇")
    assert (east["problems"], east["found_on_check"], east["from_residents"], east["from_above"]) == (
        3,
        1,
        2,
        0,
    )
    assert (east["written_off"], east["rectifying"], east["close_rate"]) == (2, 1, 66.7)
    # Days to 销号: WT1 10-12 → 10-28 is 16, WT4 10-01 → 10-11 is 10: average 13.0.
    assert east["avg_days_to_close"] == 13.0
    west = row(loops.problems, "2026-11", "西乡")
    assert (west["problems"], west["to_rectify"], west["overdue"]) == (1, 1, 1) and math.isnan(
        west["avg_days_to_close"]
    )
    counts = loops.problem_counts
    assert counts[(counts["township"] == WHOLE) & (counts["period"] == "2026-10")]["problems"].sum() == 3


def test_overdue_and_due_soon_by_working_days(loops: Loops) -> None:
    # As of Friday 11-20: WT3 (due 11-10, open) is overdue by 10 days; WT2 due Wednesday 11-25 is the 3rd working day.
    assert loops.overdue[["problem_id", "days_overdue"]].values.tolist() == [["WT3", 10]]
    assert list(loops.due_soon["problem_id"]) == ["WT2"]
    later = loop_figures(tables(), dt.date(2026, 11, 19), WorkCalendar(), WHOLE)
    assert list(later.due_soon["problem_id"]) == []  # 11-25 is the 4th working day after Thursday 11-19
    # A written-off item is never overdue, even past its deadline (WT4 closed 10-11, due 10-20).
    assert "WT4" not in set(loops.overdue["problem_id"])


def test_quarters_count_station_months() -> None:
    quarter = loop_figures(tables(), AS_OF, WorkCalendar(), WHOLE, "quarter")
    east = row(quarter.visits, "2026Q4", "东镇")
    # Two village stations over October and November: 4 station-months, one of which met the standard.
    assert (east["station_months"], east["station_months_meeting"], east["coverage_rate"]) == (4, 1, 25.0)
    assert row(quarter.revisits, "2026Q4", WHOLE)["revisits"] == 3


def test_a_county_without_loop_tables_gets_empty_frames() -> None:
    only = {name: frame for name, frame in tables().items() if name in ("stations", "projects", "feedback")}
    empty = loop_figures(only, AS_OF, WorkCalendar(), WHOLE)
    assert empty.visits.empty and empty.problems.empty and empty.supervision.empty and empty.overdue.empty
    assert list(empty.projects["checks"]) == [0, 0]
    assert row(empty.revisits, "2026-10", WHOLE)["revisit_rate"] == 0.0  # closed, never revisited


def test_county_total_over_every_month(loops: Loops) -> None:
    visits, supervision = loops.county_total("visits"), loops.county_total("supervision")
    assert (visits["first"], visits["last"], visits["visits"], visits["station_months"]) == (
        "2026-10",
        "2026-11",
        6,
        6,
    )
    assert visits["coverage_rate"] == 16.7  # 1 of 6 station-months
    # End-of-month counts come from the last month; a project checked in two months is not counted twice.
    assert (supervision["checks"], supervision["projects_due_to_start"], supervision["start_rate"]) == (
        3,
        2,
        50.0,
    )
    assert "projects_checked" not in supervision
    problems = loops.county_total("problems")
    assert (problems["problems"], problems["written_off"], problems["avg_days_to_close"]) == (4, 2, 13.0)
    assert isinstance(problems["problems"], int)
    assert (
        loop_figures(
            {k: v for k, v in tables().items() if k != "visits"}, AS_OF, WorkCalendar()
        ).county_total("visits")
        == {}
    )
