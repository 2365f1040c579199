"""What every print document shares: station records, the services a level handles, QR codes."""

from __future__ import annotations

from pathlib import Path

from ..buildkit.templating import render_template
from ..model.public import PublicData
from ..model.stations import Station, stations_from

# Denser layouts tried in turn when a one-page document overflows (classes defined in the templates).
FIT_SCALES = (0.95, 0.9, 0.85, 0.8, 0.72, 0.64)
FIT_STEPS = tuple(f"fit-{n}" for n in range(1, len(FIT_SCALES) + 1))


def active_stations(data: PublicData) -> list[Station]:
    """Running stations in the order of the station register (停用 stations get no poster)."""
    return [s for s in stations_from(data.tables.get("stations")) if s.active]


def station_url(site_url: str, station_id: str) -> str:
    """The station's page on the website (the QR code's target)."""
    return f"{site_url.rstrip('/')}/stations/{station_id}.html"


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
