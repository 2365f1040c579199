"""信息公开: lifecycle dates, hand-checked rates, and the published pages, sheets and open data."""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from conftest import FIXTURES, read_rows
from yizhan.cli import main as yizhan_main
from yizhan.disclosure.lifecycle import ARCHIVED, EXPIRED, NOT_YET, ON_NOTICE, edition_of, editions
from yizhan.disclosure.loops import loop_figures
from yizhan.disclosure.services import service_stats
from yizhan.disclosure.stats import NOT_FINISHED_LATE, NOT_STARTED_LATE, feedback_stats, project_progress
from yizhan.rules.workdays import WorkCalendar

# one xdist worker runs this whole module, so its module-scoped builds are made once
pytestmark = pytest.mark.xdist_group("disclosure")

DAY = dt.date(2026, 11, 20)
SITE_URL = "https://mzj.example.gov.cn/yizhan"


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


# lifecycle ------------------------------------------------------------------------------------------


def test_current_batch_is_on_notice_for_its_period() -> None:
    edition = edition_of("2026-11", DAY, 7, 12)
    assert (edition.start, edition.end, edition.status) == (DAY, dt.date(2026, 11, 26), ON_NOTICE)
    # Seen from the next month's edition, the November notice is posted on 11-20 and over by 12-20.
    assert edition_of("2026-11", dt.date(2026, 12, 20), 7, 12) == edition_of("2026-11", DAY, 7, 12).__class__(
        "2026-11", DAY, dt.date(2026, 11, 26), ARCHIVED
    )
    assert edition_of("2026-11", DAY, 1, 12).end == DAY


def test_older_batches_are_archived_then_withdrawn_after_retention() -> None:
    assert edition_of("2026-10", DAY, 7, 12).status == ARCHIVED
    assert edition_of("2025-12", DAY, 7, 12).status == ARCHIVED  # 11 months old
    assert edition_of("2025-11", DAY, 7, 12).status == EXPIRED  # 12 months old
    assert edition_of("2025-11", DAY, 7, 13).status == ARCHIVED
    assert edition_of("2026-12", DAY, 7, 12).status == NOT_YET


def test_posting_day_is_clamped_to_short_months() -> None:
    edition = edition_of("2026-02", dt.date(2026, 11, 30), 7, 12)
    assert (edition.start, edition.end) == (dt.date(2026, 2, 28), dt.date(2026, 3, 6))


def test_editions_newest_first() -> None:
    found = editions(["2026-10", "2026-11", "2026-10"], DAY, 7, 12)
    assert [e.batch for e in found] == ["2026-11", "2026-10"]


# rates on a small hand-checked fixture ------------------------------------------------------------------


def dates(*values: str | None) -> pd.Series:
    return pd.to_datetime(pd.Series(values, dtype="object"), format="%Y-%m-%d")


def test_project_rates_by_township_and_county() -> None:
    projects = pd.DataFrame(
        {
            "project_id": ["P1", "P2", "P3", "P4"],
            "name": ["甲", "乙", "丙", "丁"],
            "township": ["东镇", "东镇", "东镇", "西乡"],
            "village": ["一村", "", "二村", "三村"],
            "planned": [10.0, 20.0, 10.0, 40.0],
            "paid": [10.0, 5.0, 0.0, 10.0],
            "planned_start": dates("2026-01-01", "2026-02-01", "2026-10-01", "2026-12-01"),
            "actual_start": dates("2026-01-05", "2026-02-10", None, None),
            "planned_end": dates("2026-06-01", "2026-11-01", "2027-01-01", "2027-06-01"),
            "actual_end": dates("2026-05-30", None, None, None),
            "status": ["已完工", "在建", "未开工", "未开工"],
        }
    )
    progress = project_progress(projects, DAY)
    east = progress.townships[0]
    assert (east.label, east.projects, east.started, east.finished, east.overdue) == ("东镇", 3, 2, 1, 2)
    assert (east.start_rate, east.finish_rate, east.pay_rate) == (66.7, 33.3, 37.5)  # 15 / 40
    county = progress.county
    assert (county.start_rate, county.finish_rate, county.pay_rate) == (50.0, 25.0, 31.2)  # 25 / 80
    overdue = {p["id"]: p["overdue"] for p in progress.projects}
    assert overdue == {"P1": "", "P2": NOT_FINISHED_LATE, "P3": NOT_STARTED_LATE, "P4": ""}


