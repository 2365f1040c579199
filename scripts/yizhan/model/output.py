"""What the render stage hands to publish: files to write, pages to build, PDFs to print."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class PrintJob:
    """One PDF to render from HTML; `key` names what it depends on for the cache."""

    path: str  # relative to build/print/
    html: str
    group: str = ""  # jobs of one group may be rendered in one weasyprint pass
    title: str = ""
    subject: str = ""  # what the document is about, named in error messages (e.g. the station)
    fit: tuple[str, ...] = ()  # denser classes tried in turn until the document fits one page
    parts: tuple[str, ...] = ()  # paths of other jobs to bind into this one instead of `html`
    booklet: bool = False  # impose the one part as a saddle-stitched booklet instead of binding
    site_path: str = ""  # also published on the website here (relative to build/site/), e.g. a blank form
    # A body shared by many documents (a whole HTML document, same page style), laid out once and
    # stamped under this job's `html`, which then holds only the job's own top part.
    stamp: str = ""
    bucket: str = ""  # stamped jobs whose tops are written together (one font subset), e.g. a village
    # The shared body may run over several pages: it is laid out below a space as tall as the top
    # (once per distinct top height) instead of shrinking to fit one page under it.
    flow: bool = False


@dataclass
class Output:
    docs: dict[str, str] = field(default_factory=dict)  # mkdocs pages: docs-relative path → text
    nav: list[Any] = field(default_factory=list)  # mkdocs nav
    site_files: dict[str, bytes] = field(default_factory=dict)  # copied into build/site/ as is
    print_jobs: list[PrintJob] = field(default_factory=list)

    def merge(self, other: Output) -> None:
        self.docs.update(other.docs)
        self.nav.extend(other.nav)
        self.site_files.update(other.site_files)
        self.print_jobs.extend(other.print_jobs)
