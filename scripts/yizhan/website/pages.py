"""Site pages: home, service promises, the top-level stubs and the navigation, as markdown for mkdocs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from ..buildkit.templating import render_template
from ..model.output import Output
from ..model.public import PublicData
from ..rules.vocab import ACTIVE, TIERS, tier_of, tier_words
from . import policies as site_policies
from . import stations as site_stations
from .guide import GUIDE_PAGE, render_guide
from .search_index import INDEX_FILE, render_search

# Top-level pages that later stages fill with their own content (same paths, merged after ours).
STUB_PAGES = {
    "表格下载": "forms/index.md",
    "信息公开": "disclosure/index.md",
    "数据开放": "data/index.md",
}


def _in_month(dates: pd.Series, year: int, month: int) -> pd.Series:
    return (dates.dt.year == year) & (dates.dt.month == month)


def home_figures(data: PublicData) -> dict[str, Any]:
    """The numbers on the home page, computed from the data."""
    stations = data.tables.get("stations")
    by_level: dict[str, int] = {}
    if stations is not None:
        active = stations[stations["status"] == ACTIVE]
        counts = active["level"].map(tier_of).value_counts()
        words = tier_words(active["level"])
        by_level = {words[tier]: int(counts[tier]) for tier in TIERS if tier in counts}
    edition = data.county.edition
    figures: dict[str, Any] = {
        "stations_total": sum(by_level.values()),
        "stations_by_level": by_level,
        "policies": len(data.policies),
        "month": f"{edition.year}年{edition.month}月",
    }
    services = data.tables.get("services")
    if services is not None:
        this_month = services[_in_month(services["date"], edition.year, edition.month)]
        figures["services"] = int(this_month["count"].sum())
    feedback = data.tables.get("feedback")
    if feedback is not None:
        figures["feedback_received"] = int(_in_month(feedback["date"], edition.year, edition.month).sum())
        closed = feedback["closed_date"].notna() & _in_month(
            feedback["closed_date"], edition.year, edition.month
        )
        figures["feedback_closed"] = int(closed.sum())
    return figures


def site_nav(data: PublicData) -> list[Any]:
    """The top-level navigation, in the order people look for things."""
    nav: list[Any] = [
        {"首页": "index.md"},
        {"政策手册": site_policies.policy_nav(data)},
        {"政策找人": GUIDE_PAGE},
        {"找驿站": site_stations.FINDER_PAGE},
        {"服务承诺": "promises.md"},
    ]
    nav += [{title: path} for title, path in STUB_PAGES.items()]
    if len(data.pages) == 1:
        nav.append({"关于": f"about/{next(iter(data.pages))}"})
    elif data.pages:
        nav.append({"关于": [f"about/{name}" for name in data.pages]})
    return nav


def render_site(data: PublicData, templates: Path) -> Output:
    output = Output()
    context = {"county": data.county, "policies": data.policies}
    output.docs["index.md"] = render_template(
        templates, "site/home.md.j2", figures=home_figures(data), **context
    )
    output.docs["promises.md"] = render_template(templates, "site/promises.md.j2", **context)
    for path in STUB_PAGES.values():
        name = path.split("/")[0]
        output.docs[path] = render_template(templates, f"site/stub_{name}.md.j2", **context)
    output.merge(site_policies.render_policies(data, templates))
    output.merge(site_stations.render_stations(data, templates))
    output.merge(render_guide(data, templates))
    output.docs[INDEX_FILE] = render_search(data)
    for name, text in data.pages.items():
        output.docs[f"about/{name}"] = text
    output.nav.extend(site_nav(data))
    return output
