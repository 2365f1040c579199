"""Stations as the public sees them: one record type for the site, print documents and forms."""

from __future__ import annotations

from dataclasses import dataclass, fields

import pandas as pd

from ..rules.vocab import ACTIVE, station_kind, tier_of
from .project import Policy


@dataclass(frozen=True)
class Station:
    """One row of the public station register (every column of it is public)."""

    station_id: str
    name: str
    level: str
    township: str
    village: str
    group: str
    address: str
    manager: str
    manager_phone: str
    service_day: str
    status: str

    @property
    def active(self) -> bool:
        return self.status == ACTIVE

    @property
    def tier(self) -> str:
        """乡镇, 村 or 组, also for urban counties' 街道, 社区 and 网格."""
        return tier_of(self.level)

    @property
    def level_label(self) -> str:
        return station_kind(self.level)

    @property
    def subject(self) -> str:
        """How error messages name this station."""
        return f"驿站 {self.station_id}「{self.name}」"

    @property
    def page(self) -> str:
        """The station's page on the website, relative to the stations/ folder."""
        return f"{self.station_id}.html"


def _text(value: object) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def stations_from(frame: pd.DataFrame | None) -> list[Station]:
    """Every station of the public register, in file order."""
    if frame is None:
        return []
    keys = [f.name for f in fields(Station)]
    return [Station(**{key: _text(row.get(key)) for key in keys}) for row in frame.to_dict("records")]


def services_for(policies: list[Policy], level: str) -> list[Policy]:
    """The policies a station of `level` accepts applications for (or proxies them)."""
    tier = tier_of(level)
    return [p for p in policies if tier in p.accept_at]
