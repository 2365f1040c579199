"""The public website's structure, built from the small fixture county (no browser needed)."""

from __future__ import annotations

import json
import re
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup

from conftest import REPO, read_rows
from yizhan.feedback.messages import text
from yizhan.rules.vocab import ACTIVE, CLOSED
from yizhan.website.search import SearchSetupError, check_search_index
from yizhan.website.search_index import tokenizer

Run = Callable[..., tuple[int, str, str]]
NAV_ORDER = ["首页", "政策手册", "政策找人", "找驿站", "服务承诺", "表格下载", "信息公开", "数据开放"]


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def build(project: Path, run: Run, out: str = "build") -> Path:
    code, stdout, stderr = run(
        "build", "--project", str(project), "--out", str(project / out), "--only", "site"
    )
    assert code == 0, stdout + stderr
    return project / out / "site"


@pytest.fixture
def site(mini_site: Path) -> Path:
    """The mini county's site, built once for the run (read only; `mini` is the same sources)."""
    return mini_site


def test_top_navigation_in_order(site: Path) -> None:
    tabs = [a.get_text(strip=True) for a in soup(site / "index.html").select(".md-tabs__link")]
    assert tabs == NAV_ORDER
    for path in ("forms/index.html", "disclosure/index.html", "data/index.html", "promises.html"):
        page = soup(site / path)
        assert page.select_one("article h1") is not None
        assert page.select_one('article a[href^="tel:"]') is not None, path


def test_policy_page_is_laid_out_the_way_people_apply(site: Path) -> None:
    page = soup(site / "policies/dibao.html")
    headings = [h.get_text(strip=True) for h in page.select("article h2")]
    assert headings == [
        "谁可以申请", "能得到什么", "要带的材料", "怎么办", "多久办结", "政策依据", "咨询电话", "常见问题", "相关表格",
    ]  # fmt: skip
    assert len(page.select("article ul.yz-checklist > li")) >= 3
    steps = page.select("article ol.yz-steps > li")
    assert steps and all(
        re.match(r"(村|乡镇|县)办理 · ", s.select_one(".yz-step-who").get_text()) for s in steps
    )
    assert page.select_one('article a.yz-phone[href^="tel:"]') is not None
    assert page.select_one("article #faq-1") is not None
    assert page.select_one("article button[data-yz-print]").get_text(strip=True) == "打印本页"


def test_handbook_indexes_and_question_book(site: Path, mini: Path) -> None:
    township = soup(site / "handbook/township.html").select("article table tbody tr")
    village = soup(site / "handbook/village.html").select("article table tbody tr")
    assert len(township) + len(village) == len(list((mini / "content/policies").glob("*.yml")))
    questions = soup(site / "handbook/qa.html").select('article li a[href*="#faq-"]')
    assert questions and all(a["href"].startswith("../policies/") for a in questions)
    categories = [h.get_text(strip=True) for h in soup(site / "policies/index.html").select("article h2")]
    assert categories and "社会救助" in categories


def test_station_pages_out_of_navigation_and_search(site: Path, mini: Path) -> None:
    rows = read_rows(mini / "datasets/驿站名录.csv")[1:]
    pages = {p.stem for p in (site / "stations").glob("*.html")} - {"index"}
    assert pages == {r[0] for r in rows}
    index = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))
    assert not [d for d in index["docs"] if d["location"].startswith("stations/YZ")]
    home_nav = soup(site / "index.html").select(".md-nav a[href]")
    assert not [a for a in home_nav if re.search(r"stations/YZ", a["href"])]
    village = next(r for r in rows if r[2] == "村")
    page = soup(site / f"stations/{village[0]}.html")
    facts = dict(
        zip([d.get_text() for d in page.select("dl.yz-card dt")], page.select("dl.yz-card dd"), strict=True)
    )
    assert facts["地址"].get_text() == village[7]
    assert facts["联系电话"].a["href"] == f"tel:{village[9]}"
    assert facts["所属乡镇"].a["href"].endswith(".html")
    assert (site / "stations" / facts["所属乡镇"].a["href"]).exists()
    groups = [r for r in rows if r[2] == "组" and r[4] == village[4] and r[3] == village[3]]
    assert len(page.select("h2 ~ ul.yz-links")[-1].select("li")) == len(groups)


def test_finder_data_is_a_script_with_every_station(site: Path, mini: Path) -> None:
    body = (site / "stations/finder-data.js").read_text(encoding="utf-8")
    assert body.startswith("window.YZ_STATIONS=")
    data = json.loads(body.removeprefix("window.YZ_STATIONS=").rstrip().rstrip(";"))
    header, *rows = read_rows(mini / "datasets/驿站名录.csv")
    assert [s["id"] for s in data["stations"]] == [r[0] for r in rows]
    # Named fields: village, group and status only where the register has them (status: not running).
    column = {title: header.index(title) for title in ("驿站名称", "所属乡镇", "所属村", "所属组", "状态")}
    for station, row in zip(data["stations"], rows, strict=True):
        assert station["name"] == row[column["驿站名称"]]
        assert data["towns"][station["town"]] == row[column["所属乡镇"]]
        assert station.get("village", "") == row[column["所属村"]]
        assert station.get("group", "") == row[column["所属组"]]
        assert station.get("status", ACTIVE) == row[column["状态"]]
        assert set(station) <= {"id", "name", "level", "town", "village", "group", "status"}
    assert any(s.get("status") == CLOSED for s in data["stations"])
    assert soup(site / "stations/index.html").select_one('script[src="finder-data.js"]') is not None


