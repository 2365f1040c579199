"""Stage 4: public views → pages for mkdocs, HTML documents for print, files to publish."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..derive import PublicData
from ..disclosure.render import DATA_PAGE, INDEX_PAGE, render_disclosure
from ..output import Output
from . import site


def render(data: PublicData, templates: Path) -> Output:
    output = Output()
    output.merge(site.render_site(data, templates))
    if "disclosure" in data.stats:
        output.merge(render_disclosure(data.stats["disclosure"], data.county, templates))
        for title, page in (("信息公开", INDEX_PAGE), ("数据开放", DATA_PAGE)):
            if not in_nav(output.nav, page):
                output.nav.append({title: page})
    return output


def in_nav(nav: Any, page: str) -> bool:
    """Whether `page` is already listed anywhere in a mkdocs nav structure."""
    if isinstance(nav, str):
        return nav == page
    if isinstance(nav, dict):
        return any(in_nav(v, page) for v in nav.values())
    if isinstance(nav, list):
        return any(in_nav(v, page) for v in nav)
    return False
