"""The theme's stylesheet cut to what the built pages use, and the small part the first paint needs.

mkdocs-material ships one 137 KB stylesheet for every feature it has; a page of this site uses a
fraction of it. After mkdocs has written the pages, the build keeps only the rules whose selectors
can match the pages (their tags, classes, ids and attributes, or words of the theme's scripts, which
add elements later), adds the site's own stylesheets, and writes two files named by their content:
the whole sheet, loaded without blocking the first paint, and the critical sheet — the rules that
style elements present in the page before any script runs, for the screen — which the page waits for.
Loading the critical sheet before the whole one gives the same computed styles as the whole one
alone: every critical rule is also in the whole sheet, later, so the whole sheet's copy wins.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import tinycss2

from ..buildkit.cache import NOWHERE, Cache, replace_file
from ..privacy.memory import FileDigests

STYLES_DIR = "assets/stylesheets"
PLACEHOLDER = "0" * 8  # what the templates write in place of the content hash
CRITICAL_LINK = f"assets/stylesheets/critical.{PLACEHOLDER}.css"
SHEET = re.compile(r"(?<=stylesheets/)(critical|site)\.[0-9a-f]{8}\.css")

_TAG = re.compile(r"<[a-zA-Z][^>]*>")
_WORD = re.compile(r"-*[\w][\w-]*")
_FUNCTION = re.compile(r":{1,2}([\w-]+)\(")
_ATTRIBUTE = re.compile(r"\[\s*([\w-]+)\s*(?:([~|^$*]?=)\s*(\"[^\"]*\"|'[^']*'|[\w-]+)\s*[is]?\s*)?\]")
_PSEUDO = re.compile(r"::?[\w-]+")
_CLASS_OR_ID = re.compile(r"[.#](-?[\w][\w-]*)")
_TYPE = re.compile(r"(?:^|[\s>+~])([a-zA-Z][\w-]*)")
_VAR = re.compile(r"var\(\s*(--[\w-]+)")
# Functional pseudo-classes that match when one of their selectors does; the others (:not,
# :nth-child(…), :lang(…)) narrow a selector that must match anyway, so their arguments are ignored.
_ANY_OF = {"is", "where", "matches", "-webkit-any", "-moz-any", "has"}
# States a page is not in before the reader does something; rules for them are not critical.
_LATER = re.compile(
    r":(hover|focus|focus-visible|focus-within|active|target|visited)\b"
    r"|::?(selection|placeholder|-webkit-scrollbar[\w-]*|-moz-selection|-webkit-search[\w-]*)"
)
# The page's direction, language and colour scheme are written by the template; the theme's script
# only reads them (its words "rtl", "slate" must not keep right-to-left or dark-scheme rules).
PAGE_ONLY_ATTRIBUTES = {
    "dir",
    "lang",
    "data-md-color-scheme",
    "data-md-color-primary",
    "data-md-color-accent",
}
_NOT_FOR_PAINT = ("transition", "animation", "cursor", "will-change", "-webkit-tap-highlight-color")


@dataclass(frozen=True)
class Words:
    """What the built site can match: words in the pages' tags, and words of the theme's scripts."""

    page: frozenset[str]
    script: frozenset[str]

    @property
    def any(self) -> frozenset[str]:
        return self.page | self.script


def page_words(tags: Iterable[str]) -> set[str]:
    """Every word in the given start tags: tag and attribute names, classes, ids, attribute values."""
    words: set[str] = set()
    for tag in tags:
        words.update(_WORD.findall(tag))
    return words


def start_tags(html: str) -> set[str]:
    return set(_TAG.findall(html))


def script_words(scripts: Iterable[str]) -> set[str]:
    words: set[str] = set()
    for script in scripts:
        words.update(_WORD.findall(script))
    return words


def _closing(text: str, start: int) -> int:
    """Index of the parenthesis closing the one just before `start`."""
    depth = 1
    for i in range(start, len(text)):
        if text[i] == "(":
            depth += 1
        elif text[i] == ")":
            depth -= 1
            if depth == 0:
                return i
    return len(text)


def split_top(text: str, sep: str = ",") -> list[str]:
    """Split on `sep` outside parentheses and brackets."""
    parts, depth, last = [], 0, 0
    for i, char in enumerate(text):
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == sep and depth == 0:
            parts.append(text[last:i])
            last = i + 1
    parts.append(text[last:])
    return [p.strip() for p in parts if p.strip()]


def selector_matches(selector: str, words: frozenset[str], page: frozenset[str] | None = None) -> bool:
    """Whether every name the selector requires occurs among `words` (a selector with escapes: yes).

    `page`: the pages' own words, which alone decide the values of PAGE_ONLY_ATTRIBUTES.
    """
    if "\\" in selector:
        return True
    while match := _FUNCTION.search(selector):
        end = _closing(selector, match.end())
        if match.group(1).lower() in _ANY_OF:
            inner = selector[match.end() : end]
            if not any(selector_matches(s, words, page) for s in split_top(inner)):
                return False
        selector = selector[: match.start()] + selector[end + 1 :]
    for name, operator, value in _ATTRIBUTE.findall(selector):
        if name not in words:
            return False
        # A whole value must occur as a word; a part (^= *= $=) or a value with spaces is not checked.
        value = value.strip("\"'")
        known = page if name in PAGE_ONLY_ATTRIBUTES and page is not None else words
        if operator in ("=", "~=") and _WORD.fullmatch(value) and value not in known:
            return False
    selector = _PSEUDO.sub("", _ATTRIBUTE.sub("", selector))
    names = _CLASS_OR_ID.findall(selector) + _TYPE.findall(_CLASS_OR_ID.sub("", selector))
    return all(name in words for name in names)


def _declarations(content: list, critical: bool) -> list[tuple[str, str]]:
    out = []
    for node in tinycss2.parse_blocks_contents(content, skip_comments=True, skip_whitespace=True):
        if node.type != "declaration":
            continue
        if critical and node.lower_name.startswith(_NOT_FOR_PAINT):
            continue
        value = tinycss2.serialize(node.value).strip()
        out.append((node.name, value + ("!important" if node.important else "")))
    return out


@dataclass
class _Rule:
    selectors: list[str]
    declarations: list[tuple[str, str]]


def _purge(rules: Iterable, words: Words, critical: bool) -> list[_Rule | tuple[str, list] | str]:
    """Rules kept, as _Rule, (at-rule prelude, children) or a verbatim at-rule."""
    out: list[_Rule | tuple[str, list] | str] = []
    for rule in rules:
        if rule.type == "qualified-rule":
            prelude = tinycss2.serialize(rule.prelude).strip()
            needed = words.page if critical else words.any
            kept = [
                s
                for s in split_top(prelude)
                if selector_matches(s, needed, words.page) and not (critical and _LATER.search(s))
            ]
            if kept:
                declarations = _declarations(rule.content, critical)
                if declarations:
                    out.append(_Rule(kept, declarations))
        elif rule.type == "at-rule":
            keyword = rule.lower_at_keyword
            prelude = "@" + rule.at_keyword + tinycss2.serialize(rule.prelude).rstrip()
            if keyword in ("media", "supports", "container", "layer") and rule.content is not None:
                if (
                    critical
                    and keyword == "media"
                    and re.search(r"\bprint\b", prelude)
                    and "screen" not in prelude
                ):
                    continue
                inner = tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True)
                children = _purge(inner, words, critical)
                if children:
                    out.append((prelude, children))
            elif keyword.endswith("keyframes"):
                if not critical:
                    out.append(tinycss2.serialize([rule]).strip())
            else:
                out.append(tinycss2.serialize([rule]).strip())
    return out


def _used_variables(tree: list, readers: frozenset[str]) -> set[str]:
    text = _serialize(tree, set(), drop_unused=False)
    return set(_VAR.findall(text)) | {w for w in readers if w.startswith("--")}


def _serialize(tree: list, used: set[str], drop_unused: bool = True) -> str:
    parts = []
    for item in tree:
        if isinstance(item, _Rule):
            declarations = [
                f"{name}:{value}"
                for name, value in item.declarations
                if not (drop_unused and name.startswith("--") and name not in used)
            ]
            if declarations:
                parts.append(",".join(item.selectors) + "{" + ";".join(declarations) + "}")
        elif isinstance(item, tuple):
            inner = _serialize(item[1], used, drop_unused)
            if inner:
                parts.append(item[0] + "{" + inner + "}")
        else:
            parts.append(item)
    return "".join(parts)


def _unused_keyframes(css: str) -> str:
    """Drop @keyframes no kept rule names."""
    frames = re.findall(r"@(?:-webkit-)?keyframes\s+([\w-]+)", css)
    body = re.sub(r"@(?:-webkit-)?keyframes\s+[\w-]+\{(?:[^{}]*\{[^{}]*\})*[^{}]*\}", "", css)
    for name in set(frames):
        if not re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", body):
            css = re.sub(
                rf"@(?:-webkit-)?keyframes\s+{re.escape(name)}\{{(?:[^{{}}]*\{{[^{{}}]*\}})*[^{{}}]*\}}",
                "",
                css,
            )
    return css


@lru_cache(maxsize=4)
def _parsed(css: str) -> tuple:
    """The stylesheet's rules, parsed once per process for both cuts (and every build a process runs)."""
    return tuple(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True))


