"""The typed objects passed between stages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..feedback.report import Report
from ..intake.yamlfile import YamlDoc
from ..rules.eligibility import ConditionSet
from ..rules.vocab import PlaceWords
from ..rules.workdays import WorkCalendar

HANDBOOK_SIZES = ("A4", "A5")  # 政策手册的开本（content/county.yml 的 handbook_size）


@dataclass(frozen=True)
class Commitment:
    name: str
    text: str


@dataclass(frozen=True)
class County:
    county: str
    region: str
    bureau: str
    bureau_address: str
    hotline: str
    consult_phone: str
    supervision_phone: str
    site_url: str
    edition: dt.date
    disclosure_days: int
    retention_months: int
    feedback_time_limit_days: int
    service_day: str
    service_hours: str
    categories: tuple[str, ...]
    commitments: tuple[Commitment, ...]
    handbook_size: str = "A4"  # one of HANDBOOK_SIZES; A5 also makes a booklet for folding
    places: PlaceWords = field(
        default_factory=PlaceWords
    )  # 乡镇/村/组 or 街道/社区/网格, from the station register
    disclosure_in_workdays: bool = False  # 公示期 counted in 工作日 instead of calendar days
    calendar: WorkCalendar = field(default_factory=WorkCalendar, compare=False)  # 工作日 with 调休
    public_officials: tuple[str, ...] = ()  # 责任人 names the county publishes (officials, never residents)


@dataclass(frozen=True)
class Step:
    title: str
    level: str
    days: int
    detail: str = ""


@dataclass(frozen=True)
class Material:
    name: str
    note: str = ""


@dataclass(frozen=True)
class Faq:
    q: str
    a: str


@dataclass(frozen=True)
class Policy:
    id: str
    name: str
    short_name: str
    category: str
    order: int
    summary: str
    eligibility: tuple[str, ...]
    benefits: tuple[str, ...]
    materials: tuple[Material, ...]
    steps: tuple[Step, ...]
    time_limit_days: int
    where: str
    accept_at: tuple[str, ...]
    basis: tuple[str, ...]
    phone: str
    faq: tuple[Faq, ...] = ()
    forms: tuple[str, ...] = ()
    source: str = ""
    aliases: tuple[str, ...] = ()  # what residents call it (尊老金 for 高龄津贴): search finds these
    conditions: tuple[ConditionSet, ...] = ()  # 政策找人: groups of structured conditions, any one fits
    situations: tuple[str, ...] = ()  # 情形 words it belongs under besides those its conditions name


@dataclass(frozen=True)
class Column:
    """One column of a dataset schema: the Chinese title users type and our internal key."""

    title: str
    key: str
    type: str
    publication: str
    mask: str | None = None
    check: str | None = None
    required: bool = False
    vocab: str | None = None  # a kind in vocab.ALIASES: what officers type is read as the expected word
    kind: str | None = None  # "code" or "yearmonth": text read with half-width digits and letters


@dataclass(frozen=True)
class TableSpec:
    name: str  # internal name, e.g. "stations"
    title: str  # Chinese file stem, e.g. "驿站名录"
    path: str  # file name inside datasets/
    descriptor: dict[str, Any]
    columns: tuple[Column, ...]

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


@dataclass
class Dataset:
    """A table after loading: text cells keyed by internal column keys."""

    spec: TableSpec
    file: Path
    source: str  # path shown to users, relative to the project
    frame: pd.DataFrame  # internal keys as columns, strings; index = spreadsheet row number
    header_letters: dict[str, str] = field(default_factory=dict)  # key → Excel letter
    encoding: str = "utf-8"
    reported: dict[str, set[int]] = field(default_factory=dict)  # key → rows already given a message


@dataclass
class Project:
    """Everything read from a project folder, still as typed by people (not yet validated)."""

    root: Path
    county_doc: YamlDoc | None
    policy_docs: dict[str, YamlDoc]  # source path → document
    form_docs: dict[str, YamlDoc]  # source path → document
    specs: dict[str, TableSpec]
    datasets: dict[str, Dataset]
    pages: dict[str, str]  # narrative markdown pages: file name → text
    load_report: Report = field(default_factory=Report)


@dataclass
class Model:
    """A validated project: typed settings, policies and tables."""

    root: Path
    county: County
    policies: list[Policy]
    forms: dict[str, dict[str, Any]]
    specs: dict[str, TableSpec]
    tables: dict[str, pd.DataFrame]  # typed values, internal keys
    pages: dict[str, str]
