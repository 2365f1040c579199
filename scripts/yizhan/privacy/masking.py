"""De-identification rules, applied in one place (derive) from the schemas' publication classes."""

from __future__ import annotations

import re

import pandas as pd

from ..rules.numbers import fold, mask_numbers, parse_phone

COMPOUND_SURNAMES = frozenset(
    [
        "欧阳",
        "司马",
        "诸葛",
        "上官",
        "东方",
        "皇甫",
        "尉迟",
        "公孙",
        "慕容",
        "长孙",
        "宇文",
        "司徒",
        "夏侯",
        "轩辕",
        "令狐",
        "端木",
        "独孤",
        "南宫",
        "西门",
        "百里",
        "呼延",
        "澹台",
        "万俟",
        "闻人",
        "申屠",
        "太史",
        "公羊",
        "赫连",
        "钟离",
        "宗政",
        "濮阳",
        "淳于",
        "单于",
        "仲孙",
        "司空",
        "亓官",
        "司寇",
        "子车",
        "颛孙",
        "壤驷",
        "公良",
        "漆雕",
        "乐正",
        "拓跋",
        "夹谷",
        "第五",
    ]
)


def mask_name(name: str) -> str:
    """张三丰 → 张*丰, 张三 → 张*, 欧阳小明 → 欧阳**明 (surname kept, given name hidden but its last character)."""
    name = name.strip()
    if len(name) <= 1:
        return "*" if name else ""
    surname_len = 2 if name[:2] in COMPOUND_SURNAMES and len(name) > 2 else 1
    given = name[surname_len:]
    if len(given) == 1:
        return name[:surname_len] + "*"
    return name[:surname_len] + "*" * (len(given) - 1) + given[-1]


def mask_phone(phone: str) -> str:
    """138****1234 for a mobile in any spelling; landlines keep the area code and the last 4 digits."""
    parsed = parse_phone(phone)
    if parsed is not None:
        return parsed.masked
    digits = re.sub(r"\D", "", fold(phone))
    return "*" * (len(digits) - 4) + digits[-4:] if len(digits) >= 7 else "*" * len(digits)


def mask_text(text: str) -> str:
    """Hide ID numbers (every 18- or 15-digit run) and phone numbers typed into free text, in any spelling."""
    return mask_numbers(text, every_id=True)


def officials_only(names: pd.Series, officials: frozenset[str]) -> pd.Series:
    """责任人 as published: a name the county lists as a public official stays, every other cell is blank."""
    names = names.astype("string").str.strip()
    listed = names.isin(officials).fillna(False).to_numpy(dtype=bool)
    return names.where(listed, "").astype(object)


MASKS = {"name": mask_name, "phone": mask_phone, "text": mask_text}
OFFICIAL = "official"  # the mask of a column whose names are public only for the county's public_officials
