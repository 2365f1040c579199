"""The build: staged, atomic, deterministic; the site has a home page and a page per policy."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import edit_cell, read_rows
from yizhan.load import load
from yizhan.validate import validate

Run = Callable[..., tuple[int, str, str]]


def tree_digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@pytest.fixture
def built(mini_built_site: Path) -> Path:
    """`mini` with its site built (`--only site`), copied from the run's shared build."""
    return mini_built_site


def test_home_and_policy_pages(built: Path, mini: Path) -> None:
    home = soup(built / "site/index.html")
    assert home.find("h1").get_text(strip=True) == "示例县民生驿站"
    figures = [p.get_text(" ", strip=True) for p in home.select(".yz-figures p")]
    stations = read_rows(mini / "datasets/驿站名录.csv")[1:]
    running = [r for r in stations if r[11] == "运行"]
    assert figures[0] == f"{len(running)} 个驿站在运行"
    assert figures[1:4] == [
        f"{sum(r[2] == level for r in running)} 个{level}级驿站" for level in ("乡镇", "村", "组")
    ]
    page = soup(built / "site/policies/dibao.html")
    headings = [h.get_text(strip=True) for h in page.select("article h2")]
    for section in ("谁可以申请", "能得到什么", "要带的材料", "怎么办", "多久办结", "政策依据", "咨询电话"):
        assert section in headings
    assert page.select_one('article a[href^="tel:0369"]') is not None
    policies = {p.stem for p in (mini / "content/policies").glob("*.yml")}
    assert {p.stem for p in (built / "site/policies").glob("*.html")} == policies | {"index"}


def test_invalid_data_builds_nothing_and_keeps_old_build(built: Path, mini: Path, run: Run) -> None:
    before = tree_digest(built)
    edit_cell(mini / "datasets/驿站名录.csv", 3, "管理员电话", "12")
    code, out, err = run("build", "--project", str(mini), "--out", str(built), "--only", "site")
    assert code == 1
    assert "第3行" in out and "管理员电话" in out
    assert "原有的 build 保持不变" in err
    assert tree_digest(built) == before
    assert not list(mini.glob("*.yizhan-work"))


def test_same_inputs_give_identical_files(mini: Path, run: Run) -> None:
    for name in ("a", "b"):
        code, out, err = run(
            "build", "--project", str(mini), "--out", str(mini.parent / name), "--only", "site"
        )
        assert code == 0, out + err
    assert tree_digest(mini.parent / "a") == tree_digest(mini.parent / "b")


def test_no_sitemap_without_site_url(built: Path) -> None:
    assert not (built / "site/sitemap.xml").exists()


def test_init_creates_a_project_that_validates(tmp_path: Path, run: Run) -> None:
    target = tmp_path / "new-county"
    code, _, err = run("init", str(target))
    assert code == 0, err
    assert (target / "content/county.yml").exists() and (target / "datasets/驿站名录.csv").exists()
    assert validate(load(target)).valid
    code, _, err = run("init", str(target))
    assert code == 2 and "不是空的" in err


def test_a_print_only_build_names_the_kept_site_when_it_shows_data_that_changed(
    built: Path, mini: Path, run: Run
) -> None:
    before = tree_digest(built)
    register = mini / "datasets/驿站名录.csv"
    old_phone = read_rows(register)[1][9]
    edit_cell(register, 2, "管理员电话", "13900001111")
    code, out, err = run("build", "--project", str(mini), "--out", str(built), "--only", "print")
    assert code == 1
    findings = out.splitlines()
    assert findings and all(f.startswith("site/") for f in findings)
    assert all(f"{old_phone[:3]}****{old_phone[-4:]}" in f for f in findings)
    assert "本次没有重新生成的网站部分" in err and "请去掉 --only" in err
    assert tree_digest(built) == before

    code, out, err = run("build", "--project", str(mini), "--out", str(built))
    assert code == 0, out + err
