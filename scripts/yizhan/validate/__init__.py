"""Stage 2: Project → Report of every problem; a valid project becomes a typed Model."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pandas as pd

from ..feedback.report import Report
from ..forms import with_datasets
from ..forms.check import check_forms
from ..model.project import Commitment, County, Faq, Material, Model, Policy, Project, Step
from ..rules.eligibility import CONDITION_WORDS, ConditionSet
from ..rules.ids import MAX_LENGTH, is_safe_id
from ..rules.vocab import place_words
from ..rules.workdays import calendar_from
from . import tables
from .applications import check_applications, check_calendar_years
from .content import check_county, check_policies
from .loops import LOOP_TABLES, LOOP_TARGETS, check_loop_table

# Dates of things that have happened: a warning when one is later than the edition date.
DONE_DATES = {
    "projects": ("actual_start", "actual_end"),
    "feedback": ("date", "closed_date"),
    "services": ("date",),
    "problems": ("found_date", "closed_date"),
    "visits": ("visit_date",),
    "revisits": ("revisit_date",),
    "inspections": ("check_date",),
}


# Tables other tables refer to: with one of them changed, a problem can appear in another file.
REFERRED_TO = frozenset({"stations", *LOOP_TARGETS})


def _form_codes(project: Project) -> set[str]:
    return {source.rsplit("/", 1)[-1].removesuffix(".yml") for source in project.form_docs}


def validate(project: Project) -> Report:
    """Every problem in content/ and datasets/, in one report."""
    report = Report()
    report.extend(project.load_report)
    categories: set[str] = set()
    if project.county_doc is not None:
        check_county(project.county_doc, report)
        data = project.county_doc.data if isinstance(project.county_doc.data, dict) else {}
        categories = {str(c) for c in data.get("categories") or []}
    check_policies(project.policy_docs, categories, _form_codes(project), report)
    check_forms(project.form_docs, project.specs, report)
    for dataset in project.datasets.values():
        tables.check_types(dataset, report)
        tables.check_values(dataset, report)
    row_checks = len(report.problems)  # from here on, checks report row by row: grouped below
    _check_references(project, report)
    _check_done_dates(project, report)
    report.group_rows(row_checks)
    return report


def validate_table(project: Project, name: str) -> Report:
    """What `validate` reports in one table's file, its reading aside: the same checks, on that table alone.

    Every other problem is in another file and does not depend on this table's rows, except the
    references to the tables in REFERRED_TO (the 驿站名录 every table names its stations and places in,
    and the tables the loop records name): with one of those changed, only `validate` says whether
    the county is valid. tests/test_validate_columns.py compares the two."""
    report = Report()
    dataset = project.datasets[name]
    tables.check_types(dataset, report)
    tables.check_values(dataset, report)
    row_checks = len(report.problems)
    _check_references(project, report, only=name)
    _check_done_dates(project, report, only=name)
    report.group_rows(row_checks)
    return report


def _edition(project: Project) -> dt.date | None:
    data = project.county_doc.data if project.county_doc and isinstance(project.county_doc.data, dict) else {}
    edition = data.get("edition")
    return edition if isinstance(edition, dt.date) else None


def _check_done_dates(project: Project, report: Report, only: str | None = None) -> None:
    edition = _edition(project)
    for name, keys in DONE_DATES.items():
        if edition is not None and name in project.datasets and only in (None, name):
            tables.check_not_after(project.datasets[name], keys, edition.isoformat(), report)


def _check_references(project: Project, report: Report, only: str | None = None) -> None:
    """The rules across tables; `only`: just those reporting in that table's file."""
    data = project.datasets
    if "stations" not in data:
        return
    if only in (None, "stations"):
        _check_station_ids(data["stations"], report)
    hierarchy = report if only in (None, "stations") else Report()
    towns, villages, station_ids = tables.check_hierarchy(data["stations"], hierarchy)
    for name in ("recipients", "projects"):
        if name in data and only in (None, name):
            tables.check_places(data[name], towns, villages, report)
    for name in ("feedback", "services", "revisits", "visits", "applications", "problems"):
        if name in data and only in (None, name):
            tables.check_station_refs(data[name], station_ids, report)
    policy_ids = {str(d.data.get("id")) for d in project.policy_docs.values() if isinstance(d.data, dict)}
    if "projects" in data and only in (None, "projects"):
        tables.check_projects(data["projects"], policy_ids, report)
    if "applications" in data and only in (None, "applications"):
        check_applications(data["applications"], policy_ids, report)
    if "applications" in data and only is None:  # a warning in content/county.yml
        county = (
            project.county_doc.data
            if project.county_doc and isinstance(project.county_doc.data, dict)
            else {}
        )
        limits = [
            d.data.get("time_limit_days") for d in project.policy_docs.values() if isinstance(d.data, dict)
        ]
        longest = max([x for x in limits if isinstance(x, int)] or [0])
        check_calendar_years(data["applications"], calendar_from(county.get("workdays")), longest, report)
    if "feedback" in data and only in (None, "feedback"):
        tables.check_feedback(data["feedback"], report)
    for name in LOOP_TABLES:
        if name in data and only in (None, name):
            check_loop_table(data[name], data, towns, report)


