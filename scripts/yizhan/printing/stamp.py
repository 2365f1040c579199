"""Lay out once, stamp many: a body many documents share is laid out once per process and placed
under each document's own top part.

A 组 station's poster differs from its neighbours' only in its top (name, address, manager, phone,
QR code). The shared body is written once as a PDF and becomes a form XObject; the tops of one
bucket (a village's stations, say) are laid out and written together, so their fonts are subset
once; each document is then its top's page with the body drawn below it, moved down by the
height of that top. A bucket is always rendered whole, so a document's bytes never depend on what
else was rebuilt. Stamped documents are not tagged (wall posters are printed, not read on screen).

A body that may run over several pages (a station's service list) cannot shrink under its top; it
"flows": it is laid out once per distinct top height below an empty space that tall, so its page
breaks fall where they would in the whole document, and the top is drawn into that space on the
first page. Its page numbers and footers come from the body.
"""

from __future__ import annotations

import copy
import hashlib
import io
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..model.output import PrintJob
from .engine import (
    DOC_CLASS,
    PDF_OPTIONS,
    DocumentError,
    Rendered,
    identifier,
    layout,
    render_batch,
    split,
    style_key,
)

PX = 0.75  # PDF points per CSS pixel
OPTIONS = {**PDF_OPTIONS, "pdf_tags": False}
BODY_NAME = "/YZStampBody"
BODY_MARGIN = "8px"  # the default style sheet's margin of <body>
_NAME = re.compile(rb"/([^\s/\[\]()<>{}%]+)")


@dataclass(frozen=True)
class Body:
    """A shared body laid out at one fit level: its PDF and where its content sits on the page."""

    pdf: bytes
    pages: int
    top: float  # CSS px from the top of the page where the body starts
    height: float  # CSS px
    limit: float  # CSS px from the top of the page where the page's content area ends


def _wrapped(html: str, fit: str) -> str:
    """`html` with its body in one fit wrapper (a block formatting context, so its height is exact)."""
    head, body = split(html)
    return f'{head}<div class="{DOC_CLASS} {fit}" id="{DOC_CLASS}-0" style="display: flow-root">{body}</div></body></html>'


@lru_cache(maxsize=64)
def body(html: str, fit: str) -> Body:
    """Lay out and write a shared body once per process and fit level."""
    document = layout(_wrapped(html, fit))
    page = document.pages[0]
    _x1, y1, _x2, y2 = page.anchors[f"{DOC_CLASS}-0"]
    box = page._page_box  # weasyprint's page box: where the content area ends
    limit = box.content_box_y() + box.height
    digest = hashlib.sha256(f"{fit}\0{html}".encode()).hexdigest()
    pdf = document.write_pdf(pdf_identifier=digest[:32].encode("ascii"), **OPTIONS)
    return Body(pdf, len(document.pages), y1, y2 - y1, limit)


# Page-margin boxes, emptied in the tops of flowing documents: their body carries the footers.
MARGIN_BOXES = (
    "top-left-corner", "top-left", "top-center", "top-right", "top-right-corner",
    "bottom-left-corner", "bottom-left", "bottom-center", "bottom-right", "bottom-right-corner",
    "left-top", "left-middle", "left-bottom", "right-top", "right-middle", "right-bottom",
)  # fmt: skip
NO_MARGIN_BOXES = (
    "<style>@page { " + " ".join(f"@{box} {{ content: none }}" for box in MARGIN_BOXES) + " }</style>"
)


@lru_cache(maxsize=256)
def flow_body(head: str, html: str, spacer: float) -> bytes:
    """A flowing body laid out once per process and top height: `spacer` CSS px of space, then the body.

    `head` is the tops' page style (their footers included), so the body's pages look like the
    whole document's.
    """
    _, content = split(html)
    spaced = (
        f'{head}<div class="{DOC_CLASS} " id="{DOC_CLASS}-0" style="display: flow-root">'
        f'<div style="height: {spacer:.4f}px"></div>{content}</div></body></html>'
    )
    digest = hashlib.sha256(spaced.encode()).hexdigest()
    return layout(spaced).write_pdf(pdf_identifier=digest[:32].encode("ascii"), **OPTIONS)


@lru_cache(maxsize=256)
def _reader(pdf: bytes) -> Any:
    """One reader per shared body and process: its fonts are then copied once into each document."""
    from pypdf import PdfReader

    return PdfReader(io.BytesIO(pdf))


