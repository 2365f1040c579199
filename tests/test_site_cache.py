"""Skip what did not change on the site: kept pages, their keys, and builds identical to clean ones."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import REPO, edit_cell, read_rows, snapshot
from yizhan import cli
from yizhan import publish as publish_module
from yizhan.buildkit import uptodate
from yizhan.website import pagecache

PHONE_TITLE = "管理员电话"


def station_row(project: Path, station_id: str) -> int:
    rows = read_rows(project / "datasets" / "驿站名录.csv")
    return next(i for i, row in enumerate(rows, start=1) if row[0] == station_id)


SETTINGS = "示例县\0\0 2026-11-20"
NAV = [{"首页": "index.md"}]


def station_page(name: str) -> str:
    return f"---\ntitle: {name}\nsearch:\n  exclude: true\n---\n\n# {name}\n"


DOCS = {"index.md": "# 首页\n", "stations/a.md": station_page("甲站"), "stations/b.md": station_page("乙站")}


def plan(tmp_path: Path, nav: list | None = None, docs: dict[str, str] | None = None) -> pagecache.SitePlan:
    """Keys of a small made-up site whose config and theme live under `tmp_path`."""
    config, theme = tmp_path / "mkdocs.yml", tmp_path / "theme"
    if not config.exists():
        config.write_text("site_name: 测试\n", encoding="utf-8")
        (theme / "partials").mkdir(parents=True)
        (theme / "main.html").write_text("{% extends 'base.html' %}\n", encoding="utf-8")
    return pagecache.plan_site(DOCS if docs is None else docs, nav or NAV, {}, config, theme, SETTINGS)


def test_every_page_has_a_key_and_the_search_index_one_of_its_own(tmp_path: Path) -> None:
    docs = {
        "index.md": "# 首页\n",
        "stations/a.md": station_page("甲站"),
        "stations/c.md": "---\ntitle: 丙站\n---\n\n# 丙站\n",  # searched
        "handbook/index.md": station_page("手册"),  # in the navigation
    }
    nav = [*NAV, {"手册": ["handbook/index.md"]}]
    keys = plan(tmp_path, nav=nav, docs=docs)
    assert sorted(keys.pages) == sorted(docs)
    assert keys.searched == {"index.md", "stations/c.md"}
    # A page out of search changes only its own key; a searched one the search index's too.
    quiet = plan(tmp_path, nav=nav, docs={**docs, "stations/a.md": station_page("甲站") + "新\n"})
    assert quiet.search == keys.search and quiet.pages["stations/c.md"] == keys.pages["stations/c.md"]
    loud = plan(tmp_path, nav=nav, docs={**docs, "stations/c.md": docs["stations/c.md"] + "新\n"})
    assert loud.search != keys.search and loud.pages["stations/a.md"] == keys.pages["stations/a.md"]


@pytest.mark.parametrize("change", ["nav", "title in nav", "theme override", "config", "page list"])
def test_a_shared_input_invalidates_every_kept_page(tmp_path: Path, change: str) -> None:
    before = plan(tmp_path)
    nav, docs = NAV, dict(DOCS)
    if change == "nav":
        nav = [*NAV, {"关于": "about.md"}]
    elif change == "title in nav":
        docs["index.md"] = "# 新首页\n"
    elif change == "theme override":
        (tmp_path / "theme" / "partials" / "header.html").write_text("<header>新</header>", encoding="utf-8")
    elif change == "config":
        (tmp_path / "mkdocs.yml").write_text("site_name: 测试\nextra_css: [a.css]\n", encoding="utf-8")
    elif change == "page list":
        docs["stations/z.md"] = station_page("新站")
    after = plan(tmp_path, nav=nav, docs=docs)
    assert before.pages.keys() <= after.pages.keys()
    assert [p for p in before.pages if after.pages[p] == before.pages[p]] == []
    assert after.whole != before.whole


def test_a_changed_page_invalidates_only_itself(tmp_path: Path) -> None:
    before = plan(tmp_path)
    after = plan(tmp_path, docs={**DOCS, "stations/b.md": station_page("乙站") + "新\n"})
    assert after.pages["stations/a.md"] == before.pages["stations/a.md"]
    assert after.pages["stations/b.md"] != before.pages["stations/b.md"]
    assert plan(tmp_path).pages == before.pages


def test_keys_hold_no_digit_runs_the_privacy_gate_could_mistake_for_phones(tmp_path: Path) -> None:
    import re

    assert not re.search(r"\d", plan(tmp_path).manifest().decode().replace('"pages"', ""))


def test_a_cached_build_is_byte_identical_to_a_clean_one(
    mini: Path, mini_built_site: Path, tmp_path: Path, run: Callable[..., tuple]
) -> None:
    cached, clean = mini_built_site, tmp_path / "clean"
    before = snapshot(cached / "site")
    row = station_row(mini, "YZ-02-001-03")
    edit_cell(mini / "datasets" / "驿站名录.csv", row, PHONE_TITLE, "13900001111")
    assert run("build", "--project", str(mini), "--out", str(cached), "--only", "site")[0] == 0
    after = snapshot(cached / "site")
    # Kept pages are the previous build's files (same inode); the changed station's page is new.
    # No page in the search index changed: the navigation's pages and the index are kept too.
    for kept in (
        "stations/YZ-02-001-04.html",
        "index.html",
        "policies/dibao.html",
        "search/search_index.json",
    ):
        assert after[kept][0] == before[kept][0], kept
    assert after["stations/YZ-02-001-03.html"][0] != before["stations/YZ-02-001-03.html"][0]
    assert "13900001111" in after["stations/YZ-02-001-03.html"][1].decode()
    assert run("build", "--project", str(mini), "--out", str(clean), "--only", "site")[0] == 0
    fresh = snapshot(clean / "site")
    assert sorted(after) == sorted(fresh)
    assert [p for p in after if after[p][1] != fresh[p][1]] == []


def test_cutting_the_stylesheets_reads_only_the_pages_mkdocs_wrote(
    mini: Path,
    mini_built_site: Path,
    tmp_path: Path,
    run: Callable[..., tuple],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Pages kept from the previous build are known to the style cut by their digest, not read again."""
    import hashlib

    from yizhan.website import styles

    out = mini_built_site
    before = snapshot(out / "site")
    learned: list[str] = []
    learn = styles.StyleMemory.learn
    monkeypatch.setattr(
        styles.StyleMemory,
        "learn",
        lambda self, digest, html: learned.append(digest) or learn(self, digest, html),
    )
    edit_cell(
        mini / "datasets" / "驿站名录.csv", station_row(mini, "YZ-02-001-03"), PHONE_TITLE, "13900001111"
    )
    assert run("build", "--project", str(mini), "--out", str(out), "--only", "site")[0] == 0
    after = snapshot(out / "site")
    pages = [rel for rel in after if rel.endswith(".html")]
    kept = [rel for rel in pages if rel in before and after[rel][0] == before[rel][0]]
    assert len(kept) > len(pages) / 2
    digests = {hashlib.sha256(after[rel][1]).hexdigest() for rel in kept}
    assert learned and not digests & set(learned)
    assert hashlib.sha256(after["stations/YZ-02-001-03.html"][1]).hexdigest() in learned


