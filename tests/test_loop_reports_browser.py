"""工作报告 page in Debian's Chromium: no serious accessibility finding at 360 px, charts within the width."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
CONTENT = {"include": [["article"]]}  # theme-level findings belong to the theme (see test_disclosure_browser)


@pytest.fixture(scope="module")
def report(mini_site: Path) -> Path:
    """The mini county's monthly report page (shared site build, conftest.mini_site)."""
    return mini_site / "disclosure/baogao/2026-10.html"


def test_report_page_has_no_serious_accessibility_violations(report: Path, browser) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page = browser.new_page(viewport={"width": 360, "height": 740})
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(report.as_uri())
    result = Axe().run(page, context=CONTENT)
    serious = [
        (v["id"], v["impact"])
        for v in result.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []
    assert [url for url in requests if not url.startswith("file://")] == []
    page.close()


@pytest.mark.parametrize("width", [360, 1280])
def test_report_page_charts_fit_the_screen(report: Path, browser, tmp_path: Path, width: int) -> None:
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(report.as_uri())
    charts = page.locator("article svg")
    assert charts.count() == 9
    for index in range(charts.count()):
        box = charts.nth(index).bounding_box()
        assert box is not None and 200 < box["width"] <= width
    assert page.locator("article li[data-figure] a").count() == 9
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    shot = tmp_path / f"report-{width}.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    page.close()
