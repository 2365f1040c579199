"""Recipient notice pages (edition, township, village, category lists) and the village notice sheets."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from ..buildkit.memo import remembered
from ..buildkit.templating import render_template
from ..model.output import Output, PrintJob
from ..model.project import County
from .notices import EditionNotices, NoticeBook

NOTICE_DIR = "disclosure/gongshi"
PRINT_DIR = "disclosure"


def edition_dir(notices: EditionNotices) -> str:
    return f"{NOTICE_DIR}/{notices.edition.batch}"


@remembered("notice-pages")
def render_edition(notices: EditionNotices, county: County, templates: Path) -> dict[str, str]:
    """Pages of one edition; village pages only while it is 公示中 (archives are per township)."""
    base = edition_dir(notices)
    context = {"notices": notices, "county": county}
    docs = {f"{base}/index.md": render_template(templates, "site/disclosure/edition.md.j2", **context)}
    for township in notices.townships:
        docs[f"{base}/{township.slug}.md"] = render_template(
            templates, "site/disclosure/township.md.j2", township=township, **context
        )
        if not notices.current:
            continue
        for village in township.villages:
            docs[f"{base}/{village.slug}.md"] = render_template(
                templates,
                "site/disclosure/village.md.j2",
                village=village,
                township_slug=township.slug,
                **context,
            )
    for section in notices.sections:
        docs[f"{base}/{section.slug}.md"] = render_template(
            templates, "site/disclosure/section.md.j2", section=section, **context
        )
    return docs


def notice_sheets(notices: EditionNotices, county: County, templates: Path) -> list[PrintJob]:
    """One A4 sheet per village for the 村务公开栏, grouped per township for one weasyprint pass."""
    jobs = []
    for township in notices.townships:
        for village in township.villages:
            html = render_template(
                templates, "print/disclosure/village.html.j2", title=f"{village.village}救助对象公示",
                village=village, notices=notices, county=county,
            )  # fmt: skip
            jobs.append(
                PrintJob(
                    f"{PRINT_DIR}/{notices.edition.batch}/{township.slug}/{village.slug}.pdf",
                    html,
                    group=f"disclosure-{notices.edition.batch}-{township.slug}",
                    title=f"{township.township}{village.village}救助对象公示（{notices.edition.month}）",
                )
            )
    return jobs


def current_sheets(book: NoticeBook, county: County, templates: Path) -> list[PrintJob]:
    """Notice-board sheets of the edition now on notice (earlier editions are no longer posted)."""
    return [
        job
        for notices in book.on_site
        if notices.current
        for job in notice_sheets(notices, county, templates)
    ]


def render_notices(book: NoticeBook, county: County, templates: Path) -> Output:
    """Every edition still on the site; notice sheets for the current edition only."""
    output = Output()
    for notices in book.on_site:
        output.docs.update(render_edition(notices, county, templates))
    output.print_jobs += current_sheets(book, county, templates)
    return output


def robots_txt(site_url: str) -> bytes:
    """Ask crawlers to stay out of the recipient lists (the pages also carry noindex)."""
    prefix = urlsplit(site_url).path.rstrip("/") if site_url else ""
    return f"User-agent: *\nDisallow: {prefix}/{NOTICE_DIR}/\n".encode()
