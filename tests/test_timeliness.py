"""限时办结: deadlines in 工作日 across 国庆 and a 调休 Saturday, county-supplied days, and the rates."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from conftest import FIXTURES, REPO
from yizhan.disclosure.timeliness import step_deadlines, timeliness
from yizhan.load import load
from yizhan.model.project import Policy
from yizhan.rules.workdays import WorkCalendar, calendar_from
from yizhan.validate import to_model

D = dt.date


@pytest.fixture(scope="module")
def policies() -> dict[str, Policy]:
    return {p.id: p for p in to_model(load(FIXTURES / "mini")).policies}


def test_linshi_deadlines_across_national_day(policies: dict[str, Policy]) -> None:
    """临时救助: village steps 0+5+7, township 3, county 2, 办结时限 20 工作日; received Fri 2026-09-25.

    Counted by hand: 09-28, 29, 30 (1–3); 国庆 10-01…10-07 off; 10-08, 10-09 (4, 5); Saturday 10-10 is a
    调休 working day (6); 10-12…16 (7–11); 10-19 (12) → 转报乡镇; 10-20, 21, 22 (13–15) → 审核;
    10-23, 10-26 (16, 17) → 审批; 10-27, 28, 29 (18–20) → 办结. Calendar days would give 10-15.
    """
    linshi = policies["linshi"]
    assert [s.days for s in linshi.steps] == [0, 5, 7, 3, 2] and linshi.time_limit_days == 20
    due = step_deadlines(linshi, D(2026, 9, 25), WorkCalendar())
    assert due == {
        "转报乡镇": D(2026, 10, 19),
        "审核": D(2026, 10, 22),
        "审批": D(2026, 10, 26),
        "办结": D(2026, 10, 29),
    }


def test_saturday_and_sunday_makeup_days() -> None:
    calendar = WorkCalendar()
    assert calendar.is_workday(D(2026, 10, 10)) and not calendar.is_workday(D(2026, 10, 11))
    assert calendar.is_workday(D(2026, 9, 20))  # a 调休 Sunday before 国庆
    assert calendar.add(D(2026, 9, 30), 1) == D(2026, 10, 8)
    assert calendar.between(D(2026, 9, 30), D(2026, 10, 10)) == 3


def test_years_the_library_does_not_know() -> None:
    """2027: without county days, Monday–Friday and the year remembered; with them, the county's days."""
    guess = WorkCalendar()
    assert guess.add(D(2026, 12, 31), 1) == D(2027, 1, 1)  # a Friday, guessed as a working day
    assert 2027 in guess.guessed_years
    county = calendar_from({"holidays": [D(2027, 1, 1)], "workdays": ["2027-01-09"]})
    assert county.add(D(2026, 12, 31), 1) == D(2027, 1, 4)
    assert county.is_workday(D(2027, 1, 9)) and 2027 not in county.guessed_years


def test_on_time_rate_per_township(policies: dict[str, Policy]) -> None:
    stations = pd.DataFrame({"station_id": ["S1", "S2"], "township": ["东镇", "西乡"], "village": ["", ""],
                             "name": ["东镇驿站", "西乡驿站"]})  # fmt: skip
    ts = pd.Timestamp
    register = pd.DataFrame({
        "application_id": ["A1", "A2", "A3", "A4", "A5"],
        "received_date": [ts("2026-09-25")] * 4 + [ts("2026-11-16")],
        "station_id": ["S1", "S1", "S1", "S2", "S2"],
        "policy_id": ["linshi"] * 5,
        "status": ["办结", "办结", "审核", "不予受理", "受理"],
        "closed_date": [ts("2026-10-29"), ts("2026-10-30"), pd.NaT, ts("2026-09-28"), pd.NaT],
    })  # fmt: skip
    result = timeliness(register, stations, list(policies.values()), D(2026, 11, 20), WorkCalendar())
    month, county, towns = result.months[-1]
    assert month == "2026-09" and county.received == 4
    east, west = towns
    # 东镇: A1 on its last day (10-29), A2 one working day late, A3 still at 审核 and 16 working days late.
    assert (east.received, east.finished, east.on_time, east.overdue, east.due) == (3, 2, 1, 2, 3)
    assert east.on_time_rate == pytest.approx(33.3)
    assert (west.on_time, west.due, west.on_time_rate) == (1, 1, 100.0)
    assert [(a.id, a.step, a.late_days) for a in result.overdue] == [("A3", "审批", 16), ("A2", "办结", 1)]
    assert result.total.received == 5 and result.total.due == 4  # A5 is not yet due


