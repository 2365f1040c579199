"""Cells as typed → values as the data package expects, with a note of every kind of change made.

Full-width digits and letters in code, number, phone, ID and date columns; thousands separators in
numbers; dates in any common spelling (20260305, 2026/3/5); Excel date cells in 年月 columns; the
vocabulary's aliases (村级 → 村). Excel damage is found here too: ID numbers stored as numbers or in
scientific notation, phone numbers that lost their leading 0.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..model.project import Column
from ..rules.numbers import fold, is_phone
from ..rules.vocab import canonical
from .tabular import by_unique, normalize_date

_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_YEAR_MONTH = re.compile(r"^(\d{4})\s*(?:[-/.年]\s*(\d{1,2})\s*月?|(\d{2}))$")
_SCIENTIFIC = re.compile(r"^\d+(?:\.\d+)?[Ee]\+?\d+$")
WHAT = {
    "fold": "全角数字、字母或空格改为半角",
    "thousands": "去掉了千位分隔符",
    "date": "日期改为 年-月-日 的写法",
    "yearmonth": "年月按 年-月 读取（Excel 把它存成了日期，取其中的年和月）",
    "vocab": "常用写法改为规范的值",
}


@dataclass
class Change:
    """One kind of change made in one column: how many cells and the first example."""

    key: str
    what: str
    count: int
    before: str
    after: str


def folds(column: Column) -> bool:
    """Columns whose text is digits and letters, where full-width forms are read as half-width."""
    return (
        column.type in ("integer", "number", "date")
        or column.check in ("phone", "id_number")
        or column.kind in ("code", "yearmonth")
    )


def _thousands(value: str) -> str:
    return value.replace(",", "") if _THOUSANDS.match(value) else value


def year_month(value: str) -> str:
    """2025/12, 2025年12月, 202512 and 2025-12-01 (what Excel makes of 2025-12) → 2025-12."""
    full = normalize_date(value)
    if full != value and full.endswith("-01"):
        return full[:7]
    match = _YEAR_MONTH.match(value)
    if not match:
        return value
    month = int(match.group(2) or match.group(3))
    return f"{match.group(1)}-{month:02d}" if 1 <= month <= 12 else value


def _steps(column: Column) -> list[tuple[str, Callable[[str], str]]]:
    steps: list[tuple[str, Callable[[str], str]]] = []
    if folds(column):
        steps.append(("fold", fold))
    if column.type in ("integer", "number"):
        steps.append(("thousands", _thousands))
    if column.type == "date":
        steps.append(("date", normalize_date))
    if column.kind == "yearmonth":
        steps.append(("yearmonth", year_month))
    if column.vocab:
        kind = column.vocab
        steps.append(("vocab", lambda v: canonical(kind, v)))
    return steps


def normalize_column(
    column: Column, values: np.ndarray, date_rows: np.ndarray
) -> tuple[np.ndarray, list[Change]]:
    """The column's values as expected, and the changes made (one per kind, with a count)."""
    changes = []
    if column.kind == "yearmonth" and date_rows.any():
        cut = values.copy()
        cut[date_rows] = [v[:7] for v in values[date_rows]]
        first = int(np.argmax(date_rows))
        changes.append(Change(column.key, "yearmonth", int(date_rows.sum()), values[first], cut[first]))
        values = cut
    for what, step in _steps(column):
        new = by_unique(values, step)
        changed = new != values
        if changed.any():
            first = int(np.argmax(changed))
            changes.append(Change(column.key, what, int(changed.sum()), values[first], new[first]))
        values = new
    return values, changes


def id_damage(values: np.ndarray, number_rows: np.ndarray) -> np.ndarray:
    """Rows whose ID number Excel stored as a number (XLSX/XLS cell) or wrote in scientific notation."""
    scientific = by_unique(values, lambda v: "1" if _SCIENTIFIC.match(v) else "") != ""
    return (number_rows | scientific) & (values != "")


def lost_zero(values: np.ndarray) -> np.ndarray:
    """Rows whose phone number is valid only with a 0 in front: Excel dropped it."""
    marks = by_unique(values, lambda v: "1" if v.isdigit() and not is_phone(v) and is_phone("0" + v) else "")
    return marks != ""
