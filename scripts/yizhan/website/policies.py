"""The policy handbook: one page per policy, indexes by category and by where to apply, the Q&A book."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..buildkit.templating import mkdocs_title, render_template
from ..model.output import Output
from ..model.project import Policy
from ..model.public import PublicData
from ..rules.eligibility import describe
from ..rules.vocab import DECIDED_AT, DECIDED_BY_TOWNSHIP, PlaceWords

# Where a policy is decided → the page listing those services (服务事项清单).
SERVICE_LISTS = {where: f"handbook/{stem}.md" for where, stem in DECIDED_AT.items()}
QA_PAGE = "handbook/qa.md"


def policy_path(policy_id: str) -> str:
    return f"policies/{policy_id}.md"


def page_title(policy: Policy) -> str:
    """The name with its everyday short name (城乡居民最低生活保障（低保）): people search for the short one."""
    return policy.name if policy.short_name in policy.name else f"{policy.name}（{policy.short_name}）"


def by_category(data: PublicData) -> list[tuple[str, list[Policy]]]:
    """Policies grouped by the county's categories, in the county's order."""
    groups = [(c, [p for p in data.policies if p.category == c]) for c in data.county.categories]
    return [(c, items) for c, items in groups if items]


def list_title(places: PlaceWords, where: str) -> str:
    """The title of a service list in the county's words: 乡镇办理事项, 街道办理事项."""
    return f"{places.decided(where)}事项"


def policy_nav(data: PublicData) -> list[Any]:
    sections: list[Any] = [{"手册首页": "policies/index.md"}]
    sections += [{list_title(data.county.places, where): path} for where, path in SERVICE_LISTS.items()]
    sections.append({"便民政策一本通": QA_PAGE})
    for category, items in by_category(data):
        sections.append({mkdocs_title(category): [{mkdocs_title(p.name): policy_path(p.id)} for p in items]})
    return sections


def render_policies(data: PublicData, templates: Path) -> Output:
    output = Output()
    context = {"county": data.county, "policies": data.policies, "categories": by_category(data)}
    lists = [(list_title(data.county.places, where), stem) for where, stem in DECIDED_AT.items()]
    output.docs["policies/index.md"] = render_template(
        templates, "site/policy_index.md.j2", service_lists=lists, **context
    )
    for where, path in SERVICE_LISTS.items():
        items = [p for p in data.policies if p.where == where]
        output.docs[path] = render_template(
            templates,
            "site/service_list.md.j2",
            title=list_title(data.county.places, where),
            by_township=where == DECIDED_BY_TOWNSHIP,
            items=items,
            **context,
        )
    output.docs[QA_PAGE] = render_template(templates, "site/qa.md.j2", **context)
    for policy in data.policies:
        output.docs[policy_path(policy.id)] = render_template(
            templates,
            "site/policy.md.j2",
            policy=policy,
            title=page_title(policy),
            forms=data.forms,
            conditions=[describe(group) for group in policy.conditions],
            situations=policy.situations,
            **context,
        )
    return output
