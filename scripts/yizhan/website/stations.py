"""The station finder: one small data script for the whole county and one page per station.

Station pages stay out of the navigation and the search index (1,168 pages would make both
too heavy for a phone); the finder and the township → village → group links reach them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from ..buildkit.templating import render_template
from ..model.output import Output
from ..model.public import PublicData
from ..model.stations import Station, services_for, stations_from
from ..rules.vocab import GROUP, TIERS, TOWNSHIP, VILLAGE, PlaceWords

FINDER_PAGE = "stations/index.md"
FINDER_DATA = "stations/finder-data.js"
FINDER_GLOBAL = "YZ_STATIONS"


def station_path(station_id: str) -> str:
    return f"stations/{station_id}.md"


@dataclass
class Tree:
    """Each station's township and village stations above it, and the stations under it."""

    parents: dict[str, list[Station]] = field(default_factory=dict)
    children: dict[str, list[Station]] = field(default_factory=dict)


def station_tree(stations: list[Station]) -> Tree:
    """Link every 村 to its 乡镇 and every 组 to its 乡镇 and 村, as the register says."""
    towns = {s.township: s for s in stations if s.tier == TOWNSHIP}
    villages = {(s.township, s.village): s for s in stations if s.tier == VILLAGE}
    tree = Tree()
    for s in stations:
        above = [towns.get(s.township)] if s.tier in (VILLAGE, GROUP) else []
        if s.tier == GROUP:
            above.append(villages.get((s.township, s.village)))
        tree.parents[s.station_id] = [p for p in above if p is not None]
        if tree.parents[s.station_id]:
            tree.children.setdefault(tree.parents[s.station_id][-1].station_id, []).append(s)
    return tree


def finder_row(station: Station, towns: list[str]) -> dict[str, str | int]:
    """One station for the finder, by name: level and town as indexes into `levels` and `towns`.

    Village and group only when the station has them, status only when it is not running (停用):
    the finder shows the status word as given, and the file stays small on a phone.
    """
    row: dict[str, str | int] = {
        "id": station.station_id,
        "name": station.name,
        "level": TIERS.index(station.tier),
        "town": towns.index(station.township),
    }
    optional = {"village": station.village, "group": station.group}
    row.update({key: value for key, value in optional.items() if value})
    if not station.active:
        row["status"] = station.status
    return row


def finder_data(stations: list[Station], places: PlaceWords) -> str:
    """The finder's data as a script assigning one global, so it also loads from file://."""
    towns = list(dict.fromkeys(s.township for s in stations))
    rows = [finder_row(s, towns) for s in stations]
    levels = [f"{word}级" for word in (places.township, places.village, places.group)]
    words = {"county": places.county, "township": places.township, "village": places.village}
    payload = {"levels": levels, "places": words, "towns": towns, "stations": rows}
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return f"window.{FINDER_GLOBAL}={body};\n"


def name_examples(stations: list[Station]) -> list[str]:
    """A village name (without its level word) and a group name of this county, as the finder's hint."""
    village = next((s for s in stations if s.tier == VILLAGE), None)
    group = next((s.group for s in stations if s.tier == GROUP and s.group), None)
    examples = [village.village.removesuffix(village.level) or village.village] if village else []
    return examples + ([group] if group else [])


def render_stations(data: PublicData, templates: Path) -> Output:
    output = Output()
    stations = stations_from(data.tables.get("stations"))
    tree = station_tree(stations)
    towns = [s for s in stations if s.tier == TOWNSHIP]
    output.docs[FINDER_PAGE] = render_template(
        templates,
        "site/finder.md.j2",
        county=data.county,
        towns=towns,
        total=len(stations),
        examples=name_examples(stations),
    )
    output.docs[FINDER_DATA] = finder_data(stations, data.county.places)
    services = {tier: services_for(data.policies, tier) for tier in TIERS}
    for station in stations:
        output.docs[station_path(station.station_id)] = render_template(
            templates,
            "site/station.md.j2",
            county=data.county,
            station=station,
            parents=tree.parents[station.station_id],
            children=tree.children.get(station.station_id, []),
            level_label=f"{station.level}级",
            services=services.get(station.tier, []),
        )
    return output