def purge(css: str, words: Words, critical: bool = False) -> str:
    """The rules of `css` the site can use (`critical`: only those for the first paint on screen)."""
    rules = _parsed(css)
    tree = _purge(rules, words, critical)
    # A custom property nothing reads (icons of unused components, colours of unused schemes) goes too;
    # dropping one may leave others unread, so repeat until nothing changes.
    # The critical sheet only serves the page before scripts run; the whole sheet also what they read.
    readers = words.page if critical else words.any
    used = _used_variables(tree, readers)
    while True:
        text = _serialize(tree, used)
        now = set(_VAR.findall(text)) | {w for w in readers if w.startswith("--")}
        if now == used:
            break
        used = now
    return _unused_keyframes(text)


def content_name(kind: str, css: str) -> str:
    digest = hashlib.sha256(css.encode("utf-8")).hexdigest()[:8]
    return f"{STYLES_DIR}/{kind}.{digest}.css"


def link_sheets(html: str, names: dict[str, str]) -> str:
    """Point the page's critical/site sheet links at their content-named files."""
    return SHEET.sub(lambda m: names[m.group(1)], html)


_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)
# Scripts that never touch the page: the search worker and its language support, the finder's data.
_NOT_DOM = ("workers", "lunr")


def site_words(pages: Iterable[str], scripts: Iterable[str]) -> Words:
    """The words of the pages' start tags, and of the site's scripts and the pages' inline scripts."""
    tags: set[str] = set()
    inline: set[str] = set()
    for html in pages:
        tags |= start_tags(html)
        inline.update(_INLINE_SCRIPT.findall(html))
    return Words(frozenset(page_words(tags)), frozenset(script_words([*scripts, *inline])))


