"""Forms: one definition in forms/<code>.yml → paper form, web form, Table Schema, XLSForm; data back in."""

from __future__ import annotations

from typing import Any

from ..model.project import TableSpec
from .model import DATASET_COLUMNS, DATASET_TITLE, PRIMARY_KEY, Form, to_form


def load_forms(raw: dict[str, dict[str, Any]]) -> list[Form]:
    """Checked definitions (code → mapping) as Form objects, in code order."""
    return [to_form(data, f"forms/{code}.yml") for code, data in sorted(raw.items())]


def with_datasets(raw: dict[str, dict[str, Any]], specs: dict[str, TableSpec]) -> dict[str, dict[str, Any]]:
    """Definitions plus the titles of the dataset columns they feed, so render needs no schema files."""
    out = {}
    for code, data in raw.items():
        spec = specs.get(str(data.get("dataset") or ""))
        if spec is None:
            out[code] = data
            continue
        columns = {c.key: c.title for c in spec.columns}
        key = [c.key for c in spec.columns if c.title in (spec.descriptor.get("primaryKey") or [])]
        out[code] = {**data, DATASET_TITLE: spec.title, DATASET_COLUMNS: columns, PRIMARY_KEY: key}
    return out
