"""`yizhan init --empty DIR`: a new county with blank table templates and settings to fill in."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

from .buildkit.cache import replace_file
from .feedback.report import Report
from .load import DATAPACKAGE, load_specs
from .sheets.templates import template_files

# county.yml settings that name the example county: emptied, so `yizhan validate` lists them to fill in.
COUNTY_SETTINGS = ("county", "region", "bureau", "bureau_address", "consult_phone", "supervision_phone")


def blank_settings(text: str) -> str:
    """county.yml with the example county's own settings emptied (comments and the rest kept)."""
    for key in COUNTY_SETTINGS:
        text = re.sub(rf"^{key}:.*$", f'{key}: ""', text, count=1, flags=re.MULTILINE)
    # The example county's officials are not the new county's: an empty list publishes no 责任人.
    return re.sub(
        r"^public_officials:.*\n(?:[ \t]+-.*\n)*", "public_officials: []\n", text, count=1, flags=re.MULTILINE
    )


def start_empty(source: Path, target: Path) -> list[str]:
    """Copy the datapackage and schemas, write one XLSX template per table, blank the county settings.

    Returns the table files written (relative to `target`). Policies, forms and templates were
    copied by `init` already: they are the handbook to adapt, not the example county's data.
    """
    datasets = target / "datasets"
    shutil.rmtree(datasets, ignore_errors=True)
    (datasets / "schemas").mkdir(parents=True)
    shutil.copy2(source / DATAPACKAGE, target / DATAPACKAGE)
    for schema in sorted((source / "datasets" / "schemas").glob("*.json")):
        shutil.copy2(schema, datasets / "schemas" / schema.name)
    specs = load_specs(target, Report())
    written = []
    for name, data in template_files(specs.values(), dt.date.today(), folder="datasets").items():
        replace_file(target / name, data)
        written.append(name)
    county = target / "content" / "county.yml"
    replace_file(county, blank_settings(county.read_text(encoding="utf-8")))
    return written
