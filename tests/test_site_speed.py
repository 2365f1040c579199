"""Light pages for slow links, from the small fixture county: cut stylesheets, compressed copies, lean index."""

from __future__ import annotations

import gzip
import re
import shutil
from pathlib import Path

import brotli
import pytest
import tinycss2
from bs4 import BeautifulSoup
from hypothesis import given
from hypothesis import strategies as st

from conftest import FIXTURES, REPO
from yizhan.cli import main as yizhan_main
from yizhan.feedback.messages import text
from yizhan.privacy.gate import Secrets, broken_links, privacy_gate
from yizhan.website import compress
from yizhan.website.search import WORD_JOINER, lean_text, load_index
from yizhan.website.styles import _WORD, Words, purge, selector_matches, site_words

SEPARATOR = re.compile(r"[\s\u200b\-，。、；：？！（）《》“”]+")  # the one in mkdocs.yml


@pytest.fixture(scope="module")
def site(mini_site: Path) -> Path:
    """The mini county's site, shared with the other modules that only read it (conftest.mini_site)."""
    return mini_site


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def selectors(css: str) -> set[str]:
    """Every selector of every style rule, inside @media too."""
    found: set[str] = set()
    todo = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    while todo:
        rule = todo.pop()
        if rule.type == "qualified-rule":
            found.update(s.strip() for s in tinycss2.serialize(rule.prelude).split(","))
        elif rule.type == "at-rule" and rule.lower_at_keyword == "media" and rule.content:
            todo.extend(tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True))
    return found


PAGES = ["index.html", "policies/dibao.html", "stations/index.html", "404.html", "disclosure/index.html"]


@pytest.mark.parametrize("rel", PAGES)
def test_a_page_waits_for_the_critical_sheet_only(site: Path, rel: str) -> None:
    page = soup(site / rel)
    blocking = [link["href"] for link in page.select("head link[rel=stylesheet]")]
    assert len(blocking) == 1 and re.search(r"stylesheets/critical\.[0-9a-f]{8}\.css$", blocking[0])
    later = page.select("body > link[rel=stylesheet][media=print]")
    assert len(later) == 1 and later[0]["onload"] == "this.media='all'"
    assert re.search(r"stylesheets/site\.[0-9a-f]{8}\.css$", later[0]["href"])
    # Without JavaScript the whole sheet is loaded the ordinary way.
    fallback = BeautifulSoup(page.select_one("body > noscript").decode_contents(), "html.parser")
    assert fallback.select_one("link[rel=stylesheet]")["href"] == later[0]["href"]
    scripts = page.select("script[src]")
    assert scripts and all(s.has_attr("defer") for s in scripts), [s["src"] for s in scripts]
    if rel != "404.html":  # the 404 page uses absolute addresses for any folder it is served in
        for href in (*blocking, later[0]["href"]):
            assert (site / rel).parent.joinpath(href).resolve().is_file()


def test_only_the_cut_sheets_are_shipped_named_by_their_content(site: Path) -> None:
    import hashlib

    sheets = sorted(p.name for p in (site / "assets/stylesheets").glob("*.css"))
    assert [re.sub(r"\.[0-9a-f]{8}\.", ".*.", n) for n in sheets] == ["critical.*.css", "site.*.css"]
    for name in sheets:
        digest = hashlib.sha256((site / "assets/stylesheets" / name).read_bytes()).hexdigest()[:8]
        assert name.split(".")[1] == digest


def test_the_sheets_keep_what_the_pages_use_and_drop_the_rest(site: Path) -> None:
    whole = next((site / "assets/stylesheets").glob("site.*.css")).read_text(encoding="utf-8")
    critical = next((site / "assets/stylesheets").glob("critical.*.css")).read_text(encoding="utf-8")
    kept = selectors(whole)
    assert {".md-header", ".md-typeset .yz-tile"} <= kept
    assert any(".md-search-result__item" in s for s in kept)  # made by the theme's script: kept
    assert not any("[dir=rtl]" in s or "data-md-color-scheme=slate" in s for s in kept)
    assert "--md-admonition-icon--bug" not in whole  # an icon for a block no page has
    first = selectors(critical)
    assert first <= kept  # the whole sheet, loaded later, repeats and so overrides every critical rule
    assert not any(":hover" in s for s in first) and "@media print" not in critical
    assert len(critical) < len(whole) / 1.5 and len(whole) < 100_000  # the theme's own sheet: 137 KB


def test_words_the_stylesheet_does_not_hold_change_nothing_in_the_cut(site: Path) -> None:
    """The build remembers of each page only the words of its tags that occur in the stylesheets."""
    import material

    folder = Path(material.__file__).parent / "templates/assets/stylesheets"
    css = next(folder.glob("main.*.min.css")).read_text(encoding="utf-8")
    pages = [p.read_text(encoding="utf-8") for p in site.rglob("*.html")]
    scripts = [p.read_text(encoding="utf-8") for p in (site / "assets/javascripts").rglob("*.js")]
    every = site_words(pages, scripts)
    vocabulary = frozenset(_WORD.findall(css))
    held = Words(every.page & vocabulary, every.script & vocabulary)
    assert len(held.any) < len(every.any) / 2  # most words of the pages are not in the sheet
    assert purge(css, held) == purge(css, every)
    assert purge(css, held, critical=True) == purge(css, every, critical=True)


