"""信息公开: recipient notices, project progress, opinions, service statistics and open data.

Works only from the masked public views that `derive.public_view` produced.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..model.project import County, Policy
from .loops import Loops, loop_figures
from .notices import NoticeBook, notice_book
from .services import ServiceStats, service_stats
from .stats import FeedbackStats, Progress, feedback_stats, project_progress
from .timeliness import Timeliness, timeliness


@dataclass
class Disclosure:
    """The derived disclosure views handed to render."""

    notices: NoticeBook
    progress: Progress
    feedback: FeedbackStats
    services: ServiceStats
    timeliness: Timeliness | None = None  # 限时办结, when the project keeps a 申请受理登记
    loops: Loops | None = None  # 走访, 回访, 监督, 问题整改: every loop figure (disclosure/loops.py)


def derive_disclosure(
    tables: dict[str, pd.DataFrame], county: County, policies: list[Policy] | None = None
) -> Disclosure:
    """The derive step for 信息公开, from masked views only."""
    stations = tables["stations"]
    whole = f"全{county.places.county}"  # the label of the county's total row
    register = tables.get("applications")
    on_time = None
    if register is not None and policies is not None:
        on_time = timeliness(register, stations, policies, county.edition, county.calendar, whole)
    loops = loop_figures(tables, county.edition, county.calendar, whole)
    return Disclosure(
        notices=notice_book(
            tables["recipients"],
            stations,
            county.edition,
            county.disclosure_days,
            county.retention_months,
            county.calendar if county.disclosure_in_workdays else None,
        ),
        progress=project_progress(tables["projects"], county.edition, whole),
        feedback=feedback_stats(
            tables["feedback"],
            stations,
            county.edition,
            county.feedback_time_limit_days,
            county.calendar,
            whole,
            loops,
        ),
        services=service_stats(tables["services"], stations),
        timeliness=on_time,
        loops=loops,
    )
