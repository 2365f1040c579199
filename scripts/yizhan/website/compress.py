"""Pre-compressed copies (.gz, .br) of the site's text files, for servers that can send them as they are.

nginx (`gzip_static`, `brotli_static`) and IIS can serve `page.html.gz` for `page.html` to a browser
that accepts it, without compressing on every request; a server that cannot simply ignores the copies,
and `file://` never sees them. Copies are byte-identical from one build to the next (no time stamp,
no file name in the gzip header), and a file unchanged since the previous build keeps its copies.
"""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import brotli

from ..buildkit.cache import holds, replace_file
from ..buildkit.environment import cores
from ..buildkit.memo import held_compressed

TEXT_SUFFIXES = {".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".csv"}
MIN_BYTES = 1024  # below this a compressed copy saves less than a network packet
# What every visitor loads (theme script and stylesheets, search index and worker) gets the best
# ratio; the thousands of pages and the data files a faster setting (brotli 11 takes ~2 s a MB).
EVERY_VISIT = ("assets", "search")
ENCODINGS: dict[str, Callable[[bytes, bool], bytes]] = {
    ".gz": lambda data, best: gzip.compress(data, 9 if best else 6, mtime=0),
    ".br": lambda data, best: brotli.compress(data, quality=11 if best else 5),
}


def encode(suffix: str, data: bytes, best: bool) -> bytes:
    """The `suffix` copy of `data`; a best-ratio one is made once per process (see memo.held_compressed)."""
    if not best:
        return ENCODINGS[suffix](data, False)
    key = suffix + hashlib.sha256(data).hexdigest()
    body = held_compressed.get(key)
    if body is None:
        body = ENCODINGS[suffix](data, True)
        held_compressed.put(key, body)
    return body


def wanted(path: Path) -> bool:
    """A text file big enough to be worth a compressed copy."""
    return path.suffix.lower() in TEXT_SUFFIXES and path.stat().st_size >= MIN_BYTES


def _linked(a: Path, b: Path) -> bool:
    """Both the same file (a hard link), or both absent."""
    try:
        return a.samefile(b)
    except FileNotFoundError:
        return not a.exists() and not b.exists()


def _compress(path: Path, rel: Path, previous: Path | None) -> int:
    """Write the copies of one file; reuse the previous build's copies when the file did not change."""
    old = previous / rel if previous is not None else None
    # Kept from the previous build (a hard link), and so are its copies: nothing to read.
    if (
        old is not None
        and _linked(path, old)
        and all(_linked(path.with_name(path.name + s), old.with_name(old.name + s)) for s in ENCODINGS)
    ):
        return 0
    data = path.read_bytes()
    reuse = old is not None and holds(old, data)
    written = 0
    for suffix in ENCODINGS:
        copy = path.with_name(path.name + suffix)
        old_copy = old.with_name(old.name + suffix) if old is not None else None
        if reuse and old_copy is not None and old_copy.is_file():
            body = old_copy.read_bytes()
        else:
            body = encode(suffix, data, rel.parts[0] in EVERY_VISIT)
        if len(body) < len(data):
            if holds(copy, body):
                continue  # already there (an unchanged build keeps its files, links and all)
            replace_file(copy, body)  # the staging folder may hold hard links to the previous build
            written += 1
    return written


def precompress(site: Path, previous: Path | None = None) -> int:
    """Write .gz and .br next to every text file of `site`; returns how many copies were written."""
    files = sorted(p for p in site.rglob("*") if p.is_file() and wanted(p))
    # zlib and brotli work outside the interpreter's lock: threads keep every core busy.
    with ThreadPoolExecutor(cores()) as pool:
        return sum(pool.map(lambda p: _compress(p, p.relative_to(site), previous), files))
