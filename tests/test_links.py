"""The link check of `yizhan check`: every relative link of the site must reach a published file."""

from __future__ import annotations

from pathlib import Path

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
