"""What the privacy gate and the site checks remember between builds (records of the project's cache).

A file is known by the digest of its bytes and how it is scanned. The digest itself is remembered by
what the file system says of the file (see FileDigests), so the files a build kept from the previous
one (hard links) are not even read to be hashed. The clean-file record holds for the same private
values (and, as every record, the same code and libraries); a new recipient or a changed rule
rescans everything. Public phones are different: they change whenever a station gets a new
manager, so each clean file keeps the public phones it showed, and stays clean while those are all
still public. Only digests and public phones are kept, never any text.
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path
from typing import TYPE_CHECKING

from ..buildkit.cache import NOWHERE, Cache

if TYPE_CHECKING:
    from .secrets import Secrets

MEMORY_FILE = "privacy-check.json"  # records of the cache (cache.RECORDS)
DIGESTS_FILE = "file-digests.json"
PAGES_FILE = "site-check.json"
SETTLED_NS = 2_000_000_000  # a file modified this shortly before the record is saved is hashed again


class FileDigests:
    """The SHA-256 of files, remembered by device, inode, size and modification time (as make, rsync
    and git do). A changed file is written anew by yizhan (a new inode) and by any editor (a new
    modification time), so either way it is read and hashed again. Files modified in the last two
    seconds before saving are not remembered: a second change within the clock's tick would keep the
    same time (git's "racily clean" rule)."""

    def __init__(self, cache: Cache = NOWHERE) -> None:
        self.cache = cache
        self.known: dict[str, str] = {}
        self.seen: dict[str, tuple[int, str]] = {}
        files = cache.read(DIGESTS_FILE).get("files")
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
        self.cache.write(DIGESTS_FILE, {"files": files})


class CleanFiles:
    """The files the privacy gate found clean, by digest and scan kind, with the public phones each showed."""

    def __init__(self, cache: Cache, secrets: Secrets, digests: FileDigests | None = None) -> None:
        self.cache = cache
        self.digests = digests or FileDigests()
        self.public = secrets.public_phones
        self.key = json.dumps(sorted(secrets.values.items()), ensure_ascii=False)
        self.known: dict[str, list[str]] = {}
        self.clean: dict[str, list[str]] = {}
        clean = cache.read(MEMORY_FILE, self.key).get("clean")
        if isinstance(clean, dict):
            self.known = clean

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
        self.cache.write(MEMORY_FILE, {"clean": dict(sorted(self.clean.items()))}, self.key)


class CheckedPages:
    """What the site's own checks found in pages they read before, known by the digest of the page.

    A page without a script URL stays without one while its bytes are the same; a page whose links
    all resolved keeps the list of files they point to, checked again against this build's files
    (a cheap look-up instead of reading and parsing the page). Only digests and relative paths of
    the site's own files are kept. The record holds for one site URL prefix.
    """

    def __init__(self, cache: Cache = NOWHERE, prefix: str = "", digests: FileDigests | None = None) -> None:
        self.cache, self.prefix = cache, prefix
        self.digest = digests or FileDigests()
        self.known: dict[str, dict[str, list[str]]] = {"links": {}, "scripts": {}}
        self.kept: dict[str, dict[str, list[str]]] = {"links": {}, "scripts": {}}
        record = cache.read(PAGES_FILE, prefix)
        if all(isinstance(record.get(k), dict) for k in self.known):
            self.known = {k: record[k] for k in self.known}

    def recall(self, check: str, digest: str) -> list[str] | None:
        """What `check` ("links" or "scripts") kept for this page when it was clean, or None."""
        return self.known[check].get(digest)

    def remember(self, check: str, digest: str, kept: list[str]) -> None:
        self.kept[check][digest] = kept

    def save(self) -> None:
        """Keep this run's clean pages only, so the record does not grow from build to build."""
        self.cache.write(PAGES_FILE, dict(self.kept), self.prefix)
