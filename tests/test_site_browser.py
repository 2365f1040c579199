"""The example county's site in headless Chromium, opened from file:// as from a USB stick."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page

from conftest import Tabs
from yizhan.privacy.gate import broken_links

pytestmark = pytest.mark.browser
PAGES = ["index.html", "policies/dibao.html", "stations/index.html", "stations/YZ-01-001.html"]
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
TAP_TARGETS = (
    "header a, header label, header button, .md-typeset .md-button, .yz-tile, .yz-finder select,"
    " .yz-finder input, .yz-results a, .yz-links a, .md-footer a"
)


@pytest.fixture(scope="module")
def site(example_build: Path) -> Path:
    return example_build / "site"


@pytest.fixture
def requests(tabs: Tabs) -> list[str]:
    return tabs.requests


@pytest.fixture
def open_page(tabs: Tabs, site: Path) -> Callable[..., Page]:
    def open_(rel: str, viewport: dict[str, int] = DESKTOP) -> Page:
        page = tabs.at(viewport)
        page.goto((site / rel).as_uri())
        return page

    return open_


def search(page: Page, query: str) -> list[str]:
    page.fill("input.md-search__input", query)
    page.press("input.md-search__input", "End")
    page.wait_for_selector(".md-search-result__item", timeout=15000)
    titles = page.locator(".md-search-result__item h1").all_inner_texts()
    return [t.replace("\u200b", "").strip() for t in titles]  # the index joins words with U+200B


@pytest.mark.parametrize(
    ("query", "title"),
    [("低保", "城乡居民最低生活保障"), ("残疾", "残疾人两项补贴（困难残疾人生活补贴和重度残疾人护理补贴）")],
)
def test_chinese_search_from_file(open_page, query: str, title: str) -> None:
    titles = search(open_page("index.html"), query)
    assert any(t.startswith(title) for t in titles[:3]), titles[:3]  # among the first results


def test_no_request_leaves_the_site(open_page, site: Path, requests: list[str]) -> None:
    for rel in PAGES:
        page = open_page(rel)
        page.wait_for_load_state("networkidle")
    search(page, "低保")
    assert requests
    assert [u for u in requests if not u.startswith(site.as_uri() + "/")] == []


def test_navigation_works_from_file(open_page, site: Path) -> None:
    page = open_page("index.html")
    page.click(".md-tabs__link >> text=政策手册")
    assert page.url == (site / "policies/index.html").as_uri()
    page.click("article a >> text=城乡居民最低生活保障")
    assert page.locator("article h1").inner_text() == "城乡居民最低生活保障（低保）"


def test_finder_filters_as_you_type(open_page, site: Path) -> None:
    page = open_page("stations/index.html", PHONE)
    page.select_option("#yz-town", "城关镇")
    in_town = page.locator("#yz-results li").count()
    assert 0 < in_town <= 100 and "找到" in page.inner_text("#yz-count")
    page.fill("#yz-name", "福塘")
    names = page.locator("#yz-results a").all_inner_texts()
    assert names and all("福塘" in n for n in names) and len(names) < in_town
    page.select_option("#yz-town", "")
    page.fill("#yz-name", "没有这个村")
    assert page.locator("#yz-results li").count() == 0 and "没有找到" in page.inner_text("#yz-count")
    page.fill("#yz-name", "福塘村一组")
    page.click("#yz-results a >> nth=0")
    assert page.url == (site / "stations/YZ-01-001-01.html").as_uri()
    assert page.locator("article h1").inner_text() == "福塘村一组民生驿站"


def test_finder_lists_level_place_and_status_by_name(open_page) -> None:
    """The finder reads its data by field name: level word, township, village, group, and 停用 when stopped."""
    page = open_page("stations/index.html", PHONE)
    page.fill("#yz-name", "白石村五组")
    assert page.locator("#yz-results a").all_inner_texts() == [
        "白石村五组民生驿站\n组级 · 城关镇 白石村 五组 · 停用"
    ]
    page.fill("#yz-name", "白石村四组")
    assert page.locator("#yz-results a").all_inner_texts() == [
        "白石村四组民生驿站\n组级 · 城关镇 白石村 四组"
    ]
    page.fill("#yz-name", "")
    page.select_option("#yz-town", "城关镇")
    villages = page.locator("#yz-village option").all_inner_texts()
    assert villages[0] == "全部村" and "白石村" in villages


@pytest.mark.parametrize("rel", PAGES)
def test_phone_layout(open_page, rel: str) -> None:
    page = open_page(rel, PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    small = page.evaluate(
        # The closed search dialog's inner controls are laid out but not shown; skip them.
        """(sel) => [...document.querySelectorAll(sel)]
           .filter(e => e.offsetParent !== null && !e.closest('.md-search'))
           .map(e => [e.textContent.trim().slice(0, 20), e.getBoundingClientRect()])
           .filter(([, r]) => r.width > 0 && (r.height < 44 || r.width < 44)).map(([t, r]) => [t, r.width, r.height])""",
        TAP_TARGETS,
    )
    assert small == []
    sizes = page.evaluate(
        """[...document.querySelectorAll('article p, article li, article dd')]
           .map(e => parseFloat(getComputedStyle(e).fontSize))"""
    )
    assert sizes and min(sizes) >= 16


def test_reading_switch_persists_across_pages(open_page) -> None:
    page = open_page("index.html", PHONE)
    before = page.evaluate("parseFloat(getComputedStyle(document.querySelector('article p')).fontSize)")
    page.click("button[data-yz-toggle=yz-large]")
    page.click("button[data-yz-toggle=yz-contrast]")
    assert page.get_attribute("button[data-yz-toggle=yz-large]", "aria-pressed") == "true"
    page.goto(page.url.replace("index.html", "policies/dibao.html"))
    classes = page.evaluate("[...document.documentElement.classList]")
    assert {"yz-large", "yz-contrast"} <= set(classes)
    assert page.get_attribute("button[data-yz-toggle=yz-contrast]", "aria-pressed") == "true"
    after = page.evaluate("parseFloat(getComputedStyle(document.querySelector('article p')).fontSize)")
    assert after >= before * 1.2
    header = page.evaluate("getComputedStyle(document.querySelector('.md-header')).backgroundColor")
    assert header == "rgb(0, 0, 0)"


def test_keyboard_reaches_the_switch_with_visible_focus(open_page) -> None:
    page = open_page("index.html")
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.dataset.yzToggle") == "yz-large":
            break
    else:
        pytest.fail("大字模式开关不能用键盘到达")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("none", "")
    page.keyboard.press("Enter")
    assert "yz-large" in page.evaluate("[...document.documentElement.classList]")


@pytest.mark.parametrize("rel", PAGES)
def test_no_serious_accessibility_violation(open_page, rel: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(open_page(rel))
    serious = [
        (v["id"], v["impact"])
        for v in result.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []


def test_printed_policy_page(open_page) -> None:
    page = open_page("policies/dibao.html")
    assert page.is_visible("button[data-yz-print]")
    page.emulate_media(media="print")
    for chrome in (".md-header", ".md-sidebar--primary", ".md-footer", "button[data-yz-print]"):
        assert not page.is_visible(chrome), chrome
    after = page.evaluate(
        """getComputedStyle(document.querySelector('article a[href$="stations/index.html"]'), '::after').content"""
    )
    assert "stations/index.html" in after and after.startswith('"（file://')


def test_no_broken_internal_links(site: Path) -> None:
    assert broken_links(site) == []
