"""A workbench killed in the middle of a publish: the live folder is exactly the old site or the new one."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from yizhan.workbench import publishing
from yizhan.workbench.store import Store

KILLED_PUBLISH = """
import os, pathlib, shutil, signal, sys
from pathlib import Path
from yizhan.buildkit import outfolder
from yizhan.workbench import publishing
from yizhan.workbench.store import Store

project, when = Path(sys.argv[1]), sys.argv[2]

def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)

if when == "copying":  # the staging copy half made (the live folder links the kept publish's files)
    real_link, linked = publishing._link, []
    def link(src, dst):
        linked.append(src)
        if len(linked) == 2:
            die()
        return real_link(src, dst)
    publishing._link = link
elif when == "swapping":  # staging complete, the swap not begun
    publishing.swap = die
elif when == "cleaning":  # swapped in one step, the old site not yet removed
    outfolder.shutil.rmtree = die
elif when in ("between", "renamed"):  # a system without the one-step exchange: two renames
    outfolder._exchange = lambda a, b: False
    real_rename = pathlib.Path.rename
    def rename(self, target):
        done = real_rename(self, target)
        if when == "between" and Path(target).name == "previous":
            die()
        if when == "renamed" and Path(target).name == "live":
            die()
        return done
    pathlib.Path.rename = rename
elif when == "recording":  # swapped, the row not yet told
    real_swap = publishing.swap
    def swap(*args):
        real_swap(*args)
        die()
    publishing.swap = swap
publishing.go_live(Store(project), 2)
"""
BEFORE = ("copying", "swapping", "between")
AFTER = ("cleaning", "renamed", "recording")


def files_of(folder: Path) -> dict[str, bytes]:
    """Every file under a folder, by its path inside it, with its bytes."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def kept_publish(store: Store, number: int, pages: dict[str, str]) -> None:
    """A finished publish as `_run` keeps it: the build's files and its number file."""
    folder = publishing.folders(store)[1] / str(number)
    for rel, text in pages.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text, encoding="utf-8")
    (folder / publishing.NUMBER_FILE).write_text(json.dumps({"number": number}), encoding="utf-8")


@pytest.mark.parametrize("when", [*BEFORE, *AFTER])
def test_a_publish_killed_midway_leaves_the_live_folder_before_or_after(tmp_path: Path, when: str) -> None:
    store = Store(tmp_path)
    publishing.prepare(store)
    kept_publish(
        store, 1, {"site/index.html": "旧电话 13332322661", "site/old.html": "旧页", "print/a.pdf": "1"}
    )
    kept_publish(
        store, 2, {"site/index.html": "新电话 13332322662", "site/new.html": "新页", "print/a.pdf": "2"}
    )
    with store.connect() as db:
        for number, status in ((1, publishing.DONE), (2, publishing.RUNNING)):
            db.execute("INSERT INTO publishes (id, at, user, status) VALUES (?, ?, 'county', ?)",
                       (number, time.time(), status))  # fmt: skip
    publishing.go_live(store, 1)
    _, kept, live = publishing.folders(store)
    old, new = files_of(live), files_of(kept / "2")
    assert old == files_of(kept / "1") and old != new
    done = subprocess.run([sys.executable, "-c", KILLED_PUBLISH, str(tmp_path), when], check=False)
    assert done.returncode == -9
    if when == "between":  # the one moment with no live folder: only a system without the exchange has it
        assert not live.exists()
    else:
        assert files_of(live) == (old if when in BEFORE else new)
    # the workbench starts again: the live folder whole, nothing left over, the rows settled
    publishing.prepare(store)
    assert files_of(live) == (old if when in BEFORE else new)
    assert [p.name for p in live.parent.iterdir() if p.name.startswith(".live.")] == []
    assert publishing.live_number(store) == (1 if when in BEFORE else 2)
    with store.connect() as db:
        status = db.execute("SELECT status FROM publishes WHERE id = 2").fetchone()[0]
    assert status == (publishing.FAILED if when in BEFORE else publishing.DONE)
    assert (kept / "2").exists() == (when in AFTER) and files_of(kept / "1") == old


def test_half_kept_copies_are_removed_at_start(tmp_path: Path) -> None:
    store = Store(tmp_path)
    publishing.prepare(store)
    kept = publishing.folders(store)[1]
    (kept / ".3.tmp/site").mkdir(parents=True)
    (kept / ".3.tmp/site/index.html").write_text("半", encoding="utf-8")
    kept_publish(store, 3, {"site/index.html": "整"})
    with store.connect() as db:
        db.execute("INSERT INTO publishes (id, at, user, status) VALUES (3, ?, 'county', ?)",
                   (time.time(), publishing.RUNNING))  # fmt: skip
    publishing.prepare(store)
    assert list(kept.iterdir()) == []  # never made live: the row failed, the copy removed
    assert publishing.live_number(store) is None


def test_what_a_build_changes_is_found_without_reading_the_files_it_kept(tmp_path: Path) -> None:
    new, old = tmp_path / "build", tmp_path / "live"
    pages = {"site/kept.html": "同", "site/copied.html": "同样", "site/changed.html": "旧",
             "site/gone.html": "删", "print/posters/YZ-01.pdf": "旧海报"}  # fmt: skip
    for rel, text in pages.items():
        (old / rel).parent.mkdir(parents=True, exist_ok=True)
        (old / rel).write_text(text, encoding="utf-8")
    (new / "site").mkdir(parents=True)
    (new / "print/posters").mkdir(parents=True)
    os.link(old / "site/kept.html", new / "site/kept.html")  # kept by the build: the same file
    (new / "site/copied.html").write_text("同样", encoding="utf-8")  # written again, the same bytes
    (new / "site/changed.html").write_text("新", encoding="utf-8")
    (new / "site/added.html").write_text("加", encoding="utf-8")
    (new / "print/posters/YZ-01.pdf").write_text("新海报", encoding="utf-8")
    assert publishing.changes(new, old) == {
        "added": ["site/added.html"],
        "changed": ["site/changed.html"],
        "removed": ["site/gone.html"],
        "reprint": ["print/posters/YZ-01.pdf"],
    }
