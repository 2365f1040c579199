"""A village phone in Chromium: first contentful paint, bytes and search time on a slow link.

The built site is served by a plain static server on 127.0.0.1 (no compression, as on many county
servers); Debian's Chromium, driven by Playwright, opens each page for the first time (empty cache)
at 360 px, with 400 kbit/s, 400 ms latency and the CPU slowed 4×. The same figures are taken for an
unmodified mkdocs-material site with the same pages, built in the same run, as the baseline.

Run alone with `PYTHONPATH=scripts python -m benchmarks.browser`; `make bench` runs it too.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import logging
import re
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from yizhan.buildkit.paths import project_file
from yizhan.model.output import Output
from yizhan.model.project import County

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
PHONE = {"width": 360, "height": 740}
KBIT, LATENCY_MS, CPU_SLOWDOWN = 400, 400, 4
QUERY = "低保"
SEARCH_DELAYS = (1, 10)  # seconds between the load event and typing
TIMEOUT_MS = 120_000
KB = 1024


@dataclass
class Figures:
    """One site's figures: per page (first contentful paint s, KB by load), search seconds per delay."""

    pages: dict[str, tuple[float, float]] = field(default_factory=dict)
    search: dict[int, tuple[float, float]] = field(default_factory=dict)  # delay → (seconds, real delay)
    index_kb: float = 0.0


def sample_pages(site: Path) -> dict[str, str]:
    """The pages the issue measures: home, station finder, a policy page, a 公示 notice page."""
    notices = sorted(site.glob("disclosure/gongshi/*/YZ-*.html"))
    pages = {"首页": "index.html", "找驿站": "stations/index.html", "政策页（低保）": "policies/dibao.html"}
    if notices:
        pages["公示页"] = notices[-1].relative_to(site).as_posix()
    return pages


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a closed browser context drops its connections mid-transfer: not worth a traceback


@contextmanager
def served(site: Path) -> Iterator[str]:
    """A plain static server for `site` on a free port of 127.0.0.1; yields its base URL."""
    handler = functools.partial(_Quiet, directory=str(site))
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def slow_phone(browser: Browser) -> Iterator[tuple[Page, list[int]]]:
    """A new context (empty cache) with the link and CPU throttled; yields the page and a byte counter."""
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    received = [0]
    cdp.on("Network.loadingFinished", lambda e: received.__setitem__(0, received[0] + e["encodedDataLength"]))
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": LATENCY_MS, "downloadThroughput": KBIT * 1024 / 8,
         "uploadThroughput": KBIT * 1024 / 8},
    )  # fmt: skip
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    try:
        yield page, received
    finally:
        context.close()


def first_visit(browser: Browser, url: str) -> tuple[float, float]:
    """(first contentful paint in seconds, KB received by the load event) of one first visit."""
    with slow_phone(browser) as (page, received):
        page.goto(url, wait_until="load", timeout=TIMEOUT_MS)
        fcp = page.evaluate("performance.getEntriesByName('first-contentful-paint')[0].startTime")
        return fcp / 1000, received[0] / KB


def search_time(browser: Browser, url: str, delay: int) -> tuple[float, float]:
    """(seconds from the moment the reader types, `delay` s after the load event, to the first result;
    seconds from load to when the query could really be typed).

    The search field is opened right after the load event. When the page is still busy at the
    moment of typing, the wait until it takes the keys counts too: the reader waits either way.
    """
    with slow_phone(browser) as (page, _):
        page.goto(url, wait_until="load", timeout=TIMEOUT_MS)
        loaded = time.perf_counter()
        page.click("label.md-header__button[for=__search]")
        page.wait_for_selector("input.md-search__input", state="visible")
        page.wait_for_timeout(max(0.0, delay - (time.perf_counter() - loaded)) * 1000)
        typed = time.perf_counter()
        page.fill("input.md-search__input", QUERY)
        page.press("input.md-search__input", "End")
        page.wait_for_selector(".md-search-result__item", timeout=TIMEOUT_MS)
        return time.perf_counter() - (loaded + delay), typed - loaded


