"""Nothing changed, nothing to do: a build whose inputs, tools and output folder are exactly as the
last successful build left them stops at once, after showing that build's data report again.

Builds are deterministic (the same inputs give the same bytes), so the output folder is already
what this build would make. The inputs are the project's files (and the example county's, which
stand in for files a project does not have), yizhan's code and the library versions (the cache's
code key), and the fonts; the output folder is compared file by file (size, time, inode).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

from .cache import Cache
from .paths import tool_root

RECORD = "last-build.json"  # in the cache (cache.RECORDS)
INPUTS = ("mkdocs.yml", "content", "forms", "datasets", "site_templates")
FONT_DIR = Path("/usr/share/fonts/opentype/noto")


def _files(path: Path) -> Iterable[Path]:
    if path.is_file():
        yield path
    elif path.is_dir():
        yield from sorted(p for p in path.rglob("*") if p.is_file())


def inputs_key(root: Path) -> str:
    """Hash of everything a build reads: project and example files, the fonts (code and tools: the key)."""
    from ..printing import fonts

    digest = hashlib.sha256()
    sources = [root / name for name in INPUTS] + [tool_root() / name for name in INPUTS]
    for source in sources:
        for file in _files(source):
            if "__pycache__" in file.parts:
                continue
            digest.update(f"\0{file}\0".encode() + file.read_bytes())
    for font in sorted(FONT_DIR.glob("*")):
        stat = font.stat()
        digest.update(f"\0{font.name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    digest.update(fonts.key().encode())
    return digest.hexdigest()


def listing_key(out: Path) -> str:
    """Hash of every file in the output folder: path, size, modification time, inode."""
    digest = hashlib.sha256()
    stack = [out]
    while stack:
        folder = stack.pop()
        with os.scandir(folder) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                if entry.is_dir(follow_symlinks=False):
                    stack.append(Path(entry.path))
                    continue
                stat = entry.stat(follow_symlinks=False)
                digest.update(f"\0{entry.path}:{stat.st_size}:{stat.st_mtime_ns}:{stat.st_ino}".encode())
    return digest.hexdigest()


def _state(root: Path, out: Path, only: set[str]) -> str:
    return f"{out}\0{','.join(sorted(only))}\0{inputs_key(root)}"


def previous_report(root: Path, out: Path, only: set[str]) -> str | None:
    """The last build's report when nothing changed since it (this build has nothing to do), else None."""
    if not out.is_dir():
        return None
    record = Cache(root).read(RECORD, _state(root, out, only))
    if not record or record.get("listing") != listing_key(out):
        return None
    return str(record.get("report", ""))


def remember(root: Path, out: Path, only: set[str], report: str) -> None:
    """Note what this successful build read and left in `out`, for the next build to compare."""
    Cache(root).write(RECORD, {"listing": listing_key(out), "report": report}, _state(root, out, only))