def test_a_build_with_nothing_changed_does_not_run_mkdocs(
    mini: Path,
    mini_built_site: Path,
    tmp_path: Path,
    run: Callable[..., tuple],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out = mini_built_site
    before = snapshot(out / "site")

    def no_mkdocs(*args: object, **kwargs: object) -> None:
        raise AssertionError("mkdocs ran although nothing changed")

    monkeypatch.setattr(publish_module, "build_site", no_mkdocs)
    (mini / ".yizhan-cache" / uptodate.RECORD).unlink()  # so the whole pipeline runs
    assert run("build", "--project", str(mini), "--out", str(out), "--only", "site")[0] == 0
    assert snapshot(out / "site") == before


def test_a_changed_theme_override_rebuilds_the_kept_pages(
    mini: Path, tmp_path: Path, run: Callable[..., tuple]
) -> None:
    shutil.copytree(REPO / "site_templates", mini / "site_templates")
    shutil.copy(REPO / "mkdocs.yml", mini / "mkdocs.yml")  # its custom_dir is then the project's theme
    out = tmp_path / "build"
    assert run("build", "--project", str(mini), "--out", str(out), "--only", "site")[0] == 0
    before = snapshot(out / "site")
    main = mini / "site_templates" / "theme" / "main.html"
    main.write_text(
        main.read_text(encoding="utf-8").replace(
            "{% block extrahead %}", "{% block extrahead %}<!-- 新版主题 -->"
        ),
        encoding="utf-8",
    )
    assert run("build", "--project", str(mini), "--out", str(out), "--only", "site")[0] == 0
    after = snapshot(out / "site")
    for page in ("stations/YZ-02-001-04.html", "stations/YZ-01.html"):
        assert after[page][0] != before[page][0]
        assert "新版主题" in after[page][1].decode()


def test_a_build_with_nothing_changed_stops_before_reading_the_project(
    mini: Path,
    tmp_path: Path,
    run: Callable[..., tuple],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out = tmp_path / "build"
    assert run("build", "--project", str(mini), "--out", str(out), "--only", "site")[0] == 0
    before = snapshot(out)
    read = cli.load

    def no_reading(root: Path) -> object:
        raise AssertionError("the project was read although nothing changed")

    monkeypatch.setattr(cli, "load", no_reading)
    code, _, err = run("build", "--project", str(mini), "--out", str(out), "--only", "site")
    assert code == 0 and "没有改动" in err
    assert snapshot(out) == before

    # Anything else: another part, a changed input, a changed output folder: the build runs.
    monkeypatch.setattr(cli, "load", read)
    page = out / "site" / "stations" / "YZ-02-001-04.html"
    page.unlink()
    code, _, err = run("build", "--project", str(mini), "--out", str(out), "--only", "site")
    assert code == 0 and "没有改动" not in err and page.is_file()
    edit_cell(
        mini / "datasets" / "驿站名录.csv", station_row(mini, "YZ-02-001-04"), PHONE_TITLE, "13900003333"
    )
    code, _, err = run("build", "--project", str(mini), "--out", str(out), "--only", "site")
    assert code == 0 and "没有改动" not in err
    assert "13900003333" in page.read_text(encoding="utf-8")


def test_a_changed_searched_page_rebuilds_the_index_and_stays_byte_identical_to_a_clean_build(
    mini: Path, mini_built_site: Path, tmp_path: Path, run: Callable[..., tuple]
) -> None:
    cached, clean = mini_built_site, tmp_path / "clean"
    before = snapshot(cached / "site")
    policy = mini / "content" / "policies" / "dibao.yml"
    text = policy.read_text(encoding="utf-8")
    policy.write_text(text.replace("summary: ", "summary: 新增说明：", 1), encoding="utf-8")
    assert run("build", "--project", str(mini), "--out", str(cached), "--only", "site")[0] == 0
    after = snapshot(cached / "site")
    assert after["search/search_index.json"][1] != before["search/search_index.json"][1]
    assert "新增说明" in after["search/search_index.json"][1].decode().replace("\u200b", "")
    assert run("build", "--project", str(mini), "--out", str(clean), "--only", "site")[0] == 0
    fresh = snapshot(clean / "site")
    assert sorted(after) == sorted(fresh)
    assert [p for p in after if after[p][1] != fresh[p][1]] == []
