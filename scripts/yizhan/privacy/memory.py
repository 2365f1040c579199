"""What the privacy gate remembers between builds: the files it found clean, so unchanged ones are not read again.

A file is known by the digest of its bytes and how it is scanned. The record holds for the same
private values and the same scanning code; a new recipient or a changed rule rescans everything.
Public phones are different: they change whenever a station gets a new manager, so each clean file
keeps the public phones it showed, and stays clean while those are all still public. Only digests
and public phones are kept, never any text.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .gate import Secrets

CODE = ("privacy/gate.py", "privacy/memory.py", "numbers.py")  # the scanning code the record depends on
MEMORY_FILE = "privacy-check.json"  # in the project's cache folder


class CleanFiles:
    def __init__(self, path: Path | None, secrets: Secrets) -> None:
        self.path = path
        self.public = secrets.public_phones
        code = b"".join((Path(__file__).parents[1] / name).read_bytes() for name in CODE)
        values = json.dumps(sorted(secrets.values.items()), ensure_ascii=False).encode("utf-8")
        self.key = hashlib.sha256(code + values).hexdigest()
        self.known: dict[str, list[str]] = {}
        self.clean: dict[str, list[str]] = {}
        if path is not None:
            try:
                record = json.loads(path.read_text(encoding="utf-8"))
                if record.get("key") == self.key and isinstance(record.get("clean"), dict):
                    self.known = record["clean"]
            except (OSError, ValueError, AttributeError):
                pass

    @staticmethod
    def digest(path: Path, kind: str) -> str:
        with path.open("rb") as f:
            return hashlib.file_digest(f, "sha256").hexdigest() + kind

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
        if self.path is None:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_name(f".{self.path.name}.tmp")
            record = {"key": self.key, "clean": dict(sorted(self.clean.items()))}
            temporary.write_text(json.dumps(record), encoding="utf-8")
            os.replace(temporary, self.path)
        except OSError:
            pass  # only a memory: the next build reads everything again
