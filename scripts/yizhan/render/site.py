"""Site pages: home, the policy handbook and the narrative pages, as markdown for mkdocs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..derive import PublicData
from ..model import STATION_LEVELS
from ..output import Output
from ..templating import render_template


def policy_path(policy_id: str) -> str:
    return f"policies/{policy_id}.md"


def home_figures(data: PublicData) -> dict[str, Any]:
    """The numbers on the home page, computed from the data."""
    stations = data.tables.get("stations")
    by_level: dict[str, int] = {}
    if stations is not None:
        active = stations[stations["status"] == "运行"]
        counts = active["level"].value_counts()
        by_level = {level: int(counts[level]) for level in STATION_LEVELS if level in counts}
    return {
        "stations_total": sum(by_level.values()),
        "stations_by_level": by_level,
        "policies": len(data.policies),
    }


def policy_nav(data: PublicData) -> list[Any]:
    sections: list[Any] = [{"手册首页": "policies/index.md"}]
    for category in data.county.categories:
        items = [{p.name: policy_path(p.id)} for p in data.policies if p.category == category]
        if items:
            sections.append({category: items})
    return sections


def render_site(data: PublicData, templates: Path) -> Output:
    output = Output()
    context = {"county": data.county, "policies": data.policies}
    output.docs["index.md"] = render_template(
        templates, "site/home.md.j2", figures=home_figures(data), **context
    )
    output.docs["policies/index.md"] = render_template(templates, "site/policy_index.md.j2", **context)
    for policy in data.policies:
        output.docs[policy_path(policy.id)] = render_template(
            templates, "site/policy.md.j2", policy=policy, **context
        )
    output.nav.append({"首页": "index.md"})
    output.nav.append({"政策手册": policy_nav(data)})
    for name, text in data.pages.items():
        output.docs[f"about/{name}"] = text
    if data.pages:
        output.nav.append({"关于": [f"about/{name}" for name in data.pages]})
    return output
