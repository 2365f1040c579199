"""Every form in all four versions, and the 表格下载 page that links them."""

from __future__ import annotations

import json
from pathlib import Path

from ..buildkit.templating import render_template
from ..model.output import Output, PrintJob
from ..model.project import County
from ..model.public import PublicData
from ..model.stations import Station, stations_from
from ..rules.vocab import TOWNSHIP
from ..sheets.templates import template_files
from . import load_forms
from .model import Form
from .paper import paper_jobs
from .web import web_html
from .xlsform import xlsform_bytes


def variant_stations(data: PublicData) -> list[Station]:
    """Running stations that get their own printed registers."""
    stations = stations_from(data.tables.get("stations"))
    return [s for s in stations if s.active and s.tier == TOWNSHIP]


def station_choices(data: PublicData) -> list[tuple[str, str]]:
    """(id, name) of every running station, for the XLSForms' station list."""
    return [(s.station_id, s.name) for s in stations_from(data.tables.get("stations")) if s.active]


def form_files(
    form: Form, county: County, templates: Path, stations: list[tuple[str, str]] | None = None
) -> dict[str, bytes]:
    """The web form, Table Schema and XLSForm of one form, as site files (the blank PDF is a print job)."""
    from .schema import table_schema

    schema = json.dumps(table_schema(form), ensure_ascii=False, indent=2) + "\n"
    return {
        f"forms/{form.code}.html": web_html(form, county, templates).encode("utf-8"),
        f"forms/{form.code}.schema.json": schema.encode("utf-8"),
        f"forms/{form.code}.xlsx": xlsform_bytes(form, county.edition, stations),
    }


def form_jobs(data: PublicData, templates: Path, forms: list[Form] | None = None) -> list[PrintJob]:
    """The blank paper forms (also offered on the site) and the stations' own copies, as print jobs."""
    forms = load_forms(data.forms) if forms is None else forms
    return paper_jobs(forms, data.county, templates, variant_stations(data))


def render_forms(data: PublicData, templates: Path) -> Output:
    """Site files and download page for every form; blank PDFs as print jobs, also copied to the site."""
    output = Output()
    output.site_files.update(template_files(data.specs.values(), data.county.edition))
    forms = load_forms(data.forms)
    if not forms and not data.specs:
        return output
    stations = station_choices(data)
    for form in forms:
        output.site_files.update(form_files(form, data.county, templates, stations))
    output.print_jobs += form_jobs(data, templates, forms)
    used_by = {f.code: [p for p in data.policies if f.code in p.forms] for f in forms}
    output.docs["forms/index.md"] = render_template(
        templates,
        "site/forms/index.md.j2",
        forms=forms,
        used_by=used_by,
        county=data.county,
        tables=list(data.specs.values()),
    )
    return output
