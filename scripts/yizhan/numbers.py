"""Pure checks on single values: ID numbers (GB 11643), phone numbers."""

from __future__ import annotations

import datetime as dt
import re

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
ID_SHAPE = re.compile(r"^\d{17}[\dX]$")
MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,5})?$")
SERVICE_NUMBER = re.compile(r"^(1\d{4}|400-?\d{3}-?\d{4})$")  # 12345, 95598, 400 lines


def id_check_char(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11]


def id_number_problem(value: str) -> str | None:
    """Why `value` is not a valid 18-character ID number, or None when it is."""
    value = value.upper()
    if len(value) != 18:
        return f"应为18位，实际 {len(value)} 位"
    if not ID_SHAPE.match(value):
        return "前17位应为数字，最后一位为数字或X"
    try:
        dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return f"出生日期 {value[6:14]} 不存在"
    if id_check_char(value[:17]) != value[17]:
        return "校验码不对（可能有数字录错）"
    return None


def is_valid_id_number(value: str) -> bool:
    return id_number_problem(value) is None


def normalize_phone(value: str) -> str:
    return re.sub(r"[\s()（）]", "", value)


def is_phone(value: str) -> bool:
    """An 11-digit mobile, a landline with area code, or a short service number like 12345."""
    value = normalize_phone(value)
    return bool(MOBILE.match(value) or LANDLINE.match(value) or SERVICE_NUMBER.match(value))