def _check_station_ids(stations: Any, report: Report) -> None:
    """Station ids name posters and pages: the safe-name rule, even where a county's schema is looser."""
    for row, value in stations.frame["station_id"].items():
        if value and not is_safe_id(str(value)):
            where = tables.where(stations, row, "station_id")
            report.add("YZ-YAML-016", where, title="驿站编号", value=value, limit=MAX_LENGTH)


def _strings(values: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in values or ())


def to_policy(data: dict[str, Any], source: str) -> Policy:
    return Policy(
        id=str(data["id"]),
        name=str(data["name"]),
        short_name=str(data.get("short_name") or ""),
        category=str(data["category"]),
        order=int(data.get("order") or 999),
        summary=str(data["summary"]),
        eligibility=_strings(data["eligibility"]),
        benefits=_strings(data["benefits"]),
        materials=tuple(Material(str(m["name"]), str(m.get("note") or "")) for m in data["materials"]),
        steps=tuple(
            Step(str(s["title"]), str(s["level"]), int(s["days"]), str(s.get("detail") or ""))
            for s in data["steps"]
        ),
        time_limit_days=int(data["time_limit_days"]),
        where=str(data["where"]),
        accept_at=_strings(data["accept_at"]),
        basis=_strings(data["basis"]),
        phone=str(data["phone"]),
        faq=tuple(Faq(str(f["q"]), str(f["a"])) for f in data.get("faq") or ()),
        forms=_strings(data.get("forms")),
        source=source,
        aliases=tuple(dict.fromkeys(str(a).strip() for a in data.get("aliases") or ())),
        conditions=tuple(to_conditions(c) for c in data.get("conditions") or ()),
        situations=_strings(data.get("situations")),
    )


def to_conditions(data: dict[str, Any]) -> ConditionSet:
    """One validated group of 政策找人 conditions."""
    age = data.get("age") or {}
    words = tuple(
        (key, _strings(value if isinstance(value, list) else [value]))
        for key, value in data.items()
        if key in CONDITION_WORDS and value
    )
    return ConditionSet(age.get("min"), age.get("max"), str(data.get("hukou") or ""), words)


def to_county(data: dict[str, Any]) -> County:
    return County(
        county=str(data["county"]),
        region=str(data.get("region") or ""),
        bureau=str(data["bureau"]),
        bureau_address=str(data.get("bureau_address") or ""),
        hotline=str(data["hotline"]),
        consult_phone=str(data["consult_phone"]),
        supervision_phone=str(data["supervision_phone"]),
        site_url=str(data.get("site_url") or "").rstrip("/"),
        edition=data["edition"],
        disclosure_days=int(data["disclosure_days"]),
        retention_months=int(data.get("retention_months") or 12),
        feedback_time_limit_days=int(data.get("feedback_time_limit_days") or 15),
        service_day=str(data["service_day"]),
        service_hours=str(data.get("service_hours") or ""),
        categories=_strings(data["categories"]),
        commitments=tuple(Commitment(str(c["name"]), str(c["text"])) for c in data["commitments"]),
        handbook_size=str(data.get("handbook_size") or "A4"),
        disclosure_in_workdays=data.get("disclosure_day_kind") == "工作日",
        calendar=calendar_from(data.get("workdays")),
        public_officials=tuple(dict.fromkeys(s.strip() for s in _strings(data.get("public_officials")))),
    )


def typed_frame(frame: pd.DataFrame, columns: Any) -> pd.DataFrame:
    """Text cells → typed columns (dates as datetime64, numbers as numbers); blank rows dropped."""
    frame = frame[(frame != "").any(axis=1)].copy()
    for column in columns:
        values = frame[column.key]
        if column.type == "date":
            frame[column.key] = pd.to_datetime(values.replace("", None), format="%Y-%m-%d")
        elif column.type == "integer":
            frame[column.key] = pd.to_numeric(values).astype("int64")
        elif column.type == "number":
            frame[column.key] = pd.to_numeric(values).astype("float64")
    return frame


def to_model(project: Project) -> Model:
    """Build typed objects from a project that `validate` found valid."""
    county_data = project.county_doc.data  # type: ignore[union-attr]
    policies = [to_policy(doc.data, source) for source, doc in project.policy_docs.items()]
    order = {c: i for i, c in enumerate(county_data["categories"])}
    policies.sort(key=lambda p: (order.get(p.category, 99), p.order, p.source))
    forms = {
        source.rsplit("/", 1)[-1].removesuffix(".yml"): doc.data for source, doc in project.form_docs.items()
    }
    forms = with_datasets(forms, project.specs)
    frames = {name: typed_frame(d.frame, d.spec.columns) for name, d in project.datasets.items()}
    county = to_county(county_data)
    if "stations" in frames:
        county = replace(county, places=place_words(frames["stations"]["level"], county.county))
    return Model(project.root, county, policies, forms, project.specs, frames, project.pages)
