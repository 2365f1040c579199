"""发布: build the project in the background, keep every publish, swap the live folder in one step.

The build is `yizhan build` itself, run as its own process into the workbench's build folder (its
caches make the next build quick); each finished build is kept as `publishes/N/` and the live
folder (what the web server serves) is replaced by a copy of it with the outfolder swap: a reader
sees the old site or the new one, never half of each. The kept publish and the live folder are hard
links to the build's files, not copies: a build never writes into a file, it writes a new one and
renames it over the old name (buildkit.cache.replace_file), so a later build leaves every byte of an
earlier publish as it was. 撤回到此版本 swaps an earlier publish back in.
Each kept publish carries its number in a small file, so the live folder itself says which publish it
is; when the workbench starts, `recover` finishes what a killed process left: the live folder is put
back if a swap without the one-step exchange was cut between its renames, leftover staging folders
and half-kept copies are removed, and the rows of publishes that were running are settled.
"""

from __future__ import annotations

import filecmp
import io
import json
import os
import shutil
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

from ..buildkit.cache import replace_file
from ..buildkit.outfolder import new_work_dir, swap
from .store import Store

RUNNING, DONE, FAILED, PREVIEWED = "running", "done", "failed", "previewed"
SCHEMA = """
CREATE TABLE IF NOT EXISTS publishes (
    id INTEGER PRIMARY KEY, at REAL NOT NULL, user TEXT NOT NULL, status TEXT NOT NULL,
    progress TEXT NOT NULL DEFAULT '', live_at REAL, preview INTEGER NOT NULL DEFAULT 0,
    changes TEXT NOT NULL DEFAULT '{}'
);
"""
REPRINT = ("print/posters/", "print/service-lists/")  # what a township has to print and post again
BUSY = threading.Lock()  # one publish at a time in this process
NUMBER_FILE = ".yizhan-publish"  # in each kept publish (and so in the live folder): which publish it is


def folders(store: Store) -> tuple[Path, Path, Path]:
    """The project's own build folder (the one output `yizhan build` may use inside a project), the
    folder of kept publishes and the live folder."""
    return store.project / "build", store.folder / "publishes", store.folder / "live"


def prepare(store: Store) -> None:
    """The publishes table, and whatever a killed workbench left half done put right."""
    with store.connect() as db:
        db.executescript(SCHEMA)
    if BUSY.acquire(blocking=False):  # never while a publish of this process is under way
        try:
            recover(store)
        finally:
            BUSY.release()


