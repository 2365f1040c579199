"""Chinese search that really finds things: checks before and after mkdocs, and a lighter index.

Without jieba, or with a separator that does not split on U+200B, mkdocs-material still
builds, but the index finds nothing; a county would ship a broken search without noticing.
The search box itself now reads the residents' index (`search_index.py`); the theme's index is
still built by mkdocs and checked here.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import Any

from ..buildkit.cache import replace_file
from ..feedback.errors import Failure
from ..feedback.report import Location

WORD_JOINER = "\u200b"  # what the search plugin puts between jieba's words
INDEX_FILES = ("search/search_index.json", "search/search_index.js")
LUNR_DIR = "assets/javascripts/lunr"
_CJK = re.compile(r"[\u4e00-\u9fff]")
_TAG = re.compile(r"\s*<[^>]+>\s*")


class SearchSetupError(Failure):
    """The site's search would find nothing: the build must stop."""

    prefix = "YZ-SITE-"


def jieba_module() -> Any:
    """jieba, which cuts Chinese into words for both indexes: without it they would find nothing."""
    try:
        import jieba
    except ImportError:
        raise SearchSetupError("YZ-SITE-001") from None
    jieba.setLogLevel(logging.WARNING)  # it announces its dictionary in English otherwise; users read Chinese
    return jieba


def check_separator(separator: str) -> None:
    """Before building: the configured separator (a regular expression) splits jieba's words."""
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


def lean_text(text: str, separator: re.Pattern[str]) -> str:
    """The same words in fewer bytes: no markup, and no U+200B next to another separator or an end.

    Results are shown as text either way; each U+200B is 3 bytes, and a third of them only
    repeat a split that a space or a punctuation mark already makes.
    """
    text = _TAG.sub(" ", text).strip()
    if WORD_JOINER not in text:
        return text
    kept = []
    for i, char in enumerate(text):
        if char == WORD_JOINER:
            before = text[i - 1] if i else ""
            after = text[i + 1] if i + 1 < len(text) else ""
            if not before or not after or separator.fullmatch(before) or separator.fullmatch(after):
                continue
        kept.append(char)
    return "".join(kept)


def lean_index(index: dict[str, Any]) -> dict[str, Any]:
    """The index with every title and text made lean (see lean_text); the words found do not change."""
    separator = re.compile(index.get("config", {}).get("separator") or r"\s+")
    docs = [
        {
            **doc,
            "title": lean_text(doc.get("title", ""), separator),
            "text": lean_text(doc.get("text", ""), separator),
        }
        for doc in index.get("docs", [])
    ]
    return {**index, "docs": docs}


def write_compact_index(site: Path, index: dict[str, Any]) -> None:
    """Rewrite the index as UTF-8 instead of \\uXXXX escapes: the same data in about half the bytes."""
    body = json.dumps(index, ensure_ascii=False, separators=(",", ":"))
    replace_file(site / INDEX_FILES[0], body)
    # The offline plugin's file: loaded by a <script> when the site is opened from file://.
    replace_file(site / INDEX_FILES[1], f"var __index = {body}")


def lunr_files(languages: list[str]) -> set[str]:
    """The language files the theme's search worker loads for `languages` (as its importScripts does)."""
    names = {f"min/lunr.{lang}.min.js" for lang in languages if lang != "en"}
    names |= {"tinyseg.js" for lang in languages if lang == "ja"}
    names |= {"wordcut.js" for lang in languages if lang in ("hi", "th")}
    if len(languages) > 1:
        names.add("min/lunr.multi.min.js")
    if names:
        names.add("min/lunr.stemmer.support.min.js")
    return names


def prune_lunr(site: Path, languages: list[str]) -> None:
    """Remove the search languages the site does not use (the theme ships 30, 1.5 MB)."""
    folder = site / LUNR_DIR
    keep = lunr_files(languages)
    for path in folder.rglob("*.js"):
        if path.relative_to(folder).as_posix() not in keep:
            path.unlink()


def finish_search(site: Path) -> None:
    """Check the built index and make it lighter for phones."""
    if not (site / INDEX_FILES[0]).exists():
        return
    index = load_index(site)
    check_search_index(index)
    write_compact_index(site, lean_index(index))
    prune_lunr(site, list(index.get("config", {}).get("lang") or ["en"]))
