"""Stage 4: public views → pages for mkdocs, HTML documents for print, files to publish."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from .derive import PublicData
from .disclosure.render import render_disclosure
from .disclosure.render_notices import current_sheets
from .disclosure.warnings import warning_sheets
from .forms.render import form_jobs, render_forms
from .output import Output
from .printing.handbook import policy_jobs
from .printing.posters import station_jobs
from .website.pages import render_site


def render(data: PublicData, templates: Path, parts: Collection[str] = ("site", "print")) -> Output:
    """What `parts` need: the site, whose later parts replace its stub pages (表格下载, 信息公开, 数据开放),
    and the print jobs, which are the same whether the site is rendered or not."""
    output = Output()
    if "site" in parts:
        output.merge(render_site(data, templates))
        output.merge(render_forms(data, templates))
        output.merge(render_disclosure(data.stats["disclosure"], data.county, templates))
    else:
        output.print_jobs += form_jobs(data, templates)
        output.print_jobs += current_sheets(data.stats["disclosure"].notices, data.county, templates)
    disclosure = data.stats["disclosure"]
    output.print_jobs += warning_sheets(disclosure, data.tables.get("stations"), data.county, templates)
    output.print_jobs += policy_jobs(data, templates)
    output.print_jobs += station_jobs(data, templates)
    return output
