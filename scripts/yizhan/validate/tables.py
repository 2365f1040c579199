"""Checks on datasets/: frictionless for types and constraints, our own rules on top."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable

import numpy as np
import pandas as pd
from frictionless import Schema

from ..feedback.messages import FIELD
from ..feedback.report import WARNING, Location, Report
from ..model.project import Dataset
from ..rules.numbers import id_number_problem, phone_problem
from ..rules.vocab import BUILDING, BUILT, GROUP, HANDLED, LEVELS, NOT_STARTED, TOWNSHIP, VILLAGE, tier_of

TYPE_NAMES = {
    "integer": ("整数", FIELD["integer"]),
    "number": ("数字", FIELD["number"]),
    "date": ("日期", FIELD["date"]),
    "boolean": ("是/否", "请填写 是 或 否"),
}
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


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


def _rows_of(frame: pd.DataFrame, key: str, bad: Callable[[str], str | None]) -> list[tuple[int, str, str]]:
    """(row, value, what is wrong) for every row whose value `bad` faults; `bad` runs once per distinct value."""
    codes, uniques = pd.factorize(frame[key].to_numpy(dtype=object))
    faults = [bad(u) for u in uniques]
    wrong = np.array([f is not None for f in faults] + [False])
    hit = np.flatnonzero(wrong[codes])
    rows, values = frame.index.to_numpy(), uniques
    return [(int(rows[i]), str(values[codes[i]]), str(faults[codes[i]])) for i in hit]


def check_types(dataset: Dataset, report: Report) -> None:
    """Frictionless reads every distinct value of every column; each fault becomes located messages.

    A table repeats few values many times (dates, station ids, counts), so each distinct value is
    judged once by frictionless' own cell reader, the authority on types and constraints.
    """
    schema = _frictionless_schema(dataset)
    for field in schema.fields:
        column = next(c for c in dataset.spec.columns if c.title == field.name)
        if column.key not in dataset.header_letters:
            continue  # a missing or unread column is reported once, at the header
        if field.type == "string" and field.format == "default" and not field.constraints:
            continue  # free text without constraints: frictionless finds no fault in any cell
        read = field.create_cell_reader()

        def fault(value: str, read: Callable = read) -> str | None:
            notes = read(value)[1]
            return next(iter(notes)) if notes else None

        skip = dataset.reported.get(column.key, set())
        places: dict[str, list] = {}
        for row, value, kind in _rows_of(dataset.frame, column.key, fault):
            if row in skip:
                continue
            code, values = _type_message(
                kind, value, column.type, field.name, dataset.spec.descriptor, column.key
            )
            places.setdefault(code, []).append((where(dataset, row, column.key), values))
        for code, found in places.items():
            report.add_rows(code, found)


def _type_message(
    kind: str, value: str, type_: str, title: str, descriptor: dict, key: str
) -> tuple[str, dict]:
    field = next(f for f in descriptor["fields"] if f["key"] == key)
    limits = field.get("constraints", {})
    if kind == "type":
        type_name, fix = TYPE_NAMES.get(type_, ("值", "请检查格式"))
        return "YZ-DATA-004", {"value": value, "type_name": type_name, "fix": fix}
    if kind == "required":
        return "YZ-DATA-003", {"title": title}
    if kind == "enum":
        return "YZ-DATA-005", {"value": value, "choices": "、".join(limits["enum"])}
    if kind == "minimum":
        return "YZ-DATA-007", {"value": value, "minimum": limits["minimum"]}
    if kind == "maximum":
        return "YZ-DATA-011", {"value": value, "maximum": limits["maximum"]}
    return "YZ-DATA-006", {"value": value, "fix": field.get("hint", "请检查格式")}


def check_values(dataset: Dataset, report: Report) -> None:
    """Uniqueness, ID numbers and phone numbers: checks frictionless does not know."""
    frame = dataset.frame
    for field in dataset.spec.descriptor["fields"]:
        key = field["key"]
        if key not in dataset.header_letters:
            continue
        if field.get("constraints", {}).get("unique"):
            values = frame[key]
            repeated = values.duplicated(keep=False) & (values != "")
            first: dict[str, int] = {}
            places = []
            for row, value in values[repeated].items():
                if value in first:
                    places.append(
                        (
                            where(dataset, row, key),
                            {"value": value, "other": first[value], "title": field["name"]},
                        )
                    )
                first.setdefault(value, row)
            report.add_rows("YZ-DATA-008", places)
        check = field.get("check")
        if check not in ("id_number", "phone"):
            continue
        skip = dataset.reported.get(key, set())
        rule = id_number_problem if check == "id_number" else phone_problem
        places = [
            (where(dataset, row, key), {"value": value, "reason": reason})
            for row, value, reason in _rows_of(frame, key, lambda v, rule=rule: rule(v) if v else None)
            if row not in skip
        ]
        report.add_rows("YZ-DATA-009" if check == "id_number" else "YZ-DATA-010", places)


def check_hierarchy(stations: Dataset, report: Report) -> tuple[set[str], set[tuple[str, str]], set[str]]:
    """A 组 belongs to a 村 which belongs to a 乡镇 that exists; returns the places and station ids.

    A station whose 层级 is not a known level has already been reported; the places it names count
    as existing, so its villages and groups are not reported again as "without a station".
    """
    frame = stations.frame
    levels = frame["level"].map(tier_of)
    unknown = frame[~frame["level"].isin(LEVELS)]
    towns = frame[levels == TOWNSHIP]
    town_ids = dict(zip(towns["township"], towns["station_id"], strict=True))
    villages = frame[levels == VILLAGE]
    village_ids = {
        (t, v): sid
        for t, v, sid in zip(villages["township"], villages["village"], villages["station_id"], strict=True)
    }
    unsure_towns = set(unknown["township"])
    unsure_villages = set(zip(unknown["township"], unknown["village"], strict=True))
    orphans: dict[str, list] = {"YZ-RULE-001": [], "YZ-RULE-002": []}
    inner = levels.isin((VILLAGE, GROUP))  # a 乡镇 row has nothing to check here
    keys = ("level", "township", "village", "group", "station_id")
    columns = [
        frame.index[inner],
        *(frame[k][inner] if k in frame else [""] * int(inner.sum()) for k in keys),
    ]
    for row, level_word, township, village, group, station_id in zip(*columns, strict=True):
        item = {"level": level_word, "township": township, "village": village, "group": group}
        level = tier_of(level_word)
        if township not in town_ids:
            if township not in unsure_towns:
                orphans["YZ-RULE-001"].append((where(stations, row, "township"), {"value": township}))
            continue
        needed = ["village"] + (["group"] if level == GROUP else [])
        missing = [k for k in needed if not item[k]]
        for key in missing:
            title = stations.spec.column(key).title
            report.add("YZ-RULE-007", where(stations, row, key), level=level_word, title=title)
        if missing:
            continue
        if level == VILLAGE:
            parent = town_ids[township]
        elif (township, village) in village_ids:
            parent = village_ids[(township, village)]
        else:
            if (township, village) not in unsure_villages:
                values = {"value": village, "township": township}
                orphans["YZ-RULE-002"].append((where(stations, row, "village"), values))
            continue
        if not str(station_id).startswith(parent + "-"):
            report.add("YZ-RULE-008", where(stations, row, "station_id"), value=station_id, parent=parent)
    for code, found in orphans.items():
        report.add_rows(code, found)
    places = set(town_ids) | unsure_towns, set(village_ids) | unsure_villages
    return *places, set(frame["station_id"])


def check_places(dataset: Dataset, towns: set[str], villages: set[tuple[str, str]], report: Report) -> None:
    """Townships and villages named in a table exist in the register (one message per problem kind)."""
    frame = dataset.frame
    unknown_town, unknown_village = [], []
    for row, township, village in zip(frame.index, frame["township"], frame["village"], strict=True):
        if not township:
            continue
        if township not in towns:
            unknown_town.append((where(dataset, row, "township"), {"value": township}))
        elif village and (township, village) not in villages:
            place = where(dataset, row, "village")
            unknown_village.append((place, {"value": village, "township": township}))
    report.add_rows("YZ-RULE-001", unknown_town)
    report.add_rows("YZ-RULE-002", unknown_village)


def check_station_refs(dataset: Dataset, station_ids: set[str], report: Report) -> None:
    values = dataset.frame["station_id"]
    unknown = values[(values != "") & ~values.isin(station_ids)]
    report.add_rows(
        "YZ-RULE-003", [(where(dataset, r, "station_id"), {"value": v}) for r, v in unknown.items()]
    )


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


def _out_of_step(frame: pd.DataFrame, earlier: str, later: str) -> pd.Series:
    """Rows where `_date_pair` has a message: both dates given, the later one before the earlier."""
    return (frame[earlier] != "") & (frame[later] != "") & (frame[later] < frame[earlier])


def _floats(values: pd.Series) -> pd.Series:
    """Each cell as `float()` reads it (0.0 when it cannot), read once per distinct value."""
    codes, uniques = pd.factorize(values.to_numpy(dtype=object))
    numbers = np.array([_float(u) for u in uniques] + [0.0])
    return pd.Series(numbers[codes], index=values.index)


def _float(value: object) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0


def check_projects(projects: Dataset, policy_ids: set[str], report: Report) -> None:
    """Each project: a known policy, paid within planned, dates in order, dates its status needs.

    The columns are compared whole first; only the rows with something to say are read one by one."""
    frame = projects.frame
    status = frame["status"]
    suspect = (frame["policy_id"] != "") & ~frame["policy_id"].isin(policy_ids)
    planned, paid = _floats(frame["planned"]), _floats(frame["paid"])
    suspect |= paid > planned
    suspect |= _out_of_step(frame, "actual_start", "actual_end")
    suspect |= _out_of_step(frame, "planned_start", "planned_end")
    suspect |= status.isin((BUILDING, BUILT)) & (frame["actual_start"] == "")
    suspect |= (status == BUILT) & (frame["actual_end"] == "")
    suspect |= (status == NOT_STARTED) & ((frame["actual_start"] != "") | (frame["actual_end"] != ""))
    for row, item in frame[suspect].iterrows():
        _check_project(projects, row, item, policy_ids, report)


def _check_project(
    projects: Dataset, row: int, item: pd.Series, policy_ids: set[str], report: Report
) -> None:
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
    if status in (BUILDING, BUILT):
        _status_needs(projects, row, item, status, "actual_start", report)
    if status == BUILT:
        _status_needs(projects, row, item, status, "actual_end", report)
    for key in ("actual_start", "actual_end") if status == NOT_STARTED else ():
        if item[key]:
            title = projects.spec.column(key).title
            report.add("YZ-RULE-010", where(projects, row, key), status=status, title=title)


def check_feedback(feedback: Dataset, report: Report) -> None:
    """Closed after it came in; a handled opinion has its closing date (only such rows read one by one)."""
    frame = feedback.frame
    suspect = _out_of_step(frame, "date", "closed_date")
    suspect |= (frame["status"] == HANDLED) & (frame["closed_date"] == "")
    for row, item in frame[suspect].iterrows():
        _check_opinion(feedback, row, item, report)


def _check_opinion(feedback: Dataset, row: int, item: pd.Series, report: Report) -> None:
    _date_pair(feedback, row, item, "date", "closed_date", report)
    if item["status"] == HANDLED:
        _status_needs(feedback, row, item, HANDLED, "closed_date", report)


def check_not_after(dataset: Dataset, keys: tuple[str, ...], edition: str, report: Report) -> None:
    """Dates of things already done (开工, 办结, 收集) cannot be later than the edition being published."""
    for key in keys:
        title = dataset.spec.column(key).title
        values = dataset.frame[key]
        later = values[
            (values > edition) & values.str.fullmatch(_ISO_DATE.pattern).fillna(False).astype(bool)
        ]
        places = [
            (where(dataset, row, key), {"title": title, "value": value, "edition": edition})
            for row, value in later.items()
        ]
        # grouped here as `validate` groups the rows of one column: no sentence made for each of 10,000 rows
        report.add_rows("YZ-RULE-011", places, severity=WARNING)
