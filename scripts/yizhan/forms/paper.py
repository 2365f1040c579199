"""Blank paper forms: a definition → print HTML (county-wide and per station) → PrintJobs."""

from __future__ import annotations

import base64
from pathlib import Path

import segno

from ..buildkit.templating import render_template
from ..model.output import PrintJob
from ..model.project import County
from ..model.stations import Station
from .model import Form

PHONE_BOXES = 12  # 11 for a mobile number, 12 for a landline with its area code
ID_BOXES = 18


def _ranges(numbers: list[int]) -> str:
    """[4, 5, 6, 9] → '第4–6、9项'."""
    parts, start = [], None
    for index, number in enumerate(numbers):
        if start is None:
            start = number
        last = index + 1 == len(numbers) or numbers[index + 1] != number + 1
        if last:
            parts.append(f"{start}" if start == number else f"{start}–{number}")
            start = None
    return "第" + "、".join(parts) + "项"


def skip_notes(form: Form) -> dict[str, list[str]]:
    """Conditions in words, printed under the item they depend on: 若第3项选「否」，请跳过第4–6项。"""
    groups: dict[tuple[str, tuple[str, ...]], list[int]] = {}
    for item in form.fields:
        if item.when is not None and item.number:
            groups.setdefault((item.when.field, item.when.values), []).append(item.number)
    notes: dict[str, list[str]] = {}
    for (key, values), numbers in groups.items():
        source = form.field(key)
        others = [c for c in source.choice_list if c not in values]
        if source.kind == "multi":
            wanted = "」或「".join(values)
            text = f"若第{source.number}项未选「{wanted}」，请跳过{_ranges(numbers)}。"
        else:
            chosen = "」或「".join(others)
            text = f"若第{source.number}项选「{chosen}」，请跳过{_ranges(numbers)}。"
        notes.setdefault(key, []).append(text)
    return notes


def condition_labels(form: Form) -> dict[str, str]:
    """Field key → '（第3项选「是」时填写）' for every conditional item."""
    labels = {}
    for item in form.fields:
        if item.when is not None:
            source = form.field(item.when.field)
            values = "」或「".join(item.when.values)
            labels[item.key] = f"（第{source.number}项选「{values}」时填写）"
    return labels


def online_url(county: County, form: Form) -> str:
    return f"{county.site_url}/forms/{form.code}.html" if county.site_url else ""


def qr_data_uri(url: str) -> str:
    """A QR code as an inline SVG data URI (no file, no network)."""
    svg = segno.make(url, error="m").svg_inline(scale=3, border=1)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def paper_html(form: Form, county: County, templates: Path, station: Station | None = None) -> str:
    """The blank form as print HTML."""
    url = online_url(county, form)
    return render_template(
        templates,
        "print/forms/form.html.j2",
        title=form.title,
        form=form,
        county=county,
        station=station,
        skip=skip_notes(form),
        conditions=condition_labels(form),
        qr=qr_data_uri(url) if url else "",
        url=url,
        id_boxes=ID_BOXES,
        phone_boxes=PHONE_BOXES,
        prefill=_prefill(form, station),
    )


def _prefill(form: Form, station: Station | None) -> dict[str, str]:
    if station is None:
        return {}
    return {f.key: station.station_id for f in form.fields if f.key == "station_id"}


def paper_path(form: Form, station: Station | None = None) -> str:
    """Where the PDF goes under build/print/."""
    if station is None:
        return f"forms/{form.code}.pdf"
    return f"forms/stations/{station.station_id}/{form.code}.pdf"


def paper_jobs(forms: list[Form], county: County, templates: Path, stations: list[Station]) -> list[PrintJob]:
    """County-wide blank forms, and each station's own copy of the registers that feed a dataset."""
    jobs = [
        PrintJob(
            paper_path(f),
            paper_html(f, county, templates),
            group="forms",
            title=f.title,
            subject=f"表格「{f.code}」",
            site_path=f"forms/{f.code}.pdf",
        )
        for f in forms
    ]
    for station in stations:
        for form in forms:
            if form.dataset:
                html = paper_html(form, county, templates, station)
                title = f"{form.title}（{station.name}）"
                jobs.append(PrintJob(paper_path(form, station), html, group="forms-stations", title=title))
    return jobs
