"""Around mkdocs: check the search set-up, and make pages and index lighter for weak networks."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from mkdocs.plugins import BasePlugin

from ..privacy.memory import FileDigests
from ..templating import compiled_cache
from .search import check_search_setup, finish_search
from .styles import CRITICAL_LINK, write_styles

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


class CompactHtml(BasePlugin):  # type: ignore[type-arg]
    """Compact each page in memory before mkdocs writes it (writing files twice costs seconds)."""

    def on_post_page(self, output: str, /, *, page: Any, config: Any) -> str:
        return compact_html(output)


class CompiledTemplates(BasePlugin):  # type: ignore[type-arg]
    """Keep the theme's templates compiled between builds (a build of a few pages spends most of its
    time compiling them)."""

    def on_env(self, env: Any, /, *, config: Any, files: Any) -> Any:
        env.bytecode_cache = compiled_cache("theme")
        return env


class SiteStyles(BasePlugin):  # type: ignore[type-arg]
    """After the pages are written: the theme's and the site's stylesheets become the two the pages link."""

    def __init__(self, sources: list[str], memory: Path | None, digests: FileDigests | None) -> None:
        super().__init__()
        self.sources, self.memory, self.digests = sources, memory, digests

    def on_post_build(self, *, config: Any) -> None:
        write_styles(Path(config["site_dir"]), self.sources, self.memory, self.digests)


def prepare_site_build(config: Any, memory: Path | None = None, digests: FileDigests | None = None) -> None:
    """Run before mkdocs builds the site: refuse a search that would find nothing, add compaction.

    The site's own stylesheets (extra_css) are not linked one by one: they join the theme's sheet.
    `memory`, `digests`: see write_styles.
    """
    check_search_setup(config)
    config["plugins"]["yizhan/compact-html"] = CompactHtml()
    config["plugins"]["yizhan/compiled-templates"] = CompiledTemplates()
    if links_cut_sheets(config):
        sources = [str(path) for path in config["extra_css"] if "://" not in str(path)]
        config["extra_css"] = []
        config["plugins"]["yizhan/site-styles"] = SiteStyles(sources, memory, digests)


def links_cut_sheets(config: Any) -> bool:
    """Whether the project's theme links the cut sheets (a theme copied before them keeps the old ones)."""
    custom = config["theme"].custom_dir
    main = Path(custom) / "main.html" if custom else None
    return main is not None and main.is_file() and CRITICAL_LINK in main.read_text(encoding="utf-8")


def finish_site(site: Path) -> None:
    """Run after every mkdocs build of the site."""
    finish_search(site)
