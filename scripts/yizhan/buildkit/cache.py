"""Everything a build remembers, in one place: the project's `.yizhan-cache/` folder, its keys and its writes.

Every remembered step asks this module for its key and its record; nobody else writes under the folder.

- **Keys**: `code_key()` is yizhan's own code and the versions of LIBRARIES, computed once per process
  from one list; every record and every `key(...)` includes it, so an upgrade of yizhan or of a
  library forgets what the old ones made. `key(*values)` digests any values (dataclasses field by
  field, sets in a fixed order, a folder by the content of every file in it); a type it does not know
  is an error, never a silent miss.
- **Records**: `Cache(root).read(name, key)` / `.write(name, body, key)`: one JSON object per name in
  RECORDS, read back only when it was written under the same key. `.folder(name)` is a sub-folder
  owned by one step (the remembered render results, the pages kept for mkdocs).
- **Writes**: `replace_file(path, data)` is the one way yizhan writes a file, in the cache and in the
  output: a new file beside it, renamed over it. A file is never rewritten in place, so a hard link
  shared with the previous build (the staging folder starts as one) never changes under the site
  being served.
- **Clean-up**: `Cache.sweep()` removes what no record name claims (files of older versions), and each
  step keeps only what its build used (see memo.remembering and the records' own `save`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import enum
import functools
import hashlib
import json
import os
import shutil
from importlib import metadata
from pathlib import Path
from typing import Any

from ..rules.numbers import LETTERS_ONLY

FOLDER = ".yizhan-cache"  # in the project; `make clean` removes it

# The libraries whose versions decide what yizhan writes: every key includes them (one list).
LIBRARIES = (
    "brotli",
    "frictionless",
    "jieba",
    "jinja2",
    "markdown",
    "markupsafe",
    "mkdocs",
    "mkdocs-material",
    "openpyxl",
    "pandas",
    "pydyf",
    "pypdf",
    "python-calamine",
    "pyyaml",
    "segno",
    "weasyprint",
)

# Every name in the cache folder and what it holds; anything else is removed by `sweep`.
RECORDS = {
    "last-build.json": "what the last successful build read and left in its output (uptodate)",
    "file-digests.json": "digests of output files by device, inode, size and time (privacy.memory)",
    "privacy-check.json": "digests of files the privacy gate found clean (privacy.memory)",
    "site-check.json": "pages whose links and scripts the site checks found clean (privacy.memory)",
    "site-styles.json": "the words of each page the stylesheet cut asks for, and the cut sheets (website.styles)",
    "memo": "results of remembered render steps, one file each (memo)",
    "docs": "the pages handed to the site engine, kept between builds, one folder per output (publish)",
}


# Records that know files by the digest of their bytes, never by the project or output they came from:
# this process holds the last one written under each key too, and a project that has none yet (a fresh
# copy, built by the same process: a library user's, the test suite's) starts from it. What a record
# says of a digest holds wherever those bytes are; an inode-keyed or per-output record is not held.
BY_CONTENT = ("privacy-check.json", "site-check.json", "site-styles.json")
_held: dict[tuple[str, str], str] = {}


def forget_held() -> None:
    """Drop the records this process holds (as a new process would start)."""
    _held.clear()


def replace_file(path: Path, data: bytes | str, durable: bool = False) -> None:
    """Write `data` as a new file beside `path` and rename it over `path`: whole or not at all.

    Never in place: a file that is a hard link to the previous build is replaced, not changed.
    `durable`: flush to disk before the rename (a dataset the officer keeps, not a file made again).
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with temporary.open("wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def holds(path: Path, data: bytes) -> bool:
    """Whether the file at `path` already holds exactly `data` (then there is nothing to write)."""
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


@functools.cache
def code_key() -> str:
    """yizhan's own code and the versions of LIBRARIES (a library not installed counts as one)."""
    digest = hashlib.sha256()
    for name in LIBRARIES:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            version = "-"
        digest.update(f"{name}={version}\0".encode())
    digest.update(tree_digest(Path(__file__).resolve().parents[1]).encode())
    return digest.hexdigest()


def tree_digest(folder: Path) -> str:
    """Digest of every file under `folder`: names and contents (compiled Python left out)."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


_trees: dict[Path, tuple[tuple[tuple[str, int, int, int], ...], str]] = {}  # folder → (files' stat, digest)


def feed(digest: Any, value: Any) -> None:
    """Add `value` to `digest`, tagged by type so that different values never feed the same bytes."""
    if value is None or isinstance(value, bool | int | float):
        digest.update(f"{type(value).__name__}:{value!r};".encode())
    elif isinstance(value, str):
        data = value.encode("utf-8")
        digest.update(b"s%d:" % len(data) + data)
    elif isinstance(value, bytes):
        digest.update(b"b%d:" % len(value) + value)
    elif isinstance(value, dt.date | dt.datetime | dt.time):
        digest.update(f"{type(value).__name__}:{value.isoformat()};".encode())
    elif isinstance(value, enum.Enum):
        digest.update(f"enum:{type(value).__qualname__}.{value.name};".encode())
    elif isinstance(value, Path):
        _feed_path(digest, value)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        digest.update(f"dc:{type(value).__module__}.{type(value).__qualname__}(".encode())
        for field in dataclasses.fields(value):
            feed(digest, field.name)
            feed(digest, getattr(value, field.name))
        digest.update(b")")
    elif isinstance(value, list | tuple):
        digest.update(f"{type(value).__name__}{len(value)}[".encode())
        for item in value:
            feed(digest, item)
        digest.update(b"]")
    elif isinstance(value, dict):
        digest.update(f"dict{len(value)}{{".encode())
        for key_digest, item in sorted((digest_of(k), v) for k, v in value.items()):
            digest.update(key_digest.encode())
            feed(digest, item)
        digest.update(b"}")
    elif isinstance(value, set | frozenset):
        digest.update(f"set{len(value)}{{{''.join(sorted(digest_of(item) for item in value))}}}".encode())
    else:
        raise TypeError(f"no digest for a {type(value).__module__}.{type(value).__qualname__}")


def _feed_path(digest: Any, path: Path) -> None:
    """A folder by the content of every file in it, a file by its name and bytes."""
    if path.is_dir():
        folder = path.resolve()
        # Read again only when a file changed (by name, size, time or inode): templates are fed often.
        files = sorted(p for p in folder.rglob("*") if p.is_file())
        listing = tuple(
            (p.relative_to(folder).as_posix(), s.st_size, s.st_mtime_ns, s.st_ino)
            for p, s in ((p, p.stat()) for p in files)
        )
        known = _trees.get(folder)
        if known is None or known[0] != listing:
            known = _trees[folder] = (listing, tree_digest(folder))
        digest.update(f"folder:{known[1]};".encode())
    else:
        digest.update(b"path:")
        feed(digest, str(path))
        feed(digest, path.read_bytes() if path.is_file() else None)


def digest_of(value: Any) -> str:
    """Hex SHA-256 of one value as `feed` sees it (the same in every process)."""
    digest = hashlib.sha256()
    feed(digest, value)
    return digest.hexdigest()


def key(*values: Any) -> str:
    """The key of something made from `values` with this code and these libraries.

    Letters only: the privacy gate would read long digit runs in a hex digest as phone numbers."""
    digest = hashlib.sha256(code_key().encode())
    feed(digest, values)
    return digest.hexdigest()[:48].translate(LETTERS_ONLY)


def load_json(path: Path | None, record_key: str = "") -> dict[str, Any]:
    """The body of a record written by `save_json` under the same key; empty when none, damaged or stale."""
    if path is None:
        return {}
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(record, dict) or record.get("key") != key(record_key):
        return {}
    body = record.get("body")
    return body if isinstance(body, dict) else {}


def save_json(path: Path | None, body: dict[str, Any], record_key: str = "") -> None:
    """Write a record whole or not at all; it is only a memory, so a failure just means working again."""
    if path is None:
        return
    text = json.dumps({"key": key(record_key), "body": body}, ensure_ascii=False, sort_keys=True)
    with contextlib.suppress(OSError):
        replace_file(path, text)


@dataclasses.dataclass(frozen=True)
class Cache:
    """The cache folder of the project at `root`; `Cache(None)` remembers nothing (each run starts afresh)."""

    root: Path | None

    @property
    def folder_path(self) -> Path | None:
        return self.root / FOLDER if self.root is not None else None

    def path(self, name: str) -> Path | None:
        """Where the record or sub-folder `name` (a key of RECORDS, or a path under one) is kept."""
        if name.replace("\\", "/").split("/")[0] not in RECORDS:
            raise ValueError(f"{name} is not a record of the cache (see cache.RECORDS)")
        return self.folder_path / name if self.folder_path is not None else None

    def read(self, name: str, record_key: str = "") -> dict[str, Any]:
        """The record `name` when it was written under `record_key` by this code; else empty (or, for a
        record BY_CONTENT, the one this process last wrote under that key)."""
        body = load_json(self.path(name), record_key)
        if not body and self.root is not None and name in BY_CONTENT:
            held = _held.get((name, key(record_key)))
            if held is not None:
                return json.loads(held)
        return body

    def write(self, name: str, body: dict[str, Any], record_key: str = "") -> None:
        save_json(self.path(name), body, record_key)
        if self.root is not None and name in BY_CONTENT:
            _held[(name, key(record_key))] = json.dumps(body, ensure_ascii=False)

    def folder(self, name: str) -> Path | None:
        """A sub-folder owned by one step, made if missing (None when nothing is remembered)."""
        path = self.path(name)
        if path is not None:
            path.mkdir(parents=True, exist_ok=True)
        return path

    def sweep(self) -> None:
        """Remove whatever no record claims: names of older versions, temporary files left by a crash."""
        folder = self.folder_path
        if folder is None or not folder.is_dir():
            return
        for entry in folder.iterdir():
            if entry.name in RECORDS:
                continue
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)


NOWHERE = Cache(None)  # for a run that remembers nothing (a check of a folder, a test)
