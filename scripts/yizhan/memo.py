"""Results of costly, pure render steps kept between builds, by a digest of everything they are made of.

A function marked `@remembered("kind")` computes as usual, unless a build has opened a memo folder
(`remembering(folder)`): then its result is looked up by the digest of its arguments, yizhan's own
code and the versions of the libraries that write the files. An argument's digest covers its whole
value: dataclasses field by field, sets in a fixed order, and a folder (the templates) by the content
of every file in it. A type the digest does not know is an error, never a silent miss.

Results are stored as bytes, text or a JSON object of texts, never as pickles: the folder is read
back as data only. Files not used by a build are removed at its end (the folder does not grow).
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
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from .numbers import LETTERS_ONLY

F = TypeVar("F", bound=Callable[..., Any])

_folder: Path | None = None  # the memo folder of the build under way, if any


@contextlib.contextmanager
def remembering(folder: Path) -> Iterator[None]:
    """Let `@remembered` functions use `folder` while the block runs; then drop what was not used.

    A process forked meanwhile (the second render process) uses it too: every file used is touched,
    so the clean-up keeps what either process used."""
    global _folder
    started = time.time()
    _tree.cache_clear()  # the templates may have changed since an earlier build in this process
    _code_key.cache_clear()
    folder.mkdir(parents=True, exist_ok=True)
    _folder = folder
    try:
        yield
    finally:
        _folder = None
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
            digest = hashlib.sha256(_code_key().encode())
            _feed(digest, (kind, args, sorted(kwargs.items())))
            path = folder / kind / digest.hexdigest()[:40].translate(LETTERS_ONLY)
            with contextlib.suppress(OSError, ValueError):
                result = _load(path.read_bytes())
                os.utime(path)
                return result
            result = function(*args, **kwargs)
            _store(path, result)
            return result

        return inner  # type: ignore[return-value]

    return wrap


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


def _store(path: Path, result: Any) -> None:
    if isinstance(result, bytes):
        data = b"b" + result
    elif isinstance(result, str):
        data = b"s" + result.encode("utf-8")
    elif isinstance(result, dict) and all(
        isinstance(k, str) and isinstance(v, str) for k, v in result.items()
    ):
        data = b"j" + json.dumps(result, ensure_ascii=False).encode("utf-8")
    else:
        raise TypeError(f"cannot remember a {type(result).__name__}")
    with contextlib.suppress(OSError):  # only a memo: not keeping it costs time, nothing else
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        temporary.write_bytes(data)
        os.replace(temporary, path)


@functools.cache
def _code_key() -> str:
    """yizhan's own code and the versions of the libraries its remembered steps write with."""
    from importlib import metadata

    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for name in ("openpyxl", "jinja2", "markupsafe", "pyyaml"):
        digest.update(f"{name}={metadata.version(name)}\0".encode())
    _feed(digest, package)
    return digest.hexdigest()


@functools.cache
def _tree(folder: Path) -> str:
    """Digest of every file under `folder`: names and contents (a build reads each folder once)."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _feed(digest: Any, value: Any) -> None:
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
        if value.is_dir():
            digest.update(f"folder:{_tree(value.resolve())};".encode())
        else:
            digest.update(b"path:")
            _feed(digest, str(value))
            _feed(digest, value.read_bytes() if value.is_file() else None)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        digest.update(f"dc:{type(value).__module__}.{type(value).__qualname__}(".encode())
        for field in dataclasses.fields(value):
            _feed(digest, field.name)
            _feed(digest, getattr(value, field.name))
        digest.update(b")")
    elif isinstance(value, list | tuple):
        digest.update(f"{type(value).__name__}{len(value)}[".encode())
        for item in value:
            _feed(digest, item)
        digest.update(b"]")
    elif isinstance(value, dict):
        digest.update(f"dict{len(value)}{{".encode())
        for key_digest, item in sorted((_digest_of(k), v) for k, v in value.items()):
            digest.update(key_digest.encode())
            _feed(digest, item)
        digest.update(b"}")
    elif isinstance(value, set | frozenset):
        digest.update(f"set{len(value)}{{{''.join(sorted(_digest_of(item) for item in value))}}}".encode())
    else:
        raise TypeError(f"no digest for a {type(value).__module__}.{type(value).__qualname__}")


def _digest_of(value: Any) -> str:
    digest = hashlib.sha256()
    _feed(digest, value)
    return digest.hexdigest()
