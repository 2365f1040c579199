"""The workbench's state in the project folder: one SQLite file and the files it names by content hash."""

from __future__ import annotations

import hashlib
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..buildkit.cache import replace_file
from ..rules.numbers import mask_numbers

FOLDER = ".yizhan-workbench"
DATABASE = "workbench.sqlite3"

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY, role TEXT NOT NULL, township TEXT NOT NULL DEFAULT '',
    hash TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 1, created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    token TEXT PRIMARY KEY, user TEXT, csrf TEXT NOT NULL, expires REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS attempts (kind TEXT NOT NULL, key TEXT NOT NULL, at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS attempts_key ON attempts (kind, key, at);
CREATE TABLE IF NOT EXISTS uploads (
    id INTEGER PRIMARY KEY, user TEXT NOT NULL, township TEXT NOT NULL, dataset TEXT NOT NULL,
    filename TEXT NOT NULL, sha256 TEXT NOT NULL, kind TEXT NOT NULL, size INTEGER NOT NULL,
    at REAL NOT NULL, result TEXT NOT NULL DEFAULT '{}', version INTEGER
);
CREATE TABLE IF NOT EXISTS versions (
    id INTEGER PRIMARY KEY, dataset TEXT NOT NULL, sha256 TEXT NOT NULL, at REAL NOT NULL,
    user TEXT NOT NULL, upload INTEGER, restored_from INTEGER, parent INTEGER, summary TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY, at REAL NOT NULL, user TEXT NOT NULL, address TEXT NOT NULL,
    action TEXT NOT NULL, detail TEXT NOT NULL
);
"""


class Store:
    """Accounts, sessions, uploads, dataset versions and the audit log of one project."""

    def __init__(self, project: Path) -> None:
        self.project = project.resolve()
        self.folder = self.project / FOLDER
        self.files = self.folder / "files"
        self.path = self.folder / DATABASE
        self.files.mkdir(parents=True, exist_ok=True)
        _ignore_in_git(self.project)
        with self.connect() as db:
            db.executescript(SCHEMA)

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        """One connection per unit of work, committed at the end (rolled back on an exception)."""
        db = sqlite3.connect(self.path, timeout=30)
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA journal_mode=WAL")
        try:
            with db:
                yield db
        finally:
            db.close()

    def keep(self, data: bytes) -> str:
        """Store `data` under its SHA-256 (once); returns the hash. The name never comes from a user."""
        digest = hashlib.sha256(data).hexdigest()
        target = self.files / digest
        if not target.exists():
            replace_file(target, data, durable=True)
        return digest

    def file(self, digest: str) -> Path:
        """The stored file of a hash (hashes are hex: no path can be spelled with one)."""
        if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            raise ValueError(digest)
        return self.files / digest

    def audit(self, user: str, address: str, action: str, detail: str = "") -> None:
        """One line of the audit log; any phone or ID number that slipped into it is masked first."""
        with self.connect() as db:
            db.execute(
                "INSERT INTO audit (at, user, address, action, detail) VALUES (?, ?, ?, ?, ?)",
                (time.time(), mask_numbers(user, True), address, action, mask_numbers(detail, True)),
            )


def _ignore_in_git(project: Path) -> None:
    """The workbench folder holds personal data: keep it out of the county's git repository."""
    ignore = project / ".gitignore"
    line = f"/{FOLDER}/"
    text = ignore.read_text(encoding="utf-8") if ignore.exists() else ""
    if line not in text.splitlines():
        replace_file(ignore, text + ("" if not text or text.endswith("\n") else "\n") + line + "\n")
