"""Checks on datasets/: frictionless for types and constraints, our own rules on top."""

from __future__ import annotations

import copy
import re

import pandas as pd
from frictionless import Resource, Schema

from ..model import Dataset
from ..numbers import id_number_problem, is_phone
from ..report import WARNING, Location, Report
from ..vocab import GROUP, TOWNSHIP, VILLAGE, tier_of

TYPE_NAMES = {
    "integer": ("整数", "请填写整数，不要带单位或小数点"),
    "number": ("数字", "请填写数字，不要带单位（如“元”“万元”）"),
    "date": ("日期", "请按 2026-11-20 的格式填写日期"),
    "boolean": ("是/否", "请填写 是 或 否"),
}
_CONSTRAINT = re.compile(r'constraint "(\w+)"')


def where(dataset: Dataset, row: int, key: str) -> Location:
    column = dataset.spec.column(key)
    return Location(dataset.source, row=row, column=dataset.header_letters.get(key), title=column.title)


def _frictionless_schema(dataset: Dataset) -> Schema:
    """The schema without uniqueness (checked here, to name the other row)."""
    descriptor = copy.deepcopy(dataset.spec.descriptor)
    descriptor.pop("primaryKey", None)
    for field in descriptor["fields"]:
        field.get("constraints", {}).pop("unique", None)
        if field.get("type") == "date":
            field["format"] = "%Y-%m-%d"
    return Schema.from_descriptor(descriptor)


def check_types(dataset: Dataset, report: Report) -> None:
    """Run frictionless over the table and translate every error into a located message."""
    frame = dataset.frame
    keys = [c.key for c in dataset.spec.columns]
    header = [c.title for c in dataset.spec.columns]
    rows = frame[keys].to_numpy().tolist()
    resource = Resource(data=[header, *rows], schema=_frictionless_schema(dataset))
    result = resource.validate(limit_errors=10**7)
    by_title = {c.title: c for c in dataset.spec.columns}
    for task in result.tasks:
        for error in task.errors:
            if error.type == "blank-row" or error.type not in ("type-error", "constraint-error"):
                continue
            column = by_title[error.field_name]
            value = str(error.cell)
            loc = where(dataset, error.row_number, column.key)
            if error.type == "type-error":
                type_name, fix = TYPE_NAMES.get(column.type, ("值", "请检查格式"))
                report.add("YZ-DATA-004", loc, value=value, type_name=type_name, fix=fix)
                continue
            match = _CONSTRAINT.search(error.note)
            _constraint_message(report, loc, match.group(1) if match else "", value, column.key, dataset)


def _constraint_message(
    report: Report, loc: Location, constraint: str, value: str, key: str, dataset: Dataset
) -> None:
    field = next(f for f in dataset.spec.descriptor["fields"] if f["key"] == key)
    limits = field.get("constraints", {})
    if constraint == "required":
        report.add("YZ-DATA-003", loc, title=field["name"])
    elif constraint == "enum":
        report.add("YZ-DATA-005", loc, value=value, choices="、".join(limits["enum"]))
    elif constraint == "minimum":
        report.add("YZ-DATA-007", loc, value=value, minimum=limits["minimum"])
    elif constraint == "maximum":
        report.add("YZ-DATA-011", loc, value=value, maximum=limits["maximum"])
    else:
        report.add("YZ-DATA-006", loc, value=value, fix=field.get("hint", "请检查格式"))


def check_values(dataset: Dataset, report: Report) -> None:
    """Uniqueness, ID numbers and phone numbers: checks frictionless does not know."""
    frame = dataset.frame
    for field in dataset.spec.descriptor["fields"]:
        key = field["key"]
        if field.get("constraints", {}).get("unique"):
            first: dict[str, int] = {}
            for row, value in frame[key].items():
                if value and value in first:
                    loc = where(dataset, row, key)
                    report.add("YZ-DATA-008", loc, value=value, other=first[value], title=field["name"])
                first.setdefault(value, row)
        check = field.get("check")
        if not check:
            continue
        for row, value in frame[key].items():
            if not value:
                continue
            if check == "id_number":
                problem = id_number_problem(value)
                if problem:
                    report.add("YZ-DATA-009", where(dataset, row, key), value=value, reason=problem)
            elif check == "phone" and not is_phone(value):
                report.add("YZ-DATA-010", where(dataset, row, key), value=value)


