"""Table Schema of the data a form collects: column titles, types and the same constraints."""

from __future__ import annotations

from typing import Any

from ..rules.numbers import ID_PATTERN
from .model import CHOICE_KINDS, VALUE_KINDS, Field, Form


def column_titles(form: Form) -> dict[str, str]:
    """Field key → the column title used in CSV exports: the dataset's title when it feeds one."""
    return {f.key: form.dataset_columns.get(f.key, f.label) for f in form.value_fields}


def field_descriptor(field: Field, title: str, labels: dict[str, str]) -> dict[str, Any]:
    """One Table Schema field from one form field."""
    item: dict[str, Any] = {"name": title, "key": field.key, "type": VALUE_KINDS[field.kind]}
    if field.hint:
        item["description"] = field.hint
    item["publication"] = field.publication
    constraints: dict[str, Any] = {}
    if field.required and field.when is None:
        constraints["required"] = True
    if field.kind in ("choice", "yesno"):
        constraints["enum"] = list(field.choice_list)
    if field.min is not None:
        constraints["minimum"] = int(field.min) if field.kind == "integer" else field.min
    if field.max is not None:
        constraints["maximum"] = int(field.max) if field.kind == "integer" else field.max
    if field.min_length is not None:
        constraints["minLength"] = field.min_length
    if field.max_length is not None:
        constraints["maxLength"] = field.max_length
    if field.pattern:
        constraints["pattern"] = field.pattern
    if field.kind == "id_number":
        constraints["pattern"] = ID_PATTERN
        item["check"] = "id_number"
    if field.kind == "phone":
        item["check"] = "phone"
    if field.kind in CHOICE_KINDS and field.kind == "multi":
        item["description"] = "可多选，用“；”分隔：" + "、".join(field.choices)
    if field.when is not None:
        values = "、".join(field.when.values)
        item["condition"] = {"field": field.when.field, "in": list(field.when.values)}
        note = f"仅当「{labels.get(field.when.field, field.when.field)}」为 {values} 时填写"
        item["description"] = f"{item['description']}；{note}" if "description" in item else note
    if constraints:
        item["constraints"] = constraints
    return item


def table_schema(form: Form) -> dict[str, Any]:
    """The Table Schema published beside the form."""
    titles = column_titles(form)
    labels = {f.key: f.label for f in form.fields}
    schema: dict[str, Any] = {
        "title": form.title,
        "description": form.purpose,
        "version": form.version,
        "fields": [field_descriptor(f, titles[f.key], labels) for f in form.value_fields],
        "missingValues": [""],
    }
    if form.dataset:
        schema["dataset"] = form.dataset_title
        if form.primary_key:
            schema["primaryKey"] = [titles[k] for k in form.primary_key if k in titles]
    return schema