@lru_cache(maxsize=256)
def _form(pdf: bytes) -> Any:
    """The body's first page as a form XObject (kept per process, cloned into every document)."""
    from pypdf.generic import ArrayObject, FloatObject, NameObject, StreamObject

    page = _reader(pdf).pages[0]
    form = StreamObject()
    form.set_data(page.get_contents().get_data())
    form[NameObject("/Type")] = NameObject("/XObject")
    form[NameObject("/Subtype")] = NameObject("/Form")
    form[NameObject("/BBox")] = ArrayObject(FloatObject(v) for v in page.mediabox)
    form[NameObject("/Resources")] = page["/Resources"].get_object()
    return form.flate_encode()


def _keep_used(resources: Any, content: bytes) -> Any:
    """A copy of `resources` without the entries the page's content never names.

    weasyprint shares one resource dictionary between all pages of a document; a stamped page keeps
    only its own fonts and pictures, not its bucket neighbours'.
    """
    from pypdf.generic import DictionaryObject, NameObject

    used = {b"/" + m.group(1) for m in _NAME.finditer(content)}
    kept = DictionaryObject()
    for kind, entries in resources.items():
        entries = entries.get_object()
        if isinstance(entries, DictionaryObject):
            entries = DictionaryObject(
                (NameObject(k), v) for k, v in entries.items() if k.encode("latin-1") in used
            )
        kept[NameObject(kind)] = entries
    return kept


def compose(top: Any, info: dict[str, Any], job: PrintJob, shared: bytes, shift: float) -> bytes:
    """One PDF titled for `job`: the top's page with the `shared` body's first page drawn `shift` CSS px
    lower, then the body's further pages (a flowing body), each keeping only the resources it uses."""
    from pypdf import PdfWriter
    from pypdf.generic import (
        ArrayObject,
        ByteStringObject,
        DictionaryObject,
        NameObject,
        StreamObject,
        TextStringObject,
    )

    writer = PdfWriter()
    content = top.get_contents().get_data()
    resources = _keep_used(top["/Resources"].get_object(), content)
    page = writer.add_blank_page(float(top.mediabox.width), float(top.mediabox.height))
    xobjects = resources.get("/XObject", DictionaryObject()).get_object()
    xobjects[NameObject(BODY_NAME)] = writer._add_object(_form(shared).clone(writer))
    resources[NameObject("/XObject")] = xobjects
    page[NameObject("/Resources")] = resources.clone(writer)
    stamp = f"\nq 1 0 0 1 0 {-shift * PX:.3f} cm {BODY_NAME} Do Q\n".encode("ascii")
    stream = StreamObject()
    stream.set_data(b"q\n" + content + b"\nQ" + stamp)
    page[NameObject("/Contents")] = writer._add_object(stream.flate_encode())
    for later in _reader(shared).pages[1:]:
        data = later.get_contents().get_data()
        added = writer.add_blank_page(float(later.mediabox.width), float(later.mediabox.height))
        added[NameObject("/Resources")] = _keep_used(later["/Resources"].get_object(), data).clone(writer)
        body = StreamObject()
        body.set_data(data)
        added[NameObject("/Contents")] = writer._add_object(body.flate_encode())
    metadata = {k: v for k, v in info.items() if k in ("/Author", "/CreationDate", "/ModDate", "/Producer")}
    writer.add_metadata({**metadata, "/Title": job.title})
    writer._root_object[NameObject("/Lang")] = TextStringObject("zh-CN")
    writer._root_object[NameObject("/ViewerPreferences")] = DictionaryObject(
        {NameObject("/DisplayDocTitle"): NameObject("/true")}
    )
    fixed = ByteStringObject(identifier(job.path))
    writer._ID = ArrayObject([fixed, fixed])
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _tops(jobs: list[PrintJob], fits: list[str]) -> tuple[Any, list[tuple[int, float]], float]:
    """The tops laid out as one document: (page, CSS px where the top ends) of each, or (-1, 0), and
    the CSS px where every top starts on its page."""
    head, _ = split(jobs[0].html)
    if jobs[0].flow:
        head = head.replace("</head>", NO_MARGIN_BOXES + "</head>", 1)
    parts = [head]
    for index, (job, fit) in enumerate(zip(jobs, fits, strict=True)):
        _, content = split(job.html)
        # The body's margin (the browser default) starts only a document's first page: later tops
        # get it as padding, so every top sits where it would as a document of its own.
        style = "display: flow-root" + (f"; break-before: page; padding-top: {BODY_MARGIN}" if index else "")
        parts.append(
            f'<div class="{DOC_CLASS} {fit}" id="{DOC_CLASS}-{index}" style="{style}">{content}</div>'
        )
    parts.append("</body></html>")
    document = layout("".join(parts))
    where: list[tuple[int, float]] = [(-1, 0.0)] * len(jobs)
    for number, page in enumerate(document.pages):
        for index in range(len(jobs)):
            anchor = page.anchors.get(f"{DOC_CLASS}-{index}")
            if anchor and where[index][0] == -1:
                where[index] = (number, anchor[3])
    return document, where, document.pages[0].anchors[f"{DOC_CLASS}-0"][1]


