"""After any sequence of edits an incremental build is byte-identical to a clean build of the same sources,
and no build changes a byte of the output folder it replaces while it runs."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import REPO, read_rows, snapshot, write_rows
from yizhan.buildkit import memo
from yizhan.cli import main as yizhan_main
from yizhan.disclosure.warnings import FOLDER as WARNINGS

pytestmark = pytest.mark.slow  # seven builds of the small county

# Edition 2026-11-20: both overdue. 低保 is on the second township's sheet only, so its edit re-renders
# that sheet alone, which in a clean build is laid out second in its chunk (a page break above it).
APPLICATIONS = [
    {"受理编号": "SQ202609-0001", "受理日期": "2026-09-25", "驿站编号": "YZ-01-001", "政策编号": "linshi",
     "办理状态": "审核", "转报乡镇日期": "2026-10-12", "审核日期": "2026-10-14", "申请人": "王小明",
     "联系电话": "13912345678"},
    {"受理编号": "SQ202609-0002", "受理日期": "2026-09-01", "驿站编号": "YZ-02-001", "政策编号": "dibao",
     "办理状态": "转报乡镇", "转报乡镇日期": "2026-09-10", "申请人": "李大华", "联系电话": "13912345679"},
]  # fmt: skip


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def drop_station(path: Path, station: str) -> None:
    rows = read_rows(path)
    assert any(row[0] == station for row in rows)
    write_rows(path, [row for row in rows if row[0] != station])


def edits(root: Path) -> list[tuple[str, Callable[[], None]]]:
    """Nine kinds of edit a county makes, in the order they are made (see STEPS for the builds between)."""
    stations = root / "datasets" / "驿站名录.csv"
    return [
        ("a station's phone", lambda: replace_in(stations, "13332322661", "13332322662")),
        ("a policy's short name", lambda: replace_in(root / "content/policies/dibao.yml", "short_name: 低保", "short_name: 城乡低保")),
        ("a policy's text", lambda: replace_in(root / "content/policies/linshi.yml", "name: 临时救助", "name: 临时救助（急难型）")),
        ("a theme override", lambda: replace_in(root / "site_templates/theme/main.html", "{% block", "{#- 县里改过 -#}{% block")),
        ("county.yml", lambda: replace_in(root / "content/county.yml", 'hotline: "12345"', 'hotline: "12346"')),
        ("a station removed", lambda: drop_station(stations, "YZ-01-002-05")),
        ("mkdocs.yml", lambda: replace_in(root / "mkdocs.yml", "    - navigation.top\n", "")),
        ("a poster template", lambda: replace_in(root / "site_templates/print/poster.html.j2", "{% block body %}", "{% block body %}<!-- 改 -->")),
        ("a form's title", lambda: replace_in(root / "forms/dibao.yml", "title: 最低生活保障申请表", "title: 城乡低保申请表")),
    ]  # fmt: skip


# The edits made between two incremental builds: edits that touch different outputs share a build (a
# missed input leaves a stale file until the clean build compares them, whatever else was rebuilt).
STEPS = [
    ("a station's phone", "a form's title"),
    ("a policy's short name", "a poster template"),
    ("a policy's text", "a station removed"),
    ("a theme override", "county.yml"),
    ("mkdocs.yml",),
]


def build(root: Path, out: Path) -> None:
    assert yizhan_main(["build", "--project", str(root), "--out", str(out)]) == 0


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_every_edit_rebuilt_incrementally_gives_the_clean_build_and_leaves_the_old_output_alone(
    mini: Path, tmp_path: Path
) -> None:
    # The county's own copies, to edit; of the forms, the one edited (with its stations' copies): the
    # other eight would only be laid out again by the builds that redo everything.
    for name in ("mkdocs.yml", "site_templates", "forms/dibao.yml"):
        source, target = REPO / name, mini / name
        target.parent.mkdir(exist_ok=True)
        (shutil.copytree if source.is_dir() else shutil.copy)(source, target)
    register = mini / "datasets" / "申请受理登记.csv"
    header = read_rows(register)[0]
    write_rows(register, [header, *[[a.get(t, "") for t in header] for a in APPLICATIONS]])
    out = tmp_path / "build"
    build(mini, out)
    sheet = out / "print" / WARNINGS / "2026-11-20" / "YZ-02.pdf"
    assert "低保" in pdf_text(sheet) and "城乡低保" not in pdf_text(sheet)
    assert (out / "print/forms/stations/YZ-01/dibao.pdf").is_file()  # the edited form's station copies too
    made = dict(edits(mini))
    assert sorted(name for step in STEPS for name in step) == sorted(made)
    for step in STEPS:
        what = " + ".join(step)
        for name in step:
            made[name]()
        before = snapshot(out)
        # Hard links to every file of the output being replaced: a write through any link the build
        # shares with it (kept pages, compressed copies, PDFs) would show here.
        watch = tmp_path / "watch"
        shutil.copytree(out, watch, copy_function=os.link)
        build(mini, out)
        assert {rel: data for rel, (_, data) in snapshot(watch).items()} == {
            rel: data for rel, (_, data) in before.items()
        }, what
        shutil.rmtree(watch)
        if "a policy's short name" in step:
            assert "城乡低保" in pdf_text(sheet), "the 预警提醒单 shows the policy's new short name"
    # The clean build as a new process makes it: no cache folder, and nothing held in memory from the
    # builds above (a key that missed an input would otherwise hand the stale result back here too).
    shutil.rmtree(mini / ".yizhan-cache")
    memo.forget_held()
    clean = tmp_path / "clean"
    build(mini, clean)
    incremental, fresh = snapshot(out), snapshot(clean)
    assert sorted(incremental) == sorted(fresh)
    assert [rel for rel in fresh if incremental[rel][1] != fresh[rel][1]] == []
