"""Budgets of the public site for `make bench`: index, finder data, page size, first visit, build overhead."""

from __future__ import annotations

import gzip
import logging
import tempfile
import time
from pathlib import Path

from yizhan.buildkit.paths import project_file
from yizhan.model.output import Output
from yizhan.model.project import County
from yizhan.website.stations import FINDER_DATA

KB = 1024
BUDGETS_KB = {"search": 1536, "finder": 200, "page": 60, "first_visit": 600}
CHROMIUM = "/usr/bin/chromium"


def plain_mkdocs_seconds(output: Output, root: Path, county: County) -> float:
    """Wall time of a plain `mkdocs build` of the same generated pages, without yizhan's steps."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="yizhan-plain-") as tmp:
        docs = Path(tmp) / "docs"
        for rel, text in output.docs.items():
            (docs / rel).parent.mkdir(parents=True, exist_ok=True)
            (docs / rel).write_text(text, encoding="utf-8")
        config = load_config(
            config_file=str(project_file(root, "mkdocs.yml")),
            docs_dir=str(docs),
            site_dir=str(Path(tmp) / "site"),
            nav=output.nav,
            site_name=f"{county.county}民生驿站",
        )
        start = time.perf_counter()
        build(config)
        return time.perf_counter() - start


def first_visit(site: Path) -> tuple[int, int] | None:
    """Bytes (raw, gzip-compressed) of every file the home page loads in Chromium; None without it."""
    if not Path(CHROMIUM).exists():
        return None
    from playwright.sync_api import sync_playwright

    urls: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 360, "height": 740})
        page.on("request", lambda r: urls.append(r.url))
        page.goto((site / "index.html").as_uri())
        page.wait_for_load_state("networkidle")
        browser.close()
    prefix = site.as_uri() + "/"
    files = {site / u[len(prefix) :].split("?")[0].split("#")[0] for u in urls if u.startswith(prefix)}
    data = [f.read_bytes() for f in files if f.is_file()]
    return sum(map(len, data)), sum(len(gzip.compress(d, 6, mtime=0)) for d in data)


def site_budgets(site: Path) -> list[tuple[str, float, float]]:
    """(what, measured KB, budget KB) for the example county's site."""
    pages = max(site.rglob("*.html"), key=lambda p: p.stat().st_size)
    rows = [
        (
            "搜索索引 search_index.json",
            (site / "search/search_index.json").stat().st_size / KB,
            BUDGETS_KB["search"],
        ),
        ("找驿站数据 " + FINDER_DATA, (site / FINDER_DATA).stat().st_size / KB, BUDGETS_KB["finder"]),
        (f"最大的页面 {pages.relative_to(site)}", pages.stat().st_size / KB, BUDGETS_KB["page"]),
    ]
    visit = first_visit(site)
    if visit is not None:
        rows.append(("首页首次访问（原始）", visit[0] / KB, BUDGETS_KB["first_visit"]))
        rows.append(("首页首次访问（gzip 传输）", visit[1] / KB, BUDGETS_KB["first_visit"]))
    return rows


def budget_table(rows: list[tuple[str, float, float]], site_seconds: float, plain_seconds: float) -> str:
    lines = ["| 网站预算 | 实测（KB） | 上限（KB） | 结果 |", "|---|---:|---:|---|"]
    lines += [
        f"| {what} | {kb:.0f} | {limit:.0f} | {'达标' if kb <= limit else '超出'} |"
        for what, kb, limit in rows
    ]
    ratio = site_seconds / plain_seconds if plain_seconds else float("nan")
    lines.append("")
    lines.append(
        f"网站阶段（生成页面 + 发布网站）{site_seconds:.2f} 秒；同样页面直接 mkdocs build {plain_seconds:.2f} 秒；"
        f"比值 {ratio:.2f}×（上限 1.3×）"
    )
    return "\n".join(lines)