def _number_of(folder: Path) -> int | None:
    """The publish a folder holds, by its number file (None: no readable number)."""
    try:
        return int(json.loads((folder / NUMBER_FILE).read_text(encoding="utf-8"))["number"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def recover(store: Store) -> None:
    """After a kill: the live folder whole (before or after), no leftovers, no publish left running."""
    _, kept, live = folders(store)
    leftovers = sorted(live.parent.glob(f".{live.name}.*.yizhan-work")) if live.parent.exists() else []
    for work in leftovers:
        previous = work / "previous"
        if not live.exists() and previous.is_dir():  # cut between the two renames of the fallback swap
            previous.rename(live)
        shutil.rmtree(work, ignore_errors=True)
    for temp in kept.glob(".*.tmp") if kept.exists() else []:
        shutil.rmtree(temp, ignore_errors=True)
    shown = _number_of(live)
    with store.connect() as db:
        running = [int(r["id"]) for r in db.execute("SELECT id FROM publishes WHERE status = ?", (RUNNING,))]
        for number in running:
            if number == shown:  # swapped in, but killed before the row said so
                db.execute("UPDATE publishes SET status = ? WHERE id = ?", (DONE, number))
            else:
                db.execute("UPDATE publishes SET status = ?, progress = '' WHERE id = ?", (FAILED, number))
                shutil.rmtree(kept / str(number), ignore_errors=True)
        if shown is not None:
            row = db.execute(
                "SELECT id FROM publishes WHERE live_at IS NOT NULL ORDER BY live_at DESC LIMIT 1"
            ).fetchone()
            if row is None or int(row["id"]) != shown:
                db.execute("UPDATE publishes SET live_at = ? WHERE id = ?", (time.time(), shown))


def start(store: Store, user: str, preview: bool = False) -> int | None:
    """Begin a publish (or only a preview build) in a background thread; None when one is running."""
    if not BUSY.acquire(blocking=False):
        return None
    with store.connect() as db:
        number = int(db.execute("INSERT INTO publishes (at, user, status, preview) VALUES (?, ?, ?, ?)",
                                (time.time(), user, RUNNING, int(preview))).lastrowid or 0)  # fmt: skip
    threading.Thread(
        target=_run, args=(store, number, preview), daemon=True, name=f"publish-{number}"
    ).start()
    return number


def _files(folder: Path) -> dict[str, tuple[Path, int]]:
    """Pages and print documents under a build folder, by their path inside it: (path, inode).

    The directory entries carry each file's kind and inode, so no file is looked at one by one."""
    found: dict[str, tuple[Path, int]] = {}
    pending = [(folder, "")] if folder.is_dir() else []
    while pending:
        here, prefix = pending.pop()
        with os.scandir(here) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    pending.append((Path(entry.path), f"{prefix}{entry.name}/"))
                elif entry.is_file(follow_symlinks=False) and entry.name.endswith((".html", ".pdf")):
                    found[prefix + entry.name] = (Path(entry.path), entry.inode())
    return found


def changes(new: Path, old: Path) -> dict[str, list[str]]:
    """What the new build changes against what is live: pages added, changed, removed; documents to reprint.

    A file the build kept from the build before is the same file (a hard link) as the live one: it is
    not read; any other pair of the same name is compared byte by byte."""
    after, before = _files(new), _files(old)
    one_disk = bool(after and before) and new.stat().st_dev == old.stat().st_dev
    changed = [k for k in sorted(after.keys() & before.keys()) if not _same(after[k], before[k], one_disk)]
    added = sorted(after.keys() - before.keys())
    return {
        "added": [k for k in added if k.startswith("site/")],
        "changed": [k for k in changed if k.startswith("site/")],
        "removed": sorted(k for k in before.keys() - after.keys() if k.startswith("site/")),
        "reprint": [k for k in sorted([*added, *changed]) if k.startswith(REPRINT)],
    }


def _same(a: tuple[Path, int], b: tuple[Path, int], one_disk: bool) -> bool:
    """Whether two files hold the same bytes: one file under two names (same inode, one disk) does."""
    if one_disk and a[1] == b[1]:
        return True
    return a[0].stat().st_size == b[0].stat().st_size and filecmp.cmp(a[0], b[0], shallow=False)


def _note(store: Store, number: int, status: str, progress: str) -> None:
    with store.connect() as db:
        db.execute("UPDATE publishes SET status = ?, progress = ? WHERE id = ?", (status, progress, number))


def build_command(project: Path, out: Path) -> list[str]:
    """`yizhan build` of `project` into `out`, run as a new process of this Python."""
    return [sys.executable, "-m", "yizhan", "build", "--project", str(project), "--out", str(out)]


def _run(store: Store, number: int, preview: bool) -> None:
    """`yizhan build` into the build folder, then (unless a preview) keep it and make it live."""
    build, kept, live = folders(store)
    try:
        lines: list[str] = []
        with subprocess.Popen(
            build_command(store.project, build), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        ) as process:
            assert process.stdout is not None
            for line in process.stdout:
                lines.append(line.rstrip())
                _note(store, number, RUNNING, "\n".join(lines[-3:]))
        if process.returncode != 0:
            _note(store, number, FAILED, "\n".join(lines[-40:]))
            return
        found = json.dumps(changes(build, live), ensure_ascii=False)
        with store.connect() as db:
            db.execute("UPDATE publishes SET changes = ? WHERE id = ?", (found, number))
        if preview:
            _note(store, number, PREVIEWED, "\n".join(lines[-3:]))
            return
        kept.mkdir(parents=True, exist_ok=True)
        target = kept / str(number)
        temp = kept / f".{number}.tmp"
        shutil.rmtree(temp, ignore_errors=True)
        shutil.copytree(build, temp, copy_function=_link)  # the build replaces files, never writes in them
        replace_file(temp / NUMBER_FILE, json.dumps({"number": number}) + "\n")
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
    shutil.copytree(kept / str(number), staging, copy_function=_link)
    swap(staging, live, work)
    with store.connect() as db:
        db.execute("UPDATE publishes SET live_at = ? WHERE id = ?", (time.time(), number))


def _link(source: str, target: str) -> None:
    """The live folder shares the kept publish's files (neither is ever written in place); a copy
    where the file system cannot link. A whole-county build is hundreds of MB: no second copy of it."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def live_number(store: Store) -> int | None:
    """The publish being served: the live folder's own number file, else the last one made live."""
    shown = _number_of(folders(store)[2])
    if shown is not None:
        return shown
    with store.connect() as db:
        row = db.execute(
            "SELECT id FROM publishes WHERE live_at IS NOT NULL ORDER BY live_at DESC LIMIT 1"
        ).fetchone()
    return int(row["id"]) if row else None


def site_zip(store: Store, number: int, target: Path) -> None:
    """The website of publish `number` as one zip (for a government site platform)."""
    site = folders(store)[1] / str(number) / "site"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(site.rglob("*")):
            if path.is_file() and path.suffix not in (".gz", ".br"):
                archive.write(path, path.relative_to(site).as_posix())


def reprint_pdf(store: Store, number: int, reprint: list[str], target: Path) -> None:
    """The posters and service lists a publish changed, as one PDF to print."""
    from pypdf import PdfWriter

    folder = folders(store)[1] / str(number)
    writer = PdfWriter()
    for item in reprint:
        writer.append(str(folder / item))
    buffer = io.BytesIO()
    writer.write(buffer)
    replace_file(target, buffer.getvalue())
