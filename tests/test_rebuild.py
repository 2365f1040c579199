"""What a rebuild remembers so it does not read or write again what did not change.

File digests by inode and time, the pages kept for mkdocs between builds, a failure raised in the
second render process, and front matter written by libyaml.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
import pickle
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from yizhan import render as render_module
from yizhan.buildkit import memo
from yizhan.buildkit.cache import Cache
from yizhan.buildkit.environment import JOBS
from yizhan.buildkit.templating import front_matter, mkdocs_title
from yizhan.feedback.errors import Failure
from yizhan.privacy import memory
from yizhan.privacy.memory import FileDigests
from yizhan.publish import DOCS_RECORD, sync_docs

HOUR_AGO = time.time() - 3600


def aged(path: Path, text: str, when: float = HOUR_AGO) -> Path:
    path.write_text(text, encoding="utf-8")
    os.utime(path, (when, when))
    return path


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Names of the files FileDigests reads to hash."""
    seen: list[str] = []
    real = hashlib.file_digest

    def counting(f: object, digest: str) -> object:
        seen.append(Path(f.name).name)  # type: ignore[attr-defined]
        return real(f, digest)  # type: ignore[arg-type]

    monkeypatch.setattr(memory.hashlib, "file_digest", counting)
    return seen


def test_a_file_unchanged_since_the_last_build_is_not_read_to_know_its_digest(
    tmp_path: Path, reads: list[str]
) -> None:
    record = Cache(tmp_path / "county")
    page = aged(tmp_path / "a.html", "<p>甲</p>")
    first = FileDigests(record)
    digest = first(page)
    assert digest == hashlib.sha256(page.read_bytes()).hexdigest() and reads == ["a.html"]
    first.save()

    again = FileDigests(record)
    assert again(page) == digest and reads == ["a.html"]  # known by inode, size and time
    # A hard link (how a build keeps a file of the previous one) is the same file.
    os.link(page, tmp_path / "b.html")
    assert again(tmp_path / "b.html") == digest and reads == ["a.html"]


def test_a_file_changed_in_place_is_read_again_even_with_the_same_size(
    tmp_path: Path, reads: list[str]
) -> None:
    record = Cache(tmp_path)
    page = aged(tmp_path / "a.html", "<p>甲</p>")
    first = FileDigests(record)
    before = first(page)
    first.save()
    aged(page, "<p>乙</p>", HOUR_AGO + 60)  # same length, another time
    after = FileDigests(record)(page)
    assert after != before and after == hashlib.sha256("<p>乙</p>".encode()).hexdigest()
    assert reads == ["a.html", "a.html"]


def test_a_file_modified_just_before_saving_is_not_remembered(tmp_path: Path, reads: list[str]) -> None:
    """Within the clock's tick a second change could keep the time: such a file is hashed next time too."""
    record = Cache(tmp_path)
    page = tmp_path / "a.html"
    page.write_text("<p>甲</p>", encoding="utf-8")
    first = FileDigests(record)
    first(page)
    first.save()
    FileDigests(record)(page)
    assert reads == ["a.html", "a.html"]


def test_a_damaged_digest_record_is_read_as_empty(tmp_path: Path, reads: list[str]) -> None:
    record = Cache(tmp_path)
    damaged = record.path(memory.DIGESTS_FILE)
    assert damaged is not None
    damaged.parent.mkdir()
    damaged.write_text("{不是 JSON", encoding="utf-8")
    page = aged(tmp_path / "a.html", "<p>甲</p>")
    assert FileDigests(record)(page) == hashlib.sha256(page.read_bytes()).hexdigest()


