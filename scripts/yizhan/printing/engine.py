"""Weasyprint in one worker: several documents laid out in one pass, then written one file each."""

from __future__ import annotations

import copy
import hashlib
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from ..buildkit.paths import tool_root
from ..feedback.errors import Failure
from ..model.output import PrintJob
from .fonts import with_cuts

DOC_CLASS = "yz-doc"
# weasyprint options for every PDF: fonts subset, tagged for screen readers, compressed.
PDF_OPTIONS = {"pdf_tags": True, "full_fonts": False, "uncompressed_pdf": False}


class PrintError(Failure):
    """A located, Chinese message for a document that could not be made."""

    prefix = "YZ-PRINT-"


class DocumentError(PrintError):
    """A document failed to render (or did not fit its page); names the station or policy and the file."""

    def __init__(self, job: PrintJob, detail: str, overflow: bool = False) -> None:
        code = "YZ-PRINT-002" if overflow else "YZ-PRINT-001"
        super().__init__(code, None, subject=job.subject or job.title, path=job.path, detail=detail)
        self.job = job
        self.detail = detail
        self.overflow = overflow

    def __reduce__(self) -> tuple[type[DocumentError], tuple[PrintJob, str, bool]]:
        """Pickle with all three arguments, so the error survives the trip back from a worker."""
        return (DocumentError, (self.job, self.detail, self.overflow))


@dataclass(frozen=True)
class Rendered:
    path: str
    pdf: bytes
    pages: int
    fit: str  # the density class that made it fit ("" when the first layout fitted)


def base_url() -> str:
    return str(tool_root() / "site_templates" / "print") + "/"


def split(html: str) -> tuple[str, str]:
    """(everything up to and including <body>, the body's content)."""
    head, marker, rest = html.partition("<body>")
    if not marker:
        raise ValueError("HTML 缺少 <body>")
    body, _, _ = rest.partition("</body>")
    return head + marker, body


def style_key(html: str) -> str:
    """The document's head without its title: documents with equal keys can share one layout."""
    head, _ = split(html)
    return re.sub(r"<title>.*?</title>", "", head, flags=re.S)


def assemble(jobs: list[PrintJob], fits: list[str]) -> str:
    """One HTML document holding every job's body, each starting on a new page."""
    head, _ = split(jobs[0].html)
    key = style_key(jobs[0].html)
    parts = [head]
    for index, (job, fit) in enumerate(zip(jobs, fits, strict=True)):
        _, body = split(job.html)
        if style_key(job.html) != key:
            raise ValueError("同一批文档的页面样式不同，不能合并排版")
        style = ' style="break-before: page"' if index else ""
        parts.append(f'<div class="{DOC_CLASS} {fit}" id="{DOC_CLASS}-{index}"{style}>{body}</div>')
    parts.append("</body></html>")
    return "".join(parts)


def identifier(path: str) -> bytes:
    """A stable PDF file identifier derived from the document's path."""
    return hashlib.sha256(path.encode("utf-8")).hexdigest()[:32].encode("ascii")


@cache
def font_config() -> Any:
    """One weasyprint font configuration per process, so @font-face files are loaded once."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def layout(html: str) -> Any:
    """Lay `html` out with the county-wide font cuts in front of the system fonts."""
    from weasyprint import HTML

    return HTML(string=with_cuts(html), base_url=base_url()).render(font_config=font_config(), **PDF_OPTIONS)


def _layout(jobs: list[PrintJob], fits: list[str]) -> tuple[Any, list[int]]:
    document = layout(assemble(jobs, fits))
    first: dict[str, int] = {}
    for number, page in enumerate(document.pages):
        for anchor in page.anchors:
            first.setdefault(anchor, number)
    starts = [first.get(f"{DOC_CLASS}-{index}", -1) for index in range(len(jobs))]
    if -1 in starts or starts != sorted(starts):
        raise ValueError("排版后找不到每份文档的起始页")
    return document, [*starts, len(document.pages)]


def _write(document: Any, pages: list[Any], job: PrintJob) -> bytes:
    single = document.copy(pages)
    single.metadata = copy.copy(document.metadata)
    if job.title:
        single.metadata.title = job.title
    return single.write_pdf(pdf_identifier=identifier(job.path), **PDF_OPTIONS)


def render_batch(jobs: list[PrintJob]) -> list[Rendered]:
    """Lay the jobs out together, shrink the ones that must fit one page, write one PDF each."""
    level = dict.fromkeys(range(len(jobs)), 0)
    done: dict[int, Rendered] = {}
    while level:
        pending = sorted(level)
        fits = [(("", *jobs[i].fit)[level[i]]) for i in pending]
        document, starts = _layout([jobs[i] for i in pending], fits)
        for slot, i in enumerate(pending):
            pages = document.pages[starts[slot] : starts[slot + 1]]
            if jobs[i].fit and len(pages) > 1:
                if level[i] >= len(jobs[i].fit):
                    raise DocumentError(jobs[i], f"缩到最小仍有 {len(pages)} 页", overflow=True)
                level[i] += 1
                continue
            done[i] = Rendered(jobs[i].path, _write(document, pages, jobs[i]), len(pages), fits[slot])
            del level[i]
    return [done[i] for i in range(len(jobs))]


def render_pdf(html: str, path: str) -> bytes:
    """One document as PDF bytes, through the same batch path as every print job (for library use)."""
    return render_batch([PrintJob(path, html)])[0].pdf


def render_safely(jobs: list[PrintJob]) -> list[Rendered]:
    """Render a batch; when it fails, render its jobs one by one to name the one at fault."""
    try:
        return render_batch(jobs)
    except DocumentError:
        raise
    except Exception as error:
        if len(jobs) == 1:
            raise DocumentError(jobs[0], f"{type(error).__name__}: {error}") from error
    return [result for job in jobs for result in render_safely([job])]
