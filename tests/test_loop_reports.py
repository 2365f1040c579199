"""工作报告: every headline figure of the page and the PDF, recomputed from the published open-data CSVs alone."""

from __future__ import annotations

import csv
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from yizhan.disclosure.reports import report_periods

pytestmark = pytest.mark.xdist_group("example")

WHOLE = "全县"
YEAR = tuple(f"{y}-{m:02d}" for y, m in [(2025, 12), *((2026, n) for n in range(1, 12))])
REPORTS = {"2026-10": ("2026-10",), "nian-2026-11": YEAR}
LABELS = {
    "inspections": "监督民生工程项目", "issues": "公开信息", "feedback": "审核意见建议", "problems": "发现并整改隐患问题",
    "satisfaction": "回访满意率", "visits": "走访", "needs": "主动发现", "services": "服务", "on_time": "按时办结率",
}  # fmt: skip


def rows(site: Path, name: str) -> list[dict[str, str]]:
    with (site / "data" / name).open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def county_sum(site: Path, name: str, months: tuple[str, ...], *columns: str) -> int:
    """The county's rows (乡镇 = 全县) of a monthly file, summed over `months`."""
    return sum(
        int(r[c]) for r in rows(site, name) if r["乡镇"] == WHOLE and r["月份"] in months for c in columns
    )


def percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole, 1):.1f}"


def recomputed(site: Path, months: tuple[str, ...]) -> dict[str, str]:
    """Each headline figure as the report should print it, from the CSVs with plain code."""
    notices = {(r["批次"], r["所属乡镇"]) for r in rows(site, "gongshi.csv") if r["批次"] in months}
    checked = [r for r in rows(site, "jiandu-yuedu.csv") if r["乡镇"] != WHOLE and r["月份"] in months]
    items = [r for r in rows(site, "wenti-taizhang.csv") if r["发现日期"][:7] in months]
    status = Counter(r["状态"] for r in items)
    services = sum(int(r["合计人次"]) for r in rows(site, "fuwu-yuehuizong.csv") if r["月份"] in months)
    timely = [
        r for r in rows(site, "xianshi-banjie-yuedu.csv") if r["乡镇"] == WHOLE and r["受理月份"] in months
    ]
    return {
        "inspections": f"{county_sum(site, 'jiandu-yuedu.csv', months, '监督次数'):,}",
        "issues": f"{len(notices) + sum(int(r['监督次数']) > 0 for r in checked):,}",
        "feedback": f"{county_sum(site, 'yijian-jianyi-yuedu.csv', months, '收集'):,}",
        "problems": f"{len(items):,}",
        "problems_closed": f"{status['已销号']:,}",
        "satisfaction": percent(
            county_sum(site, "huifang-yuedu.csv", months, "满意", "基本满意"),
            county_sum(site, "huifang-yuedu.csv", months, "回访"),
        ),
        "visits": f"{county_sum(site, 'zoufang-yuedu.csv', months, '走访户次'):,}",
        "needs": f"{county_sum(site, 'zoufang-yuedu.csv', months, '发现需求'):,}",
        "services": f"{services:,}",
        "on_time": percent(sum(int(r["按时办结"]) for r in timely), sum(int(r["应办结"]) for r in timely)),
    }


def test_the_periods_are_the_latest_complete_month_and_twelve_months_to_the_edition() -> None:
    import datetime as dt

    monthly, yearly = report_periods(dt.date(2026, 11, 20))
    assert monthly.months == ("2026-10",) and (monthly.first, monthly.last) == (
        dt.date(2026, 10, 1),
        dt.date(2026, 10, 31),
    )
    assert yearly.months == YEAR and (yearly.first, yearly.last) == (
        dt.date(2025, 12, 1),
        dt.date(2026, 11, 20),
    )
    assert report_periods(dt.date(2026, 11, 30))[0].months == ("2026-11",)  # a month-end edition
    assert report_periods(dt.date(2027, 1, 10))[1].months[0] == "2026-02"


@pytest.mark.parametrize("slug", sorted(REPORTS))
def test_every_headline_figure_is_recomputed_from_the_published_csvs(example_build: Path, slug: str) -> None:
    site = example_build / "site"
    page_path = site / f"disclosure/baogao/{slug}.html"
    page = BeautifulSoup(page_path.read_text(encoding="utf-8"), "html.parser")
    expected = recomputed(site, REPORTS[slug])
    assert int(expected["visits"].replace(",", "")) > 0 and int(expected["problems"].replace(",", "")) > 0
    shown = {li["data-figure"]: li for li in page.select("article li[data-figure]")}
    assert list(shown) == list(LABELS)
    for key, item in shown.items():
        assert item.get_text("", strip=True).startswith(LABELS[key]), key
        assert item.strong.get_text(strip=True) == expected[key], key
        target = (page_path.parent / item.a["href"]).resolve()
        assert target.parent == (site / "data").resolve() and target.is_file(), key  # a published CSV
    assert f"已销号 {expected['problems_closed']} 个" in shown["problems"].get_text(" ", strip=True)
    pdf = site / f"disclosure/baogao/{slug}.pdf"
    assert pdf.read_bytes() == (example_build / f"print/工作报告/{slug}.pdf").read_bytes()
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = "".join(text.split())
    for key, label in LABELS.items():
        assert f"{label}{expected[key]}" in flat, key
    for item in shown.values():
        assert (
            f"数据：{item.a['href'].removeprefix('../../')}" in flat
        )  # the printed path of each figure's file
    assert (
        "不是日历年度" if slug.startswith("nian") else "最近一个完整的月份"
    ) in flat  # the period, said plainly


def test_report_pdfs_are_a4_without_missing_glyphs(example_build: Path) -> None:
    from pypdf import PdfReader

    for slug in REPORTS:
        pdf = example_build / f"print/工作报告/{slug}.pdf"
        reader = PdfReader(pdf)
        assert 2 <= len(reader.pages) <= 4
        for page in reader.pages:
            size = (
                round(float(page.mediabox.width) / 72 * 25.4),
                round(float(page.mediabox.height) / 72 * 25.4),
            )
            assert size == (210, 297)
        fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
        assert "Noto-Sans-CJK-SC" in fonts and "Type 3" not in fonts


def test_reports_are_linked_from_the_disclosure_index(example_build: Path) -> None:
    site = example_build / "site"
    index = BeautifulSoup((site / "disclosure/baogao/index.html").read_text(encoding="utf-8"), "html.parser")
    links = {a["href"] for a in index.select("article a")}
    assert {"2026-10.html", "2026-10.pdf", "nian-2026-11.html", "nian-2026-11.pdf"} <= links
    front = BeautifulSoup((site / "disclosure/index.html").read_text(encoding="utf-8"), "html.parser")
    assert "baogao/index.html" in {a["href"] for a in front.select("article a")}
