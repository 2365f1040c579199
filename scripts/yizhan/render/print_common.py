"""What every print document shares: station records, the services a level handles, QR codes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ..derive import PublicData
from ..model import Policy
from ..templating import render_template

ACTIVE = "运行"
LEVEL_LABELS = {"乡镇": "乡镇民生驿站", "村": "村（社区）民生驿站", "组": "村民组民生驿站"}
# Denser layouts tried in turn when a one-page document overflows (classes defined in the templates).
FIT_SCALES = (0.95, 0.9, 0.85, 0.8, 0.72, 0.64)
FIT_STEPS = tuple(f"fit-{n}" for n in range(1, len(FIT_SCALES) + 1))


@dataclass(frozen=True)
class Station:
    """One station as printed: public columns only."""

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

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS.get(self.level, self.level)

    @property
    def subject(self) -> str:
        """How error messages name this station."""
        return f"驿站 {self.station_id}「{self.name}」"


def _text(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def active_stations(data: PublicData) -> list[Station]:
    """Running stations in the order of the station register (停用 stations get no poster)."""
    frame = data.tables.get("stations")
    if frame is None:
        return []
    stations = []
    for row in frame.to_dict("records"):
        if _text(row.get("status")) != ACTIVE:
            continue
        stations.append(Station(**{key: _text(row.get(key)) for key in Station.__dataclass_fields__}))
    return stations


def services_for(policies: list[Policy], level: str) -> list[Policy]:
    """The policies a station of `level` accepts applications for."""
    return [p for p in policies if level in p.accept_at]


def station_url(site_url: str, station_id: str) -> str:
    """The station's page on the website (the QR code's target)."""
    return f"{site_url.rstrip('/')}/stations/{station_id}/"


def qr_svg(url: str) -> str:
    """An inline SVG QR code for `url` (no XML declaration, scalable)."""
    import segno

    code = segno.make(url, error="m", micro=False)
    return code.svg_inline(scale=4, border=2, omitsize=True, dark="#000")


def render_print(templates: Path, name: str, data: PublicData, **context: object) -> str:
    """Render a print template with the county and edition every document shows."""
    return render_template(
        templates, f"print/{name}", county=data.county, edition=data.county.edition, **context
    )