def _one_page(where: list[tuple[int, float]], pages: int, slot: int) -> bool:
    """Whether the top in `slot` starts a page of its own and stays on it."""
    starts = [page for page, _ in where] + [pages]
    return starts[slot] >= 0 and starts[slot + 1] == starts[slot] + 1


def _settle(jobs: list[PrintJob]) -> tuple[list[int], list[int], Any, list[tuple[int, float]], float]:
    """Find each job's fit level: (levels, jobs to render whole, the tops' document, where each top
    ends, where tops start). A flowing body needs no fit level: only a top longer than a page is
    rendered whole."""
    level = [0] * len(jobs)
    plain: list[int] = []
    while True:
        active = [i for i in range(len(jobs)) if i not in plain]
        if not active:
            return level, plain, None, [], 0.0
        fits = [("", *jobs[i].fit)[level[i]] for i in active]
        document, where, start = _tops([jobs[i] for i in active], fits)
        moved = False
        for slot, i in enumerate(active):
            one_page = _one_page(where, len(document.pages), slot)
            if jobs[i].flow:
                if not one_page:
                    moved = True
                    plain.append(i)
                continue
            shared = body(jobs[i].stamp, fits[slot])
            if one_page and shared.pages == 1 and where[slot][1] + shared.height <= shared.limit + 0.01:
                continue
            moved = True
            if level[i] < len(jobs[i].fit):
                level[i] += 1
            elif jobs[i].fit:
                raise DocumentError(jobs[i], "缩到最小仍放不下一页", overflow=True)
            else:
                plain.append(i)
        if not moved:
            return level, plain, document, where, start


def render_stamped(jobs: list[PrintJob]) -> list[Rendered]:
    """Stamp each job's top over its shared body, shrinking as the fit steps allow, in path order.

    The jobs may come from several buckets: their tops are laid out together, written per bucket.

    Jobs whose top and body do not fit one page together and have no smaller step left are rendered
    the ordinary way, whole; so is a flowing job whose top alone is longer than a page.
    """
    from pypdf import PdfReader

    jobs = sorted(jobs, key=lambda j: j.path)
    level, plain, document, where, start = _settle(jobs)
    done: dict[int, Rendered] = {}
    active = [i for i in range(len(jobs)) if i not in plain]
    buckets: dict[str, list[int]] = {}
    for slot, i in enumerate(active):
        buckets.setdefault(jobs[i].bucket, []).append(slot)
    for slots in buckets.values():
        # Each bucket's tops are written on their own: their fonts are subset for that bucket alone,
        # whatever else was laid out with them.
        paths = "\0".join(jobs[active[slot]].path for slot in slots)
        bucket = document.copy([document.pages[where[slot][0]] for slot in slots])
        bucket.metadata = copy.copy(document.metadata)
        digest = hashlib.sha256(paths.encode()).hexdigest()
        reader = PdfReader(
            io.BytesIO(bucket.write_pdf(pdf_identifier=digest[:32].encode("ascii"), **OPTIONS))
        )
        info = dict(reader.metadata or {})
        for number, slot in enumerate(slots):
            i = active[slot]
            fit = ("", *jobs[i].fit)[level[i]]
            if jobs[i].flow:
                # The space is as tall as the top (rounded so that equal tops share one layout).
                spacer = round(where[slot][1] - start, 3)
                shared, shift = flow_body(style_key(jobs[i].html), jobs[i].stamp, spacer), 0.0
            else:
                laid = body(jobs[i].stamp, fit)
                shared, shift = laid.pdf, where[slot][1] - laid.top
            pdf = compose(reader.pages[number], info, jobs[i], shared, shift)
            done[i] = Rendered(jobs[i].path, pdf, len(_reader(shared).pages), fit)
    if plain:
        for i, result in zip(plain, render_batch([whole(jobs[i]) for i in plain]), strict=True):
            done[i] = result
    return [done[i] for i in range(len(jobs))]


def whole(job: PrintJob) -> PrintJob:
    """The job as one ordinary document: its top followed by the shared body."""
    head, top = split(job.html)
    _, shared = split(job.stamp)
    return PrintJob(
        job.path, f"{head}{top}{shared}</body></html>", job.group, job.title, job.subject, job.fit
    )
