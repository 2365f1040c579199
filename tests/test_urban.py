"""An urban district (街道/社区/网格) builds, counts and labels its places in its own words everywhere."""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
from dataclasses import astuple
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import FIXTURES, read_rows
from yizhan.cli import main as yizhan_main
from yizhan.load import load
from yizhan.rules.vocab import PlaceWords, canonical, place_words, station_kind

# one xdist worker runs this whole module, so its module-scoped builds are made once
pytestmark = pytest.mark.xdist_group("urban")

URBAN = FIXTURES / "urban"
RURAL_WORDS = re.compile("乡镇|全县|村|组")
DISTRICT = place_words(["街道", "社区", "网格"], "示例区")
# Every word a rural county's pages use for its places (乡镇, 村, 组, 村民组, 乡镇人民政府, 村务公开栏, 县)
# that the district's own words do not contain: none may appear on its pages or in its PDFs.
RURAL_PLACE_WORDS = sorted(set(astuple(PlaceWords())) - set(astuple(DISTRICT)), key=lambda w: (-len(w), w))


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def texts(page: BeautifulSoup, selector: str) -> list[str]:
    return [e.get_text(" ", strip=True) for e in page.select(selector)]


def stations() -> list[dict[str, str]]:
    """The register as published: levels and statuses in the standard words (居委会 → 社区, 正常 → 运行)."""
    rows = read_rows(URBAN / "datasets/驿站名录.csv")
    found = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    for station in found:
        station["层级"] = canonical("level", station["层级"])
        station["状态"] = canonical("station_status", station["状态"])
    return found


