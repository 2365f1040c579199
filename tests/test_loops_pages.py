"""The loop pages and open data of the mini county, checked against its CSVs read independently."""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from conftest import FIXTURES, read_rows
from yizhan.disclosure.loops import loop_figures
from yizhan.disclosure.loops_published import (
    PROBLEM_ITEMS_FILE,
    PROJECTS_FILE,
    REVISITS_FILE,
    VISITS_FILE,
    loop_resources,
)
from yizhan.disclosure.opendata import to_csv
from yizhan.rules.vocab import PlaceWords
from yizhan.rules.workdays import WorkCalendar

MINI = FIXTURES / "mini/datasets"
SECTIONS = ("zoufang", "huifang", "jiandu", "wenti")


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def records(name: str) -> list[dict[str, str]]:
    rows = read_rows(MINI / f"{name}.csv")
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def township_of() -> dict[str, str]:
    return {s["驿站编号"]: s["所属乡镇"] for s in records("驿站名录")}


def table(page: BeautifulSoup, caption: str) -> list[dict[str, str]]:
    """The rows of the table whose caption is `caption`, as {column title: cell text}."""
    found = next(
        t for t in page.select("article table") if t.caption and t.caption.get_text(strip=True) == caption
    )
    head = [th.get_text(strip=True) for th in found.select("thead th")]
    return [
        dict(zip(head, [c.get_text(strip=True) for c in tr.select("th, td")], strict=True))
        for tr in found.select("tbody tr")
    ]


def test_every_section_has_an_index_and_month_pages_linked_from_the_disclosure_index(mini_site: Path) -> None:
    index = soup(mini_site / "disclosure/index.html")
    links = {a["href"] for a in index.select("article a")}
    for folder in SECTIONS:
        assert f"{folder}/index.html" in links
        page = soup(mini_site / f"disclosure/{folder}/index.html")
        assert page.select_one("article svg title") is not None  # the chart
        months = [a["href"] for a in page.select("article li a") if a["href"][:4].isdigit()]
        assert months and all((mini_site / f"disclosure/{folder}" / href).exists() for href in months)


def test_visit_figures_match_the_records(mini_site: Path) -> None:
    towns, visits = township_of(), records("走访记录")
    november = [v for v in visits if v["走访日期"].startswith("2026-11")]
    expected = Counter(towns[v["驿站编号"]] for v in november)
    days = {(towns[v["驿站编号"]], v["驿站编号"], v["走访日期"]) for v in november}
    needs = Counter(towns[v["驿站编号"]] for v in november if v["是否有需要帮助解决的问题"] == "是")
    rows = table(soup(mini_site / "disclosure/zoufang/2026-11.html"), "2026-11各乡镇走访与主动发现")
    by_town = {r["乡镇"]: r for r in rows}
    for town, count in expected.items():
        assert int(by_town[town]["走访户次"]) == count
        assert int(by_town[town]["走访日"]) == sum(1 for t, _, _ in days if t == town)
        assert int(by_town[town]["发现需求"]) == needs[town]
    assert int(by_town["全县"]["走访户次"]) == len(november)
    assert int(by_town["全县"]["转办"]) == sum(1 for v in november if v["转办编号"])


def test_no_household_name_or_address_on_any_page_or_file(mini_site: Path) -> None:
    visits = records("走访记录")
    private = (
        {v["户主姓名"] for v in visits}
        | {v["家庭住址"] for v in visits}
        | {v["问题的具体情况"] for v in visits}
    )
    private |= {r["被回访人"] for r in records("回访记录")}
    private.discard("")
    for path in [*mini_site.rglob("*.html"), *mini_site.rglob("*.csv"), *mini_site.rglob("*.js")]:
        text = path.read_text(encoding="utf-8", errors="ignore")
        assert not [value for value in private if value in text], path