def test_the_pages_for_mkdocs_are_written_only_when_they_changed(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    sync_docs(folder, {"index.md": "# 首页\n", "stations/a.md": "# 甲站\n", "stations/b.md": "# 乙站\n"})
    inode = {rel: (folder / rel).stat().st_ino for rel in ("index.md", "stations/a.md")}
    sync_docs(folder, {"index.md": "# 首页\n", "stations/a.md": "# 甲站（新）\n"})
    assert (folder / "index.md").stat().st_ino == inode["index.md"]  # not written again
    assert (folder / "stations/a.md").read_text(encoding="utf-8") == "# 甲站（新）\n"
    assert not (folder / "stations/b.md").exists()  # a page no longer made is gone


def test_pages_are_all_written_again_when_the_record_is_missing(tmp_path: Path) -> None:
    """A build stopped while writing leaves no record: the next one trusts nothing in the folder."""
    folder = tmp_path / "docs"
    sync_docs(folder, {"index.md": "# 首页\n"})
    (folder / "index.md").write_text("# 被改过\n", encoding="utf-8")
    (folder / DOCS_RECORD).unlink()
    sync_docs(folder, {"index.md": "# 首页\n"})
    assert (folder / "index.md").read_text(encoding="utf-8") == "# 首页\n"


def test_a_page_that_went_missing_is_written_again(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    sync_docs(folder, {"index.md": "# 首页\n"})
    (folder / "index.md").unlink()
    sync_docs(folder, {"index.md": "# 首页\n"})
    assert (folder / "index.md").read_text(encoding="utf-8") == "# 首页\n"


def test_a_failure_keeps_its_code_and_message_across_processes() -> None:
    failure = Failure("YZ-OUT-008", path="../a.html")
    copy = pickle.loads(pickle.dumps(failure))
    assert type(copy) is Failure and str(copy) == str(failure)
    assert copy.problem == failure.problem and copy.exit_code == failure.exit_code


def _fails() -> None:
    raise Failure("YZ-OUT-008", path="../a.html")


@pytest.mark.parametrize("cores", [1, 2])
def test_a_failure_in_the_second_render_process_reaches_the_build_whole(
    cores: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(JOBS, str(cores))
    with render_module.beside(_fails) as future, pytest.raises(Failure) as caught:
        future.result()
    assert caught.value.problem.code == "YZ-OUT-008" and "../a.html" in str(caught.value)
    with render_module.beside(sorted, [3, 1, 2]) as future:
        assert future.result() == [1, 2, 3]


HOSTILE_TITLES = [
    "某镇: 驿站 # 注",
    "[链接](javascript:alert(1))",
    "- 列表",
    "yes",
    "null",
    "0x1F",
    "*别名",
    "!标签",
    "&amp; \"引号\" '单引号'",
    "换\n行",
    "\u2028分隔",
    "\x85下一行",
    "表情 😀",
    " 前后空格 ",
    "{{ 模板 }}",
]


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_front_matter_reads_back_as_the_values_written(title: str) -> None:
    text = str(front_matter(title=title, search={"exclude": True}, hide=["toc"]))
    assert text.startswith("---\n") and text.endswith("---\n")
    assert yaml.safe_load(text[4:-4]) == {
        "title": mkdocs_title(title),
        "search": {"exclude": True},
        "hide": ["toc"],
    }


# remembered render steps -------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Sheet:
    title: str
    places: frozenset[str]
    day: dt.date


calls: list[object] = []


@memo.remembered("test-sheet")
def sheet_bytes(sheet: Sheet, templates: Path) -> bytes:
    calls.append(sheet.title)
    body = (templates / "sheet.txt").read_text(encoding="utf-8")
    return f"{body}{sheet.title}{sorted(sheet.places)}{sheet.day}".encode()


@pytest.fixture
def templates(tmp_path: Path) -> Path:
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "sheet.txt").write_text("表头：", encoding="utf-8")
    calls.clear()
    memo.forget_held()  # each test as a new process: what an earlier test made is not held
    return folder


SHEET = Sheet("甲村", frozenset({"一组", "二组"}), dt.date(2026, 11, 20))


def test_a_remembered_step_runs_once_for_the_same_input(tmp_path: Path, templates: Path) -> None:
    folder = Cache(tmp_path)
    with memo.remembering(folder):
        first = sheet_bytes(SHEET, templates)
        assert sheet_bytes(SHEET, templates) == first
    with memo.remembering(folder):  # the next build
        assert (
            sheet_bytes(Sheet("甲村", frozenset({"二组", "一组"}), dt.date(2026, 11, 20)), templates) == first
        )
    assert calls == ["甲村"]
    assert sheet_bytes(SHEET, templates) == first and calls == ["甲村", "甲村"]  # no build: no memo


@pytest.mark.parametrize(
    "change",
    ["title", "set", "date", "template"],
)
def test_any_change_of_input_runs_the_step_again(tmp_path: Path, templates: Path, change: str) -> None:
    folder = Cache(tmp_path)
    with memo.remembering(folder):
        before = sheet_bytes(SHEET, templates)
    sheet = {
        "title": dataclasses.replace(SHEET, title="乙村"),
        "set": dataclasses.replace(SHEET, places=frozenset({"一组"})),
        "date": dataclasses.replace(SHEET, day=dt.date(2026, 12, 20)),
        "template": SHEET,
    }[change]
    if change == "template":
        (templates / "sheet.txt").write_text("新表头：", encoding="utf-8")
    with memo.remembering(folder):
        after = sheet_bytes(sheet, templates)
    assert after != before and len(calls) == 2


def test_a_new_copy_of_the_project_reuses_what_this_process_made(tmp_path: Path, templates: Path) -> None:
    """A fresh copy (no cache folder) built in the same process: the result is not made again, but
    it is kept in the copy's cache folder all the same."""
    with memo.remembering(Cache(tmp_path / "first")):
        made = sheet_bytes(SHEET, templates)
    with memo.remembering(Cache(tmp_path / "copy")):
        assert sheet_bytes(SHEET, templates) == made
    assert calls == ["甲村"]
    assert len(list((tmp_path / "copy" / ".yizhan-cache" / "memo" / "test-sheet").iterdir())) == 1
    memo.forget_held()
    with memo.remembering(Cache(tmp_path / "third")):
        assert sheet_bytes(SHEET, templates) == made
    assert calls == ["甲村", "甲村"]


def test_what_a_build_did_not_use_is_removed_and_damage_is_recomputed(
    tmp_path: Path, templates: Path
) -> None:
    project = Cache(tmp_path)
    folder = tmp_path / ".yizhan-cache" / "memo"
    with memo.remembering(project):
        sheet_bytes(SHEET, templates)
    old = list((folder / "test-sheet").iterdir())
    os.utime(old[0], (HOUR_AGO, HOUR_AGO))
    with memo.remembering(project):
        sheet_bytes(dataclasses.replace(SHEET, title="乙村"), templates)
    assert not old[0].exists() and len(list((folder / "test-sheet").iterdir())) == 1
    for path in (folder / "test-sheet").iterdir():
        path.write_bytes(b"x\x00")  # not a memo file
    memo.forget_held()  # the next build, in a new process
    with memo.remembering(project):
        assert sheet_bytes(dataclasses.replace(SHEET, title="乙村"), templates).startswith("表头".encode())
    assert calls == ["甲村", "乙村", "乙村"]


def test_a_value_the_digest_does_not_know_is_refused(tmp_path: Path) -> None:
    with memo.remembering(Cache(tmp_path)), pytest.raises(TypeError):
        sheet_bytes(object(), tmp_path)  # type: ignore[arg-type]


def test_digests_of_sets_are_the_same_in_every_process() -> None:
    """String hashes differ between processes; the digest must not (or nothing would ever be reused)."""
    code = "from yizhan.buildkit import cache; print(cache.digest_of({'甲', '乙', '丙', ('丁', 1)}))"
    seen = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(seen) == 1
