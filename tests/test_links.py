"""The link check of `yizhan check`: every relative link of the site must reach a published file."""

from __future__ import annotations

from pathlib import Path

from yizhan.buildkit.cache import Cache
from yizhan.privacy.gate import broken_links


def page(path: Path, *links: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [f'<a href="{link}">链接</a>' for link in links]
    path.write_text("<html><body>\n" + "\n".join(lines) + "\n</body></html>\n", encoding="utf-8")


def test_links_that_reach_no_file_are_reported_with_their_line(tmp_path: Path) -> None:
    site = tmp_path / "site"
    page(site / "index.html", "a/b.html")
    page(site / "c" / "index.html")
    (site / "d").mkdir()
    (site / "x y.pdf").write_bytes(b"%PDF")
    page(
        site / "a" / "b.html",
        "../index.html",  # fine
        "../c/",  # a folder with an index page
        "/yizhan/c/index.html",  # absolute under the site URL's path
        "../x%20y.pdf#page=2",  # escaped name, fragment
        "https://example.invalid/x.html",  # another origin: not ours to check
        "#top",
        "missing.html",  # broken
        "../d/",  # a folder without an index page: broken
        "../../outside.html",  # above the site: broken even if such a file exists
    )
    (tmp_path / "outside.html").write_text("x", encoding="utf-8")
    found = [(f.file, f.line, f.what) for f in broken_links(site, prefix="/yizhan")]
    assert found == [
        ("a/b.html", 8, "链接指向不存在的文件 missing.html"),
        ("a/b.html", 9, "链接指向不存在的文件 ../d/"),
        ("a/b.html", 10, "链接指向不存在的文件 ../../outside.html"),
    ]


def test_a_page_remembered_clean_is_checked_again_against_the_files_of_this_build(tmp_path: Path) -> None:
    """The record spares reading unchanged pages, never a link that stopped resolving."""
    from yizhan.privacy.memory import CheckedPages

    site, memory = tmp_path / "site", Cache(tmp_path)
    page(site / "index.html", "a.html", "b/")
    page(site / "a.html", "index.html")
    page(site / "b" / "index.html", "../a.html")
    first = CheckedPages(memory)
    assert broken_links(site, record=first) == []
    first.save()
    recorded = CheckedPages(memory)
    digest = recorded.digest(site / "index.html")
    assert sorted(recorded.recall("links", digest) or []) == ["a.html", "b"]

    (site / "a.html").unlink()  # index.html is unchanged, but its link now reaches nothing
    found = [(f.file, f.line, f.what) for f in broken_links(site, record=CheckedPages(memory))]
    assert found == [
        ("b/index.html", 2, "链接指向不存在的文件 ../a.html"),
        ("index.html", 2, "链接指向不存在的文件 a.html"),
    ]


def test_a_page_remembered_without_script_urls_is_read_again_once_it_changes(tmp_path: Path) -> None:
    from yizhan.privacy.memory import CheckedPages
    from yizhan.privacy.published import script_urls

    site, memory = tmp_path / "site", Cache(tmp_path)
    page(site / "index.html", "a.html")
    record = CheckedPages(memory)
    assert script_urls(site, record) == []
    record.save()
    page(site / "index.html", "a.html", "JaVa&#x53;cript:alert(1)")
    found = script_urls(site, CheckedPages(memory))
    assert [(f.file, f.line) for f in found] == [("site/index.html", 3)]
    assert "javascript:" in found[0].what
