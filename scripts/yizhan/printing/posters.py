"""Per-station print documents: the A3 wall poster, the station's service list, township bundles."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..model.output import PrintJob
from ..model.project import Policy
from ..model.public import PublicData
from ..model.stations import Station, services_for
from ..rules.ids import place_slug
from ..rules.vocab import GROUP, TOWNSHIP, station_kind
from .common import (
    FIT_SCALES,
    FIT_STEPS,
    active_stations,
    qr_svg,
    render_print,
    station_url,
)

POSTER_GROUP = "poster"
STATION_LIST_GROUP = "station-service-list"
# Body type size of a poster by how many services it lists: fewer services, bigger type.
POSTER_SIZES = ((14, 14.5), (20, 13.0), (26, 11.5), (1000, 9.5))


def poster_path(station_id: str) -> str:
    return f"posters/{station_id}.pdf"


def station_list_path(station_id: str) -> str:
    return f"service-lists/stations/{station_id}.pdf"


def bundle_path(slug: str) -> str:
    """`slug`: the township station's id (names of places never become file names)."""
    return f"bundles/{slug}.pdf"


def township_slug(township: str, members: list[Station]) -> str:
    return next((s.station_id for s in members if s.tier == TOWNSHIP), None) or place_slug(township)


def poster_size(services: int) -> int:
    """Index into POSTER_SIZES of the body type size for a poster listing `services` services."""
    return next(
        i for i, (limit, _) in enumerate(POSTER_SIZES) if services <= limit or i == len(POSTER_SIZES) - 1
    )


def two_columns(services: list[Policy]) -> list[list[tuple[int, Policy]]]:
    """Numbered services split in two columns of about equal text length (cheaper than CSS columns)."""
    weights = [len(p.name) + sum(len(m.name) for m in p.materials) + 20 for p in services]
    half, running, cut = sum(weights) / 2, 0, len(services)
    for index, weight in enumerate(weights):
        if running + weight / 2 > half:
            cut = index
            break
        running += weight
    numbered = list(enumerate(services, start=1))
    return [numbered[:cut], numbered[cut:]]


def bucket(station: Station) -> str:
    """Stations whose tops are written together: a township's 乡镇 and 村 stations, or a village's 组."""
    return f"{station.township}/{station.village}" if station.tier == GROUP else station.township


def poster_body(data: PublicData, templates: Path, level: str) -> str:
    """The part of a poster every station of `level` shares: services, promises, footer."""
    services = services_for(data.policies, level)
    return render_print(
        templates,
        "poster.html.j2",
        data,
        part="bottom",
        title=f"{station_kind(level)}公示牌",
        page_size="A3",
        page_margin="8mm",
        services=services,
        columns=two_columns(services),
        size_index=poster_size(len(services)),
        type_sizes=[size for _, size in POSTER_SIZES],
        fit_scales=FIT_SCALES,
    )


def poster_job(data: PublicData, templates: Path, station: Station, body: str) -> PrintJob:
    """The station's own top of its poster (name, address, manager, phone, QR) over the shared `body`."""
    services = services_for(data.policies, station.level)
    site_url = data.county.site_url
    title = f"{station.name}公示牌"
    html = render_print(
        templates,
        "poster.html.j2",
        data,
        part="top",
        title=title,
        page_size="A3",
        page_margin="8mm",
        station=station,
        size_index=poster_size(len(services)),
        type_sizes=[size for _, size in POSTER_SIZES],
        fit_scales=FIT_SCALES,
        qr_svg=qr_svg(station_url(site_url, station.station_id)) if site_url else "",
    )
    return PrintJob(
        poster_path(station.station_id),
        html,
        POSTER_GROUP,
        title,
        station.subject,
        FIT_STEPS,
        stamp=body,
        bucket=bucket(station),
    )


def station_list_body(data: PublicData, templates: Path, level: str) -> str:
    """The services part of the service list every station of `level` shares."""
    return render_print(
        templates,
        "service_list.html.j2",
        data,
        part="bottom",
        title=f"{station_kind(level)}服务事项清单",
        sections=[("本站受理的服务事项", services_for(data.policies, level))],
    )


def station_list_job(data: PublicData, templates: Path, station: Station, body: str) -> PrintJob:
    title = f"{station.name}服务事项清单"
    html = render_print(
        templates, "service_list.html.j2", data, part="top", title=title, station=station, heading=title
    )
    return PrintJob(
        station_list_path(station.station_id),
        html,
        STATION_LIST_GROUP,
        title,
        station.subject,
        stamp=body,
        bucket=bucket(station),
        flow=True,  # a long list runs over to a second page
    )


def by_township(stations: list[Station]) -> Iterator[tuple[str, list[Station]]]:
    """Townships in register order, each with its stations in register order."""
    towns: dict[str, list[Station]] = {}
    for station in stations:
        towns.setdefault(station.township, []).append(station)
    yield from towns.items()


def station_jobs(data: PublicData, templates: Path) -> list[PrintJob]:
    """Posters and service lists of every running station, then one poster bundle per township."""
    stations = active_stations(data)
    levels = {s.level for s in stations}
    posters = {level: poster_body(data, templates, level) for level in levels}
    lists = {level: station_list_body(data, templates, level) for level in levels}
    jobs = [poster_job(data, templates, s, posters[s.level]) for s in stations]
    jobs += [station_list_job(data, templates, s, lists[s.level]) for s in stations]
    for township, members in by_township(stations):
        jobs.append(
            PrintJob(
                bundle_path(township_slug(township, members)),
                "",
                title=f"{township}民生驿站公示牌合订本",
                subject=f"{data.county.places.township}「{township}」",
                parts=tuple(poster_path(s.station_id) for s in members),
            )
        )
    return jobs
