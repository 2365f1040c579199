"""XLSForm (.xlsx) for ODK Collect and KoboToolbox, from the same definition and constraints."""

from __future__ import annotations

import datetime as dt
import re

from openpyxl import Workbook

from ..buildkit.memo import remembered
from ..feedback.messages import field_sentence, field_text
from ..rules.numbers import xpath_rules
from ..rules.vocab import DATE_ORDER
from ..sheets.workbooks import workbook_bytes
from .model import CHOICE_KINDS, Field, Form

LANGUAGE = "中文 (zh)"
LABEL, HINT = f"label::{LANGUAGE}", f"hint::{LANGUAGE}"
SURVEY_COLUMNS = ("type", "name", LABEL, HINT, "required", "relevant", "constraint",
                  f"constraint_message::{LANGUAGE}", "appearance", "default")  # fmt: skip
STATIONS = "stations"  # the choice list of real stations, for every 驿站编号 field
TYPES = {"integer": "integer", "decimal": "decimal", "money": "decimal", "date": "date"}


def _quote(value: str) -> str:
    return "'" + value.replace("'", "’") + "'"


def relevant(field: Field, form: Form) -> str:
    """ODK expression for a `when` condition."""
    if field.when is None:
        return ""
    source = form.field(field.when.field)
    if source.kind == "multi":
        tests = [f"selected(${{{source.key}}}, {_quote(v)})" for v in field.when.values]
    else:
        tests = [f"${{{source.key}}} = {_quote(v)}" for v in field.when.values]
    return " or ".join(tests)


def date_order(field: Field, form: Form) -> list[tuple[str, str]]:
    """`. >= ${earlier}` for a date that must not come before another date of the form (vocab.DATE_ORDER)."""
    keys = {f.key: f for f in form.value_fields}
    return [
        (f". >= ${{{earlier}}}", field_text("not_before", title=keys[earlier].label))
        for earlier, later in DATE_ORDER.get(form.dataset, ())
        if later == field.key and earlier in keys
    ]


def constraint(field: Field, form: Form | None = None) -> tuple[str, str]:
    """ODK constraint expression and its Chinese message."""
    tests, words = [], []
    for test, word in date_order(field, form) if form is not None else ():
        tests.append(test)
        words.append(word)
    if field.min is not None:
        tests.append(f". >= {field.min:g}")
        words.append(field_text("minimum", minimum=f"{field.min:g}"))
    if field.max is not None:
        tests.append(f". <= {field.max:g}")
        words.append(field_text("maximum", maximum=f"{field.max:g}"))
    if field.min_length is not None:
        tests.append(f"string-length(.) >= {field.min_length}")
        words.append(field_text("min_length", count=field.min_length))
    if field.max_length is not None:
        tests.append(f"string-length(.) <= {field.max_length}")
        words.append(field_text("max_length", count=field.max_length))
    rule = xpath_rules().get(field.kind)
    if rule:
        tests.append(rule)
        words.append(field_sentence(field.kind))
    elif field.pattern:
        tests.append(f"regex(., {_quote(field.pattern)})")
        words.append(field.hint or field_sentence("pattern"))
    return " and ".join(tests), "；".join(words)


def survey_row(field: Field, form: Form, choices: dict[str, tuple[str, ...]], stations: bool) -> list[str]:
    if field.key == "station_id" and stations:
        check, message = "", ""
        row = ["select_one " + STATIONS, field.key, field.label, field.hint, "yes" if field.required else ""]
        return [*row, relevant(field, form), check, message, "autocomplete", field.default or ""]
    if field.kind in CHOICE_KINDS or field.kind == "yesno":
        list_name = "yesno" if field.kind == "yesno" else field.key
        choices[list_name] = field.choice_list
        kind = f"{'select_multiple' if field.kind == 'multi' else 'select_one'} {list_name}"
    else:
        kind = TYPES.get(field.kind, "text")
    check, message = constraint(field, form)
    appearance = "multiline" if field.kind == "textarea" else ("numbers" if field.kind == "phone" else "")
    required = "yes" if field.required else ""
    return [
        kind,
        field.key,
        field.label,
        field.hint,
        required,
        relevant(field, form),
        check,
        message,
        appearance,
        field.default or "",
    ]


def survey_rows(form: Form, stations: bool = False) -> tuple[list[list[str]], dict[str, tuple[str, ...]]]:
    rows: list[list[str]] = []
    choices: dict[str, tuple[str, ...]] = {}
    blank = [""] * (len(SURVEY_COLUMNS) - 3)
    for item in form.fields:
        if item.kind == "section":
            rows.append(["note", item.key, item.label, *blank])
        elif item.kind == "table":
            rows.append(["begin_repeat", item.key, item.label, "", "", relevant(item, form), "", "", "", ""])
            rows.extend(survey_row(column, form, choices, stations) for column in item.columns)
            rows.append(["end_repeat", item.key, "", *blank])
        elif item.has_value:
            rows.append(survey_row(item, form, choices, stations))
    return rows, choices


@remembered("xlsform")
def xlsform_bytes(form: Form, edition: dt.date, stations: list[tuple[str, str]] | None = None) -> bytes:
    """The workbook, byte-identical for the same definition, edition date and station list.

    `stations` (id, name) become the choices of every 驿站编号 field, so a collector picks a real station.
    """
    book = Workbook()
    survey = book.active
    survey.title = "survey"
    survey.append(SURVEY_COLUMNS)
    rows, choices = survey_rows(form, bool(stations))
    for row in rows:
        survey.append(row)
    sheet = book.create_sheet("choices")
    sheet.append(("list_name", "name", LABEL))
    for list_name, values in choices.items():
        for value in values:
            sheet.append((list_name, value, value))
    if any(row[0] == "select_one " + STATIONS for row in rows):
        for station_id, name in stations or []:
            sheet.append((STATIONS, station_id, f"{station_id} {name}"))
    settings = book.create_sheet("settings")
    settings.append(("form_title", "form_id", "version", "default_language"))
    settings.append((form.title, f"yizhan_{form.code}", re.sub(r"\D", "", form.version) or "1", LANGUAGE))
    return workbook_bytes(book, edition)