def test_pages_show_rates_and_stuck_step_without_personal_data(policies: dict[str, Policy]) -> None:
    from bs4 import BeautifulSoup

    from yizhan.derive import public_view
    from yizhan.disclosure.render_timeliness import timeliness_pages

    project = load(FIXTURES / "mini")
    model = to_model(project)
    spec = model.specs["applications"]
    ts = pd.Timestamp
    raw = pd.DataFrame({
        "application_id": ["SQ202609-0001", "SQ202609-0002"], "received_date": [ts("2026-09-25")] * 2,
        "station_id": ["YZ-01-001", "YZ-01-001"], "policy_id": ["linshi", "linshi"],
        "applicant_name": ["王小明", "李大华"], "phone": ["13912345678", "13912345679"],
        "status": ["办结", "审核"], "forwarded_date": [ts("2026-10-12")] * 2, "reviewed_date": [ts("2026-10-14")] * 2,
        "approved_date": [ts("2026-10-16"), pd.NaT], "closed_date": [ts("2026-10-20"), pd.NaT],
        "submission_id": ["uuid:x1", ""], "form_version": ["", ""], "review_flag": ["", ""],
    })  # fmt: skip
    view = public_view(raw, spec)
    result = timeliness(view, model.tables["stations"], model.policies, D(2026, 11, 20), WorkCalendar())
    docs = timeliness_pages(result, model.county, REPO / "site_templates")
    month = BeautifulSoup(docs["disclosure/xianshi/2026-09.md"], "html.parser")
    rows = [
        [c.get_text(strip=True) for c in r.select("th, td")]
        for r in month.select("table")[0].select("tbody tr")
    ]
    assert rows[0] == ["城关镇", "2", "2", "1", "1", "50.0%"]
    late = [
        [c.get_text(strip=True) for c in r.select("td")] for r in month.select("table")[1].select("tbody tr")
    ]
    assert late == [["SQ202609-0002", "城关镇", "福塘村", "临时救助", "2026-10-29", "待审批", "16"]]
    text = "".join(docs.values())
    assert "王小明" not in text and "李大华" not in text and "1391234567" not in text and "uuid" not in text


def test_weekly_warning_sheet_is_internal_a4_without_names(tmp_path) -> None:
    import shutil
    import subprocess

    import weasyprint
    from pypdf import PdfReader

    from conftest import read_rows, write_rows
    from yizhan.derive import derive
    from yizhan.disclosure.warnings import FOLDER, warning_sheets

    root = tmp_path / "county"
    shutil.copytree(FIXTURES / "mini", root)
    register = root / "datasets/申请受理登记.csv"
    header = read_rows(register)[0]
    rows = [  # edition 2026-11-20: SQ…0001 (linshi, 2026-09-25) is 16 working days late at 审核; 0002 is due 11-24
        {"受理编号": "SQ202609-0001", "受理日期": "2026-09-25", "政策编号": "linshi", "办理状态": "审核",
         "转报乡镇日期": "2026-10-12", "审核日期": "2026-10-14", "申请人": "王小明", "联系电话": "13912345678"},
        {"受理编号": "SQ202610-0002", "受理日期": "2026-10-27", "政策编号": "linshi", "办理状态": "转报乡镇",
         "转报乡镇日期": "2026-11-05", "申请人": "李大华", "联系电话": "13912345679"},
    ]  # fmt: skip
    write_rows(
        register, [header, *[[(r | {"驿站编号": "YZ-01-001"}).get(t, "") for t in header] for r in rows]]
    )
    data = derive(to_model(load(root)))
    jobs = warning_sheets(
        data.stats["disclosure"], data.tables["stations"], data.county, REPO / "site_templates"
    )
    job = next(j for j in jobs if j.title.startswith("城关镇"))
    assert job.path == f"{FOLDER}/2026-11-20/YZ-01.pdf" and not job.site_path and "内部使用" in job.title
    pdf = tmp_path / "sheet.pdf"
    weasyprint.HTML(string=job.html, base_url=str(REPO / "site_templates")).write_pdf(pdf)
    page = PdfReader(pdf).pages[0]
    assert (
        round(float(page.mediabox.width) / 72 * 25.4),
        round(float(page.mediabox.height) / 72 * 25.4),
    ) == (210, 297)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    overdue, soon = text.split("二、")[0], text.split("二、")[1].split("三、")[0]
    assert "SQ202609-0001" in overdue and "待审批" in overdue and "16" in overdue
    assert "SQ202610-0002" in soon and "2026-11-24" in soon
    assert "王小明" not in text and "李大华" not in text and "1391234567" not in text