def test_relative_links_without_site_url(site: Path) -> None:
    for page in site.rglob("*.html"):
        if page.name == "404.html":
            continue  # served by a web server at any depth, so mkdocs links it from the root on purpose
        html = soup(page)
        assert html.select_one('link[rel="canonical"]') is None
        for tag in html.select("[href], [src]"):
            target = tag.get("href") or tag.get("src")
            assert not target.startswith(("/", "http:", "https:", "//")), f"{page}: {target}"
    assert not (site / "sitemap.xml").exists()


def test_canonical_and_sitemap_with_site_url(mini: Path, run: Run) -> None:
    county = mini / "content/county.yml"
    county.write_text(
        re.sub(
            r"(?m)^site_url:.*$", 'site_url: "https://mz.example.gov.cn"', county.read_text(encoding="utf-8")
        ),
        encoding="utf-8",
    )
    site = build(mini, run)
    canonical = soup(site / "policies/dibao.html").select_one('link[rel="canonical"]')
    assert canonical["href"] == "https://mz.example.gov.cn/policies/dibao.html"
    tree = ElementTree.parse(site / "sitemap.xml")
    urls = {loc.text or "" for loc in tree.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")}
    assert "https://mz.example.gov.cn/policies/dibao.html" in urls
    assert all(u.startswith("https://mz.example.gov.cn/") for u in urls)


def test_no_foreign_origin_in_any_page(site: Path) -> None:
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "fonts.googleapis" not in html and "unpkg.com" not in html, page
        for tag in soup(page).select("script[src], link[href], img[src]"):
            target = tag.get("src") or tag.get("href")
            assert "://" not in target, f"{page}: {target}"


def test_search_index_is_cut_into_chinese_words(site: Path) -> None:
    index = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))
    titles = {d["title"] for d in index["docs"] if d["location"] == "policies/dibao.html"}
    # U+200B between words; none next to a bracket, which splits words by itself (see lean_text)
    assert "城乡居民\u200b最低\u200b生活\u200b保障（低保）" in titles
    script = (site / "search/search_index.js").read_text(encoding="utf-8")
    assert "最低\u200b生活" in script and not re.search(r"\\u[4-9][0-9a-f]{3}", script)  # UTF-8, not escapes


def test_build_stops_without_jieba(mini: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "jieba", None)  # as if not installed: importing it fails
    tokenizer.cache_clear()  # the residents' index (render stage) asks for it first, as in a new process
    code, _, stderr = run("build", "--project", str(mini), "--out", str(mini / "build"), "--only", "site")
    assert code == 1
    assert text("YZ-SITE-001")[0] in stderr
    assert not (mini / "build").exists()


def test_build_stops_with_a_separator_that_ignores_jieba(mini: Path, run: Run) -> None:
    shutil.copytree(REPO / "site_templates", mini / "site_templates")
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    broken = re.sub(r"(?m)^(\s+separator: ).*$", r"\1'[\\s\\-]+'", config)
    assert broken != config
    (mini / "mkdocs.yml").write_text(broken, encoding="utf-8")
    code, _, stderr = run("build", "--project", str(mini), "--out", str(mini / "build"), "--only", "site")
    assert code == 1
    assert text("YZ-SITE-002")[0] in stderr


def test_a_build_says_nothing_in_english_while_jieba_loads(example_build: Path) -> None:
    """The example county's build ran in a new process (conftest), so jieba loaded its dictionary in it."""
    said = {
        name: (example_build.parent / name).read_text(encoding="utf-8")
        for name in ("stdout.txt", "stderr.txt")
    }
    assert "search_index.json" in {p.name for p in (example_build / "site" / "search").iterdir()}
    lines = [line for line in (said["stdout.txt"] + said["stderr.txt"]).splitlines() if line.strip()]
    assert lines and "完成" in lines[-1]
    assert "印刷文件" in said["stderr.txt"]  # progress lines as well as the outcome
    for english in ("prefix dict", "Loading model", "Dumping model"):
        assert english not in said["stdout.txt"] + said["stderr.txt"]
    assert [line for line in lines if not re.search(r"[\u4e00-\u9fff]", line)] == []  # every line is Chinese


def test_index_without_cut_words_is_refused() -> None:
    with pytest.raises(SearchSetupError, match="YZ-SITE-003"):
        check_search_index({"docs": [{"location": "a.html", "title": "最低生活保障", "text": "低保"}]})
    check_search_index({"docs": [{"location": "a.html", "title": "最低\u200b生活", "text": ""}]})
