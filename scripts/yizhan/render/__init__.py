"""Stage 4: public views → pages for mkdocs, HTML documents for print, files to publish."""

from __future__ import annotations

from pathlib import Path

from ..derive import PublicData
from ..disclosure.render import render_disclosure
from ..forms.render import render_forms
from ..output import Output
from . import print_policy, print_station, site


def render(data: PublicData, templates: Path) -> Output:
    """The site first; later parts replace its stub pages (表格下载, 信息公开, 数据开放) with theirs."""
    output = Output()
    output.merge(site.render_site(data, templates))
    output.merge(render_forms(data, templates))
    output.merge(render_disclosure(data.stats["disclosure"], data.county, templates))
    output.print_jobs += print_policy.policy_jobs(data, templates)
    output.print_jobs += print_station.station_jobs(data, templates)
    return output
