"""The one jinja2 environment for site pages and print documents (autoescape on)."""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from .numbers import fold, parse_phone


def tel_href(phone: str) -> str:
    """'0369-5201234' → 'tel:03695201234'; an extension is dialled after a pause ('0369-5201234-12' → ',12')."""
    parsed = parse_phone(phone)
    if parsed is not None and parsed.kind == "landline" and parsed.number.count("-") == 2:
        number, _, extension = parsed.number.rpartition("-")
        return "tel:" + number.replace("-", "") + "," + extension
    return "tel:" + re.sub(r"[^\d+]", "", parsed.number if parsed else fold(phone))


def cn_date(value: dt.date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


@cache
def environment(templates: Path) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(templates)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["tel"] = tel_href
    env.filters["cn_date"] = cn_date
    return env


def render_template(templates: Path, name: str, **context: object) -> str:
    return environment(templates).get_template(name).render(**context)