STYLES_FILE = "site-styles.json"  # in the project's cache folder: see StyleMemory


class StyleMemory:
    """What cutting the sheets learned of each page, by the digest of the page's bytes: the words of its
    start tags and inline scripts that occur in the stylesheets (the only ones the cut can ask for),
    and the sheet names it links. Pages kept from the previous build are then not read at all, and the
    sheets themselves are reused while the words of the whole site are the same.

    The record holds for one set of source stylesheets (and, as every record, yizhan's code and the
    library versions); either changed, it starts empty."""

    def __init__(self, cache: Cache, css: str) -> None:
        self.cache = cache
        self.key = hashlib.sha256(css.encode("utf-8")).hexdigest()
        self.vocabulary = frozenset(_WORD.findall(css))
        self.sets: list[str] = []
        self.pages: dict[str, list[Any]] = {}  # digest → [page words, inline script words, linked sheets]
        self.sheets: dict[str, str] = {}
        record = cache.read(STYLES_FILE, self.key)
        if _well_formed(record):
            self.sets, self.pages, self.sheets = record["sets"], record["pages"], record["sheets"]
        self.used: dict[str, list[Any]] = {}
        self._ids = {words: index for index, words in enumerate(self.sets)}

    def words(self, digest: str) -> tuple[set[str], set[str], set[str]] | None:
        """(page words, inline script words, linked sheet files) of a page read before, or None."""
        entry = self.pages.get(digest)
        if entry is None:
            return None
        self.used[digest] = entry
        return set(self.sets[entry[0]].split()), set(self.sets[entry[1]].split()), set(entry[2])

    def _id(self, words: set[str]) -> int:
        text = " ".join(sorted(words))
        if text not in self._ids:
            self._ids[text] = len(self.sets)
            self.sets.append(text)
        return self._ids[text]

    def learn(self, digest: str, html: str) -> tuple[set[str], set[str], set[str]]:
        page = page_words(start_tags(html)) & self.vocabulary
        inline = script_words(_INLINE_SCRIPT.findall(html)) & self.vocabulary
        linked = {m.group(0) for m in SHEET.finditer(html)}
        self.used[digest] = [self._id(page), self._id(inline), sorted(linked)]
        return page, inline, linked

    def save(self, sheets: dict[str, str]) -> None:
        used = sorted({i for entry in self.used.values() for i in entry[:2]})
        renumber = {old: new for new, old in enumerate(used)}
        pages = {d: [renumber[e[0]], renumber[e[1]], e[2]] for d, e in sorted(self.used.items())}
        record = {"sets": [self.sets[i] for i in used], "pages": pages, "sheets": sheets}
        self.cache.write(STYLES_FILE, record, self.key)


