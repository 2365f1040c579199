"""After mkdocs: check the search index, and make pages and index lighter for weak networks."""

from __future__ import annotations

import re
from pathlib import Path

from .site_search import finish_search

# Blocks whose whitespace is content; everything else collapses in the browser anyway.
_KEEP = re.compile(r"(<(pre|textarea|script)\b.*?</\2>)", re.DOTALL | re.IGNORECASE)
_INDENT = re.compile(r"\n[ \t]*(?:\n[ \t]*)*")


def compact_html(text: str) -> str:
    """Drop the template's indentation and blank lines, outside <pre>, <textarea> and <script>."""
    parts = _KEEP.split(text)
    out: list[str] = []
    # re.split with two groups yields: text, whole block, tag name, text, ...
    for i in range(0, len(parts), 3):
        out.append(_INDENT.sub("\n", parts[i]))
        if i + 1 < len(parts):
            out.append(parts[i + 1])
    return "".join(out)


def finish_site(site: Path) -> None:
    """Run after every mkdocs build of the site."""
    finish_search(site)
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        page.write_text(compact_html(text), encoding="utf-8")
