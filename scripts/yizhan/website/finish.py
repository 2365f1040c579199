"""Around the site engine: make pages and index lighter for weak networks, and finish the built site."""

from __future__ import annotations

import re
from pathlib import Path

from .search import finish_search
from .styles import CRITICAL_LINK

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


def links_cut_sheets(custom_dir: Path | None) -> bool:
    """Whether the project's theme links the cut sheets (a theme copied before them keeps the old ones)."""
    main = custom_dir / "main.html" if custom_dir is not None else None
    return main is not None and main.is_file() and CRITICAL_LINK in main.read_text(encoding="utf-8")


def finish_site(site: Path) -> None:
    """Run after every build of the site."""
    finish_search(site)
