"""信息公开 pages in Debian's Chromium: accessibility of a notice page, screenshots to look at."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
# Known theme-level findings (search dialog name, theme colours) belong to the site theme, not to
# these pages' content, so the audit is limited to the article.
CONTENT = {"include": [["article"]]}


@pytest.fixture(scope="module")
def site(mini_site: Path) -> Path:
    """The mini county's site, shared with the other modules that only read it (conftest.mini_site)."""
    return mini_site


@pytest.fixture(scope="module")
def tabs(browser) -> Iterator[dict[int, tuple]]:  # type: ignore[no-untyped-def]
    """One tab per screen width for the module, with the requests each made (a new tab starts a
    renderer and loads the fonts again; a navigation starts from a fresh document all the same)."""
    opened: dict[int, tuple] = {}
    yield opened
    for page, _ in opened.values():
        page.close()


@pytest.fixture
def tab(browser, tabs: dict[int, tuple]) -> Callable[[int, int], tuple]:  # type: ignore[no-untyped-def]
    def at(width: int, height: int) -> tuple:
        if width not in tabs:
            page = browser.new_page(viewport={"width": width, "height": height})
            requests: list[str] = []
            page.on("request", lambda r: requests.append(r.url))
            tabs[width] = page, requests
        page, requests = tabs[width]
        page.set_viewport_size({"width": width, "height": height})
        requests.clear()
        return page, requests

    return at


def test_notice_page_has_no_accessibility_violations(site: Path, tab) -> None:  # type: ignore[no-untyped-def]
    from axe_playwright_python.sync_playwright import Axe

    village = next((site / "disclosure/gongshi/2026-11").glob("YZ-??-???.html"))
    page, requests = tab(360, 740)
    page.goto(village.as_uri())
    result = Axe().run(page, context=CONTENT)
    violations = [(v["id"], v["impact"]) for v in result.response["violations"]]
    assert violations == []
    assert [url for url in requests if not url.startswith("file://")] == []


@pytest.mark.parametrize("width", [360, 1280])
def test_progress_page_screenshot(site: Path, tab, tmp_path: Path, width: int) -> None:  # type: ignore[no-untyped-def]
    page, _ = tab(width, 900)
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
    site: Path,
    tab,  # type: ignore[no-untyped-def]
    path: str,
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page, requests = tab(360, 740)
    page.goto((site / path).as_uri())
    result = Axe().run(page, context=CONTENT)
    violations = [(v["id"], v["impact"]) for v in result.response["violations"]]
    assert [v for v in violations if v[1] in ("serious", "critical")] == []
    assert [url for url in requests if not url.startswith("file://")] == []
    # The page never gets wider than the phone: wide tables scroll inside their own box.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
