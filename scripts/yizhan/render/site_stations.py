"""The station finder: one small data script for the whole county and one page per station.

Station pages stay out of the navigation and the search index (1,168 pages would make both
too heavy for a phone); the finder and the township → village → group links reach them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..derive import PublicData
from ..model import Policy
from ..output import Output
from ..templating import render_template

FINDER_PAGE = "stations/index.md"
FINDER_DATA = "stations/finder-data.js"
FINDER_GLOBAL = "YZ_STATIONS"
LEVEL_LABELS = {"乡镇": "乡镇级", "村": "村级", "组": "组级"}


@dataclass
class Station:
    """One station as the public sees it, with its place in the township → village → group tree."""

    id: str
    name: str
    level: str
    township: str
    village: str
    group: str
    address: str
    manager: str
    phone: str
    service_day: str
    status: str
    parents: list[Station] = field(default_factory=list)  # township station first
    children: list[Station] = field(default_factory=list)

    @property
    def page(self) -> str:
        return f"{self.id}.html"


def station_path(station_id: str) -> str:
    return f"stations/{station_id}.md"


def _text(value: object) -> str:
    return "" if value is None or pd.isna(value) else str(value)


def build_stations(frame: pd.DataFrame | None) -> list[Station]:
    """Stations in file order, linked to their township and village stations."""
    if frame is None:
        return []
    stations = [
        Station(
            id=_text(r.station_id),
            name=_text(r.name),
            level=_text(r.level),
            township=_text(r.township),
            village=_text(r.village),
            group=_text(r.group),
            address=_text(r.address),
            manager=_text(r.manager),
            phone=_text(r.manager_phone),
            service_day=_text(r.service_day),
            status=_text(r.status),
        )
        for r in frame.itertuples(index=False)
    ]
    towns = {s.township: s for s in stations if s.level == "乡镇"}
    villages = {(s.township, s.village): s for s in stations if s.level == "村"}
    for s in stations:
        parent = None
        if s.level == "村":
            parent = towns.get(s.township)
        elif s.level == "组":
            parent = villages.get((s.township, s.village))
            if s.township in towns:
                s.parents.append(towns[s.township])
        if parent is not None:
            s.parents.append(parent)
            parent.children.append(s)
    return stations


def finder_data(stations: list[Station]) -> str:
    """The finder's data as a script assigning one global, so it also loads from file://."""
    towns = list(dict.fromkeys(s.township for s in stations))
    levels = list(LEVEL_LABELS)
    rows = [
        [s.id, s.name, levels.index(s.level), towns.index(s.township), s.village, s.group, s.status]
        for s in stations
    ]
    payload = {"levels": [LEVEL_LABELS[x] for x in levels], "towns": towns, "stations": rows}
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return f"window.{FINDER_GLOBAL}={body};\n"


def services_at(level: str, policies: list[Policy]) -> list[Policy]:
    """Policies a station of this level accepts applications for."""
    return [p for p in policies if level in p.accept_at]


def render_stations(data: PublicData, templates: Path) -> Output:
    output = Output()
    stations = build_stations(data.tables.get("stations"))
    towns = [s for s in stations if s.level == "乡镇"]
    output.docs[FINDER_PAGE] = render_template(
        templates, "site/finder.md.j2", county=data.county, towns=towns, total=len(stations)
    )
    output.docs[FINDER_DATA] = finder_data(stations)
    services = {level: services_at(level, data.policies) for level in LEVEL_LABELS}
    for station in stations:
        output.docs[station_path(station.id)] = render_template(
            templates,
            "site/station.md.j2",
            county=data.county,
            station=station,
            level_label=LEVEL_LABELS.get(station.level, station.level),
            services=services.get(station.level, []),
        )
    return output
