"""The public views: everything the render stage may see, personal data already masked by `derive`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .project import County, Policy, TableSpec


@dataclass
class PublicData:
    """Everything the render stage may see."""

    county: County
    policies: list[Policy]
    forms: dict[str, dict[str, Any]]
    tables: dict[str, pd.DataFrame]  # masked views, internal keys
    pages: dict[str, str]
    stats: dict[str, Any] = field(default_factory=dict)
    specs: dict[str, TableSpec] = field(default_factory=dict)  # the datasets' schemas (for templates)

    def policy(self, policy_id: str) -> Policy:
        return next(p for p in self.policies if p.id == policy_id)
