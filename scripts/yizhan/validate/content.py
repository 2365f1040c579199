"""Checks on content/: county settings and policy files, each problem with file and line."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..feedback.report import Location, Report
from ..intake.yamlfile import YamlDoc
from ..model.project import HANDBOOK_SIZES
from ..rules.eligibility import AGE_LIMIT, CONDITION_TITLES, CONDITION_WORDS, HUKOU_WORDS, situation_words
from ..rules.ids import MAX_LENGTH, is_safe_id
from ..rules.numbers import is_phone
from ..rules.vocab import DECIDED_AT, STEP_LEVELS, TIERS


@dataclass(frozen=True)
class Key:
    """One expected key of a YAML mapping."""

    key: str
    title: str
    kind: str  # "text", "int", "list", "date", "phone", "bool", "mapping"
    required: bool = True
    choices: tuple[str, ...] = ()
    items: tuple[Key, ...] = ()  # for a list of mappings


COUNTY_KEYS = (
    Key("county", "县名", "text"),
    Key("region", "所属市州", "text", required=False),
    Key("bureau", "主管单位", "text"),
    Key("bureau_address", "单位地址", "text", required=False),
    Key("hotline", "便民热线", "phone"),
    Key("consult_phone", "咨询电话", "phone"),
    Key("supervision_phone", "监督电话", "phone"),
    Key("site_url", "网站地址", "text", required=False),
    Key("edition", "版次日期", "date"),
    Key("disclosure_days", "公示天数", "int"),
    Key("retention_months", "公示保留月数", "int", required=False),
    Key("feedback_time_limit_days", "意见办理时限", "int", required=False),
    Key("disclosure_day_kind", "公示期计法", "text", required=False, choices=("自然日", "工作日")),
    Key("workdays", "放假和调休安排", "mapping", required=False),
    Key("service_day", "服务日", "text"),
    Key("service_hours", "服务时间", "text", required=False),
    Key("handbook_size", "手册开本", "text", required=False, choices=HANDBOOK_SIZES),
    Key("public_officials", "公开姓名的责任人", "list", required=False),
    Key("categories", "政策类别", "list"),
    Key(
        "commitments",
        "服务承诺",
        "list",
        items=(Key("name", "承诺名称", "text"), Key("text", "承诺内容", "text")),
    ),
)

ALIAS_LIMIT = 12  # characters: a name people say, not a sentence

AGE_KEYS = (Key("min", "最小年龄", "int", required=False), Key("max", "最大年龄", "int", required=False))
CONDITION_KEYS = (
    Key("age", CONDITION_TITLES["age"], "mapping", required=False, items=AGE_KEYS),
    Key("hukou", CONDITION_TITLES["hukou"], "text", required=False, choices=HUKOU_WORDS),
    Key("income", CONDITION_TITLES["income"], "text", required=False, choices=CONDITION_WORDS["income"]),
    *(
        Key(key, CONDITION_TITLES[key], "list", required=False, choices=CONDITION_WORDS[key])
        for key in ("disability", "household", "children", "housing", "illness", "events")
    ),
)

POLICY_KEYS = (
    Key("id", "政策编号", "text"),
    Key("name", "政策名称", "text"),
    Key("short_name", "简称", "text", required=False),
    Key("category", "政策类别", "text"),
    Key("order", "手册中的顺序", "int", required=False),
    Key("summary", "一句话说明", "text"),
    Key("eligibility", "申请条件", "list"),
    Key("benefits", "保障标准", "list"),
    Key(
        "materials",
        "所需材料",
        "list",
        items=(Key("name", "材料名称", "text"), Key("note", "说明", "text", required=False)),
    ),
    Key(
        "steps",
        "办理流程",
        "list",
        items=(
            Key("title", "步骤名称", "text"),
            Key("level", "负责层级", "text", choices=STEP_LEVELS),
            Key("days", "步骤时限", "int"),
            Key("detail", "步骤说明", "text", required=False),
        ),
    ),
    Key("time_limit_days", "办结时限", "int"),
    Key("where", "办理层级", "text", choices=tuple(DECIDED_AT)),
    Key("accept_at", "受理驿站层级", "list", choices=TIERS),
    Key("basis", "政策依据", "list"),
    Key("phone", "咨询电话", "phone"),
    Key(
        "faq", "常见问题", "list", required=False, items=(Key("q", "问题", "text"), Key("a", "回答", "text"))
    ),
    Key("forms", "相关表格", "list", required=False),
    Key("aliases", "群众叫法", "list", required=False),
    Key("conditions", "政策找人条件", "list", required=False, items=CONDITION_KEYS),
    Key("situations", "相关情形", "list", required=False, choices=tuple(situation_words())),
)

EXPECTED = {
    "text": "文字",
    "int": "整数（如 20）",
    "list": "列表（每项一行，以“- ”开头）",
    "date": "日期（如 2026-11-20）",
    "phone": "电话号码",
    "mapping": "若干“键: 值”",
}


def _kind_ok(kind: str, value: Any) -> bool:
    checks: dict[str, Callable[[Any], bool]] = {
        "text": lambda v: isinstance(v, str | int | float) and not isinstance(v, bool),
        "int": lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 0,
        "list": lambda v: isinstance(v, list),
        "date": lambda v: isinstance(v, dt.date),
        "phone": lambda v: isinstance(v, str | int) and is_phone(str(v)),
        "mapping": lambda v: isinstance(v, dict),
    }
    return checks[kind](value)


def check_mapping(
    doc: YamlDoc, data: Any, keys: tuple[Key, ...], path: tuple, source: str, report: Report
) -> None:
    """Check one mapping against its keys, recursing into lists of mappings."""
    where = Location(source, line=doc.line(*path))
    if not isinstance(data, dict):
        report.add(
            "YZ-YAML-003",
            where,
            title="内容",
            key=".".join(map(str, path)) or "全文",
            expected=EXPECTED["mapping"],
        )
        return
    known = {k.key for k in keys}
    for extra in data:
        if extra not in known:
            report.add(
                "YZ-YAML-006",
                Location(source, line=doc.line(*path, str(extra))),
                severity="warning",
                key=extra,
            )
    for key in keys:
        here = Location(source, line=doc.line(*path, key.key))
        value = data.get(key.key)
        if value is None or value == "" or value == []:
            if key.required and key.key in data:
                report.add("YZ-YAML-005", here, title=key.title, key=key.key)
            elif key.required:
                # A missing top-level key has no line; a missing item key points at its item.
                missing_at = Location(source, line=doc.line(*path) if path else None)
                report.add("YZ-YAML-002", missing_at, title=key.title, key=key.key)
            continue
        if key.kind == "phone" and isinstance(value, str | int) and not is_phone(str(value)):
            report.add("YZ-YAML-011", here, value=value)
            continue
        if key.kind == "date" and not _kind_ok("date", value):
            report.add("YZ-YAML-012", here, value=value)
            continue
        if not _kind_ok(key.kind, value):
            report.add("YZ-YAML-003", here, title=key.title, key=key.key, expected=EXPECTED[key.kind])
            continue
        values = value if key.kind == "list" else [value]
        for index, item in enumerate(values):
            item_path = (*path, key.key, index) if key.kind == "list" else (*path, key.key)
            if key.items:
                check_mapping(doc, item, key.items, item_path, source, report)
            elif key.choices and str(item) not in key.choices:
                item_where = Location(source, line=doc.line(*item_path))
                report.add(
                    "YZ-YAML-004",
                    item_where,
                    title=key.title,
                    key=key.key,
                    value=item,
                    choices="、".join(key.choices),
                )
            elif key.kind == "list" and not _kind_ok("text", item):
                item_where = Location(source, line=doc.line(*item_path))
                report.add("YZ-YAML-003", item_where, title=key.title, key=key.key, expected="每项一段文字")


WORKDAY_KEYS = (
    Key("holidays", "放假日期", "list", required=False),
    Key("workdays", "调休上班日期", "list", required=False),
)


def check_county(doc: YamlDoc, report: Report) -> None:
    source = "content/county.yml"
    check_mapping(doc, doc.data, COUNTY_KEYS, (), source, report)
    days = doc.data.get("workdays") if isinstance(doc.data, dict) else None
    if not isinstance(days, dict):
        return
    check_mapping(doc, days, WORKDAY_KEYS, ("workdays",), source, report)
    for key in ("holidays", "workdays"):
        for index, value in enumerate(days.get(key) or [] if isinstance(days.get(key), list) else []):
            if not isinstance(value, dt.date):
                report.add(
                    "YZ-YAML-012", Location(source, line=doc.line("workdays", key, index)), value=value
                )


def check_policies(
    docs: dict[str, YamlDoc], categories: set[str], form_codes: set[str], report: Report
) -> None:
    """Each policy file against POLICY_KEYS, then the rules that span keys and files."""
    seen: dict[str, str] = {}
    for source, doc in docs.items():
        check_mapping(doc, doc.data, POLICY_KEYS, (), source, report)
        data = doc.data if isinstance(doc.data, dict) else {}
        stem = source.rsplit("/", 1)[-1].removesuffix(".yml")
        policy_id = str(data.get("id") or "")
        if policy_id and not is_safe_id(policy_id, lowercase=True):
            where = Location(source, line=doc.line("id"))
            report.add("YZ-YAML-016", where, title="政策编号", value=policy_id, limit=MAX_LENGTH)
        if policy_id and policy_id != stem:
            report.add("YZ-YAML-007", Location(source, line=doc.line("id")), value=policy_id, stem=stem)
        if policy_id in seen:
            report.add(
                "YZ-YAML-009", Location(source, line=doc.line("id")), value=policy_id, other=seen[policy_id]
            )
        seen.setdefault(policy_id, source)
        category = data.get("category")
        if categories and category and category not in categories:
            where = Location(source, line=doc.line("category"))
            report.add(
                "YZ-YAML-004",
                where,
                title="政策类别",
                key="category",
                value=category,
                choices="、".join(sorted(categories)),
            )
        steps = data.get("steps")
        limit = data.get("time_limit_days")
        if isinstance(steps, list) and isinstance(limit, int):
            total = sum(
                s.get("days", 0) for s in steps if isinstance(s, dict) and isinstance(s.get("days"), int)
            )
            if total > limit:
                report.add(
                    "YZ-YAML-008",
                    Location(source, line=doc.line("time_limit_days")),
                    total=total,
                    limit=limit,
                )
        for index, code in enumerate(data.get("forms") or []):
            if str(code) not in form_codes:
                report.add("YZ-YAML-010", Location(source, line=doc.line("forms", index)), value=code)
        _check_conditions(doc, data.get("conditions"), source, report)
    _check_aliases(docs, report)


def _names(data: dict[str, Any]) -> list[tuple[str, tuple[str | int, ...]]]:
    """A policy's name, short name and aliases, each with its YAML path."""
    found: list[tuple[str, tuple[str | int, ...]]] = [
        (str(data[key]), (key,)) for key in ("name", "short_name") if isinstance(data.get(key), str)
    ]
    aliases = data.get("aliases")
    for index, alias in enumerate(aliases if isinstance(aliases, list) else []):
        if isinstance(alias, str | int) and not isinstance(alias, bool):
            found.append((str(alias).strip(), ("aliases", index)))
    return found