def test_revisit_page_counts_the_records_not_the_feedback_column(mini_site: Path) -> None:
    revisits = records("回访记录")
    rows = {
        r["月份"]: r
        for r in table(soup(mini_site / "disclosure/huifang/index.html"), "全县每月回访满意率（全部数字）")
    }
    for record in revisits:
        month = record["回访日期"][:7]
        same = [r for r in revisits if r["回访日期"][:7] == month]
        assert int(rows[month]["回访"]) == len(same)
        good = sum(r["满意程度"] in ("满意", "基本满意") for r in same)
        assert rows[month]["回访满意率"] == f"{100 * good / len(same):.1f}%"
    # A month with no closed opinion shows a dash, not a division error.
    quiet = [r for r in rows.values() if r["当月办结意见建议"] == "0"]
    assert quiet and all(r["回访率"] == "—" for r in quiet)
    # YJ202601-0057's only 回访 is 不满意 with 再次办理 是: 重新办理 on the feedback pages, not closed.
    month = soup(mini_site / "disclosure/yijian/2026-01.html")
    assert "YJ202601-0057" not in {r["编号"] for r in table(month, "2026-01整改措施")}
    reopened = table(month, "2026-01各乡镇意见建议办理情况")
    assert sum(int(r["重新办理"]) for r in reopened) == 1


def test_project_pages_carry_a_supervision_block(mini_site: Path) -> None:
    checks = [c for c in records("民生工程监督") if c["项目编号"] == "XM2026-125"]
    latest = max(checks, key=lambda c: c["监督日期"])
    page = soup(mini_site / "disclosure/gongcheng/YZ-01.html")
    rows = {r["项目编号"]: r for r in table(page, "城关镇民生工程项目监督情况")}
    block = rows["XM2026-125"]
    assert block["监督次数"] == f"{len(checks)} 次"
    assert block["最近监督"].startswith(latest["监督日期"])
    assert block["公示牌"] == (
        "已按规定张贴" if latest["项目公示牌是否按规定张贴"] == "是" else "未按规定张贴"
    )
    opened = {c["问题编号"] for c in checks if c["问题编号"]}
    status = {p["问题编号"]: p["状态"] for p in records("问题整改台账")}
    assert opened and all(f"{i}（{status[i]}" in block["整改问题及状态"] for i in opened)
    assert rows["XM2026-016"]["监督次数"] == "0 次"


def test_problem_page_lists_overdue_items_and_only_official_names(mini_site: Path) -> None:
    items = records("问题整改台账")
    page = soup(mini_site / "disclosure/wenti/index.html")
    overdue = table(page, "已过整改时限仍未销号的问题（截至 2026年11月20日）")
    expected = [i["问题编号"] for i in items if i["状态"] != "已销号" and i["整改时限"] < "2026-11-20"]
    assert [r["问题编号"] for r in overdue] == expected
    month = soup(mini_site / "disclosure/wenti/2026-11.html")
    listed = table(month, "2026-11发现的问题")
    officials = {"程立新"}  # tests/fixtures/mini/content/county.yml public_officials
    for item in (i for i in items if i["发现日期"].startswith("2026-11")):
        row = next(r for r in listed if r["问题编号"] == item["问题编号"])
        assert row["责任人"] == (item["责任人"] if item["责任人"] in officials else "")
    others = {i["责任人"] for i in items} - officials
    for path in [*mini_site.rglob("*.html"), *mini_site.rglob("*.csv")]:
        text = path.read_text(encoding="utf-8", errors="ignore")
        assert not [name for name in others if name in text], path