def check_hierarchy(stations: Dataset, report: Report) -> tuple[set[str], set[tuple[str, str]], set[str]]:
    """A 组 belongs to a 村 which belongs to a 乡镇 that exists; returns the places and station ids."""
    frame = stations.frame
    levels = frame["level"].map(tier_of)
    towns = frame[levels == TOWNSHIP]
    town_ids = dict(zip(towns["township"], towns["station_id"], strict=True))
    villages = frame[levels == VILLAGE]
    village_ids = {
        (t, v): sid
        for t, v, sid in zip(villages["township"], villages["village"], villages["station_id"], strict=True)
    }
    for row, item in frame.iterrows():
        level = levels[row]
        if level not in (VILLAGE, GROUP):
            continue
        if item["township"] not in town_ids:
            report.add("YZ-RULE-001", where(stations, row, "township"), value=item["township"])
            continue
        needed = ["village"] + (["group"] if level == GROUP else [])
        missing = [k for k in needed if not item[k]]
        for key in missing:
            title = stations.spec.column(key).title
            report.add("YZ-RULE-007", where(stations, row, key), level=item["level"], title=title)
        if missing:
            continue
        if level == VILLAGE:
            parent = town_ids[item["township"]]
        elif (item["township"], item["village"]) in village_ids:
            parent = village_ids[(item["township"], item["village"])]
        else:
            loc = where(stations, row, "village")
            report.add("YZ-RULE-002", loc, value=item["village"], township=item["township"])
            continue
        if not str(item["station_id"]).startswith(parent + "-"):
            report.add(
                "YZ-RULE-008", where(stations, row, "station_id"), value=item["station_id"], parent=parent
            )
    return set(town_ids), set(village_ids), set(frame["station_id"])


def check_places(dataset: Dataset, towns: set[str], villages: set[tuple[str, str]], report: Report) -> None:
    frame = dataset.frame
    for row, township, village in zip(frame.index, frame["township"], frame["village"], strict=True):
        if not township:
            continue
        if township not in towns:
            report.add("YZ-RULE-001", where(dataset, row, "township"), value=township)
        elif village and (township, village) not in villages:
            report.add("YZ-RULE-002", where(dataset, row, "village"), value=village, township=township)


def check_station_refs(dataset: Dataset, station_ids: set[str], report: Report) -> None:
    for row, value in dataset.frame["station_id"].items():
        if value and value not in station_ids:
            report.add("YZ-RULE-003", where(dataset, row, "station_id"), value=value)


def _date_pair(dataset: Dataset, row: int, item: pd.Series, earlier: str, later: str, report: Report) -> None:
    if item[earlier] and item[later] and item[later] < item[earlier]:
        spec = dataset.spec
        report.add(
            "YZ-RULE-006",
            where(dataset, row, later),
            later_title=spec.column(later).title,
            later=item[later],
            earlier_title=spec.column(earlier).title,
            earlier=item[earlier],
        )


def _status_needs(dataset: Dataset, row: int, item: pd.Series, status: str, key: str, report: Report) -> None:
    title = dataset.spec.column(key).title
    if not item[key]:
        report.add("YZ-RULE-009", where(dataset, row, key), status=status, title=title)


def check_projects(projects: Dataset, policy_ids: set[str], report: Report) -> None:
    for row, item in projects.frame.iterrows():
        if item["policy_id"] and item["policy_id"] not in policy_ids:
            report.add("YZ-RULE-004", where(projects, row, "policy_id"), value=item["policy_id"])
        try:
            planned, paid = float(item["planned"]), float(item["paid"])
        except ValueError:
            planned = paid = 0.0
        if paid > planned:
            loc = where(projects, row, "paid")
            report.add("YZ-RULE-005", loc, severity=WARNING, paid=item["paid"], planned=item["planned"])
        _date_pair(projects, row, item, "actual_start", "actual_end", report)
        _date_pair(projects, row, item, "planned_start", "planned_end", report)
        status = item["status"]
        if status in ("在建", "已完工"):
            _status_needs(projects, row, item, status, "actual_start", report)
        if status == "已完工":
            _status_needs(projects, row, item, status, "actual_end", report)
        for key in ("actual_start", "actual_end") if status == "未开工" else ():
            if item[key]:
                title = projects.spec.column(key).title
                report.add("YZ-RULE-010", where(projects, row, key), status=status, title=title)


def check_feedback(feedback: Dataset, report: Report) -> None:
    for row, item in feedback.frame.iterrows():
        _date_pair(feedback, row, item, "date", "closed_date", report)
        if item["status"] == "已办结":
            _status_needs(feedback, row, item, "已办结", "closed_date", report)
