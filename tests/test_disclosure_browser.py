"""信息公开 pages in Debian's Chromium: accessibility of a notice page, screenshots to look at."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Tabs

pytestmark = pytest.mark.browser
# Known theme-level findings (search dialog name, theme colours) belong to the site theme, not to
# these pages' content, so the audit is limited to the article.
CONTENT = {"include": [["article"]]}


@pytest.fixture(scope="module")
def site(mini_site: Path) -> Path:
    """The mini county's site, shared with the other modules that only read it (conftest.mini_site)."""
    return mini_site


def test_notice_page_has_no_accessibility_violations(site: Path, tabs: Tabs) -> None:
    from axe_playwright_python.sync_playwright import Axe

    village = next((site / "disclosure/gongshi/2026-11").glob("YZ-??-???.html"))
    page, requests = tabs.at({"width": 360, "height": 740}), tabs.requests
    page.goto(village.as_uri())
    result = Axe().run(page, context=CONTENT)
    violations = [(v["id"], v["impact"]) for v in result.response["violations"]]
    assert violations == []
    assert [url for url in requests if not url.startswith("file://")] == []


@pytest.mark.parametrize("width", [360, 1280])
def test_progress_page_screenshot(site: Path, tabs: Tabs, tmp_path: Path, width: int) -> None:
    page = tabs.at({"width": width, "height": 900})
    page.goto((site / "disclosure/gongcheng/index.html").as_uri())
    svg = page.locator("article svg").first
    box = svg.bounding_box()
    assert box is not None and 200 < box["width"] <= width
    table = page.locator("article .yz-chart-table").first
    assert table.is_visible()
    shot = tmp_path / f"progress-{width}.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000


LOOP_PAGES = [
    "disclosure/zoufang/index.html",
    "disclosure/zoufang/2026-11.html",
    "disclosure/huifang/index.html",
    "disclosure/jiandu/index.html",
    "disclosure/wenti/index.html",
    "disclosure/wenti/2026-11.html",
    "disclosure/gongcheng/YZ-01.html",  # a project page with its supervision block
]


@pytest.mark.parametrize("path", LOOP_PAGES)
def test_loop_pages_have_no_serious_accessibility_violations_on_a_phone(
    site: Path, tabs: Tabs, path: str
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page, requests = tabs.at({"width": 360, "height": 740}), tabs.requests
    page.goto((site / path).as_uri())
    result = Axe().run(page, context=CONTENT)
    violations = [(v["id"], v["impact"]) for v in result.response["violations"]]
    assert [v for v in violations if v[1] in ("serious", "critical")] == []
    assert [url for url in requests if not url.startswith("file://")] == []
    # The page never gets wider than the phone: wide tables scroll inside their own box.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
