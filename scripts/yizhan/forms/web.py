"""Offline web form: one self-contained HTML file per form (inline CSS and JS, no other origin)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..buildkit.templating import render_template
from ..feedback.messages import FIELD, field_sentence
from ..model.project import County
from ..rules.numbers import js_rules
from ..rules.vocab import DATE_ORDER
from .model import Field, Form, flatten
from .paper import condition_labels
from .schema import column_titles


def field_spec(item: Field, title: str) -> dict[str, Any]:
    """What the browser needs to check one answer, mirroring the Table Schema."""
    spec: dict[str, Any] = {"key": item.key, "kind": item.kind, "label": item.label, "title": title}
    for name in ("required", "min", "max", "min_length", "max_length", "pattern", "hint", "default"):
        value = getattr(item, name)
        if value not in (None, "", False):
            spec[name] = value
    if item.choice_list:
        spec["choices"] = list(item.choice_list)
    if item.when is not None:
        spec["when"] = {"field": item.when.field, "values": list(item.when.values)}
    return spec


RULES_SCRIPT = Path(__file__).with_name("rules.js")  # the interpreter of `web_rules`, part of the tool


def web_rules() -> dict[str, Any]:
    """The number rules and the field-level wording as data, for the interpreter in rules.js."""
    words = {kind: field_sentence(kind) for kind in FIELD if not kind.endswith("_fix")}
    return {"numbers": js_rules(), "messages": words}


def with_date_order(fields: list[dict[str, Any]], form: Form) -> list[dict[str, Any]]:
    """A date that must not come before another date of the form (vocab.DATE_ORDER) names that date."""
    labels = {f["key"]: f["label"] for f in fields}
    earlier_of = {later: earlier for earlier, later in DATE_ORDER.get(form.dataset, ()) if earlier in labels}
    return [
        {**f, "not_before": {"key": earlier_of[f["key"]], "title": labels[earlier_of[f["key"]]]}}
        if f["key"] in earlier_of
        else f
        for f in fields
    ]


def web_spec(form: Form) -> dict[str, Any]:
    titles = column_titles(form)
    fields = [field_spec(f, titles[f.key]) for f in flatten(form.fields) if f.has_value]
    return {
        "code": form.code,
        "title": form.title,
        "version": form.version,
        "fields": with_date_order(fields, form),
        "rules": web_rules(),
        # The exported CSV carries each record's own number and the form version, as the dataset names them.
        "idTitle": form.dataset_columns.get("submission_id", "提交编号"),
        "versionTitle": form.dataset_columns.get("form_version", "表格版本"),
    }


def web_html(form: Form, county: County, templates: Path) -> str:
    """The offline form page: works from file:// and without network."""
    return render_template(
        templates,
        "site/forms/webform.html.j2",
        form=form,
        county=county,
        spec=web_spec(form),
        conditions=condition_labels(form),
        script=RULES_SCRIPT.read_text(encoding="utf-8")
        + (templates / "site" / "forms" / "webform.js").read_text(encoding="utf-8"),
    )
