"""The 信息公开 and 数据开放 pages, robots.txt and the open data files, gathered into one Output."""

from __future__ import annotations

from pathlib import Path

from ..buildkit.templating import render_template
from ..model.output import Output
from ..model.project import County
from ..rules.ids import place_slug
from ..rules.vocab import WRITTEN_OFF
from . import Disclosure
from .loops_published import loop_resources
from .notices import ON_NOTICE
from .opendata import open_data
from .render_loops import loop_pages, loop_summary
from .render_notices import render_notices, robots_txt
from .render_reports import report_pages
from .render_stats import feedback_pages, progress_pages, service_pages
from .render_timeliness import timeliness_pages

INDEX_PAGE, DATA_PAGE = "disclosure/index.md", "data/index.md"
KINDS = {"string": "文本", "integer": "整数", "number": "数值", "date": "日期（年-月-日）"}


def township_slugs(data: Disclosure) -> dict[str, str]:
    """Township name → the id used in paths (its township station's id), from any edition."""
    slugs: dict[str, str] = {}
    for notices in data.notices.on_site:
        slugs.update({t.township: t.slug for t in notices.townships})
    for name in [t.label for t in data.progress.townships] + data.services.townships:
        slugs.setdefault(name, place_slug(name))  # a place's name never becomes a file name
    return slugs


def render_disclosure(data: Disclosure, county: County, templates: Path) -> Output:
    output = render_notices(data.notices, county, templates)
    slugs = township_slugs(data)
    output.docs.update(progress_pages(data, county, slugs, templates))
    output.docs.update(feedback_pages(data, county, templates))
    output.docs.update(service_pages(data, county, slugs, templates))
    output.docs.update(timeliness_pages(data.timeliness, county, templates))
    output.docs.update(loop_pages(data.loops, county, templates, slugs))
    output.docs.update(report_pages(data, county, templates))
    book = data.notices
    output.docs[INDEX_PAGE] = render_template(
        templates, "site/disclosure/index.md.j2", county=county, current=book.current,
        archived=[e for e in book.on_site if e.edition.status != ON_NOTICE],
        withdrawn=book.withdrawn, progress=data.progress.county, feedback=data.feedback,
        timeliness=data.timeliness.total if data.timeliness and data.timeliness.months else None,
        loops=loop_summary(data.loops), words={"written_off": WRITTEN_OFF},
    )  # fmt: skip
    more = loop_resources(data.loops, county.places)
    resources, files = open_data(data, county.county, county.edition, county.places, more)
    output.site_files.update(files)
    output.docs[DATA_PAGE] = render_template(
        templates, "site/disclosure/data.md.j2", county=county, resources=resources, kinds=KINDS
    )
    output.site_files["robots.txt"] = robots_txt(county.site_url)
    return output
