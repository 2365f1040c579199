"""Objects a bundle's parts share, recognised from their bytes before pypdf copies them.

A township's bundle binds some sixty posters, and posters of one level carry the same shared body
(a form XObject with its fonts) and posters of one village the same top fonts: byte for byte the
same objects, once in every part. pypdf's `append` would parse and copy each part's copy (most of
the binding time goes there) and `compress_identical_objects` would then drop all but one. Here an
object is known by the digest of its own bytes and of everything it refers to, read from the part's
bytes without parsing them; an object a part shares with one already bound is pointed at the copy
in the bundle, so pypdf neither parses nor copies it again.

Only what cannot reach back to itself is shared (fonts, font files, pictures, form XObjects): a page
refers to its parent, which refers to the page, and pages are never shared. Objects pypdf reads from
a compressed object stream are not in the byte offsets and are simply copied as before.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

_HEADER = re.compile(rb"\s*\d+\s+\d+\s+obj\b")
_STREAM = re.compile(rb">>\s*stream(?:\r\n|\n|\r)")
_REFERENCE = re.compile(rb"(\d+)\s+(\d+)\s+R\b")


def _objects(data: bytes, offsets: dict[int, int]) -> dict[int, tuple[bytes, bytes]]:
    """idnum → (the object's dictionary or value, its stream data) for the objects at `offsets`."""
    order = sorted((offset, idnum) for idnum, offset in offsets.items())
    spans: dict[int, tuple[bytes, bytes]] = {}
    for index, (start, idnum) in enumerate(order):
        end = order[index + 1][0] if index + 1 < len(order) else len(data)
        header = _HEADER.match(data, start)
        if header is None:
            continue
        body = data[header.end() : end]
        cut = body.rfind(b"endobj")
        if cut < 0:
            continue
        body = body[:cut]
        stream = _STREAM.search(body)
        spans[idnum] = (body[: stream.end()], body[stream.end() :]) if stream else (body, b"")
    return spans


def _digests(spans: dict[int, tuple[bytes, bytes]]) -> dict[int, str]:
    """idnum → the digest of the object and all it refers to, for objects that never refer back to themselves."""
    refers = {
        idnum: [int(m.group(1)) for m in _REFERENCE.finditer(head) if m.group(2) == b"0"]
        for idnum, (head, _) in spans.items()
    }
    digests: dict[int, str] = {}
    unsure: set[int] = set()  # on a cycle, or refers to something not read here

    def visit(idnum: int, path: set[int]) -> str | None:
        if idnum in digests:
            return digests[idnum]
        if idnum in unsure or idnum in path or idnum not in spans:
            unsure.add(idnum)
            return None
        path.add(idnum)
        parts: dict[int, str] = {}
        for target in refers[idnum]:
            found = visit(target, path)
            if found is None:
                unsure.add(idnum)
                path.discard(idnum)
                return None
            parts[target] = found
        path.discard(idnum)
        head, stream = spans[idnum]
        # References are replaced by what they point at: equal digests mean equal content, whatever
        # the objects' numbers in either file.
        named = _REFERENCE.sub(lambda m: b"<" + parts[int(m.group(1))].encode() + b">", head)
        digest = hashlib.sha256(named + b"\0" + stream).hexdigest()
        digests[idnum] = digest
        return digest

    for idnum in spans:
        visit(idnum, set())
    return digests


class SharedObjects:
    """A writer's bound objects by digest: `append` binds a part, copying only what is not bound yet."""

    def __init__(self, writer: Any) -> None:
        self.writer = writer
        self.bound: dict[str, int] = {}  # digest → idnum in the writer

    def append(self, reader: Any, data: bytes, **options: Any) -> None:
        """`writer.append(reader, **options)`, with `reader`'s objects that equal bound ones (`data` is the
        reader's file) pointed at those copies; then the copies of its other objects are bound too."""
        digests = _digests(_objects(data, reader.xref.get(0, {})))
        translated = self.writer._id_translated.setdefault(id(reader), {"PreventGC": reader})
        for idnum, digest in digests.items():
            if digest in self.bound:
                translated[idnum] = self.bound[digest]
        self.writer.append(reader, **options)
        for idnum, digest in digests.items():
            if digest not in self.bound and idnum in translated:
                self.bound[digest] = translated[idnum]
