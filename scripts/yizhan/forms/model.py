"""A form definition as typed objects: fields, kinds, conditions, the dataset it feeds."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Field kinds and what a value of each kind is (Table Schema type).
VALUE_KINDS = {
    "text": "string",
    "textarea": "string",
    "integer": "integer",
    "decimal": "number",
    "money": "number",
    "date": "date",
    "choice": "string",
    "multi": "string",
    "yesno": "string",
    "name": "string",
    "id_number": "string",
    "phone": "string",
    "address": "string",
}
# Kinds that only exist on paper or group other fields.
LAYOUT_KINDS = ("section", "signature", "seal", "table")
KINDS = (*VALUE_KINDS, *LAYOUT_KINDS)
CHOICE_KINDS = ("choice", "multi")
YES, NO = "是", "否"
MULTI_SEPARATOR = "；"
# Keys that validate.to_model adds to a definition that feeds a dataset (never typed by people).
DATASET_TITLE, DATASET_COLUMNS, PRIMARY_KEY = "_dataset_title", "_dataset_columns", "_primary_key"


@dataclass(frozen=True)
class Condition:
    """Show a field only when an earlier answer is one of `values` (a multi answer: contains one)."""

    field: str
    values: tuple[str, ...]

    def holds(self, answers: dict[str, str]) -> bool:
        given = answers.get(self.field, "")
        parts = set(given.split(MULTI_SEPARATOR)) if given else set()
        return bool(parts & set(self.values))


@dataclass(frozen=True)
class Field:
    key: str
    kind: str
    label: str
    hint: str = ""
    required: bool = False
    choices: tuple[str, ...] = ()
    min: float | None = None
    max: float | None = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    publication: str = "public"
    when: Condition | None = None
    default: str = ""
    lines: int = 3  # writing lines on paper for long text
    rows: int = 5  # blank rows of a repeating table
    columns: tuple[Field, ...] = ()  # of a repeating table
    number: int = 0  # item number printed on paper (0: not numbered)

    @property
    def has_value(self) -> bool:
        return self.kind in VALUE_KINDS

    @property
    def choice_list(self) -> tuple[str, ...]:
        return (YES, NO) if self.kind == "yesno" else self.choices


@dataclass(frozen=True)
class Form:
    code: str
    title: str
    version: str
    purpose: str
    dataset: str  # internal dataset name, "" when the form feeds none
    fields: tuple[Field, ...]
    source: str = ""
    notes: tuple[str, ...] = ()
    dataset_title: str = ""  # Chinese name of the dataset, e.g. 意见建议
    dataset_columns: dict[str, str] = field(default_factory=dict)  # dataset key → Chinese title
    primary_key: tuple[str, ...] = ()
    register: bool = False  # feeds only the columns it shares with its dataset (申请受理登记)

    def field(self, key: str) -> Field:
        return next(f for f in self.fields if f.key == key)

    @property
    def value_fields(self) -> list[Field]:
        """Every answer in the order of the form, table cells included as their own fields."""
        return [f for f in flatten(self.fields) if f.has_value]


def cell_key(table: Field, row: int, column: Field) -> str:
    return f"{table.key}_{row}_{column.key}"


def flatten(fields: tuple[Field, ...]) -> list[Field]:
    """Fields with each repeating table spread into one field per row and column."""
    out: list[Field] = []
    for item in fields:
        if item.kind != "table":
            out.append(item)
            continue
        for row in range(1, item.rows + 1):
            for column in item.columns:
                label = f"{item.label}{row}·{column.label}"
                out.append(
                    Field(
                        **{
                            **column.__dict__,
                            "key": cell_key(item, row, column),
                            "label": label,
                            "required": False,
                            "when": item.when,
                        }
                    )
                )
    return out


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def to_field(data: dict[str, Any]) -> Field:
    """A checked field mapping → Field (see check.py for what is checked first)."""
    when = data.get("when")
    condition = None
    if isinstance(when, dict):
        values = when.get("in", [when.get("equals")])
        condition = Condition(str(when["field"]), tuple(str(v) for v in values))
    return Field(
        key=str(data["key"]),
        kind=str(data["kind"]),
        label=str(data.get("label") or ""),
        hint=str(data.get("hint") or ""),
        required=bool(data.get("required", False)),
        choices=tuple(str(c) for c in data.get("choices") or ()),
        min=_number(data.get("min")),
        max=_number(data.get("max")),
        min_length=data.get("min_length"),
        max_length=data.get("max_length"),
        pattern=data.get("pattern"),
        publication=str(data.get("publication") or "public"),
        when=condition,
        default=str(data.get("default") or ""),
        lines=int(data.get("lines") or 3),
        rows=int(data.get("rows") or 5),
        columns=tuple(to_field(c) for c in data.get("columns") or ()),
    )


def numbered(fields: list[Field]) -> tuple[Field, ...]:
    """Give every answerable item (value fields and tables) its printed number: 1, 2, 3…"""
    out, count = [], 0
    for item in fields:
        if item.has_value or item.kind == "table":
            count += 1
            item = Field(**{**item.__dict__, "number": count})
        out.append(item)
    return tuple(out)


def to_form(data: dict[str, Any], source: str = "") -> Form:
    """A checked definition mapping → Form."""
    code = source.rsplit("/", 1)[-1].removesuffix(".yml") if source else str(data["code"])
    return Form(
        code=code,
        title=str(data["title"]),
        version=str(data["version"]),
        purpose=str(data.get("purpose") or ""),
        dataset=str(data.get("dataset") or ""),
        fields=numbered([to_field(f) for f in data["fields"]]),
        source=source,
        notes=tuple(str(n) for n in data.get("notes") or ()),
        dataset_title=str(data.get(DATASET_TITLE) or ""),
        dataset_columns=dict(data.get(DATASET_COLUMNS) or {}),
        primary_key=tuple(data.get(PRIMARY_KEY) or ()),
        register=data.get("register") is True,
    )