def test_open_data_files_have_stable_names_and_the_page_figures(mini_site: Path) -> None:
    data = mini_site / "data"
    for stem in (VISITS_FILE, REVISITS_FILE, PROJECTS_FILE, PROBLEM_ITEMS_FILE, "jiandu-yuedu", "wenti-yuedu",
                 "wenti-laiyuan-zhuangtai"):  # fmt: skip
        assert (data / f"{stem}.csv").exists(), stem
    rows = list(csv.DictReader((data / f"{VISITS_FILE}.csv").read_text(encoding="utf-8-sig").splitlines()))
    total = next(r for r in rows if r["乡镇"] == "全县" and r["月份"] == "2026-11")
    assert int(total["走访户次"]) == sum(v["走访日期"].startswith("2026-11") for v in records("走访记录"))
    assert not {"户主姓名", "家庭住址", "被回访人", "问题描述", "整改措施"} & set(rows[0])
    revisit_rows = list(
        csv.DictReader((data / f"{REVISITS_FILE}.csv").read_text(encoding="utf-8-sig").splitlines())
    )
    assert any(r["回访率(%)"] == "" for r in revisit_rows)  # no closed opinion that month: blank, not "nan"
    assert "nan" not in (data / f"{REVISITS_FILE}.csv").read_text(encoding="utf-8-sig")


def test_loop_csv_cells_cannot_open_as_formulas() -> None:
    def dates(*values: str) -> pd.Series:
        return pd.to_datetime(pd.Series(values, dtype="object"), format="%Y-%m-%d")

    views = {
        "stations": pd.DataFrame({"station_id": ["S1"], "name": ["甲"], "township": ["东镇"], "village": [""],
                                  "level": ["乡镇"], "status": ["运行"]}),
        "projects": pd.DataFrame({"project_id": ["P1"], "name": ["=HYPERLINK(\"http://x\")"], "township": ["东镇"],
                                  "village": [""], "planned_start": dates("2026-01-01"), "actual_start": dates("2026-01-02"),
                                  "planned_end": dates("2026-12-01"), "actual_end": dates("2026-12-02")}),
        "feedback": pd.DataFrame({"feedback_id": [], "station_id": [], "closed_date": dates(), "status": []}),
        "problems": pd.DataFrame({"problem_id": ["WT1"], "source": ["排查发现"], "found_date": dates("2026-11-01"),
                                  "township": ["东镇"], "station_id": ["S1"], "unit": ["+SUM(A1:A9)"],
                                  "responsible": ["@cmd"], "deadline": dates("2026-11-30"), "closed_date": [pd.NaT],
                                  "status": ["待整改"]}),
    }  # fmt: skip
    loops = loop_figures(views, dt.date(2026, 11, 20), WorkCalendar(), "全县")
    written = {r.name: to_csv(r).decode("utf-8-sig") for r in loop_resources(loops, PlaceWords())}
    cells = [cell for text in written.values() for row in csv.reader(text.splitlines()) for cell in row]
    assert '\'=HYPERLINK("http://x")' in cells and "'+SUM(A1:A9)" in cells and "'@cmd" in cells
    assert not [cell for cell in cells if cell and cell[0] in "=+@"]


@pytest.mark.parametrize("folder", SECTIONS)
def test_loop_pages_stay_out_of_the_search_index(mini_site: Path, folder: str) -> None:
    index = (mini_site / "search/search_index.json").read_text(encoding="utf-8")
    assert f"disclosure/{folder}/" not in index


def test_problem_index_crosses_source_and_status(mini_site: Path) -> None:
    items = records("问题整改台账")
    page = soup(mini_site / "disclosure/wenti/index.html")
    rows = {r["来源"]: r for r in table(page, "全县问题按来源和状态（各月合计）")}
    for source in ("省市反馈", "排查发现", "群众反映"):
        for status in ("待整改", "整改中", "已销号"):
            assert int(rows[source][status]) == sum(
                i["来源"] == source and i["状态"] == status for i in items
            )
    assert int(rows["合计"]["合计"]) == len(items)


def test_supervision_index_links_each_townships_project_page(mini_site: Path) -> None:
    page = soup(mini_site / "disclosure/jiandu/index.html")
    links = {
        a.get_text(strip=True): a["href"] for a in page.select("article li a") if "gongcheng" in a["href"]
    }
    towns = Counter(p["所属乡镇"] for p in records("民生工程项目"))
    assert set(links) == set(towns)
    assert all((mini_site / "disclosure/jiandu" / href).exists() for href in links.values())
