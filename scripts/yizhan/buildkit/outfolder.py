"""The output folder belongs to yizhan alone: which folders may be one, a lock, private staging, the swap.

yizhan writes a marker file listing every file it wrote into the folder. A folder is only built
into when it is new, empty, or carries the marker and holds nothing else; a file yizhan did not
write is never deleted or overwritten — the build stops and names it instead.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from ..feedback.errors import EXIT_USAGE, Failure
from .cache import replace_file

MARKER = ".yizhan-output"  # no suffix: the privacy gate has nothing to read in it
LISTED = 5  # foreign files named in the message


class OutFolderError(Failure):
    """The output folder may not be built into (or a path left it); the message says why and how to fix."""

    prefix = "YZ-OUT-"
    exit_code = EXIT_USAGE

    def __init__(self, code: str, **values: object) -> None:
        super().__init__(code, None, **values)


def _within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def check_out(raw: str, root: Path) -> Path:
    """The resolved output folder for `--out raw`, or OutFolderError when it is not yizhan's to fill."""
    if not raw.strip():
        raise OutFolderError("YZ-OUT-001")
    out, root = Path(raw).expanduser().resolve(), root.resolve()
    if _within(root, out):
        raise OutFolderError("YZ-OUT-002", out=out, root=root)
    if _within(out, root) and out != root / "build":
        raise OutFolderError("YZ-OUT-003", out=out, root=root)
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise OutFolderError("YZ-OUT-004", out=out)
    if out.exists():
        foreign = foreign_files(out)
        if foreign is None:
            raise OutFolderError("YZ-OUT-005", out=out, marker=MARKER)
        if foreign:
            shown = "、".join(foreign[:LISTED]) + ("等" if len(foreign) > LISTED else "")
            raise OutFolderError("YZ-OUT-006", out=out, count=len(foreign), files=shown)
    return out


def written_files(out: Path) -> set[str] | None:
    """The files the marker says yizhan wrote into `out`; None when there is no readable marker."""
    try:
        data = json.loads((out / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    files = data.get("files") if isinstance(data, dict) else None
    return {str(f) for f in files} if isinstance(files, list) else None


def listed(folder: Path) -> list[str]:
    """Every entry under `folder` but its real folders (files and links of any kind), sorted, relative.

    One pass of os.walk: the directory entries say what each is, so no file is looked at twice."""
    found: list[str] = []
    for here, folders, names in os.walk(folder):
        rel = os.path.relpath(here, folder)
        prefix = "" if rel == "." else rel.replace(os.sep, "/") + "/"
        links = [name for name in folders if os.path.islink(os.path.join(here, name))]
        found += (prefix + name for name in [*names, *links])
    return sorted(found)


def foreign_files(out: Path) -> list[str] | None:
    """Files in `out` that yizhan did not write (sorted); None when `out` is not empty and has no marker."""
    present = listed(out)
    if not present:
        return []
    written = written_files(out)
    if written is None:
        return None
    return [rel for rel in present if rel != MARKER and rel not in written]


def write_marker(staging: Path) -> None:
    """Record every file of the new output, so the next build knows what is yizhan's."""
    files = [f for f in listed(staging) if f != MARKER]
    body = json.dumps({"tool": "yizhan", "files": files}, ensure_ascii=False, indent=0)
    replace_file(staging / MARKER, body + "\n")  # the old marker there is a hard link to the previous build


def inside(base: Path, rel: str) -> Path:
    """`base/rel`, refusing any path that would land outside `base` (absolute, `..`, a link out).

    `rel` comes from data (station IDs, form codes) and `base` is a folder this build made, so most of
    the check is on the words of `rel`: not absolute, no `..`, no empty or drive part. Symbolic links
    on the way (an old output may hold one) are looked for only where the folders already exist."""
    parts = rel.replace("\\", "/").split("/")
    if (
        not rel
        or rel.startswith(("/", "\\"))
        or any(part in ("", ".", "..") or ":" in part or "\0" in part for part in parts)
    ):
        raise OutFolderError("YZ-OUT-008", path=rel)
    path = base / rel
    here = base
    for part in parts:
        here = here / part
        if here.is_symlink():
            raise OutFolderError("YZ-OUT-008", path=rel)
        if not here.exists():
            break  # nothing further down exists yet, so no link either
    return path


def lock_file(out: Path) -> Path:
    return out.parent / f".{out.name}.yizhan-lock"


@contextlib.contextmanager
def locked(out: Path) -> Iterator[None]:
    """Hold the output's lock for the whole build; a second build of the same output stops at once."""
    path = lock_file(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if path.is_symlink() or (path.exists() and not path.is_file()):
        raise OutFolderError("YZ-OUT-004", out=path)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        if not _try_lock(fd):
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
            raise OutFolderError("YZ-OUT-007", out=out, pid=holder)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)  # closing releases the lock; the file stays (removing it would race a waiter)


def _try_lock(fd: int) -> bool:
    if sys.platform == "win32":  # pragma: no cover - the county office PC
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def new_work_dir(out: Path) -> Path:
    """A fresh folder of this build's own next to `out` (same disk, so the swap is a rename)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".yizhan-work", dir=out.parent))


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step (Linux renameat2 RENAME_EXCHANGE); False when unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def swap(staging: Path, out: Path, work: Path) -> None:
    """Put `staging` in place of `out`: one atomic exchange where the system has it, else two renames."""
    if out.exists() and _exchange(staging, out):
        shutil.rmtree(work, ignore_errors=True)  # the previous build now sits at `staging`, inside `work`
        return
    if out.exists():
        out.rename(work / "previous")
    staging.rename(out)
    shutil.rmtree(work, ignore_errors=True)
