"""发布: build the project in the background, keep every publish, swap the live folder in one step.

The build is `yizhan build` itself, run as its own process into the workbench's build folder (its
caches make the next build quick); each finished build is copied to `publishes/N/` and the live
folder (what the web server serves) is replaced by a copy of it with the outfolder swap: a reader
sees the old site or the new one, never half of each. 撤回到此版本 swaps an earlier publish back in.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

from ..outfolder import new_work_dir, swap
from .store import Store

RUNNING, DONE, FAILED = "running", "done", "failed"
SCHEMA = """
CREATE TABLE IF NOT EXISTS publishes (
    id INTEGER PRIMARY KEY, at REAL NOT NULL, user TEXT NOT NULL, status TEXT NOT NULL,
    progress TEXT NOT NULL DEFAULT '', live_at REAL
);
"""
BUSY = threading.Lock()  # one publish at a time in this process


def folders(store: Store) -> tuple[Path, Path, Path]:
    """The project's own build folder (the one output `yizhan build` may use inside a project), the
    folder of kept publishes and the live folder."""
    return store.project / "build", store.folder / "publishes", store.folder / "live"


def prepare(store: Store) -> None:
    with store.connect() as db:
        db.executescript(SCHEMA)


def start(store: Store, user: str) -> int | None:
    """Begin a publish in a background thread; None when one is already running."""
    if not BUSY.acquire(blocking=False):
        return None
    with store.connect() as db:
        number = int(db.execute("INSERT INTO publishes (at, user, status) VALUES (?, ?, ?)",
                                (time.time(), user, RUNNING)).lastrowid or 0)  # fmt: skip
    threading.Thread(target=_run, args=(store, number), daemon=True, name=f"publish-{number}").start()
    return number


def _note(store: Store, number: int, status: str, progress: str) -> None:
    with store.connect() as db:
        db.execute("UPDATE publishes SET status = ?, progress = ? WHERE id = ?", (status, progress, number))


def _run(store: Store, number: int) -> None:
    """`yizhan build` into the build folder, then keep it and make it live."""
    build, kept, _ = folders(store)
    try:
        command = [
            sys.executable,
            "-m",
            "yizhan",
            "build",
            "--project",
            str(store.project),
            "--out",
            str(build),
        ]
        lines: list[str] = []
        with subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        ) as process:
            assert process.stdout is not None
            for line in process.stdout:
                lines.append(line.rstrip())
                _note(store, number, RUNNING, "\n".join(lines[-3:]))
        if process.returncode != 0:
            _note(store, number, FAILED, "\n".join(lines[-40:]))
            return
        kept.mkdir(parents=True, exist_ok=True)
        target = kept / str(number)
        temp = kept / f".{number}.tmp"
        shutil.rmtree(temp, ignore_errors=True)
        shutil.copytree(build, temp)
        temp.rename(target)
        go_live(store, number)
        _note(store, number, DONE, "\n".join(lines[-3:]))
    except Exception as error:  # the thread must leave the row finished, whatever happened
        _note(store, number, FAILED, f"{type(error).__name__}: {error}")
    finally:
        BUSY.release()


def go_live(store: Store, number: int) -> None:
    """Make publish `number` what the web server serves, in one swap; the publish itself stays kept."""
    _, kept, live = folders(store)
    work = new_work_dir(live)
    staging = work / "staging"
    shutil.copytree(kept / str(number), staging)
    swap(staging, live, work)
    with store.connect() as db:
        db.execute("UPDATE publishes SET live_at = ? WHERE id = ?", (time.time(), number))


def live_number(store: Store) -> int | None:
    with store.connect() as db:
        row = db.execute(
            "SELECT id FROM publishes WHERE live_at IS NOT NULL ORDER BY live_at DESC LIMIT 1"
        ).fetchone()
    return int(row["id"]) if row else None
