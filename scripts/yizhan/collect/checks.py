"""The checks an incoming row must pass: the dataset's own rules plus what the form adds."""

from __future__ import annotations

import re

from ..feedback.report import Report
from ..forms.model import MULTI_SEPARATOR, Form
from ..model.project import Dataset, Project
from ..validate import tables
from ..validate.loops import LOOP_TABLES, check_loop_table


def check_form_rules(dataset: Dataset, form: Form, report: Report) -> None:
    """What the form adds to the dataset schema: patterns, lengths, multiple choices, conditions."""
    frame = dataset.frame
    records: dict | None = None  # row → its answers, built only when a condition needs them
    for item in form.value_fields:
        if item.key not in frame:
            continue
        column = dataset.spec.column(item.key)
        for row, value in frame[item.key].items():
            if (
                value
                and item.kind != "multi"
                and not item.pattern
                and not item.min_length
                and item.max_length is None
            ):
                continue  # nothing the form adds to check on a filled cell of this field
            if not value:
                if not item.required or (item.when is None and column.required):
                    continue  # optional, or already said by the dataset's own check
                if item.when is not None:
                    if records is None:
                        records = frame.to_dict("index")  # once, for every condition of the form
                    if not item.when.holds(records[row]):
                        continue
                report.add("YZ-DATA-003", tables.where(dataset, row, item.key), title=column.title)
                continue
            if item.kind == "multi":
                wrong = [v for v in value.split(MULTI_SEPARATOR) if v not in item.choices]
                for bad in wrong:
                    report.add(
                        "YZ-FORM-027",
                        tables.where(dataset, row, item.key),
                        value=bad,
                        title=column.title,
                        choices="、".join(item.choices),
                    )
            if item.pattern and not re.search(item.pattern, value):
                report.add(
                    "YZ-FORM-028",
                    tables.where(dataset, row, item.key),
                    value=value,
                    title=column.title,
                    fix=item.hint or "请检查格式",
                )
            low, high = item.min_length or 0, item.max_length
            if len(value) < low or (high is not None and len(value) > high):
                limits = f"{low}–{high}" if high is not None else f"至少 {low}"
                report.add(
                    "YZ-FORM-029",
                    tables.where(dataset, row, item.key),
                    value=value,
                    title=column.title,
                    limits=limits,
                )


def check_incoming(project: Project, incoming: Dataset, form: Form, report: Report) -> None:
    """The same checks `yizhan validate` runs on the dataset, on the incoming rows."""
    tables.check_types(incoming, report)
    tables.check_values(incoming, report)
    check_form_rules(incoming, form, report)
    stations = project.datasets.get("stations")
    if stations is not None and "station_id" in incoming.frame:
        ids = set(stations.frame["station_id"])
        tables.check_station_refs(incoming, ids, report)
    if form.dataset == "feedback":
        tables.check_feedback(incoming, report)
    if form.dataset in LOOP_TABLES:
        towns: set[str] = set()
        if stations is not None:
            towns = tables.check_hierarchy(stations, Report())[0]
        check_loop_table(incoming, project.datasets, towns, report)
    # Form and dataset rules can both catch one blank cell: say it once per cell.
    cells: set[tuple[int | None, str | None]] = set()
    unique = []
    for problem in report.problems:
        cell = (problem.where.row, problem.where.column)
        if problem.where.row is None or cell not in cells:
            unique.append(problem)
        cells.add(cell)
    report.problems[:] = unique