def measure(browser: Browser, sites: dict[str, Path], pages: dict[str, str]) -> dict[str, Figures]:
    """The figures of each site, taken in turns (site A, site B, next page…) so load on the machine hits both."""
    figures = {
        name: Figures(index_kb=(site / "search/search_index.json").stat().st_size / KB)
        for name, site in sites.items()
    }
    with contextlib.ExitStack() as stack:
        bases = {name: stack.enter_context(served(site)) for name, site in sites.items()}
        for base in bases.values():
            first_visit(browser, base + "index.html")  # warm-up (browser start, disk cache): not counted
        for label, rel in pages.items():
            for name, base in bases.items():
                figures[name].pages[label] = first_visit(browser, base + rel)
                print(f"  {name} {label}: {figures[name].pages[label][0]:.1f} s", file=sys.stderr, flush=True)
        for delay in SEARCH_DELAYS:
            for name, base in bases.items():
                figures[name].search[delay] = search_time(browser, base + "index.html", delay)
    return figures


def build_plain(output: Output, root: Path, county: County, site: Path) -> None:
    """The same pages built with an unmodified mkdocs-material (only its search, in Chinese)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    settings = yaml.safe_load(project_file(root, "mkdocs.yml").read_text(encoding="utf-8"))
    theme = {key: value for key, value in settings["theme"].items() if key != "custom_dir"}
    # Only the page template the notice pages name (it adds a robots meta) comes from the project.
    theme["custom_dir"] = str(site.parent / "plain-theme")
    shutil.copytree(
        project_file(root, "site_templates") / "theme/disclosure", site.parent / "plain-theme/disclosure"
    )
    search = next(p["search"] for p in settings["plugins"] if isinstance(p, dict) and "search" in p)
    docs = site.parent / "plain-docs"
    for rel, text in output.docs.items():
        (docs / rel).parent.mkdir(parents=True, exist_ok=True)
        (docs / rel).write_text(text, encoding="utf-8")
    # The site's own stylesheet and script (reading switches, finder) as plain extra files.
    assets = project_file(root, "site_templates") / "theme"
    extra = [*settings.get("extra_css", []), *settings.get("extra_javascript", [])]
    for rel in extra:
        (docs / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(assets / rel, docs / rel)
    config = load_config(
        config_file=str(project_file(root, "mkdocs.yml")),
        docs_dir=str(docs),
        site_dir=str(site),
        nav=output.nav,
        site_name=f"{county.county}民生驿站",
        theme=theme,
        plugins=[{"search": search}],
        extra={},
        use_directory_urls=False,
    )
    build(config)
    for rel, data in output.site_files.items():
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_bytes(data)
    shutil.rmtree(docs)


def index_costs(site: Path, top: int = 8) -> str:
    """What each field of the search index costs, and the sections (by heading) that cost most."""
    import json
    from collections import Counter

    from yizhan.website.search import WORD_JOINER

    index = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))

    def size(value: object) -> int:
        return len(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode())

    fields: Counter[str] = Counter()
    sections: Counter[str] = Counter()
    for doc in index["docs"]:
        for key, value in doc.items():
            fields[key] += size(value)
        anchor = doc["location"].partition("#")[2]
        heading = doc["title"].replace(WORD_JOINER, "")[:20] if anchor else "（页面开头）"
        if series := re.fullmatch(r"([a-z][\w-]*?)-?\d+", anchor):  # e.g. faq-3: one section per question
            heading = f"#{series.group(1)}-…（每条一节）"
        sections[heading] += size(doc)
    joiners = sum(
        d.get("title", "").count(WORD_JOINER) + d.get("text", "").count(WORD_JOINER) for d in index["docs"]
    )
    total = size(index)
    lines = [
        f"搜索索引 {total / KB:.0f} KB，{len(index['docs'])} 条：",
        "",
        "| 部分 | KB | 占比 |",
        "|---|---:|---:|",
    ]
    rows = [(f"字段 {k}", v) for k, v in fields.most_common()] + [("其中分词符 U+200B", joiners * 3)]
    rows += [(f"小节「{k}」", v) for k, v in sections.most_common(top)]
    lines += [f"| {label} | {value / KB:.1f} | {value / total:.0%} |" for label, value in rows]
    return "\n".join(lines)


def _row(label: str, ours: float, plain: float, unit: str, limit: float | None = None) -> str:
    verdict = "" if limit is None else ("达标" if ours <= limit else "未达标")
    return f"| {label} | {ours:.1f} {unit} | {plain:.1f} {unit} | {ours / plain:.2f} | {verdict} |"


def table(ours: Figures, plain: Figures) -> str:
    lines = [
        f"慢速手机（Chromium 360px，{KBIT} kbit/s、延迟 {LATENCY_MS} ms、CPU 慢 {CPU_SLOWDOWN} 倍，"
        "本机静态服务器不压缩，首次访问）：",
        "",
        "| 首次访问 | 本工具 | 原版 mkdocs-material | 比值 | 目标 |",
        "|---|---:|---:|---:|---|",
    ]
    for label, (fcp, size) in ours.pages.items():
        plain_fcp, plain_size = plain.pages[label]
        lines.append(_row(f"{label} 首次内容绘制", fcp, plain_fcp, "秒", 3.0))
        lines.append(_row(f"{label} 传输（到 load）", size, plain_size, "KB"))
    for delay, (seconds, typed) in ours.search.items():
        plain_seconds, plain_typed = plain.search[delay]
        label = f"搜索“{QUERY}”，载入后 {delay} 秒输入（页面能接受输入：{typed:.1f} / {plain_typed:.1f} 秒）"
        lines.append(_row(label, seconds, plain_seconds, "秒", 1.0 if delay >= 10 else 3.0))
    lines.append(_row("搜索索引 search_index.json", ours.index_kb, plain.index_kb, "KB"))
    lines.append("")
    lines.append("注：本机 CPU 与他人共用，时间有波动；请看同一次运行中的比值。")
    return "\n".join(lines)


def browser_table(site: Path, output: Output, root: Path, county: County) -> str:
    """Build the plain baseline next to `site`, measure both, and return the Markdown table."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        return "（没有 /usr/bin/chromium，跳过浏览器基准）"
    with tempfile.TemporaryDirectory(prefix="yizhan-plain-") as tmp:
        plain_site = Path(tmp) / "site"
        build_plain(output, root, county, plain_site)
        pages = sample_pages(site)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                both = measure(browser, {"本工具": site, "原版": plain_site}, pages)
                ours, plain = both["本工具"], both["原版"]
            finally:
                browser.close()
    return table(ours, plain) + "\n\n" + index_costs(site)


def build_example(root: Path, out: Path) -> tuple[Output, County]:
    """The county at `root`, site part only, built into `out` as `yizhan build --only site` does."""
    from yizhan.derive import derive
    from yizhan.load import load
    from yizhan.publish import publish, swap
    from yizhan.render import render
    from yizhan.validate import to_model, validate

    project = load(root)
    if not validate(project).valid:
        raise SystemExit("示例县的数据没有通过检查")
    model = to_model(project)
    output = render(derive(model), project_file(root, "site_templates"))
    swap(publish(output, root, out, model.county, {"site"}), out)
    return output, model.county


def main(argv: list[str] | None = None) -> int:
    from yizhan.buildkit.paths import tool_root

    parser = argparse.ArgumentParser(prog="python -m benchmarks.browser", description="慢速手机上的网站")
    parser.add_argument("--project", type=Path, default=tool_root(), help="县的项目目录（默认示例县）")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="yizhan-browser-") as tmp:
        out = Path(tmp) / "build"
        output, county = build_example(args.project, out)
        print(browser_table(out / "site", output, args.project, county))
    return 0


if __name__ == "__main__":
    sys.exit(main())
