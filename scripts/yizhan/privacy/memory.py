"""What the privacy gate remembers between builds: the files it found clean, so unchanged ones are not read again.

A file is known by the digest of its bytes and how it is scanned. The digest itself is remembered by
what the file system says of the file (see FileDigests), so the files a build kept from the previous
one (hard links) are not even read to be hashed. The record holds for the same
private values and the same scanning code; a new recipient or a changed rule rescans everything.
Public phones are different: they change whenever a station gets a new manager, so each clean file
keeps the public phones it showed, and stays clean while those are all still public. Only digests
and public phones are kept, never any text.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .gate import Secrets

CODE = ("privacy/gate.py", "privacy/memory.py", "numbers.py")  # the scanning code the record depends on
MEMORY_FILE = "privacy-check.json"  # in the project's cache folder


def save_record(path: Path | None, record: dict[str, object]) -> None:
    """Write a record whole or not at all; it is only a memory, so a failure just means reading again."""
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.tmp")
        temporary.write_text(json.dumps(record), encoding="utf-8")
        os.replace(temporary, path)
    except OSError:
        pass


DIGESTS_FILE = "file-digests.json"  # in the project's cache folder
SETTLED_NS = 2_000_000_000  # a file modified this shortly before the record is saved is hashed again


def load_record(path: Path | None) -> dict[str, Any]:
    """A record saved by save_record, or an empty one when there is none or it cannot be read."""
    if path is None:
        return {}
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return record if isinstance(record, dict) else {}


class FileDigests:
    """The SHA-256 of files, remembered by device, inode, size and modification time (as make, rsync
    and git do). A changed file is written anew by yizhan (a new inode) and by any editor (a new
    modification time), so either way it is read and hashed again. Files modified in the last two
    seconds before saving are not remembered: a second change within the clock's tick would keep the
    same time (git's "racily clean" rule)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.known: dict[str, str] = {}
        self.seen: dict[str, tuple[int, str]] = {}
        files = load_record(path).get("files")
        if isinstance(files, dict):
            self.known = files

    def __call__(self, path: Path) -> str:
        status = path.stat()
        key = f"{status.st_dev}:{status.st_ino}:{status.st_size}:{status.st_mtime_ns}"
        digest = self.known.get(key)
        if digest is None:
            with path.open("rb") as f:
                digest = hashlib.file_digest(f, "sha256").hexdigest()
            self.known[key] = digest
        self.seen[key] = (status.st_mtime_ns, digest)
        return digest

    def note(self, path: Path, data: bytes) -> str:
        """The digest of `data`, just written to `path` by this build (so it is not read back)."""
        status = path.stat()
        key = f"{status.st_dev}:{status.st_ino}:{status.st_size}:{status.st_mtime_ns}"
        digest = self.known[key] = hashlib.sha256(data).hexdigest()
        self.seen[key] = (status.st_mtime_ns, digest)
        return digest

    def save(self) -> None:
        """Keep this run's files only, so the record does not grow from build to build."""
        settled = time.time_ns() - SETTLED_NS
        files = {key: digest for key, (mtime, digest) in sorted(self.seen.items()) if mtime < settled}
        save_record(self.path, {"files": files})


class CleanFiles:
    def __init__(self, path: Path | None, secrets: Secrets, digests: FileDigests | None = None) -> None:
        self.path = path
        self.digests = digests or FileDigests(None)
        self.public = secrets.public_phones
        code = b"".join((Path(__file__).parents[1] / name).read_bytes() for name in CODE)
        values = json.dumps(sorted(secrets.values.items()), ensure_ascii=False).encode("utf-8")
        self.key = hashlib.sha256(code + values).hexdigest()
        self.known: dict[str, list[str]] = {}
        self.clean: dict[str, list[str]] = {}
        record = load_record(path)
        if record.get("key") == self.key and isinstance(record.get("clean"), dict):
            self.known = record["clean"]

    def digest(self, path: Path, kind: str) -> str:
        return self.digests(path) + kind

    def still_clean(self, digest: str) -> bool:
        """Clean last time, and every public phone it showed is still public (then kept for next time)."""
        phones = self.known.get(digest)
        if phones is None or not all(phone in self.public for phone in phones):
            return False
        self.clean[digest] = phones
        return True

    def add(self, digest: str, phones: set[str]) -> None:
        self.clean[digest] = sorted(phones)

    def save(self) -> None:
        """Keep this run's clean files only, so the record does not grow from build to build."""
        save_record(self.path, {"key": self.key, "clean": dict(sorted(self.clean.items()))})


PAGES_FILE = "site-check.json"  # in the project's cache folder, next to the privacy record
PAGE_CODE = ("privacy/gate.py", "privacy/published.py", "privacy/memory.py")


class CheckedPages:
    """What the site's own checks found in pages they read before, known by the digest of the page.

    A page without a script URL stays without one while its bytes are the same; a page whose links
    all resolved keeps the list of files they point to, checked again against this build's files
    (a cheap look-up instead of reading and parsing the page). Only digests and relative paths of
    the site's own files are kept.
    """

    def __init__(self, path: Path | None, prefix: str = "", digests: FileDigests | None = None) -> None:
        self.path = path
        self.digest = digests or FileDigests(None)
        code = b"".join((Path(__file__).parents[1] / name).read_bytes() for name in PAGE_CODE)
        self.key = hashlib.sha256(code + b"\0" + prefix.encode("utf-8")).hexdigest()
        self.known: dict[str, dict[str, list[str]]] = {"links": {}, "scripts": {}}
        self.kept: dict[str, dict[str, list[str]]] = {"links": {}, "scripts": {}}
        record = load_record(path)
        if record.get("key") == self.key and all(isinstance(record.get(k), dict) for k in self.known):
            self.known = {k: record[k] for k in self.known}

    def recall(self, check: str, digest: str) -> list[str] | None:
        """What `check` ("links" or "scripts") kept for this page when it was clean, or None."""
        return self.known[check].get(digest)

    def remember(self, check: str, digest: str, kept: list[str]) -> None:
        self.kept[check][digest] = kept

    def save(self) -> None:
        """Keep this run's clean pages only, so the record does not grow from build to build."""
        save_record(self.path, {"key": self.key, **self.kept})
