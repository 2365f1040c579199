"""Nothing changed, nothing to do: a build whose inputs, tools and output folder are exactly as the
last successful build left them stops at once, after showing that build's data report again.

Builds are deterministic (the same inputs give the same bytes), so the output folder is already
what this build would make. The inputs are the project's files (and the example county's, which
stand in for files a project does not have), yizhan's code, the versions of the tools it drives
and the fonts; the output folder is compared file by file (size, time, inode).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path

from .paths import cache_file, tool_root

RECORD = "last-build.json"
INPUTS = ("mkdocs.yml", "content", "forms", "datasets", "site_templates")
TOOLS = ("mkdocs", "mkdocs-material", "weasyprint", "pydyf", "pypdf", "jieba", "jinja2", "frictionless")
TOOLS += ("pandas", "pyyaml", "openpyxl", "python-calamine", "segno", "markdown")
FONT_DIR = Path("/usr/share/fonts/opentype/noto")


def _files(path: Path) -> Iterable[Path]:
    if path.is_file():
        yield path
    elif path.is_dir():
        yield from sorted(p for p in path.rglob("*") if p.is_file())


def inputs_key(root: Path) -> str:
    """Hash of everything a build reads: project and example files, yizhan, tool versions, fonts."""
    from .printing import fonts

    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent
    sources = [root / name for name in INPUTS] + [tool_root() / name for name in INPUTS] + [package]
    for source in sources:
        for file in _files(source):
            if "__pycache__" in file.parts or "/.yizhan-cache/" in file.as_posix():
                continue
            digest.update(f"\0{file}\0".encode() + file.read_bytes())
    for name in TOOLS:
        try:
            digest.update(f"\0{name}={metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"\0{name}=-".encode())
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


def _state(root: Path, out: Path, only: set[str]) -> dict[str, str]:
    return {"out": str(out), "only": ",".join(sorted(only)), "inputs": inputs_key(root)}


def previous_report(root: Path, out: Path, only: set[str]) -> str | None:
    """The last build's report when nothing changed since it (this build has nothing to do), else None."""
    try:
        record = json.loads(cache_file(root, RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not out.is_dir() or not isinstance(record, dict):
        return None
    state = _state(root, out, only)
    if any(record.get(key) != value for key, value in state.items()):
        return None
    if record.get("listing") != listing_key(out):
        return None
    return str(record.get("report", ""))


def remember(root: Path, out: Path, only: set[str], report: str) -> None:
    """Note what this successful build read and left in `out`, for the next build to compare."""
    record = {**_state(root, out, only), "listing": listing_key(out), "report": report}
    path = cache_file(root, RECORD)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    os.replace(temporary, path)
