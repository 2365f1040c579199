"""The site on a phone over HTTP in Debian's Chromium: first screen, no JavaScript, search loading, axe.

Pages are served by a plain static server, as on a county's web server; the file:// checks (search,
finder, no request to another origin) are in test_site_browser.py.
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image, ImageChops
from playwright.sync_api import Browser, BrowserContext, Page, Route

pytestmark = pytest.mark.browser
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
MODES = {"普通": None, "大字": "yz-large", "高对比": "yz-contrast"}
# Two screenshots of the same screen count as equal when at most SAME_SCREEN_PIXELS of every million
# pixels differ by more than SAME_PIXEL in some colour channel (of 255): room for a border caught
# mid-transition or anti-aliasing, not for a missing element (see the test of the tolerance below).
SAME_PIXEL = 40
SAME_SCREEN_PIXELS = 200


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a closed page drops its connections mid-transfer


def serve(site: Path) -> Iterator[str]:
    server = _Server(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def mini_url(mini_site: Path) -> Iterator[str]:
    yield from serve(mini_site)


def open_page(browser: Browser, url: str, viewport: dict[str, int], mode: str | None = None, **options):
    context = browser.new_context(viewport=viewport, **options)
    if mode:
        context.add_init_script(f"try{{localStorage.setItem('{mode}','1')}}catch(e){{}}")
    return context


class Screens:
    """Screenshots of first screens, one open tab per kind of screen (viewport, mode, stylesheets).

    A tab is reused for every page of its kind: a new tab starts a renderer and loads the fonts again
    (about 0.7 s of CPU), and a navigation starts from a fresh document all the same.
    """

    def __init__(self, browser: Browser, tmp: Path) -> None:
        self.browser, self.tmp, self.tabs = browser, tmp, {}
        self.contexts: list[BrowserContext] = []

    def tab(self, viewport: dict[str, int], mode: str | None, whole: bool) -> Page:
        key = (viewport["width"], viewport["height"], mode, whole)
        if key not in self.tabs:
            context = open_page(self.browser, "", viewport, mode)
            context.route("**/bundle.*.min.js", lambda route: route.abort())
            context.route("**/yizhan.js", lambda route: route.abort())
            if not whole:
                context.route("**/site.*.css", lambda route: route.abort())
            self.contexts.append(context)
            self.tabs[key] = context.new_page()
        return self.tabs[key]

    def take(
        self, url: str, viewport: dict[str, int], mode: str | None, whole: bool, hide: str | None = None
    ) -> Image.Image:
        """The first screen before the deferred scripts run: with the critical sheet only, or the whole
        sheet too. `hide` (a CSS selector) makes those elements transparent, to prove the comparison
        sees them."""
        page = self.tab(viewport, mode, whole)
        page.goto(url, wait_until="load")
        if whole:
            page.wait_for_function(
                "[...document.querySelectorAll('link[href*=\"/site.\"]')].every(l => l.media === 'all')"
            )
        if hide:
            page.add_style_tag(content=f"{hide} {{ opacity: 0 !important; }}")
        page.wait_for_timeout(150)  # let the theme's transitions start (0.25 s; the screenshot ends them)
        path = self.tmp / f"{'whole' if whole else 'critical'}.png"
        page.screenshot(path=str(path), animations="disabled")  # and any still running jump to their end
        return Image.open(path).convert("RGB")

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture(scope="module")
def screens(browser: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Screens]:
    taker = Screens(browser, tmp_path_factory.mktemp("screens"))
    yield taker
    taker.close()


def differing_pixels(first: Image.Image, second: Image.Image) -> int:
    """How many pixels differ by more than SAME_PIXEL in some colour channel."""
    assert first.size == second.size
    channels = ImageChops.difference(first, second).split()
    largest = functools.reduce(ImageChops.lighter, channels)
    return sum(largest.point(lambda value: 255 if value > SAME_PIXEL else 0).histogram()[255:])


def same_screen(first: Image.Image, second: Image.Image) -> bool:
    """Equal within the tolerance above."""
    width, height = first.size
    return differing_pixels(first, second) * 1_000_000 <= SAME_SCREEN_PIXELS * width * height


# The screenshot tests run on one worker: their dozen tabs (one per kind of screen) are opened once.
@pytest.mark.xdist_group("screens")
@pytest.mark.parametrize("mode", MODES.values(), ids=MODES.keys())
@pytest.mark.parametrize(
    "rel", ["index.html", "policies/dibao.html", "stations/index.html", "disclosure/fuwu/index.html"]
)
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_critical_sheet_alone_draws_the_first_screen(
    screens: Screens, mini_url: str, rel: str, viewport: dict[str, int], mode: str | None
) -> None:
    """What a reader sees before the whole stylesheet arrives is what they see after: no jump."""
    first = screens.take(mini_url + rel, viewport, mode, whole=False)
    after = screens.take(mini_url + rel, viewport, mode, whole=True)
    assert same_screen(first, after), differing_pixels(first, after)


@pytest.mark.parametrize(
    "hidden",
    ["label.md-header__button[for=__drawer]", ".md-header__title", "article h1"],
    ids=["menu button (108 pixels apart)", "site name (1,273)", "page title (4,888)"],
)
@pytest.mark.xdist_group("screens")
def test_the_screen_comparison_sees_one_missing_element(screens: Screens, mini_url: str, hidden: str) -> None:
    """The tolerance of the comparison above is too small for the smallest thing a reader would miss."""
    url = mini_url + "policies/dibao.html"
    whole = screens.take(url, PHONE, None, whole=True)
    assert same_screen(whole, screens.take(url, PHONE, None, whole=True))
    missing = screens.take(url, PHONE, None, whole=True, hide=hidden)
    assert not same_screen(whole, missing), differing_pixels(whole, missing)


def test_pages_are_styled_and_readable_without_javascript(browser: Browser, mini_url: str) -> None:
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(mini_url + "policies/dibao.html")
    assert (
        page.evaluate("getComputedStyle(document.querySelector('.md-header')).backgroundColor")
        == "rgb(23, 73, 125)"
    )
    assert page.locator("article h1").is_visible() and page.locator("article ul.yz-checklist li").count() >= 3
    size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('article p')).fontSize)")
    assert size >= 16
    context.close()


def test_search_files_start_before_the_page_has_loaded(browser: Browser, mini_url: str) -> None:
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    order: list[str] = []
    page.on("request", lambda r: order.append(r.url.rsplit("/", 1)[-1]))
    page.on("load", lambda: order.append("LOAD"))
    page.goto(mini_url + "index.html")
    page.wait_for_load_state("networkidle")
    before = order[: order.index("LOAD")]
    # The residents' search has no worker and no lunr: its one index file is fetched early, after the
    # first-screen stylesheet (it is the only search file).
    assert "yz-search-index.js" in before
    assert not [n for n in order if n == "search_index.json" or n.startswith("lunr.")]
    assert order.index("yz-search-index.js") > order.index(
        next(n for n in order if n.startswith("critical."))
    )
    context.close()


def test_search_says_it_is_loading_until_the_index_arrives(browser: Browser, mini_url: str) -> None:
    context = browser.new_context(viewport=PHONE)
    held: list[Route] = []
    context.route("**/search/yz-search-index.js", lambda route: held.append(route))
    page = context.new_page()
    page.goto(mini_url + "index.html")
    page.click("label.md-header__button[for=__search]")
    page.fill("input.md-search__input", "低保")
    page.press("input.md-search__input", "End")
    status = page.locator(".md-search-result__meta")
    assert status.is_visible() and status.inner_text() == "正在加载搜索，请稍候……"
    assert page.locator(".md-search-result__item").count() == 0
    page.wait_for_timeout(500)
    assert held
    for route in held:
        route.continue_()
    page.wait_for_selector(".md-search-result__item", timeout=15000)
    assert "低保" in page.locator(".md-search-result__item").first.inner_text().replace("\u200b", "")
    context.close()


# One page of every type the site has, in the example county (it has every type).
PAGE_TYPES = {
    "首页": "index.html",
    "政策页": "policies/dibao.html",
    "政策目录": "policies/index.html",
    "乡镇办理目录": "handbook/township.html",
    "一本通": "handbook/qa.html",
    "服务承诺": "promises.html",
    "找驿站": "stations/index.html",
    "乡镇驿站": "stations/YZ-01.html",
    "组驿站": "stations/YZ-01-001-01.html",
    "表格下载": "forms/index.html",
    "网上填表": "forms/dibao.html",
    "信息公开": "disclosure/index.html",
    "公示月目录": "disclosure/gongshi/2026-11/index.html",
    "公示事项": "disclosure/gongshi/2026-11/tekun-chushen.html",
    "乡镇公示": "disclosure/gongshi/2026-11/YZ-01.html",
    "村公示": "disclosure/gongshi/2026-11/YZ-01-001.html",
    "工程进度": "disclosure/gongcheng/index.html",
    "乡镇工程": "disclosure/gongcheng/YZ-01.html",
    "意见建议": "disclosure/yijian/index.html",
    "意见月报": "disclosure/yijian/2026-10.html",
    "服务统计": "disclosure/fuwu/index.html",
    "乡镇月统计": "disclosure/fuwu/YZ-01.html",
    "乡镇周统计": "disclosure/fuwu/YZ-01-zhou.html",
    "数据开放": "data/index.html",
    "关于": "about/about.html",
    "404": "404.html",
}


@pytest.fixture(scope="module")
def example_url(example_build: Path) -> Iterator[str]:
    yield from serve(example_build / "site")


# A mode only restyles the page (the same elements are shown, see SHOWN), so in a mode axe runs the rules
# whose outcome depends on how things look; the rules on structure and names ran on the same page already.
STYLE_RULES = [
    "color-contrast", "link-in-text-block", "target-size", "scrollable-region-focusable",
    "avoid-inline-spacing", "css-orientation-lock", "meta-viewport", "meta-viewport-large",
]  # fmt: skip
AXE_RUN = """rules => axe.run(rules ? {runOnly: {type: 'rule', values: rules}, resultTypes: ['violations']}
                            : {resultTypes: ['violations']})"""
SHOWN = "[...document.querySelectorAll('body *')].filter(e => e.getClientRects().length).length"
# The page types in three shares of the sweep below (so the two workers can share it).
PAGE_SHARES = [list(PAGE_TYPES)[start::3] for start in range(3)]


@pytest.mark.slow
@pytest.mark.parametrize("labels", PAGE_SHARES, ids=[share[0] for share in PAGE_SHARES])
def test_no_serious_accessibility_violation_on_any_page_type(
    browser: Browser, example_build: Path, example_url: str, labels: list[str]
) -> None:
    """axe on every page type in each mode, switched on by its button the way a reader does."""
    from axe_playwright_python.sync_playwright import Axe

    missing = [rel for rel in PAGE_TYPES.values() if not (example_build / "site" / rel).is_file()]
    assert missing == []
    axe = Axe()
    context = open_page(browser, example_url, PHONE)
    found = {}
    page = context.new_page()  # one tab for the share: each page type is a fresh document all the same
    for label in labels:
        page.goto(example_url + PAGE_TYPES[label], wait_until="load")
        page.evaluate(axe.axe_script)
        shown = page.evaluate(SHOWN)
        for name, mode in MODES.items():
            if mode:
                button = page.locator(f"[data-yz-toggle={mode}]").first
                button.click()
                assert page.evaluate(f"document.documentElement.classList.contains('{mode}')")
                assert button.get_attribute("aria-pressed") == "true"
                assert page.evaluate(SHOWN) == shown  # the same elements shown: only their looks changed
            violations = page.evaluate(AXE_RUN, STYLE_RULES if mode else None)["violations"]
            bad = [(v["id"], v["impact"]) for v in violations if v["impact"] in ("serious", "critical")]
            if bad:
                found[f"{label} {name}"] = bad
            if mode:
                button.click()  # off again: each mode is checked alone
                assert not page.evaluate(f"document.documentElement.classList.contains('{mode}')")
    context.close()
    assert found == {}
