"""Checks of the built site itself: no script URL from data, recipient lists kept out of search.

Escaping happens where pages are written; these checks read what was actually built, so a
template edited by hand or a missed escape still cannot publish a live link or an indexed list.
"""

from __future__ import annotations

import gzip
import html
import re
from pathlib import Path

from ..disclosure.render_notices import NOTICE_DIR
from ..feedback.messages import text
from .memory import CheckedPages
from .secrets import Finding

# URL attributes a browser follows or loads; a value is read as the browser reads it (entities
# decoded, tabs and line breaks inside the scheme dropped, any case).
_URL_ATTRIBUTE = re.compile(
    r"""(?<![\w-])(?:href|src|action|formaction|xlink:href|poster|srcset|data)\s*=\s*"""
    r"""("[^"]*"|'[^']*'|[^\s>"']+)""",
    re.IGNORECASE,
)
_SCRIPT_SCHEME = re.compile(r"^(javascript|vbscript|data):", re.IGNORECASE)
_IGNORED = re.compile(r"[\x00-\x20]")
# URLs of these schemes that yizhan itself writes into pages (none today): exact values.
OWN_URLS: frozenset[str] = frozenset()
_META = re.compile(r"<meta\b[^>]*>", re.IGNORECASE)
_NAME_ROBOTS = re.compile(r"""\bname\s*=\s*["']?robots\b""", re.IGNORECASE)
_NOINDEX = re.compile(r"""\bcontent\s*=\s*["'][^"']*\bnoindex\b""", re.IGNORECASE)
SEARCH_FILES = ("search/search_index.json", "search/search_index.js")
SITEMAPS = ("sitemap.xml", "sitemap.xml.gz")


def _what(code: str, **values: object) -> str:
    problem, fix = text(code, **values)
    return f"{problem}。{fix}"


def script_urls(site: Path, record: CheckedPages | None = None) -> list[Finding]:
    """Every javascript:, vbscript: or data: URL in a page or SVG of the site that yizhan did not write.

    With a `record`, a page found without one before is not read again while its bytes are the same.
    """
    findings = []
    for page in sorted(p for p in site.rglob("*") if p.suffix.lower() in (".html", ".htm", ".svg")):
        digest = record.digest(page) if record is not None else ""
        if record is not None and record.recall("scripts", digest) is not None:
            record.remember("scripts", digest, [])
            continue
        body = page.read_bytes().decode("utf-8", errors="replace")
        found = []
        for match in _URL_ATTRIBUTE.finditer(body) if ":" in body else ():
            raw = match.group(1).strip("\"'")
            url = _IGNORED.sub("", html.unescape(raw))
            scheme = _SCRIPT_SCHEME.match(url)
            if scheme and raw not in OWN_URLS:
                line = body.count("\n", 0, match.start()) + 1
                what = _what("YZ-OUT-009", scheme=scheme.group(1).lower() + ":", url=url[:60])
                found.append(Finding(f"site/{page.relative_to(site).as_posix()}", line, what))
        if record is not None and not found:
            record.remember("scripts", digest, [])
        findings += found
    return findings


def _is_noindex(body: str) -> bool:
    return any(_NAME_ROBOTS.search(tag) and _NOINDEX.search(tag) for tag in _META.findall(body))


def _read(path: Path) -> str:
    if not path.exists():
        return ""
    data = path.read_bytes()
    return (gzip.decompress(data) if path.suffix == ".gz" else data).decode("utf-8", errors="replace")


def notice_pages_hidden(site: Path) -> list[Finding]:
    """Every recipient notice page has noindex and is in neither the search index nor the sitemap."""
    notices = site / NOTICE_DIR
    if not notices.exists():
        return []
    indexes = {name: _read(site / name) for name in (*SEARCH_FILES, *SITEMAPS)}
    findings = []
    for page in sorted(notices.rglob("*.html")):
        rel = page.relative_to(site).as_posix()
        where = f"site/{rel}"
        if not _is_noindex(page.read_text(encoding="utf-8", errors="replace")):
            what = _what("YZ-OUT-010", page=rel, problem="没有 noindex 标记（会被搜索引擎收录）")
            findings.append(Finding(where, 1, what))
        for name, body in indexes.items():
            if rel in body or html.escape(rel) in body:
                kind = "站内搜索索引" if name in SEARCH_FILES else "网站地图"
                what = _what("YZ-OUT-010", page=rel, problem=f"出现在{kind} {name} 中")
                findings.append(Finding(where, 1, what, place=name))
    return findings


def site_findings(site: Path, record: CheckedPages | None = None) -> list[Finding]:
    """The checks of the built site as a whole (`record`: pages found clean before, see CheckedPages)."""
    if not site.exists():
        return []
    return script_urls(site, record) + notice_pages_hidden(site)