@pytest.fixture(scope="module")
def urban(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The urban fixture district, built once (site and print); returns build/."""
    project = tmp_path_factory.mktemp("urban") / "district"
    shutil.copytree(URBAN, project)
    out = project / "build"
    assert yizhan_main(["build", "--project", str(project), "--out", str(out)]) == 0
    return out


def test_the_fixture_is_urban_through_and_through() -> None:
    levels = {s["层级"] for s in stations()}
    assert levels == {"街道", "社区", "网格"}
    words = place_words(levels, "示例区")
    assert words == PlaceWords("街道", "社区", "网格", "网格", "街道办事处", "居务公开栏", "区")


def test_a_county_with_towns_and_subdistricts_names_both() -> None:
    words = place_words(["街道", "乡镇", "社区", "村", "组"], "某县")
    assert (words.township, words.village, words.group_noun) == ("乡镇（街道）", "村（社区）", "村民组")
    assert words.government == "乡镇人民政府或街道办事处"


def test_home_page_counts_every_level(urban: Path) -> None:
    home = soup(urban / "site/index.html")
    running = [s for s in stations() if s["状态"] == "运行"]
    figures = texts(home, ".yz-figures p")
    assert figures[0] == f"{len(running)} 个驿站在运行"
    assert figures[1:4] == [
        f"{sum(s['层级'] == level for s in running)} 个{level}级驿站" for level in ("街道", "社区", "网格")
    ]
    assert sum(int(f.split()[0]) for f in figures[1:4]) == len(running)
    assert "全区驿站一览" in texts(home, "article h2")
    intro = home.select_one("article h1").find_next("p").get_text(strip=True)
    assert "在每个街道、社区和网格都设有民生驿站" in intro
    assert not RURAL_WORDS.search(home.select_one("article").get_text())


def test_finder_speaks_of_subdistricts_and_communities(urban: Path) -> None:
    finder = soup(urban / "site/stations/index.html")
    assert texts(finder, "#yz-finder label")[:2] == ["街道", "社区"]
    assert texts(finder, "#yz-town option")[0] == "全部街道"
    assert texts(finder, "#yz-village option") == ["全部社区"]
    assert texts(finder, "article h2") == ["按街道查看"]
    towns = [s["驿站名称"] for s in stations() if s["层级"] == "街道"]
    assert texts(finder, "article .yz-links a") == towns
    assert not RURAL_WORDS.search(finder.select_one("article").get_text())
    script = (urban / "site/stations/finder-data.js").read_text(encoding="utf-8")
    data = json.loads(script.split("=", 1)[1].rstrip(";\n"))
    assert data["levels"] == ["街道级", "社区级", "网格级"]
    assert data["places"] == {"county": "区", "township": "街道", "village": "社区"}
    assert len(data["stations"]) == len(stations())


def test_every_station_page_names_its_level_and_parents(urban: Path) -> None:
    by_place = {(s["所属乡镇"], s["所属村"], s["所属组"]): s for s in stations()}
    for station in stations():
        page = soup(urban / "site/stations" / f"{station['驿站编号']}.html")
        card = dict(zip(texts(page, ".yz-card dt"), texts(page, ".yz-card dd"), strict=True))
        assert card["层级"] == f"{station['层级']}级驿站"
        expected = {}
        if station["层级"] in ("社区", "网格"):
            expected["所属街道"] = by_place[(station["所属乡镇"], "", "")]["驿站名称"]
        if station["层级"] == "网格":
            expected["所属社区"] = by_place[(station["所属乡镇"], station["所属村"], "")]["驿站名称"]
        assert {k: v for k, v in card.items() if k.startswith("所属")} == expected


def pdf_text(path: Path) -> str:
    done = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return re.sub(r"\s+", "", done.stdout)


def test_posters_and_service_lists_name_the_urban_station_kind(urban: Path) -> None:
    running = [s for s in stations() if s["状态"] == "运行"]
    posters = sorted(p.stem for p in (urban / "print/posters").glob("*.pdf"))
    assert posters == sorted(s["驿站编号"] for s in running)
    for station in running:
        kind = station_kind(station["层级"])
        assert kind in ("街道民生驿站", "社区民生驿站", "网格民生驿站")
        assert f"{kind}·" in pdf_text(urban / "print/posters" / f"{station['驿站编号']}.pdf")
        listing = urban / "print/service-lists/stations" / f"{station['驿站编号']}.pdf"
        assert f"（{kind}）" in pdf_text(listing)


def test_leaflets_and_policy_pages_say_where_to_apply_in_urban_words(urban: Path) -> None:
    policy = soup(urban / "site/policies/dibao.html")
    steps = [p for p in texts(policy, "article p") if p.startswith("可以到")]
    assert steps == ["可以到街道、社区、网格级民生驿站提出申请（ 找驿站 ）。"]
    assert "可在街道、社区、网格级民生驿站提出申请" in pdf_text(urban / "print/leaflets/dibao.pdf")


def test_disclosure_pages_use_the_districts_words(urban: Path) -> None:
    site = urban / "site/disclosure"
    edition = next(p for p in sorted((site / "gongshi").glob("*/index.html")))
    page = soup(edition)
    assert texts(page, "table thead th")[:2] == ["街道", "社区数"]
    assert texts(page, "table tfoot th") == ["全区"]
    assert "按街道查看" in texts(page, "article h2")
    services = soup(site / "fuwu/index.html")
    headings = texts(services, "article h2")
    assert headings[0] == "全区月汇总"
    assert any(h.endswith("各街道月汇总") for h in headings)
    progress = soup(site / "gongcheng/index.html")
    assert texts(progress, "article h2")[:1] == ["各街道进度"]
    assert texts(progress, "table thead th")[0] == "街道"
    village = soup(next((site / "gongshi").glob("*/YZ-01-001.html")))
    assert "城关街道办事处民政办" in village.select_one("article").get_text()
    with (urban / "site/data/minsheng-gongcheng-xiangzhen.csv").open(encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    assert rows[-1][0] == "全区"


def test_no_generated_heading_label_or_column_uses_rural_words(urban: Path) -> None:
    """Policies are the county's own text; everything the tool writes around them follows the data."""
    offending = []
    for path in sorted((urban / "site").rglob("*.html")):
        if path.parts[-2] in ("policies", "handbook") or path.name == "404.html":
            continue
        article = soup(path).select_one("article")
        if article is None:
            continue
        for element in article.select("h1, h2, h3, th, caption, label, option, dt, figcaption"):
            text = element.get_text(" ", strip=True)
            if RURAL_WORDS.search(text):
                offending.append(f"{path.relative_to(urban)}: {text}")
    assert offending == []


def test_the_village_notice_sheet_names_the_subdistrict_office(urban: Path) -> None:
    sheets = sorted((urban / "print/disclosure").rglob("*.pdf"))
    assert sheets
    text = pdf_text(sheets[0])
    assert "街道办事处民政办反映" in text and "人民政府" not in text


def test_the_district_spells_some_words_its_own_way_and_the_schemas_read_them() -> None:
    """The fixture reads the data package's schemas (vocab included): aliases are normalised, with a note."""
    rows = read_rows(URBAN / "datasets/驿站名录.csv")
    typed = {row[rows[0].index("层级")] for row in rows[1:]} | {
        row[rows[0].index("状态")] for row in rows[1:]
    }
    assert {"居委会", "网格级", "正常", "在用"} <= typed
    project = load(URBAN)
    notes = {(p.code, p.where.title) for p in project.load_report.problems if p.where}
    assert {("YZ-NOTE-003", "层级"), ("YZ-NOTE-003", "状态"), ("YZ-NOTE-003", "办理状态")} <= notes
    assert set(project.datasets) == {spec.name for spec in project.specs.values()}
    assert len(project.datasets) == 10  # nine forms' datasets and the station register


def rural_words_in(text: str) -> list[str]:
    """Each rural place word in `text`, with a few characters around it."""
    pattern = re.compile("|".join(map(re.escape, RURAL_PLACE_WORDS)))
    return [text[max(0, m.start() - 6) : m.end() + 6] for m in pattern.finditer(text)]


# Every kind of page and print document, so that the scan below cannot silently miss one.
SITE_PAGES = (
    "index.html", "promises.html", "policies/index.html", "policies/dibao.html", "handbook/township.html",
    "handbook/village.html", "handbook/qa.html", "stations/index.html", "stations/YZ-01-001-01.html",
    "disclosure/index.html", "disclosure/xianshi/index.html", "disclosure/xianshi/2026-10.html",
    "disclosure/gongshi/*/index.html", "disclosure/gongshi/*/YZ-01-001.html", "disclosure/gongcheng/index.html",
    "disclosure/yijian/index.html", "disclosure/yijian/yuqi.html", "disclosure/fuwu/index.html", "data/index.html",
    "disclosure/zoufang/index.html", "disclosure/zoufang/2026-11.html", "disclosure/huifang/index.html",
    "disclosure/jiandu/index.html", "disclosure/jiandu/2026-11.html", "disclosure/wenti/index.html",
    "disclosure/wenti/2026-11.html", "disclosure/gongcheng/YZ-01.html",
    "disclosure/baogao/index.html", "disclosure/baogao/2026-10.html", "disclosure/baogao/nian-2026-11.html",
)  # fmt: skip
PRINT_DOCUMENTS = (
    "posters/*.pdf", "bundles/*.pdf", "service-lists/*.pdf", "service-lists/stations/*.pdf", "leaflets/*.pdf",
    "handbook/*.pdf", "disclosure/*/*/*.pdf", "内部-预警提醒单/*/*.pdf", "工作报告/*.pdf", "内部-每季评/*/*.pdf",
)  # fmt: skip


def test_no_page_or_pdf_carries_a_rural_place_word(urban: Path) -> None:
    """What yizhan writes around the district's own (urban-worded) content follows the district's words."""
    assert RURAL_PLACE_WORDS == ["乡镇人民政府", "村务公开栏", "村民组", "乡镇", "县", "村", "组"]
    for pattern in SITE_PAGES:
        assert list((urban / "site").glob(pattern)), pattern
    for pattern in PRINT_DOCUMENTS:
        assert list((urban / "print").glob(pattern)), pattern
    found = {}
    for page in sorted((urban / "site").rglob("*.html")):
        body = soup(page).body
        assert body is not None, page
        found[str(page.relative_to(urban))] = rural_words_in(body.get_text(" ", strip=True))
    for document in sorted((urban / "print").rglob("*.pdf")):
        found[str(document.relative_to(urban))] = rural_words_in(pdf_text(document))
    assert len(found) > 100
    assert {path: words for path, words in found.items() if words} == {}


def test_timeliness_pages_and_warning_sheets_use_the_districts_words(urban: Path) -> None:
    index = soup(urban / "site/disclosure/xianshi/index.html")
    assert texts(index, "article table.yz-list thead th")[:3] == ["受理编号", "街道", "社区"]
    steps = {
        row[0]: row[6] for row in (texts(tr, "td") for tr in index.select("article table.yz-list tbody tr"))
    }
    assert steps["SQ202609-0004"] == "待转报街道"  # received, never forwarded: the register says 转报乡镇
    assert steps["SQ202610-0001"] == "待审核"
    assert "## 各月详情（按街道）" not in index.get_text() and "各月详情（按街道）" in texts(
        index, "article h2"
    )
    month = soup(urban / "site/disclosure/xianshi/2026-10.html")
    assert texts(month, "article table caption")[0] == "2026-10各街道受理的申请"
    assert texts(month, "article table thead th")[0] == "街道"
    sheet = pdf_text(urban / "print/内部-预警提醒单/2026-11-20/YZ-01.pdf")
    assert "城关街道限时办结预警提醒单" in sheet and "供街道民政办和驿站工作人员督办" in sheet
    assert "待转报街道" in sheet and "受理编号社区政策" in sheet
    soon = pdf_text(urban / "print/内部-预警提醒单/2026-11-20/YZ-02.pdf")
    assert "SQ202610-0003" in soon and "转报街道" in soon


def test_policy_index_and_service_lists_name_the_districts_levels(urban: Path) -> None:
    index = soup(urban / "site/policies/index.html")
    assert [a.get_text() for a in index.select("article li a[href*='handbook/']")][:2] == [
        "街道办理事项",
        "社区级办理事项",
    ]
    township = soup(urban / "site/handbook/township.html")
    assert texts(township, "article h1") == ["街道办理事项清单"]
    assert "由街道办事处审核确认" in township.select_one("article p").get_text()
    assert sorted(p.name for p in (urban / "print/service-lists").glob("*.pdf")) == [
        "社区级办理事项.pdf",
        "街道办理事项.pdf",
    ]
    assert "示例区街道办理事项清单" not in pdf_text(urban / "print/service-lists/街道办理事项.pdf")
    assert "街道办理事项清单" in pdf_text(urban / "print/service-lists/街道办理事项.pdf")
    steps = texts(soup(urban / "site/policies/dibao.html"), "article .yz-step-who")
    assert steps[0] == "社区办理 · 当场办理" and steps[-1] == "区办理 · 3个工作日"


def test_loop_pages_and_files_name_subdistricts_communities_and_the_district(urban: Path) -> None:
    site = urban / "site"
    visits = soup(site / "disclosure/zoufang/2026-11.html")
    assert texts(visits, "article table thead th")[:2] == ["街道", "走访户次"]
    assert texts(visits, "article table tbody th")[-1] == "全区"
    assert "社区级驿站" in texts(visits, "article table thead th")
    problems = soup(site / "disclosure/wenti/index.html")
    assert any(h.endswith("各街道") for h in texts(problems, "article h2"))
    project = soup(site / "disclosure/gongcheng/YZ-01.html")
    assert "城关街道民生工程项目监督情况" in texts(project, "article caption")
    with (site / "data/zoufang-yuedu.csv").open(encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    assert rows[0][:2] == ["月份", "街道"] and "社区级驿站" in rows[0] and rows[-1][1] == "全区"


def test_reports_and_scorecards_use_the_districts_words(urban: Path) -> None:
    report = soup(urban / "site/disclosure/baogao/2026-10.html")
    assert texts(report, "article table.yz-report-table thead th")[0] == "街道"
    assert texts(report, "article table.yz-report-table tbody th")[-1] == "全区"
    assert "不是日历年度" in pdf_text(urban / "print/工作报告/nian-2026-11.pdf")
    sheet = pdf_text(next((urban / "print/内部-每季评").glob("*/2026Q3.pdf")))
    assert "街道民生驿站工作每季评" in sheet and "全区" in sheet and "街道级和社区级驿站" in sheet
