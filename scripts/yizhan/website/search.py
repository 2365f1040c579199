"""Chinese search that really finds things: checks before and after mkdocs, and a lighter index.

Without jieba, or with a separator that does not split on U+200B, mkdocs-material still
builds, but the index finds nothing; a county would ship a broken search without noticing.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from ..errors import Failure
from ..report import Location

WORD_JOINER = "\u200b"  # what the search plugin puts between jieba's words
INDEX_FILES = ("search/search_index.json", "search/search_index.js")
_CJK = re.compile(r"[\u4e00-\u9fff]")


class SearchSetupError(Failure):
    """The site's search would find nothing: the build must stop."""


def check_search_setup(config: Any) -> None:
    """Before building: jieba importable and the configured separator splits jieba's words."""
    from material.plugins.search import plugin as search_plugin

    if getattr(search_plugin, "jieba", None) is None:
        raise SearchSetupError("YZ-SITE-001")
    plugin = config["plugins"].get("material/search") or config["plugins"].get("search")
    separator = str(plugin.config.separator or "") if plugin is not None else ""
    if not separator or not re.fullmatch(separator, WORD_JOINER):
        raise SearchSetupError("YZ-SITE-002", Location("mkdocs.yml"))


def load_index(site: Path) -> dict[str, Any]:
    return json.loads((site / INDEX_FILES[0]).read_text(encoding="utf-8"))


def check_search_index(index: dict[str, Any]) -> None:
    """After building: Chinese text in the index must have been cut into words."""
    texts = [f"{d.get('title', '')} {d.get('text', '')}" for d in index.get("docs", [])]
    chinese = [t for t in texts if _CJK.search(t)]
    if chinese and not any(WORD_JOINER in t for t in chinese):
        raise SearchSetupError("YZ-SITE-003", Location("mkdocs.yml"))


def write_compact_index(site: Path, index: dict[str, Any]) -> None:
    """Rewrite the index as UTF-8 instead of \\uXXXX escapes: the same data in about half the bytes."""
    body = json.dumps(index, ensure_ascii=False, separators=(",", ":"))
    (site / INDEX_FILES[0]).write_text(body, encoding="utf-8")
    # The offline plugin's file: loaded by a <script> when the site is opened from file://.
    (site / INDEX_FILES[1]).write_text(f"var __index = {body}", encoding="utf-8")


def finish_search(site: Path) -> None:
    """Check the built index and make it lighter for phones."""
    if not (site / INDEX_FILES[0]).exists():
        return
    index = load_index(site)
    check_search_index(index)
    write_compact_index(site, index)
