"""Results of costly, pure render steps kept between builds, by the key of everything they are made of.

A function marked `@remembered("kind")` computes as usual, unless a build has opened the project's
cache (`remembering(cache)`): then its result is looked up by `cache.key` of its arguments (which
includes yizhan's own code and the library versions). An argument's key covers its whole value, a
folder (the templates) by the content of every file in it.

Results are stored as bytes, text or a JSON object of texts, never as pickles: the folder is read
back as data only. Files not used by a build are removed at its end (the folder does not grow).
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from . import cache as cache_module
from .cache import Cache, replace_file

F = TypeVar("F", bound=Callable[..., Any])
FOLDER = "memo"  # in the cache (cache.RECORDS)

_folder: Path | None = None  # the memo folder of the build under way, if any


class Held:
    """Results held in this process by key: the newest, up to `most` in all as measured by `size`
    (one each by default); safe across threads."""

    def __init__(self, most: int, size: Callable[[Any], int] = lambda _: 1) -> None:
        self.most, self.measure, self.size = most, size, 0
        self.items: OrderedDict[str, Any] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> Any:
        """The result held under `key`, else None."""
        with self.lock:
            return self.items.get(key)

    def put(self, key: str, result: Any) -> None:
        with self.lock:
            if key in self.items:
                self.size -= self.measure(self.items.pop(key))
            if self.measure(result) > self.most:
                return
            self.items[key] = result
            self.size += self.measure(result)
            while self.size > self.most:
                self.size -= self.measure(self.items.popitem(last=False)[1])

    def clear(self) -> None:
        with self.lock:
            self.items.clear()
            self.size = 0


# The same results held in this process too (by the same keys), for the next build it runs: the
# workbench publishes again and again, and a fresh copy of a project has no cache folder yet.
_held = Held(512)
# Print documents this process rendered, by path and key (printing.jobs): a later build in the same
# process (the test suite's, a library user's) writes them again instead of rendering them again.
held_pdfs = Held(64 << 20, size=len)
# Best-ratio compressed copies by the digest of what they compress (website.compress): the theme's
# scripts and sheets are the same bytes in every build, and brotli 11 takes about 2 s a megabyte.
held_compressed = Held(16 << 20, size=len)


@contextlib.contextmanager
def remembering(cache: Cache) -> Iterator[None]:
    """Let `@remembered` functions use `cache` while the block runs; then drop what was not used.

    A process forked meanwhile (the second render process) uses it too: every file used is touched,
    so the clean-up keeps what either process used."""
    global _folder
    started = time.time()
    folder = cache.folder(FOLDER)
    _folder = folder
    try:
        yield
    finally:
        _folder = None
    if folder is None:
        return
    for path in folder.glob("*/*"):
        with contextlib.suppress(OSError):
            if path.stat().st_mtime < started - 1:
                path.unlink()


def remembered(kind: str) -> Callable[[F], F]:
    """Mark a pure function whose result (bytes, str or dict of str) may be kept between builds."""

    def wrap(function: F) -> F:
        @functools.wraps(function)
        def inner(*args: Any, **kwargs: Any) -> Any:
            folder = _folder
            if folder is None:
                return function(*args, **kwargs)
            path = folder / kind / cache_module.key(kind, args, sorted(kwargs.items()))
            with contextlib.suppress(OSError, ValueError):
                result = _load(path.read_bytes())
                os.utime(path)
                return result
            held = f"{kind}/{path.name}"
            kept = _held.get(held)
            result = _copy(kept) if kept is not None else function(*args, **kwargs)
            with contextlib.suppress(OSError):  # only a memo: not keeping it costs time, nothing else
                replace_file(path, _dump(result))
            _held.put(held, _copy(result))
            return result

        return inner  # type: ignore[return-value]

    return wrap


def _copy(result: Any) -> Any:
    """A held dict is handed out (and kept) as a copy: the caller may change its own."""
    return dict(result) if isinstance(result, dict) else result


def forget_held() -> None:
    """Drop what this process holds (as a new process would start): the cache folder alone counts."""
    _held.clear()
    held_pdfs.clear()
    held_compressed.clear()
    cache_module.forget_held()


def _load(data: bytes) -> Any:
    tag, body = data[:1], data[1:]
    if tag == b"b":
        return body
    if tag == b"s":
        return body.decode("utf-8")
    if tag == b"j":
        value = json.loads(body)
        if isinstance(value, dict) and all(isinstance(v, str) for v in value.values()):
            return value
    raise ValueError("not a memo file")


def _dump(result: Any) -> bytes:
    if isinstance(result, bytes):
        return b"b" + result
    if isinstance(result, str):
        return b"s" + result.encode("utf-8")
    if isinstance(result, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in result.items()):
        return b"j" + json.dumps(result, ensure_ascii=False).encode("utf-8")
    raise TypeError(f"cannot remember a {type(result).__name__}")
