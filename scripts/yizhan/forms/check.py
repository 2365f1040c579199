"""Located checks of forms/*.yml: a broken definition gets a Chinese message with file:line."""

from __future__ import annotations

import re
from typing import Any

from ..feedback.report import Location, Report
from ..intake.yamlfile import YamlDoc
from ..model.project import TableSpec
from ..rules.ids import MAX_LENGTH, is_safe_id
from ..rules.vocab import PUBLIC, PUBLICATIONS, REGISTER_FILLED
from .model import CHOICE_KINDS, KINDS, VALUE_KINDS

FORM_KEYS = {"code", "title", "version", "purpose", "dataset", "register", "fields", "notes"}
REQUIRED_FORM_KEYS = {"code": "表格代码", "title": "表格名称", "version": "版本号", "fields": "栏目"}
FIELD_KEYS = {
    "key", "kind", "label", "hint", "required", "choices", "min", "max", "min_length", "max_length",
    "pattern", "publication", "when", "default", "lines", "rows", "columns",
}  # fmt: skip
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")


class _FormChecker:
    """Walks one definition, adding every problem to the report."""

    def __init__(self, source: str, doc: YamlDoc, specs: dict[str, TableSpec], report: Report) -> None:
        self.source, self.doc, self.specs, self.report = source, doc, specs, report
        self.seen: dict[str, int] = {}  # field key → line
        self.choices: dict[str, tuple[str, ...]] = {}

    def at(self, *path: str | int) -> Location:
        return Location(self.source, line=self.doc.line(*path))

    def run(self) -> None:
        data = self.doc.data
        if not isinstance(data, dict):
            self.report.add("YZ-FORM-002", self.at(), key="fields", title="栏目")
            return
        for key in data:
            if key not in FORM_KEYS:
                self.report.add("YZ-FORM-001", self.at(str(key)), key=key)
        for key, title in REQUIRED_FORM_KEYS.items():
            if data.get(key) in (None, "", []):
                self.report.add("YZ-FORM-002", self.at(key), key=key, title=title)
        stem = self.source.rsplit("/", 1)[-1].removesuffix(".yml")
        code = str(data.get("code") or "")
        if code and not is_safe_id(code, lowercase=True):
            self.report.add("YZ-YAML-016", self.at("code"), title="表格代码", value=code, limit=MAX_LENGTH)
        if data.get("code") not in (None, "") and str(data["code"]) != stem:
            self.report.add("YZ-FORM-007", self.at("code"), value=data["code"], stem=stem)
        dataset = data.get("dataset")
        spec = None
        if dataset:
            spec = self.specs.get(str(dataset))
            if spec is None:
                names = "、".join(f"{s.name}（{s.title}）" for s in self.specs.values())
                self.report.add("YZ-FORM-008", self.at("dataset"), value=dataset, choices=names)
        fields = data.get("fields")
        if isinstance(fields, list):
            for index, item in enumerate(fields):
                self.field(item, ("fields", index))
            if spec is not None:
                self.dataset_columns(fields, spec, data.get("register") is True)

    def field(self, item: Any, path: tuple[str | int, ...], columns: dict[str, int] | None = None) -> None:
        """One field; `columns` is the key namespace of the repeating table it belongs to."""
        in_table = columns is not None
        seen = self.seen if columns is None else columns
        if not isinstance(item, dict):
            self.report.add("YZ-FORM-002", self.at(*path), key="key", title="栏目代码")
            return
        for key in item:
            if key not in FIELD_KEYS:
                self.report.add("YZ-FORM-001", self.at(*path, str(key)), key=key)
        key, kind = item.get("key"), item.get("kind")
        if not key:
            self.report.add("YZ-FORM-002", self.at(*path), key="key", title="栏目代码")
        elif not KEY_PATTERN.match(str(key)):
            self.report.add("YZ-FORM-015", self.at(*path, "key"), value=key)
        elif key in seen:
            self.report.add("YZ-FORM-004", self.at(*path, "key"), value=key, other=seen[key])
        if key:
            seen.setdefault(str(key), self.doc.line(*path, "key") or 0)
        allowed = VALUE_KINDS if in_table else KINDS
        if kind not in allowed:
            names = "、".join(allowed)
            self.report.add("YZ-FORM-003", self.at(*path, "kind"), value=kind, choices=names)
            return
        if kind not in ("section",) and not item.get("label"):
            self.report.add("YZ-FORM-002", self.at(*path), key="label", title="栏目名称")
        if item.get("publication", PUBLIC) not in PUBLICATIONS:
            value, choices = item["publication"], "、".join(PUBLICATIONS)
            self.report.add("YZ-FORM-010", self.at(*path, "publication"), value=value, choices=choices)
        if kind in CHOICE_KINDS:
            choices = item.get("choices")
            if not isinstance(choices, list) or not choices:
                self.report.add("YZ-FORM-006", self.at(*path), label=item.get("label", key))
            elif not in_table:
                self.choices[str(key)] = tuple(str(c) for c in choices)
        elif kind == "yesno" and not in_table:
            self.choices[str(key)] = ("是", "否")
        pattern = item.get("pattern")
        if pattern is not None:
            try:
                re.compile(str(pattern))
            except re.error:
                self.report.add("YZ-FORM-011", self.at(*path, "pattern"), value=pattern)
        if "when" in item:
            self.condition(item["when"], (*path, "when"))
        if kind == "table":
            columns = item.get("columns")
            if not isinstance(columns, list) or not columns:
                self.report.add("YZ-FORM-012", self.at(*path), label=item.get("label", key))
                return
            names: dict[str, int] = {}
            for index, column in enumerate(columns):
                self.field(column, (*path, "columns", index), names)

    def condition(self, when: Any, path: tuple[str | int, ...]) -> None:
        if not isinstance(when, dict) or "field" not in when or not ({"equals", "in"} & set(when)):
            self.report.add("YZ-FORM-005", self.at(*path), value=when)
            return
        target = str(when["field"])
        if target not in self.choices:
            known = target in self.seen
            code = "YZ-FORM-013" if known else "YZ-FORM-009"
            self.report.add(code, self.at(*path, "field"), value=target)
            return
        values = when["in"] if "in" in when else [when["equals"]]
        for value in values if isinstance(values, list) else [values]:
            if str(value) not in self.choices[target]:
                choices = "、".join(self.choices[target])
                self.report.add("YZ-FORM-014", self.at(*path), value=value, field=target, choices=choices)

    def dataset_columns(self, fields: list[Any], spec: TableSpec, register: bool = False) -> None:
        """A form that feeds a dataset answers every required column, and only known ones.

        A register form (`register: true`, e.g. an application into 申请受理登记) feeds only the columns it
        shares with the register; its other answers stay on paper or on the collection server.
        """
        by_key = {c.key: c for c in spec.columns}
        given: set[str] = set()
        for index, item in enumerate(fields):
            if not isinstance(item, dict) or item.get("kind") not in VALUE_KINDS:
                continue
            key = str(item.get("key"))
            given.add(key)
            column = by_key.get(key)
            if column is None and register:
                continue
            if column is None:
                self.report.add("YZ-FORM-016", self.at("fields", index, "key"), value=key, dataset=spec.title)
            elif item.get("publication", PUBLIC) != column.publication:
                where = self.at("fields", index, "publication")
                value = item.get("publication", PUBLIC)
                self.report.add(
                    "YZ-FORM-018", where, value=value, title=column.title, expected=column.publication
                )
        for column in spec.columns:
            if (
                column.required
                and column.key not in given
                and not (register and column.key in REGISTER_FILLED)
            ):
                where = self.at("fields")
                self.report.add("YZ-FORM-017", where, key=column.key, title=column.title, dataset=spec.title)


def check_forms(docs: dict[str, YamlDoc], specs: dict[str, TableSpec], report: Report) -> None:
    """Every problem in every form definition."""
    for source, doc in docs.items():
        _FormChecker(source, doc, specs, report).run()