def test_selectors_are_matched_by_the_names_they_need() -> None:
    words = frozenset({"a", "nav", "md-nav", "md-nav__link", "dir", "ltr", "data-md-toggle", "drawer"})
    assert selector_matches(".md-nav .md-nav__link", words)
    assert selector_matches("[dir=ltr] .md-nav a:hover::after", words)
    assert selector_matches(":is(.md-other,.md-nav) a", words)
    assert selector_matches("a:not(.md-other)", words)
    assert selector_matches("[data-md-toggle=drawer]:checked~.md-nav", words)
    assert not selector_matches(".md-nav .md-other", words)
    assert not selector_matches("[dir=rtl] a", words)
    assert not selector_matches(":is(.md-other,.md-more) a", words)
    assert not selector_matches("table td", words)
    assert not selector_matches("[dir=rtl] a", words | {"rtl"}, page=words)  # direction: from pages only


def test_purge_drops_unread_variables_and_keeps_the_cascade() -> None:
    css = (
        ":root{--used:red;--unused:url(data:x);--chain:var(--used)}"
        ".a{color:var(--chain)}.gone{color:blue}@media print{.a{color:black}}"
        ".a:hover{color:green}@keyframes spin{to{opacity:0}}@keyframes used{to{opacity:1}}"
        ".a{animation:used 1s;transition:color 1s}"
    )
    words = Words(page=frozenset({"a"}), script=frozenset())
    whole = purge(css, words)
    assert "--unused" not in whole and "--used:red" in whole and "--chain" in whole
    assert (
        ".gone" not in whole
        and "@media print" in whole
        and "spin" not in whole
        and "@keyframes used" in whole
    )
    first = purge(css, words, critical=True)
    assert "@media print" not in first and ":hover" not in first and "transition" not in first
    assert ".a{color:var(--chain)}" in first


def test_text_files_have_identical_compressed_copies(site: Path) -> None:
    texts = [p for p in site.rglob("*") if p.suffix in (".html", ".css", ".js", ".json", ".csv")]
    big = [p for p in texts if p.stat().st_size >= compress.MIN_BYTES]
    assert big
    for path in big:
        data = path.read_bytes()
        gz = path.with_name(path.name + ".gz").read_bytes()
        assert gzip.decompress(gz) == data and gz[4:8] == b"\0\0\0\0"  # no time stamp in the header
        assert brotli.decompress(path.with_name(path.name + ".br").read_bytes()) == data
    assert not list(site.rglob("*.pdf.gz")) and not list(site.rglob("*.xlsx.br"))
    assert broken_links(site) == []  # the copies are not pages; the link check reads the pages


def test_unchanged_files_keep_their_copies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    for folder in (old, new):
        folder.mkdir()
        (folder / "same.html").write_text("<p>不变的页面</p>" * 200, encoding="utf-8")
    (new / "changed.html").write_text("<p>改过的页面</p>" * 200, encoding="utf-8")
    assert compress.precompress(old) == 2
    calls: list[int] = []
    real = dict(compress.ENCODINGS)

    def counted(suffix: str):
        def encode(data: bytes, best: bool) -> bytes:
            calls.append(len(data))
            return real[suffix](data, best)

        return encode

    encodings = {suffix: counted(suffix) for suffix in real}
    monkeypatch.setattr(compress, "ENCODINGS", encodings)
    assert compress.precompress(new, previous=old) == 4
    assert len(calls) == 2  # only changed.html was compressed again
    assert (new / "same.html.gz").read_bytes() == (old / "same.html.gz").read_bytes()


