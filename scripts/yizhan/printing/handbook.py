"""County-wide print documents: the policy handbook, service lists by level, one leaflet per policy."""

from __future__ import annotations

from pathlib import Path

from ..model.output import PrintJob
from ..model.project import Policy
from ..model.public import PublicData
from ..rules.vocab import DECIDED_AT
from .common import FIT_SCALES, FIT_STEPS, render_print

HANDBOOK_PATH = "handbook/政策手册.pdf"
BOOKLET_PATH = "handbook/政策手册-A5小册子拼版.pdf"
LEAFLET_GROUP = "leaflet"
LEVEL_LIST_GROUP = "level-service-list"


def leaflet_path(policy_id: str) -> str:
    return f"leaflets/{policy_id}.pdf"


def level_list_path(name: str) -> str:
    return f"service-lists/{name}.pdf"


def by_category(data: PublicData) -> list[tuple[str, list[Policy]]]:
    """Policies grouped in the county's category order; unknown categories last."""
    order = list(data.county.categories)
    order += sorted({p.category for p in data.policies} - set(order))
    groups = [(c, [p for p in data.policies if p.category == c]) for c in order]
    return [(c, items) for c, items in groups if items]


def handbook_jobs(data: PublicData, templates: Path) -> list[PrintJob]:
    """The handbook in the county's size; an A5 handbook also comes imposed for a folded booklet."""
    title = f"{data.county.county}民生政策办事手册"
    html = render_print(
        templates,
        "handbook.html.j2",
        data,
        title=title,
        page_size=data.county.handbook_size,
        policies=data.policies,
        categories=by_category(data),
    )
    jobs = [PrintJob(HANDBOOK_PATH, html, title=title, subject="政策手册")]
    if data.county.handbook_size == "A5":
        booklet = f"{title}（A5小册子拼版）"
        jobs.append(
            PrintJob(
                BOOKLET_PATH, "", title=booklet, subject="政策手册", parts=(HANDBOOK_PATH,), booklet=True
            )
        )
    return jobs


def leaflet_job(data: PublicData, templates: Path, policy: Policy) -> PrintJob:
    title = f"{policy.name}一次性告知单"
    html = render_print(
        templates,
        "leaflet.html.j2",
        data,
        title=title,
        page_margin="12mm 14mm",
        policy=policy,
        fit_scales=FIT_SCALES,
    )
    subject = f"政策「{policy.name}」（{policy.id}）"
    return PrintJob(leaflet_path(policy.id), html, LEAFLET_GROUP, title, subject, FIT_STEPS)


def level_list_job(data: PublicData, templates: Path, where: str) -> PrintJob:
    """The 服务事项清单 of the services decided at one level (Policy.where), named in the county's words."""
    name = f"{data.county.places.decided(where)}事项"
    title = f"{data.county.county}{name}清单"
    items = [p for p in data.policies if p.where == where]
    html = render_print(
        templates,
        "service_list.html.j2",
        data,
        title=title,
        heading=f"{name}清单",
        station=None,
        sections=[(name, items)],
    )
    return PrintJob(level_list_path(name), html, LEVEL_LIST_GROUP, title, f"{name}清单")


def policy_jobs(data: PublicData, templates: Path) -> list[PrintJob]:
    """The handbook, the two level lists and every policy's leaflet."""
    jobs = handbook_jobs(data, templates)
    jobs += [level_list_job(data, templates, where) for where in DECIDED_AT]
    jobs += [leaflet_job(data, templates, p) for p in data.policies]
    return jobs