def _check_aliases(docs: dict[str, YamlDoc], report: Report) -> None:
    """Aliases are short spoken names, and each name or alias points at one policy only."""
    owner: dict[str, str] = {}
    for source, doc in docs.items():
        if isinstance(doc.data, dict):
            for name, path in _names(doc.data):
                if path[0] != "aliases":
                    owner.setdefault(name, source)
    for source, doc in docs.items():
        if not isinstance(doc.data, dict):
            continue
        own = {name for name, path in _names(doc.data) if path[0] != "aliases"}
        for name, path in _names(doc.data):
            if path[0] != "aliases":
                continue
            where = Location(source, line=doc.line(*path))
            if len(name) > ALIAS_LIMIT:
                report.add("YZ-FIND-001", where, value=name, length=len(name), limit=ALIAS_LIMIT)
            elif name in own:
                continue  # repeating its own name is harmless
            elif owner.get(name, source) != source:
                report.add("YZ-FIND-002", where, value=name, other=owner[name])
            else:
                owner[name] = source


def _check_conditions(doc: YamlDoc, groups: Any, source: str, report: Report) -> None:
    """Each group of 政策找人 conditions names something, and its ages make a range."""
    for index, group in enumerate(groups if isinstance(groups, list) else []):
        where = Location(source, line=doc.line("conditions", index))
        if isinstance(group, dict) and not any(v not in (None, "", [], {}) for v in group.values()):
            report.add("YZ-FIND-004", where, index=index + 1)
        age = group.get("age") if isinstance(group, dict) else None
        if not isinstance(age, dict):
            continue
        low, high = age.get("min"), age.get("max")
        at = Location(source, line=doc.line("conditions", index, "age"))
        for value in (low, high):
            if isinstance(value, int) and not isinstance(value, bool) and value > AGE_LIMIT:
                report.add("YZ-FIND-003", at, detail=f"{value} 岁超过 {AGE_LIMIT} 岁", limit=AGE_LIMIT)
        if isinstance(low, int) and isinstance(high, int) and low > high:
            report.add("YZ-FIND-003", at, detail=f"最小 {low} 岁大于最大 {high} 岁", limit=AGE_LIMIT)
        if low is None and high is None:
            report.add("YZ-FIND-003", at, detail="没有写 min 或 max", limit=AGE_LIMIT)