def _well_formed(record: dict[str, Any]) -> bool:
    sets, pages, sheets = record.get("sets"), record.get("pages"), record.get("sheets")
    if not (isinstance(sets, list) and isinstance(pages, dict) and isinstance(sheets, dict)):
        return False
    return all(isinstance(w, str) for w in sets) and all(
        isinstance(e, list) and len(e) == 3 and all(isinstance(i, int) and 0 <= i < len(sets) for i in e[:2])
        for e in pages.values()
    )


def write_styles(
    site: Path, sources: list[str], cache: Cache = NOWHERE, digests: FileDigests | None = None
) -> dict[str, str]:
    """Replace the theme's and the site's stylesheets by the two sheets the pages link; returns their paths.

    `cache`: where StyleMemory keeps what it learned; `digests`: the build's file digests (pages
    kept from the previous build are known without reading them).
    """
    digests = digests or FileDigests()
    theme = sorted((site / STYLES_DIR).glob("main.*.min.css"))
    files = [*theme, *(site / rel for rel in sources)]
    css = "\n".join(f.read_text(encoding="utf-8") for f in files)
    remembered = StyleMemory(cache, css)
    page_set: set[str] = set()
    inline: set[str] = set()
    linked: dict[Path, set[str]] = {}
    read: dict[Path, str] = {}
    for path in site.rglob("*.html"):
        digest = digests(path)
        known = remembered.words(digest)
        if known is None:
            read[path] = path.read_text(encoding="utf-8")
            known = remembered.learn(digest, read[path])
        page_set |= known[0]
        inline |= known[1]
        linked[path] = known[2]
    scripts = [
        path.read_text(encoding="utf-8")
        for path in (site / "assets/javascripts").rglob("*.js")
        if not set(_NOT_DOM) & set(path.relative_to(site).parts)
    ]
    # Only words the stylesheets hold can decide what the cut keeps: the others are left out.
    words = Words(frozenset(page_set), frozenset(inline | (script_words(scripts) & remembered.vocabulary)))
    words_key = hashlib.sha256(
        "\0".join([remembered.key, *sorted(words.page), "\1", *sorted(words.any)]).encode("utf-8")
    ).hexdigest()
    if remembered.sheets.get("words") == words_key:
        sheets = {kind: remembered.sheets[kind] for kind in ("site", "critical")}
    else:
        sheets = {"site": purge(css, words), "critical": purge(css, words, critical=True)}
    names = {kind: content_name(kind, text) for kind, text in sheets.items()}
    for kind, text in sheets.items():
        replace_file(site / names[kind], text)
    short = {kind: name.removeprefix(f"{STYLES_DIR}/") for kind, name in names.items()}
    for path, sheets_linked in linked.items():
        if sheets_linked <= set(short.values()):
            continue  # already links these sheets (a page kept from the previous build)
        html = read[path] if path in read else path.read_text(encoding="utf-8")
        new = link_sheets(html, short)
        replace_file(path, new)  # a page kept from the previous build is a hard link to it
        remembered.learn(digests.note(path, new.encode("utf-8")), new)
    for old in [*files, *(site / STYLES_DIR).glob("*.css.map"), *(site / STYLES_DIR).glob("palette.*.css")]:
        old.unlink(missing_ok=True)
    remembered.save({"words": words_key, **sheets})
    return names
