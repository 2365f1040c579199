"""信息公开: recipient notices, project progress, opinions, service statistics and open data.

Works only from the masked public views that `derive.public_view` produced.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..model import County
from .notices import NoticeBook, notice_book
from .services import ServiceStats, service_stats
from .stats import FeedbackStats, Progress, feedback_stats, project_progress


@dataclass
class Disclosure:
    """The derived disclosure views handed to render."""

    notices: NoticeBook
    progress: Progress
    feedback: FeedbackStats
    services: ServiceStats


def derive_disclosure(tables: dict[str, pd.DataFrame], county: County) -> Disclosure:
    """The derive step for 信息公开, from masked views only."""
    stations = tables["stations"]
    whole = f"全{county.places.county}"  # the label of the county's total row
    return Disclosure(
        notices=notice_book(
            tables["recipients"], stations, county.edition, county.disclosure_days, county.retention_months
        ),
        progress=project_progress(tables["projects"], county.edition, whole),
        feedback=feedback_stats(
            tables["feedback"], stations, county.edition, county.feedback_time_limit_days, whole
        ),
        services=service_stats(tables["services"], stations),
    )
