"""每周报 and 每月查: month cells by the working-day calendar, and each township's 预警 items as its sheet has them."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from conftest import FIXTURES
from yizhan.derive import derive
from yizhan.disclosure.warnings import township_warnings
from yizhan.load import load
from yizhan.rules.workdays import WorkCalendar
from yizhan.validate import to_model, validate
from yizhan.workbench.board import DUE, LATE, PROBLEMS, REPORTED, REST, month_board, months_until


def test_months_hold_the_weeks_due_in_them() -> None:
    months = months_until(dt.date(2026, 10, 8), WorkCalendar(), 3)
    assert [m.label for m in months] == ["2026年8月", "2026年9月", "2026年10月"]
    # the week of 28 September is due on the 30th (National Day): it belongs to September, not October
    assert months[1].weeks[-1].due == dt.date(2026, 9, 30)
    assert [w.due for w in months[2].weeks] == [dt.date(2026, 10, 10)]
    assert all(w.due is not None and w.due.month == 8 for w in months[0].weeks) and len(months[0].weeks) == 4


def test_month_cells() -> None:
    today = dt.date(2026, 10, 8)
    months = months_until(today, WorkCalendar(), 3)
    september = [w.monday + dt.timedelta(days=1) for w in months[1].weeks]
    sent = {
        "all": [(d, True) for m in months[:2] for d in (w.monday for w in m.weeks)],
        "bad": [(september[0], False)],
    }
    rows = dict(month_board(["all", "bad", "none"], months, today, sent))
    assert [c.state for c in rows["all"]] == [REPORTED, REPORTED, DUE]
    assert (rows["all"][1].reported, rows["all"][1].missing) == (len(september), 0)
    assert [c.state for c in rows["bad"]] == [LATE, PROBLEMS, DUE]
    assert (rows["bad"][1].problems, rows["bad"][1].missing) == (1, len(september) - 1)
    assert [c.state for c in rows["none"]] == [LATE, LATE, DUE]
    holiday = WorkCalendar(holidays=frozenset(dt.date(2026, 10, 5) + dt.timedelta(days=n) for n in range(7)))
    last = months_until(today, holiday, 1)[0]
    assert last.weeks == () and month_board(["x"], [last], today, {})[0][1][0].state == REST


def test_township_warnings_are_the_sheets_items() -> None:
    project = load(Path(FIXTURES / "mini"))
    assert validate(project).valid
    model = to_model(project)
    data = derive(model).stats["disclosure"]
    found = township_warnings(data, model.county, "城关镇")
    late = [f["id"] for f in data.feedback.overdue if f["township"] == "城关镇"]
    assert late and [f["id"] for f in found.feedback_late] == late
    problems = [p["id"] for p in found.problems_late + found.problems_soon]
    assert problems == ["WT202611-0001", "WT202611-0002"]  # the 问题 items past or near their 整改时限
    assert found.count == len(found.overdue) + len(found.soon) + len(late) + len(found.feedback_soon) + 2
    others = township_warnings(data, model.county, "白沙乡")
    assert all(f["township"] == "白沙乡" for f in others.feedback_late + others.feedback_soon)
    assert all(a.township == "白沙乡" for a in others.overdue + others.soon)


def test_the_board_speaks_the_countys_place_words_and_lists_nothing_for_an_invalid_county(
    tmp_path: Path,
) -> None:
    from yizhan.workbench.app import Workbench

    root = tmp_path / "county"
    shutil.copytree(FIXTURES / "mini", root)
    stations = root / "datasets/驿站名录.csv"
    stations.write_text(
        stations.read_text(encoding="utf-8-sig").replace(",乡镇,", ",街道,"), encoding="utf-8-sig"
    )
    bench = Workbench(root)
    found, places, edition = bench._warnings(load(root), ["城关镇"])
    assert found is not None and places.township == "街道" and edition is not None
    # 4 opinions past the limit (one 重新办理 after its 回访), 1 问题 item overdue and 1 due within 3 working days
    assert list(found) == ["城关镇"] and found["城关镇"].count == 6
    lines = stations.read_text(encoding="utf-8-sig").splitlines()
    stations.write_text("\n".join([*lines, lines[1]]) + "\n", encoding="utf-8-sig")  # a station twice
    found, places, edition = bench._warnings(load(root), ["城关镇"])
    assert found is None and edition is None and places.township == "街道"