def test_a_best_ratio_copy_is_made_once_per_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The theme's files, the same bytes in every build, are compressed at the best ratio once per process;
    a page is compressed in every build that wrote it, and a process that holds nothing starts again."""
    from yizhan.buildkit import memo

    memo.forget_held()
    real = dict(compress.ENCODINGS)
    calls: list[tuple[str, bool]] = []

    def counted(suffix: str):
        return lambda data, best: calls.append((suffix, best)) or real[suffix](data, best)

    monkeypatch.setattr(compress, "ENCODINGS", {suffix: counted(suffix) for suffix in real})
    script = "var 驿站 = 1;\n" * 300
    for name in ("one", "two", "three"):
        if name == "three":
            memo.forget_held()  # as a new process starts
        (tmp_path / name / "assets").mkdir(parents=True)
        (tmp_path / name / "assets/app.js").write_text(script, encoding="utf-8")
        (tmp_path / name / "page.html").write_text("<p>页面</p>" * 200, encoding="utf-8")
        assert compress.precompress(tmp_path / name) == 4
    first = [(".gz", True), (".br", True), (".gz", False), (".br", False)]
    assert sorted(calls) == sorted(first + first[2:] + first)
    for name in ("two", "three"):
        for suffix in (".gz", ".br"):
            copy = f"assets/app.js{suffix}"
            assert (tmp_path / name / copy).read_bytes() == (tmp_path / "one" / copy).read_bytes()
    assert brotli.decompress((tmp_path / "two/assets/app.js.br").read_bytes()).decode() == script


def test_the_gate_reads_a_compressed_copy_that_differs_from_its_file(tmp_path: Path) -> None:
    site = tmp_path / "build/site"
    site.mkdir(parents=True)
    page = "<p>联系人电话见驿站公示栏</p>\n"
    (site / "a.html").write_text(page, encoding="utf-8")
    (site / "a.html.gz").write_bytes(gzip.compress(page.encode(), mtime=0))
    (site / "a.html.br").write_bytes(brotli.compress(page.encode()))
    assert privacy_gate(tmp_path / "build", Secrets()) == []
    leak = "<p>电话：13912345679</p>\n".encode()
    (site / "a.html.gz").write_bytes(gzip.compress(leak, mtime=0))
    (site / "a.html.br").write_bytes(brotli.compress(leak))
    found = privacy_gate(tmp_path / "build", Secrets())
    assert sorted((f.file, f.line, f.what) for f in found) == [
        ("site/a.html.br", 1, "未公开的手机号 139****5679"),
        ("site/a.html.gz", 1, "未公开的手机号 139****5679"),
    ]
    (site / "a.html.gz").write_bytes(b"not gzip")
    problem, fix = text("YZ-OUT-011", path="site/a.html.gz")
    found = privacy_gate(tmp_path / "build", Secrets())
    assert ("site/a.html.gz", 1, f"{problem}。{fix}") in [(f.file, f.line, f.what) for f in found]


def test_search_index_is_lean(site: Path) -> None:
    index = load_index(site)
    docs = index["docs"]
    assert docs and not any("<" in d["text"] for d in docs)
    policy = {
        d["title"].replace(WORD_JOINER, "") for d in docs if d["location"].startswith("policies/dibao.html")
    }
    assert {"谁可以申请", "要带的材料", "怎么办"} <= policy
    assert not policy & {"多久办结", "政策依据", "咨询电话", "相关表格"}
    assert sorted(p.name for p in (site / "assets/javascripts/lunr").rglob("*.js")) == [
        "lunr.stemmer.support.min.js",
        "lunr.zh.min.js",
    ]


words = st.text(alphabet="低保城乡居民，。（）12 ab", min_size=1, max_size=6)


@given(
    st.lists(words, min_size=1, max_size=12),
    st.lists(st.sampled_from(["", "<p>", "</li> <li>"]), max_size=12),
)
def test_lean_text_finds_the_same_words(parts: list[str], tags: list[str]) -> None:
    text = "".join(p + WORD_JOINER + (tags[i] if i < len(tags) else "") for i, p in enumerate(parts))
    lean = lean_text(text, SEPARATOR)
    plain = re.sub(r"<[^>]+>", " ", text)
    assert [w for w in SEPARATOR.split(lean) if w] == [w for w in SEPARATOR.split(plain) if w]
    assert len(lean.encode()) <= len(text.encode())


def test_header_toggles_have_a_name_even_without_styles(site: Path) -> None:
    page = soup(site / "404.html")
    for target in ("__drawer", "__search"):
        header = page.select_one(f'header label[for="{target}"]')
        assert header is not None and header.get("aria-label"), target
    loading = page.select_one(".md-search-result__meta")
    assert loading.get_text(strip=True) == "正在加载搜索，请稍候……" and loading["role"] == "status"


OLD_MAIN = """{% extends "base.html" %}
{% block extrahead %}<meta name="x-old-theme" content="1">{% endblock %}
"""


def test_a_theme_copied_before_the_cut_sheets_keeps_the_old_ones(tmp_path: Path) -> None:
    """A county whose own theme copy predates the cut sheets still gets a styled site with sound links."""
    root = tmp_path / "county"
    shutil.copytree(FIXTURES / "mini", root)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO / "site_templates", root / "site_templates")
    (root / "site_templates/theme/main.html").write_text(OLD_MAIN, encoding="utf-8")
    assert yizhan_main(["build", "--project", str(root), "--out", str(root / "build"), "--only", "site"]) == 0
    site = root / "build/site"
    hrefs = [link["href"] for link in soup(site / "index.html").select("head link[rel=stylesheet]")]
    assert [re.sub(r"\.[0-9a-f]{8}\.", ".*.", h) for h in hrefs] == [
        "assets/stylesheets/main.*.min.css",
        "assets/stylesheets/yizhan.css",
    ]
    assert all((site / h).is_file() for h in hrefs)