STATIONS = pd.DataFrame(
    {
        "station_id": ["S1", "S1-01", "S2"],
        "name": ["东镇驿站", "一村驿站", "西乡驿站"],
        "township": ["东镇", "东镇", "西乡"],
        "village": ["", "一村", ""],
    }
)


PROJECTS_NONE = pd.DataFrame(
    {"project_id": [], "name": [], "township": [], "village": [], "planned_start": dates(),
     "actual_start": dates(), "planned_end": dates(), "actual_end": dates()}
)  # fmt: skip


def test_feedback_counts_satisfaction_and_overdue() -> None:
    feedback = pd.DataFrame(
        {
            "feedback_id": ["F1", "F2", "F3", "F4", "F5"],
            "date": dates("2026-11-01", "2026-11-02", "2026-11-10", "2026-10-01", "2026-11-03"),
            "station_id": ["S1", "S1-01", "S1-01", "S2", "S2"],
            "category": ["资金类", "建设类", "资金类", "保险类", "其他"],
            "topic": ["低保", "道路", "低保", "医保", "其他"],
            "summary": ["甲", "乙", "丙", "丁", "戊"],
            "status": ["已办结", "已办结", "待办", "办理中", "已办结"],
            "measures": ["已解释", "已修复", "", "", "已答复"],
            "closed_date": dates("2026-11-05", "2026-11-09", None, None, "2026-11-04"),
            "revisit": ["满意", "不满意", "未回访", "未回访", "未回访"],
        }
    )
    # The 回访 figures come from the 回访记录 (the 回访结果 column above is no longer read): F1 满意, F2 不满意.
    revisits = pd.DataFrame(
        {
            "revisit_date": dates("2026-11-06", "2026-11-10"),
            "station_id": ["S1", "S1-01"],
            "feedback_id": ["F1", "F2"],
            "satisfaction": ["满意", "不满意"],
            "follow_up": ["否", "否"],
        }
    )
    stations = STATIONS.assign(level=["乡镇", "村", "乡镇"], status="运行")
    views = {"stations": stations, "feedback": feedback, "revisits": revisits, "projects": PROJECTS_NONE}
    loops = loop_figures(views, DAY, WorkCalendar(), "全县")
    stats = feedback_stats(feedback, STATIONS, DAY, 15, WorkCalendar(), "全县", loops)
    november, october = stats.months
    assert (november.month, november.total.collected, november.total.closed, november.total.waiting) == (
        "2026-11",
        4,
        3,
        1,
    )
    # Revisited: F1 满意, F2 不满意 (F5 not revisited) → 1 of 2; closed in November: F1, F2, F5 → 回访率 2 of 3.
    assert november.total.satisfaction == 50.0
    assert (november.total.revisit_rate, stats.total.satisfaction) == (66.7, 50.0)
    assert [m["revisit"] for m in november.measures] == ["满意", "不满意", "未回访"]
    # Without 回访记录 there is no 回访满意率 (the 回访结果 column is not a source any more).
    assert feedback_stats(feedback, STATIONS, DAY, 15, WorkCalendar()).total.satisfaction is None
    assert november.total.by_category == {"资金类": 2, "建设类": 1, "保险类": 0, "其他": 1}
    assert [g.label for g in november.townships] == ["东镇", "西乡"]
    assert [m["id"] for m in november.measures] == ["F1", "F2", "F5"]
    assert "person" not in november.measures[0] and "phone" not in november.measures[0]
    # Ages in 工作日, counted by hand: F3 (11-10 → 11-20) is 8 (within 15). F4 (10-01 → 11-20) is 33:
    # 国庆 10-01…10-07 off, 10-08, 10-09 and the 调休 Saturday 10-10 worked, then 15 in October and 15 in November.
    assert [item["id"] for item in stats.overdue] == ["F4"]
    assert (october.total.overdue, stats.overdue[0]["age"]) == (1, 33)


def test_service_weekly_and_monthly_sums() -> None:
    services = pd.DataFrame(
        {
            "date": dates("2026-11-02", "2026-11-04", "2026-11-09", "2026-10-28"),
            "station_id": ["S1", "S1-01", "S1-01", "S2"],
            "service_type": ["代办", "代办", "走访", "宣传"],
            "count": [3, 4, 5, 7],
        }
    )
    stats = service_stats(services, STATIONS)
    county = stats.monthly_county.set_index("month")
    assert county.loc["2026-11", "代办"] == 7 and county.loc["2026-11", "total"] == 12
    assert county.loc["2026-10", "total"] == 7
    weekly = stats.weekly_township.set_index(["week", "township"])
    # 11-02 (Mon) and 11-04 fall in the week of 11-02; 11-09 starts the next week.
    assert weekly.loc[("2026-11-02", "东镇"), "total"] == 7
    assert weekly.loc[("2026-11-09", "东镇"), "走访"] == 5
    village = stats.monthly_village.set_index(["month", "village"])
    assert village.loc[("2026-11", "一村"), "total"] == 9


# the mini county, built once for this module --------------------------------------------------------


@pytest.fixture(scope="module")
def mini_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The mini county with a site URL (so a sitemap is made), built with site, print and data."""
    root = tmp_path_factory.mktemp("disclosure") / "county"
    shutil.copytree(FIXTURES / "mini", root)
    county = root / "content/county.yml"
    county.write_text(
        county.read_text(encoding="utf-8").replace('site_url: ""', f'site_url: "{SITE_URL}"'),
        encoding="utf-8",
    )
    out = root / "build"
    assert yizhan_main(["build", "--project", str(root), "--out", str(out)]) == 0
    return out


def current_dir(build: Path) -> Path:
    return build / "site/disclosure/gongshi/2026-11"


def test_village_page_lists_masked_rows_with_period_and_noindex(mini_build: Path) -> None:
    villages = [p for p in current_dir(mini_build).glob("YZ-??-???.html")]
    assert villages, "no village page for the current edition"
    page = soup(villages[0])
    assert page.find("meta", attrs={"name": "robots"})["content"].startswith("noindex")
    text = page.select_one("article").get_text(" ", strip=True)
    assert "2026年11月20日至2026年11月26日（7天）" in text and "公示中" in text
    assert "0369-5201111" in text
    tables = page.select("article table.yz-list")
    assert tables
    # Every list sits in the article body beside the heading (no stray closing tag breaks the layout).
    assert len(tables) == len(page.select("table.yz-list")) == len(page.select("h2"))
    for table in tables:
        heads = [th.get_text(strip=True) for th in table.select("thead th")]
        assert "身份证号" not in heads and heads[:2] == ["序号", "户主姓名"]
        for row in table.select("tbody tr"):
            assert "*" in row.find_all("td")[1].get_text()


def test_archives_by_month_and_lifecycle_on_index(mini_build: Path) -> None:
    site = mini_build / "site"
    batches = sorted({r[0] for r in read_rows(FIXTURES / "mini/datasets/救助对象.csv")[1:]})
    assert sorted(p.name for p in (site / "disclosure/gongshi").iterdir()) == batches
    archived = site / "disclosure/gongshi/2026-10"
    assert not list(archived.glob("YZ-??-???.html")), "archived editions have no village pages"
    township = soup(next(archived.glob("YZ-??.html")))
    assert "已归档" in township.select_one("article").get_text()
    index = soup(site / "disclosure/index.html")
    links = {a["href"] for a in index.select("article a")}
    assert {f"gongshi/{b}/index.html" for b in batches} <= links
    assert index.find("meta", attrs={"name": "robots"}) is None


def test_recipient_pages_out_of_search_and_sitemap_and_in_robots(mini_build: Path) -> None:
    site = mini_build / "site"
    index = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))
    locations = [doc["location"] for doc in index["docs"]]
    assert not [loc for loc in locations if loc.startswith("disclosure/gongshi/")]
    assert any(loc.startswith("disclosure/index.html") for loc in locations)
    sitemap = ElementTree.parse(site / "sitemap.xml").getroot()
    urls = [loc.text for loc in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert urls and not [u for u in urls if "/disclosure/gongshi/" in u]
    assert f"{SITE_URL}/disclosure/index.html" in urls
    robots = (site / "robots.txt").read_text(encoding="utf-8").splitlines()
    assert "Disallow: /yizhan/disclosure/gongshi/" in robots


def test_pages_stay_within_budget(mini_build: Path) -> None:
    pages = list((mini_build / "site").rglob("*.html"))
    assert [p.name for p in pages if p.stat().st_size > 60_000] == []


def test_progress_page_chart_has_table_beside_it(mini_build: Path) -> None:
    page = soup(mini_build / "site/disclosure/gongcheng/index.html")
    wrap = page.select_one(".yz-chart-wrap")
    svg = wrap.find("svg")
    assert svg["role"] == "img" and svg.find("title").get_text()
    rows = wrap.select("table tbody tr")
    projects = read_rows(FIXTURES / "mini/datasets/民生工程项目.csv")[1:]
    townships = {r[3] for r in projects}
    assert [r.th.get_text() for r in rows] == [*sorted(townships), "全县"]
    assert rows[-1].find_all("td")[0].get_text() == str(len(projects))
    assert not page.select("script[src^='http']")


def test_notice_sheet_pdf_has_period_objection_phone_and_seal(mini_build: Path) -> None:
    sheets = sorted((mini_build / "print/disclosure/2026-11").rglob("*.pdf"))
    assert sheets
    text = subprocess.run(["pdftotext", str(sheets[0]), "-"], capture_output=True, check=True).stdout.decode()
    for needle in (
        "社会救助对象公示",
        "2026年11月20日至2026年11月26日",
        "0369-5201111",
        "（盖章）",
        "示例县民政局",
    ):
        assert needle in text
    fonts = subprocess.run(["pdffonts", str(sheets[0])], capture_output=True, check=True).stdout.decode()
    assert "Noto-Sans-CJK-SC" in fonts
    assert not (mini_build / "print/disclosure/2026-10").exists(), "sheets only for the current edition"


def test_open_data_package_is_valid_and_described(mini_build: Path) -> None:
    data = mini_build / "site/data"
    package = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    done = subprocess.run(
        [str(Path(sys.executable).parent / "frictionless"), "validate", "datapackage.json", "--json"],
        cwd=data,
        capture_output=True,
        check=False,
    )
    report = json.loads(done.stdout)
    assert report["valid"], done.stdout[:2000]
    page = soup(data / "index.html")
    links = {a["href"] for a in page.select("article a")}
    for resource in package["resources"]:
        raw = (data / resource["path"]).read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf"), resource["path"]
        assert resource["path"] in links
        header = next(csv.reader(raw.decode("utf-8-sig").splitlines()))
        assert header == [f["name"] for f in resource["schema"]["fields"]]
        assert not {"身份证号", "联系电话", "反映人"} & set(header)
    rows = list(csv.DictReader((data / "gongshi.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert rows and all("*" in r["户主姓名"] for r in rows)


def test_a_dissatisfied_revisit_asking_for_more_reopens_the_opinion() -> None:
    feedback = pd.DataFrame(
        {
            "feedback_id": ["F1", "F2"],
            "date": dates("2026-11-02", "2026-11-03"),
            "station_id": ["S1-01", "S1-01"],
            "category": ["资金类", "建设类"],
            "topic": ["低保", "道路"],
            "summary": ["甲", "乙"],
            "status": ["已办结", "已办结"],
            "measures": ["已解释", "已修复"],
            "closed_date": dates("2026-11-05", "2026-11-06"),
            "revisit": ["满意", "满意"],
        }
    )
    revisits = pd.DataFrame(
        {
            "revisit_date": dates("2026-11-09", "2026-11-10", "2026-11-12"),
            "station_id": ["S1-01", "S1-01", "S1-01"],
            "feedback_id": ["F1", "F2", "F2"],  # F2: first 不满意 and 再次办理, then 满意 — the latest counts
            "satisfaction": ["不满意", "不满意", "满意"],
            "follow_up": ["是", "是", "否"],
        }
    )
    stations = STATIONS.assign(level=["乡镇", "村", "乡镇"], status="运行")
    views = {"stations": stations, "feedback": feedback, "revisits": revisits, "projects": PROJECTS_NONE}
    loops = loop_figures(views, DAY, WorkCalendar(), "全县")
    stats = feedback_stats(feedback, STATIONS, DAY, 15, WorkCalendar(), "全县", loops)
    november = stats.months[0]
    assert (november.total.closed, november.total.reopened) == (1, 1)  # F1 is 重新办理, not closed
    assert [m["id"] for m in november.measures] == ["F2"]
    assert november.total.satisfaction == 50.0  # F1 不满意, F2 满意 (its earlier 不满意 replaced)
    # Open again: 14 工作日 since 11-02, so due within 3 working days of the 15-day limit.
    assert [(item["id"], item["status"]) for item in stats.soon] == [
        ("F1", "重新办理")
    ] and stats.overdue == []
    late = feedback_stats(feedback, STATIONS, dt.date(2026, 12, 31), 15, WorkCalendar(), "全县", loops)
    assert [(item["id"], item["status"]) for item in late.overdue] == [("F1", "重新办理")]
